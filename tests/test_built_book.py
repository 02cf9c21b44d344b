"""Checks on the built HTML book (`make book` first; `make test` runs them after it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tools.chapter_format import CHAPTERS, ROOT

pytestmark = pytest.mark.html
HTML = ROOT / "_build" / "html"


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


@pytest.fixture(scope="module", autouse=True)
def built_book():
    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make book` first")


def page(file: str) -> str:
    return (HTML / f"{file}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("file", toc_files())
def test_every_toc_entry_has_a_page(file):
    assert (HTML / f"{file}.html").exists()


def test_every_chapter_is_in_the_toc():
    listed = set(toc_files())
    assert {f"chapters/{p.stem}" for p in CHAPTERS} <= listed


@pytest.mark.parametrize("chapter", [p.stem for p in CHAPTERS])
def test_chapter_page_has_executed_outputs_and_no_errors(chapter):
    html = page(f"chapters/{chapter}")
    assert re.search(r'<img [^>]*src="[^"]*\.png"', html), "the chapter shows no figure"
    assert "cell_output" in html, "the chapter has no executed outputs"
    for marker in ("Traceback (most recent call last)", "output stderr", "output traceback"):
        assert marker not in html, f"the chapter page shows {marker!r}"


@pytest.mark.parametrize("chapter", [p.stem for p in CHAPTERS])
def test_chapter_solutions_are_collapsed_dropdowns(chapter):
    html = page(f"chapters/{chapter}")
    exercises = html.count('class="exercise admonition')
    assert exercises >= 5
    assert html.count("solution dropdown") >= exercises


def test_glossary_and_bibliography_are_filled():
    assert page("book/glossary").count('<dt id="term-') >= 30
    assert page("book/bibliography").count('class="citation"') + page("book/bibliography").count("<dt ") >= 10


def test_terms_link_to_the_glossary():
    html = page(f"chapters/{CHAPTERS[0].stem}")
    assert "glossary.html#term-" in html
