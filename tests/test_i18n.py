"""The Chinese edition's catalogues (tools/i18n.py): complete, faithful to the English markup.

Whether they are in step with the *current* English needs a gettext extraction (about
20 s): ``make test-i18n`` runs it (``python -m tools.i18n check``). Here, the catalogues as
they are, and the rules the check applies, on messages made up to break each one.
"""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from tests.test_built_book import toc_files
from tools import i18n

PAGE = "chapters/04_backpropagation"


def test_every_message_is_translated_none_fuzzy_and_markup_intact():
    found = i18n.problems()
    listed = "\n".join(str(p) for p in found[:25])
    assert not found, (f"{len(found)} messages of the Chinese edition to fix (python -m tools.i18n check "
                       f"--catalogues-only; todo/fill):\n{listed}")


def test_every_page_but_the_english_only_ones_has_a_catalogue():
    pages = {file for file in toc_files() if file not in i18n.ENGLISH_ONLY}
    missing = sorted(p for p in pages if not i18n.catalogue_path(p).exists())
    assert not missing, f"pages without a catalogue (make i18n-update): {missing}"


@pytest.mark.parametrize("msgstr, expected", [
    ("", "untranslated"),
    ("用 $a$ 计算 `x.grad`。", "markup differs"),                     # $b$ became $a$
    ("用 $b$ 计算 `y.grad`。", "markup differs"),                     # the code changed
    ("用 $b$ 计算 `x.grad`，见 {cite}`other`。", "markup differs"),   # a citation added
    ("Use $b$ to compute `x.grad`.", "no Chinese"),                   # copied, not translated
    ("1. 用 $b$ 计算 `x.grad`。", "not one paragraph"),               # a list: Sphinx drops it
    ("用 $b$ 计算 `x.grad`。\n\n第二段。", "not one paragraph"),
    ("**用 $b$ 计算（gradient）**的 `x.grad`。", "bold or italic"),  # ** stays literal
])
def test_a_bad_translation_is_named(msgstr, expected):
    problem = i18n.message_problem(PAGE, "Use $b$ to compute `x.grad` with **care**.", msgstr, False)
    assert problem and expected in problem


def test_a_good_translation_passes_and_a_fuzzy_one_does_not():
    english = "Its **{term}`gradient` (梯度)** is $\\nabla L$; see {doc}`the chapter <../chapters/05_training>`."
    chinese = "它的**梯度**（{term}`gradient`）是 $\\nabla L$；见{doc}`第 5 章 <../chapters/05_training>`。"
    assert i18n.message_problem(PAGE, english, chinese, False) is None
    assert "fuzzy" in i18n.message_problem(PAGE, english, chinese, True)
    # The glossary link may show the Chinese term: its target is what must stay.
    retitled = "它的 **{term}`梯度 <gradient>`** 是 $\\nabla L$；见{doc}`第 5 章 <../chapters/05_training>`。"
    assert i18n.message_problem(PAGE, english, retitled, False) is None


def test_code_that_names_a_directive_is_code_not_a_role():
    english = "A **prompt** (an `{exercise}` directive with a label such as `ex-1`);"
    assert i18n.message_problem(PAGE, english, "一个**题目**（一条带有 `ex-1` 等标签的 `{exercise}` 指令）；", False) is None
    assert "markup differs" in i18n.message_problem(PAGE, english, "一个**题目**（一条 `{solution}` 指令）；", False)


def test_a_numbered_title_needs_its_dot_escaped():
    assert "not one paragraph" in i18n.message_problem(PAGE, "4. Backpropagation", "4. 反向传播", False)
    assert i18n.message_problem(PAGE, "4. Backpropagation", "4\\. 反向传播", False) is None


def test_math_code_and_glossary_headwords_stay_english():
    assert i18n.keeps_english(PAGE, "\nL = \\big(\\sigma(w x + b) - y\\big)^2 .\n")
    assert i18n.keeps_english(i18n.GLOSSARY, "chain rule")
    assert not i18n.keeps_english(i18n.GLOSSARY, "**链式法则** -- Differentiating a composition.")
    assert not i18n.keeps_english(PAGE, "Learning objectives")
    assert i18n.message_problem(PAGE, "**Hugging Face**", "**Hugging Face**", False) is None  # a name
    assert not i18n.keeps_english(PAGE, "{doc}`Introduction and history <../chapters/01_introduction>`")
    assert i18n.keeps_english(PAGE, "{doc}`glossary`")
    assert not i18n.keeps_english(i18n.GLOSSARY, "Glossary (术语表)")  # the page's title, not a term
    assert "stay as in the English" in i18n.message_problem(i18n.GLOSSARY, "chain rule", "链式法则", False)


@pytest.fixture()
def catalogues(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "CATALOGUES", tmp_path)
    return tmp_path


def template(*msgids: str) -> Catalog:
    catalog = Catalog()
    for msgid in msgids:
        catalog.add(msgid)
    return catalog


def test_update_adds_new_marks_changed_fuzzy_drops_removed_and_fills_math(catalogues):
    kept, changed, gone = "A sentence that stays.", "A sentence that will change.", "A sentence that goes."
    i18n.update({PAGE: template(kept, changed, gone)})
    assert i18n.fill(PAGE, {0: "一个不变的句子。", 1: "一个将要改变的句子。", 2: "一个将被删除的句子。"}) == []

    i18n.update({PAGE: template(kept, changed.replace("will change", "has changed"), "$$x^2$$", "New words here.")})
    found = {m.id: m for m in i18n.messages(i18n._read(i18n.catalogue_path(PAGE)))}
    assert found[kept].string == "一个不变的句子。" and not found[kept].fuzzy
    assert found["A sentence that has changed."].fuzzy  # its old translation kept as a draft
    assert found["A sentence that has changed."].string == "一个将要改变的句子。"
    assert gone not in found
    assert found["$$x^2$$"].string == "$$x^2$$"
    assert found["New words here."].string == ""
    left = {p.msgid: p.what for p in i18n.problems()}
    assert set(left) == {"A sentence that has changed.", "New words here."}
    assert "fuzzy" in left["A sentence that has changed."]


def test_problems_against_a_fresh_extraction_name_new_and_gone_messages(catalogues):
    i18n.update({PAGE: template("Old words stay.")})
    i18n.fill(PAGE, {0: "旧的话留着。"})
    found = {p.msgid: p.what for p in i18n.problems({PAGE: template("New words arrive.")})}
    assert "new in the English" in found["New words arrive."]
    assert "gone from the English" in found["Old words stay."]


def test_fill_refuses_a_bad_translation_and_an_unknown_number(catalogues):
    i18n.update({PAGE: template("Compute `x.grad` first.")})
    refused = i18n.fill(PAGE, {0: "先计算 `y.grad`。", 5: "多余的。"})
    assert len(refused) == 2 and "markup differs" in refused[0] and "no such message" in refused[1]
    assert i18n.todo(PAGE) == [{"n": 0, "msgid": "Compute `x.grad` first."}]


def test_statistics_count_messages_translated_and_fuzzy(catalogues):
    i18n.update({PAGE: template("One sentence here.", "Two sentences here.", "$y$")})
    i18n.fill(PAGE, {0: "这里一句。"})
    assert i18n.statistics() == [(PAGE, 3, 2, 0)]
    assert "| all | 3 | 2 | 0 | 1 |" in i18n.statistics_table(i18n.statistics())
