"""The bilingual glossary: every ``{term}`` the book links has an entry, and every entry gives
its standard Chinese term and a one-line definition.

The book build warns about a missing term too, but only after executing every chapter; this is
the fast tier.
"""

from __future__ import annotations

import re

from tools.chapter_format import CHAPTERS, ROOT, read
from tools.plain_notebooks import glossary_anchors

GLOSSARY = ROOT / "book" / "glossary.md"
TERM = re.compile(r"\{term\}`([^`]+)`")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _linked_terms() -> dict[str, str]:
    """Every ``{term}`` target (lower case, whitespace folded) -> where it is first linked."""
    sources = [(p.name, c.source) for p in CHAPTERS for c in read(p).cells if c.cell_type == "markdown"]
    sources += [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "book").glob("*.md"))]
    terms: dict[str, str] = {}
    for where, text in sources:
        for role in TERM.findall(text):
            target = re.search(r"<([^<>]+)>\s*$", role)  # {term}`shown text <target>`
            terms.setdefault(" ".join((target.group(1) if target else role).split()).lower(), where)
    return terms


def _entries() -> list[tuple[str, list[str]]]:
    """The glossary's (term, definition lines), in file order."""
    text = GLOSSARY.read_text(encoding="utf-8")
    block = re.search(r"^```\{glossary\}\n(.*?)^```\s*$", text, re.M | re.S)
    assert block, "book/glossary.md has no ```{glossary} block"
    entries: list[tuple[str, list[str]]] = []
    for line in block.group(1).split("\n"):
        if not line.strip() or line.startswith(":"):
            continue
        if line[0].isspace():
            assert entries, f"a definition before any term: {line!r}"
            entries[-1][1].append(line.strip())
        else:
            entries.append((line.strip(), []))
    return entries


def test_every_linked_term_has_an_entry():
    anchors = glossary_anchors()
    missing = {term: where for term, where in _linked_terms().items() if term not in anchors}
    assert not missing, f"{{term}} targets missing from book/glossary.md (term: first linked in): {missing}"


def test_entries_are_unique():
    terms = [term.lower() for term, _ in _entries()]
    assert len(terms) == len(set(terms)), sorted({t for t in terms if terms.count(t) > 1})


def test_every_entry_gives_the_chinese_term_and_a_one_line_definition():
    bad = [
        term for term, definition in _entries()
        if len(definition) != 1
        or not (match := re.match(r"\*\*([^*]+)\*\* -- (\S.*)$", definition[0]))
        or not CJK.search(match.group(1)) or len(match.group(2)) < 20
    ]
    assert not bad, f"glossary entries not of the form '**中文** -- one-line definition': {bad}"


def test_the_check_sees_a_missing_term(tmp_path, monkeypatch):
    """The linked-term scan finds a wrapped, aliased term, so the first test can fail."""
    monkeypatch.setattr("tests.test_glossary.CHAPTERS", [])
    page = tmp_path / "book"
    page.mkdir()
    (page / "x.md").write_text("a {term}`losses <loss\n function>` and {term}`no such term`", encoding="utf-8")
    monkeypatch.setattr("tests.test_glossary.ROOT", tmp_path)
    assert _linked_terms() == {"loss function": "x.md", "no such term": "x.md"}
