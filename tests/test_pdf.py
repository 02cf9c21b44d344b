"""Checks on the PDF edition (`make pdf` first; `make test-pdf` runs them after it).

They read the PDF with poppler's pdftotext, pdfinfo, pdfimages and pdftohtml, and write the
page count and the build time to _build/pdf.md.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from tests.test_built_book import HTML, toc_files
from tests.test_pdf_tools import pdf_book
from tools import ROOT
from tools.chapter_format import CHAPTERS, read
from tools.pdf import pdf_name

pytestmark = pytest.mark.pdf
LATEX = ROOT / "_build" / "latex"
PDF = LATEX / pdf_name(ROOT)
REPORT = ROOT / "_build" / "pdf.md"
CJK = re.compile(r"[\u3400-\u9fff]+")


@pytest.fixture(scope="module", autouse=True)
def built_pdf():
    missing = [p for p in ("pdftotext", "pdfinfo", "pdfimages", "pdftohtml") if shutil.which(p) is None]
    if missing:
        pytest.fail(f"the PDF checks need poppler-utils ({', '.join(missing)} not found); `python -m tools.pdf check`")
    if not PDF.exists():
        pytest.fail(f"the PDF is not built: run `make pdf` first ({PDF.relative_to(ROOT)} is missing)")


def poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@lru_cache
def pages() -> list[str]:
    """The PDF's text, one string per page."""
    return poppler("pdftotext", "-enc", "UTF-8", str(PDF), "-").split("\f")


def flat(text: str) -> str:
    """Whitespace collapsed and hyphenation at line ends undone, for matching phrases."""
    return re.sub(r"\s+", " ", re.sub(r"(\w)-\n(\w)", r"\1\2", text))


def title_of(file: str) -> str:
    """The ``# `` title of a page of the TOC (a chapter notebook or a Markdown page)."""
    path = ROOT / file
    if path.with_suffix(".ipynb").exists():
        sources = ["".join(c.source) for c in read(path.with_suffix(".ipynb")).cells if c.cell_type == "markdown"]
    else:
        sources = [path.with_suffix(".md").read_text(encoding="utf-8")]
    for source in sources:
        match = re.search(r"^# (.+)$", source, re.M)
        if match:
            return re.sub(r"[`*]", "", match[1]).strip()
    raise AssertionError(f"{file} has no '# ' title")


def test_every_chapter_is_in_the_pdf_and_its_contents():
    """Each TOC page's title appears at least twice: in the contents and as its heading
    (which the chapter style sets in capitals)."""
    text = flat("\n".join(pages())).casefold()
    chapters = [f for f in toc_files()[1:]]  # the landing page is the front matter, untitled
    assert {f"chapters/{p.stem}" for p in CHAPTERS} <= set(chapters)
    missing = {f: text.count(title_of(f).casefold()) for f in chapters if text.count(title_of(f).casefold()) < 2}
    assert not missing, f"titles found fewer than twice (contents + heading): {missing}"


def test_no_unresolved_references_or_citations():
    # LaTeX prints an unresolved reference as a lone "??" (IPython's `f??` in the prose is fine).
    text = "\n".join(pages())
    unresolved = [text[max(0, m.start() - 60):m.end() + 20] for m in re.finditer(r"(?<![\w?])\?\?(?!\?)", text)]
    assert not unresolved, f"unresolved references in the PDF: {unresolved[:5]}"
    log = PDF.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    undefined = re.findall(r"(?:Reference|Citation|Hyper reference) `([^']+)' on page \d+ undefined", log)
    assert not undefined, f"LaTeX left references undefined: {sorted(set(undefined))[:10]}"


def code_text() -> str:
    """Every code cell's source, flattened: where a `$` or `\\(` in the PDF may come from."""
    cells = [c.source for p in CHAPTERS for c in read(p).cells if c.cell_type == "code"]
    fences = re.findall(r"^```[^{\n]*\n(.*?)^```", "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.md")),
                        re.M | re.S)
    return flat("\n".join(cells + fences))


def raw_math_lines(text: str, code: str) -> list[str]:
    """Lines of PDF text that look like unrendered TeX and are not code from a cell."""
    suspicious = re.compile(r"\$[^$\n]*[\\^_{][^$\n]*\$|\\\(|\\\[|\\begin\{|\\frac\b")
    bad = []
    for line in text.splitlines():
        match = suspicious.search(line)
        if match and flat(match[0]).strip() not in code:
            bad.append(line.strip())
    return bad


def test_no_raw_math():
    bad = raw_math_lines("\n".join(pages()), code_text())
    assert not bad, f"{len(bad)} lines of the PDF show TeX instead of typeset math, e.g. {bad[:5]}"


def test_the_raw_math_check_can_fail():
    code = flat("ax.set_xlabel(r'$\\lambda_{\\max}$')")
    assert raw_math_lines("the rate $\\eta < 2/\\lambda$ is stable", code)
    assert raw_math_lines("where \\(x\\) is", code)
    assert not raw_math_lines("ax.set_xlabel(r'$\\lambda_{\\max}$')", code)
    assert not raw_math_lines("it costs $5 and $6 per run", code)


