"""The built Chinese edition (``make book-zh``, ``_build/html-zh``), as the English one is checked.

In a real browser, offline: every page loads nothing from off the machine, every local
request succeeds, the console stays clean, the math is typeset, images and widgets are
drawn, solutions open on a click. On the files: every page is in Chinese (its titles and most
of its prose: a translation Sphinx dropped shows up here as English), and each edition links
to the same page in the other. Run after ``make book`` and ``make book-zh`` (``make test``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.browser import page_visits, serve
from tests.test_built_book import toc_files
from tools import i18n
from tools.chapter_format import CHAPTERS, ROOT, read

pytestmark = pytest.mark.html

HTML_EN = ROOT / "_build" / "html"
HTML_ZH = i18n.HTML_ZH
SCREENSHOTS = ROOT / "_build" / "screenshots-zh"
ACCESSIBILITY_REPORT = ROOT / "_build" / "accessibility-zh.md"
PAGES = [f"{file}.html" for file in toc_files()]
CHINESE_PAGES = [p for p in PAGES if p.removesuffix(".html") not in i18n.ENGLISH_ONLY]
# A chapter keeps English in code, outputs and names; its prose must still be mostly Chinese.
MIN_CHINESE_SHARE = 0.5
# Pages whose prose is mostly English in both editions, and why.
ENGLISH_PROSE = {"book/bibliography.html": "the references give the publications' own titles"}


@pytest.fixture(scope="module", autouse=True)
def built_editions():
    for html, target in ((HTML_EN, "make book"), (HTML_ZH, "make book-zh")):
        if not (html / "index.html").exists():
            pytest.fail(f"{html.relative_to(ROOT)} is not built: run `{target}` first")


def article(html: Path, path: str) -> BeautifulSoup:
    soup = BeautifulSoup((html / path).read_text(encoding="utf-8"), "html.parser")
    return soup.find("article") or soup.body


def prose(node: BeautifulSoup) -> str:
    """The text a reader reads as prose: without code, outputs, math and scripts."""
    for tag in node.select("pre, code, script, style, .math, div.cell_output, .headerlink"):
        tag.decompose()
    return node.get_text(" ")


def chinese_share(text: str) -> float:
    cjk = len(i18n.CJK.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return cjk / max(cjk + latin, 1)


def edition_link(html: Path, path: str) -> Path:
    soup = BeautifulSoup((html / path).read_text(encoding="utf-8"), "html.parser")
    link = soup.select_one("p.edition-link a")
    assert link is not None, f"{html.name}/{path} has no link to the other edition"
    return ((html / path).parent / link["href"]).resolve()


@pytest.mark.parametrize("path", PAGES)
def test_each_edition_links_to_the_same_page_in_the_other(path):
    assert edition_link(HTML_EN, path) == (HTML_ZH / path).resolve()
    assert edition_link(HTML_ZH, path) == (HTML_EN / path).resolve()
    assert (HTML_ZH / path).exists()


@pytest.mark.parametrize("path", CHINESE_PAGES)
def test_every_page_is_in_chinese(path):
    page = (HTML_ZH / path).read_text(encoding="utf-8")
    assert '<html lang="zh-CN"' in page
    body = article(HTML_ZH, path)
    english_titles = [h.get_text(" ", strip=True) for h in body.select("h1, h2")
                      if not i18n.CJK.search(h.get_text())]
    assert not english_titles, "titles left in English (a translation Sphinx dropped? python -m tools.i18n check)"
    if path in ENGLISH_PROSE:
        return
    share = chinese_share(prose(body))
    assert share >= MIN_CHINESE_SHARE, f"only {share:.0%} of the prose's letters are Chinese"


@pytest.mark.parametrize("path", [p for p in CHINESE_PAGES if p.startswith("chapters/")])
def test_exercise_and_solution_titles_are_in_chinese(path):
    titles = [t.get_text(" ", strip=True) for t in article(HTML_ZH, path).select(".admonition-title")]
    # "练习 22 (为什么不从零开始？)": the box's kind comes from sphinx-exercise, its own title
    # (in parentheses) from the catalogue.
    own = [m[1] for t in titles if (m := re.search(r"\((.*)\)\s*$", t))]
    english = [t for t in [*titles, *own] if not i18n.CJK.search(t)]
    assert not english, "box titles left in English (tools/i18n.py; book/_ext/editions.py for exercise titles)"
    assert "toggleHintShow = '点击显示'" in (HTML_ZH / path).read_text(encoding="utf-8"), "the solution toggle's hint"


def test_the_landing_page_says_what_stays_english():
    text = prose(article(HTML_ZH, "book/index.html"))
    assert "英文" in text and "中文版" in text
    assert "This is the Chinese edition" not in prose(article(HTML_EN, "book/index.html"))


def chinese_title(notebook: str) -> str:
    """A chapter's title in the Chinese edition, without its number ("反向传播")."""
    english = read(ROOT / "chapters" / f"{notebook}.ipynb").cells[0].source.splitlines()[0].lstrip("# ")
    return re.sub(r"^[\d\\.\s]+", "", i18n.translation(f"chapters/{notebook}", english))


