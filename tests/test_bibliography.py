"""The bibliography parses, every citation in the chapters and book pages names an entry, and every entry is cited.

The book build finds these too, but only after executing every chapter; this is the fast tier.
"""

from __future__ import annotations

import re

from pybtex.database import parse_file

from tools.chapter_format import CHAPTERS, ROOT, read

CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")


def _cited_keys() -> set[str]:
    texts = [c.source for p in CHAPTERS for c in read(p).cells if c.cell_type == "markdown"]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.md")]
    return {key.strip() for text in texts for match in CITE.findall(text) for key in match.split(",")}


def test_references_parse_and_cover_every_citation():
    entries = parse_file(ROOT / "book" / "references.bib").entries  # raises on a syntax error
    missing = sorted(_cited_keys() - set(entries))
    assert not missing, f"cited but not in book/references.bib: {missing}"


def test_every_reference_is_cited_where_it_is_used():
    """The bibliography page lists only what the book cites (no ``:all:``), so an entry nobody cites is dead weight."""
    uncited = sorted(set(parse_file(ROOT / "book" / "references.bib").entries) - _cited_keys())
    assert not uncited, f"in book/references.bib but cited nowhere (cite them where used, or remove them): {uncited}"