def html_figures() -> int:
    """Figures on the web book's pages: every image output (not the theme's logos)."""
    if not (HTML / "index.html").exists():
        pytest.fail("the HTML book is not built: run `make book` first (the PDF's figures are counted against it)")
    return sum(len(re.findall(r'<img [^>]*src="(?:\.\./)*_images/', (HTML / f"{f}.html").read_text(encoding="utf-8")))
               for f in toc_files())


def test_pdf_has_every_figure_of_the_html():
    listed = poppler("pdfimages", "-list", str(PDF)).splitlines()[2:]
    images = [line for line in listed if line.split()[2] == "image"]
    figures = html_figures()
    assert figures >= 10 * len(CHAPTERS) // 2, f"only {figures} figures in the HTML: is it built?"
    assert len(images) >= figures, f"the PDF embeds {len(images)} images, the HTML shows {figures} figures"


def test_glossary_terms_are_chinese_text():
    glossary = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    terms = set(re.findall(r"\*\*([\u3400-\u9fff]+)\*\*", glossary))
    assert len(terms) >= 30
    extracted = set(CJK.findall("\n".join(pages())))
    missing = sorted(terms - extracted)
    assert not missing, f"{len(missing)} Chinese glossary terms are not in the PDF's text, e.g. {missing[:5]}"


def intro_text(notebook: Path) -> str:
    """The Markdown of a chapter before its learning objectives (title and opening paragraphs)."""
    markdown = "\n".join("".join(c.source) for c in read(notebook).cells if c.cell_type == "markdown")
    return markdown.split("## Learning objectives", 1)[0]


def chapter_pages() -> dict[str, str]:
    """Each chapter's text: from its heading (the title followed by its learning objectives,
    not its line in the contents or a running head) to the next chapter's heading."""
    text = flat("\n".join(p for p in pages() if ". . . . . ." not in p))  # not the contents
    starts = [0]
    for p in CHAPTERS:
        # the title, then (after the opening paragraphs, whatever their length) the objectives;
        # searched in book order, each after the previous chapter's heading
        window = len(intro_text(p)) + 1000
        pattern = re.escape(title_of(f"chapters/{p.stem}")) + rf".{{0,{window}}}?Learning objectives"
        heading = re.compile(pattern, re.I).search(text, starts[-1])
        assert heading, f"{p.stem}: its heading and learning objectives are not in the PDF"
        starts.append(heading.start())
    starts = starts[1:]
    ends = starts[1:] + [len(text)]
    return {p.stem: text[s:e] for p, s, e in zip(CHAPTERS, starts, ends)}


def test_solutions_are_collected_at_each_chapters_end():
    for chapter, text in chapter_pages().items():
        assert "Solutions to the exercises" in text, f"{chapter}: no section of solutions"
        body, solutions = text.split("Solutions to the exercises", 1)
        assert "Solution to Exercise" not in body, f"{chapter}: a solution still sits under its exercise"
        collected = solutions.count("Solution to Exercise")
        assert collected >= 5, f"{chapter}: {collected} solutions collected, the chapter has at least 5 exercises"
        assert body.count("Solution on page") == collected, f"{chapter}: not every exercise links to its solution"


def test_widgets_show_no_python_repr():
    text = "\n".join(pages())
    for repr_start in ("interactive(children=", "VBox(children=", "HBox(children=", "FloatSlider(", "IntSlider("):
        assert repr_start not in text, f"a widget's text fallback reached the PDF: {repr_start}"


def test_long_outputs_are_truncated():
    tex = PDF.with_suffix(".tex").read_text(encoding="utf-8")
    blocks = re.findall(r"\\begin\{sphinxVerbatimOutput\}(.*?)\\end\{sphinxVerbatimOutput\}", tex, re.S)
    assert blocks, "no cell outputs in the LaTeX"
    longest = max(len(re.findall(r"\n", b)) for b in blocks)
    assert longest <= pdf_book.OUTPUT_MAX_LINES + 10, f"an output of {longest} lines reached the PDF"


def test_cross_references_and_citations_are_links():
    xml = poppler("pdftohtml", "-xml", "-i", "-stdout", "-q", str(PDF))
    internal = re.findall(r'<a href="[^"]*#(\d+)"', xml)
    assert len(internal) >= 100, f"only {len(internal)} internal links (contents, references, glossary terms, citations)"
    text = "\n".join(pages())
    assert re.search(r"\w+ (?:et al\. )?\(\d{4}\)|\(\w+[^()]*\d{4}\)", text), "no author-year citation in the text"


def test_landing_page_links_the_pdf():
    index = (HTML / "book" / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*\.pdf)"', index)
    assert hrefs, "the landing page has no link to the PDF"
    assert all((HTML / "book" / h).resolve() == HTML / PDF.name for h in hrefs)
    assert (HTML / PDF.name).exists(), "make pdf copies the PDF into the built book, next to the landing page"


def test_report_pages_and_build_time():
    info = dict(line.split(":", 1) for line in poppler("pdfinfo", str(PDF)).splitlines() if ":" in line)
    count = int(info["Pages"])
    seconds = json.loads((LATEX / "pdf-build.json").read_text())["seconds"]
    assert count >= 20 * len(CHAPTERS), f"{count} pages for {len(CHAPTERS)} chapters"
    REPORT.write_text(f"PDF: {PDF.name}, {count} pages, {PDF.stat().st_size / 1e6:.1f} MB, "
                      f"built in {seconds:.0f} s (make pdf)\n", encoding="utf-8")