@pytest.mark.parametrize("notebook", [nb.stem for nb in CHAPTERS])
def test_search_finds_a_chapter_by_its_chinese_title(browser, notebook):
    import jieba  # the word splitter Sphinx's Chinese search index uses

    word = max((w for w in jieba.lcut(chinese_title(notebook)) if len(i18n.CJK.findall(w)) >= 2), key=len)
    with serve(HTML_ZH) as base_url:
        page = browser.new_page()
        try:
            page.goto(f"{base_url}search.html?q={word}")
            page.wait_for_selector("#search-results .search-summary", timeout=20_000)
            hits = page.eval_on_selector_all("ul.search li a", "links => links.map(a => a.getAttribute('href'))")
        finally:
            page.close()
    assert any(h.split("#")[0].endswith(f"chapters/{notebook}.html") for h in hits), (
        f"searching {word!r} does not find the chapter (is jieba installed?): {hits}")


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.name for nb in CHAPTERS])
def test_a_chapter_downloads_as_the_chinese_notebook(notebook):
    page = BeautifulSoup((HTML_ZH / "chapters" / f"{notebook.stem}.html").read_text(encoding="utf-8"), "html.parser")
    links = [a["href"] for a in page.select("a.btn-download-source-button")]
    assert links == [f"../_sources/chapters/{notebook.name}"], links
    served, english = read(HTML_ZH / "_sources" / "chapters" / notebook.name), read(notebook)
    assert [c.source for c in served.cells if c.cell_type == "code"] == \
           [c.source for c in english.cells if c.cell_type == "code"]
    assert re.search(r"[\u4e00-\u9fff]", served.cells[0].source), "the download's title is not Chinese"


@pytest.fixture(scope="session")
def zh_reports(browser):
    with serve(HTML_ZH) as base_url, page_visits(browser, base_url, SCREENSHOTS, ACCESSIBILITY_REPORT) as report:
        yield report


@pytest.mark.parametrize("path", PAGES)
def test_chinese_page_works_offline(zh_reports, path):
    report = zh_reports(path)
    assert not report.external, "the page asks a public server for something"
    assert not report.failed, "local requests failed"
    assert not report.console_errors


@pytest.mark.parametrize("path", PAGES)
def test_chinese_page_draws_math_images_widgets_and_solutions(zh_reports, path):
    report = zh_reports(path)
    assert not report.unrendered_math and not report.tex_errors and not report.raw_tex
    assert not report.broken_images
    assert report.unrendered_widgets == 0
    assert not report.solutions_shown_early and not report.solutions_not_shown
    if path.startswith("chapters/"):
        assert report.solutions > 0


@pytest.mark.parametrize("path", PAGES)
def test_chinese_page_passes_the_accessibility_audit(zh_reports, path):
    """The same axe-core audit as the English pages (the translated text has its own
    lengths, wrapping and language attribute): no violation of any impact."""
    assert not zh_reports(path).accessibility, "accessibility violations (axe-core)"
