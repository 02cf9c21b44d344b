"""Chinese chapter notebooks made from the catalogues (tools.translate_notebooks), and the
Chinese student notebooks tools.assign makes from them. Fast: nothing is executed."""

from __future__ import annotations

import re

import nbformat
import pytest
from babel.messages.catalog import Catalog

from tools import assign, plainmd
from tools.chapter_format import CHAPTERS
from tools.translate_notebooks import EDITION_KEY, main, translate, translate_chapter

CJK = re.compile(r"[\u3400-\u9fff]")


def catalog(pairs: dict[str, str]) -> Catalog:
    cat = Catalog(locale="zh_CN")
    for msgid, msgstr in pairs.items():
        cat.add(msgid, msgstr, locations=[("x.ipynb", 10002)])
    return cat


def notebook(*markdown: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(m) for m in markdown]
                                    + [nbformat.v4.new_code_cell("print('step')  # step")])


@pytest.fixture(scope="module")
def chapters():
    return {path.stem: (nbformat.read(path, as_version=4), *translate_chapter(path)) for path in CHAPTERS}


def test_each_message_goes_to_its_block_only():
    nb = notebook("## A step\n\nTake a step and\n  then another step.\n\n| step | A step |\n|---|---|\n| x | step |\n\n- step")
    zh, unplaced = translate(nb, catalog({"step": "步骤", "A step": "一步", "Take a step and then another step.": "走一步，再走一步。"}))
    assert zh.cells[0].source == "## 一步\n\n走一步，再走一步。\n\n| 步骤 | 一步 |\n|---|---|\n| x | 步骤 |\n\n- 步骤"
    assert zh.cells[1].source == nb.cells[1].source, "code is never translated"
    assert unplaced == [] and zh.metadata[EDITION_KEY] == "zh_CN" and EDITION_KEY not in nb.metadata


def test_a_translation_is_put_in_as_written_and_an_unplaceable_message_is_reported():
    nb = notebook("```{exercise} Hand gradients\n:label: ex-a\n```", "# 5. Training")
    zh, unplaced = translate(nb, catalog({"Hand gradients": r"手算梯度 $\mathbf w$", "5. Training": r"5\. 训练",
                                  "not in the notebook": "无"}))
    assert zh.cells[0].source.startswith("```{exercise} 手算梯度 $\\mathbf w$\n")
    assert zh.cells[1].source == "# 5\\. 训练"
    assert unplaced == ["not in the notebook"]


@pytest.mark.parametrize("chapter", [p.stem for p in CHAPTERS])
def test_every_message_of_a_chapter_is_placed_and_its_code_is_untouched(chapters, chapter):
    english, chinese, unplaced = chapters[chapter]
    assert not unplaced, f"translations with no place in the notebook: {unplaced[:5]}"
    assert [c.cell_type for c in chinese.cells] == [c.cell_type for c in english.cells]
    assert [c.source for c in chinese.cells if c.cell_type == "code"] == \
           [c.source for c in english.cells if c.cell_type == "code"]


def _english_blocks(nb) -> list[str]:
    """Markdown blocks with five or more English words and no Chinese, without their code,
    math and roles (display math and code blocks stay English on purpose)."""
    blocks = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = re.sub(r"\$\$.*?\$\$|```[a-z]+\n.*?\n```", "", cell.source, flags=re.S)
        text = re.sub(r"^(`{3,}|:{3,})(\{[\w:-]+\})?", "", text, flags=re.M)  # fences; a title stays
        for block in re.split(r"\n\s*\n|\n(?=[ \t]*(?:[-*]|\d+\.|#|\|) )", text):
            prose = re.sub(r"\$[^$\n]*\$|\{[\w:-]+\}`[^`]*`|`[^`]*`|\]\([^)]*\)", "", block)
            if len(re.findall(r"[A-Za-z]{3,}", prose)) >= 5 and not CJK.search(prose):
                blocks.append(block[:120])
    return blocks


@pytest.mark.parametrize("chapter", [p.stem for p in CHAPTERS])
def test_a_chinese_chapter_has_no_english_prose_left(chapters, chapter):
    english, chinese, _ = chapters[chapter]
    assert _english_blocks(english), "the check finds English prose in the English chapter"
    assert not _english_blocks(chinese)


def test_chinese_student_notebook_titles_exercises_in_chinese(chapters):
    _, chinese, _ = chapters["04_backpropagation"]
    source = assign.source_notebook(chinese, 4)  # the release differs in its solutions only
    text = "\n".join(c.source for c in source.cells if c.cell_type == "markdown")
    assert "**练习 4.1** (" in text and "Exercise" not in text
    assert "练习 练习" not in text and "（练习 4." in text, "a reference to an exercise names it once"


def test_a_reference_to_an_exercise_says_exercise_once():
    ctx = plainmd.Context(ref_title=lambda target: "Exercise 4.4")
    assert plainmd.render("(exercise {ref}`ex-a`); Exercise {ref}`ex-a`.", ctx) == "(Exercise 4.4); Exercise 4.4."


def test_the_command_writes_the_notebooks(tmp_path, capsys):
    assert main([str(CHAPTERS[0]), "--out", str(tmp_path)]) == 0
    written = nbformat.read(tmp_path / CHAPTERS[0].name, as_version=4)
    assert written.metadata[EDITION_KEY] == "zh_CN" and CJK.search(written.cells[0].source)
    assert "0 messages not placed" in capsys.readouterr().out
