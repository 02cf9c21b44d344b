"""The built book in a real browser, offline: every page of ``_build/html`` in headless Chromium.

Run after ``make book`` (``make test-html`` does). Every non-local request is blocked, as
on a network where public CDNs are unreachable; a page passes when nothing failed to load,
the math is typeset, the images and widgets are drawn, the console is clean, solutions
open only on a click, and a chapter links to its notebook on Colab and as a download.
A full-page screenshot of every page goes to ``_build/screenshots/`` for review.

Without Chromium the tests skip and say how to install it; with ``BOOK_REQUIRE_BROWSER=1``
(set by ``.ci/run``) they fail instead, so CI cannot pass without running them.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

import nbformat
import pytest
import yaml

from tests.browser import page_visits, serve, visit
from tools.chapter_format import CHAPTERS, ROOT, colab_branch, read

pytestmark = pytest.mark.html

HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
ACCESSIBILITY_REPORT = ROOT / "_build" / "accessibility.md"
# Every page a reader can reach; _static, _sources and _images hold assets, not pages.
PAGES = sorted(
    p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html")
    if p.relative_to(HTML).parts[0] not in {"_static", "_sources", "_images"}
) if HTML.is_dir() else []
CHAPTER_PAGES = [f"chapters/{nb.stem}.html" for nb in CHAPTERS]
# Pages whose widget state has a slider (a progress bar is a widget too, but not a control).
SLIDER_PAGES = [p for p in PAGES if re.search(r'"_model_name": *"(Float|Int)\w*SliderModel"', (HTML / p).read_text(encoding="utf-8"))]


def test_book_is_built():
    assert (HTML / "index.html").is_file(), "no built book in _build/html: run `make book` first"
    missing = [p for p in CHAPTER_PAGES if p not in PAGES]
    assert not missing, f"chapters without a page in _build/html (rebuild with `make book`): {missing}"


@pytest.fixture(scope="session")
def base_url():
    with serve(HTML) as url:
        yield url


@pytest.fixture(scope="session")
def reports(browser, base_url):
    """One visit per page, shared by the tests below: ``reports(path) -> PageReport``."""
    with page_visits(browser, base_url, SCREENSHOTS, ACCESSIBILITY_REPORT) as report:
        yield report


def book_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", PAGES)
def test_page_makes_no_request_off_the_machine(reports, path):
    assert not reports(path).external, "the page asks a public server for something; vendor it in book/_vendor"


@pytest.mark.parametrize("path", PAGES)
def test_every_local_request_succeeds(reports, path):
    assert not reports(path).failed


@pytest.mark.parametrize("path", PAGES)
def test_no_console_errors(reports, path):
    assert not reports(path).console_errors


@pytest.mark.parametrize("path", [p for p in PAGES if p != "search.html"])
def test_math_is_typeset(reports, path):
    report = reports(path)
    assert not report.unrendered_math, "MathJax did not typeset these (did it load?)"
    assert not report.tex_errors, "MathJax could not typeset this TeX (unknown macro or syntax error)"
    assert not report.raw_tex, "TeX delimiters left in the prose: math a reader sees as source"


@pytest.mark.parametrize("path", PAGES)
def test_every_image_loads(reports, path):
    assert not reports(path).broken_images


@pytest.mark.parametrize("path", PAGES)
def test_every_widget_is_drawn(reports, path):
    assert reports(path).unrendered_widgets == 0, "widget views the widget manager did not draw"


@pytest.mark.parametrize("path", PAGES)
def test_solutions_open_only_on_a_click(reports, path):
    report = reports(path)
    if path in CHAPTER_PAGES:
        assert report.solutions > 0, "a chapter page without exercise solutions"
    assert not report.solutions_shown_early, "solutions visible before their toggle is clicked (`:class: dropdown`?)"
    assert not report.solutions_not_shown, "solutions still hidden after their toggle was clicked"


@pytest.mark.parametrize("path", PAGES)
def test_page_passes_the_accessibility_audit(reports, path):
    """axe-core over the page with its solutions open: colour contrast, names of controls,
    alt text, ARIA roles, landmarks. No violation of any impact, minor ones included (the
    issue asked for no serious or critical one; every page now has none at all); the counts
    per page go to _build/accessibility.md."""
    assert not reports(path).accessibility, "accessibility violations (axe-core)"


def test_a_solution_opens_and_closes_from_the_keyboard(browser, base_url):
    page = browser.new_page()
    try:
        page.goto(f"{base_url}{CHAPTER_PAGES[0]}")
        solution = page.locator(".solution").first
        body = solution.locator(":scope > :not(.admonition-title)").first
        button = solution.locator(".toggle-button")
        solution.locator(".admonition-title a").first.focus()  # the link to its exercise
        page.keyboard.press("Tab")
        assert button.evaluate("b => b === document.activeElement"), "Tab from the solution's title link skips its toggle"
        assert not body.is_visible()
        page.keyboard.press("Enter")
        body.wait_for(state="visible", timeout=5_000)
        assert button.get_attribute("aria-expanded") == "true"
        page.keyboard.press("Enter")
        body.wait_for(state="hidden", timeout=5_000)
    finally:
        page.close()


@pytest.mark.parametrize("path", SLIDER_PAGES)
def test_widget_sliders_are_named_and_move_with_arrow_keys(browser, base_url, path):
    """Each slider is reached by Tab from its label, has its label as its name, and the
    arrow keys move it and its readout (the plot stays: no kernel runs in the HTML book)."""
    page = browser.new_page()
    try:
        page.goto(f"{base_url}{path}")
        page.wait_for_selector(".widget-slider .noUi-handle", timeout=20_000)
        sliders = page.locator(".widget-slider")
        assert sliders.count() > 0
        for i in range(sliders.count()):
            slider = sliders.nth(i)
            label = slider.locator(".widget-label").inner_text().strip()
            handle, readout = slider.locator(".noUi-handle"), slider.locator(".widget-readout")
            assert page.get_by_role("slider", name=label, exact=True).count() >= 1, f"no slider named {label!r}"
            slider.locator(".widget-label").click()  # where a reader's Tab continues from
            page.keyboard.press("Tab")
            assert handle.evaluate("h => h === document.activeElement"), f"Tab from the label {label!r} skips its slider"
            before = (handle.get_attribute("aria-valuenow"), readout.inner_text())
            at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
            after = (handle.get_attribute("aria-valuenow"), readout.inner_text())
            assert after[0] != before[0] and after[1] != before[1], f"an arrow key did not move {label!r}: {before} -> {after}"
    finally:
        page.close()


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.name for nb in CHAPTERS])
def test_chapter_links_to_its_notebook_on_colab_and_as_download(browser, base_url, notebook):
    config = book_config()
    owner_repo = config["repository"]["url"].removeprefix("https://github.com/").strip("/")
    branch = colab_branch()  # the plain notebooks' branch (tools/plain_notebooks.py)
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    expected_colab = f"{colab}/github/{owner_repo}/blob/{branch}/chapters/{notebook.name}"

    page = browser.new_page()
    try:
        page.goto(f"{base_url}chapters/{notebook.stem}.html")
        launch = page.eval_on_selector_all("a[href*='colab']", "links => links.map(a => a.href)")
        assert launch == [expected_colab], "the Colab launch button must open this chapter's plain notebook"
        downloads = page.eval_on_selector_all(
            "a.btn-download-source-button", "links => links.map(a => a.getAttribute('href'))"
        )
        assert len(downloads) == 1 and downloads[0].endswith(f"_sources/chapters/{notebook.name}"), downloads
        response = page.request.get(urljoin(page.url, downloads[0]))
        assert response.ok, f"the .ipynb download is missing ({response.status})"
        served = [cell.source for cell in nbformat.reads(response.text(), as_version=4).cells]
        assert served == [cell.source for cell in read(notebook).cells], "the download is not this chapter's notebook"
    finally:
        page.close()


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.name for nb in CHAPTERS])
def test_search_finds_the_chapter_by_a_word_of_its_title(browser, base_url, notebook):
    title = read(notebook).cells[0].source.splitlines()[0]
    word = max(re.findall(r"[A-Za-z]{4,}", title), key=len)
    page = browser.new_page()
    try:
        page.goto(f"{base_url}search.html?q={word}")
        page.wait_for_selector("#search-results .search-summary", timeout=20_000)
        hits = page.eval_on_selector_all("ul.search li a", "links => links.map(a => a.getAttribute('href'))")
        assert any(h.split("#")[0].endswith(f"chapters/{notebook.stem}.html") for h in hits), (
            f"searching {word!r} does not find {notebook.name}: {hits}"
        )
    finally:
        page.close()


def test_root_redirects_to_the_landing_page(reports):
    assert reports("index.html").redirected_to == "book/index.html"


def test_vendored_widget_manager_draws_a_widget_and_typesets_its_math_label(browser, tmp_path):
    """A page like the book's, with a slider labelled ``$\\alpha$``: the widget manager draws
    it offline, book/_ext/static/mathjax2-hub.js hands the label to MathJax 3, no errors."""
    import ipywidgets
    from ipywidgets.embed import embed_data

    data = embed_data(views=[ipywidgets.FloatSlider(value=1.0, description=r"$\alpha$")])
    # A built page plus what myst-nb adds to a page with widgets: the scripts listed in
    # nb_ipywidgets_js and the widget state in the head, a widget view in the article.
    head = [
        "<script" + "".join(f' {k}="{v}"' for k, v in attributes.items()) + f' src="../_static/{script}"></script>'
        for script, attributes in book_config()["sphinx"]["config"]["nb_ipywidgets_js"].items()
    ]
    head.append(f'<script type="application/vnd.jupyter.widget-state+json">{json.dumps(data["manager_state"])}</script>')
    view = f'<script type="application/vnd.jupyter.widget-view+json">{json.dumps(data["view_specs"][0])}</script>'
    html = (HTML / "book" / "notation.html").read_text(encoding="utf-8")
    html = html.replace("</head>", "\n".join(head) + "</head>", 1)
    html = html.replace("</article>", f'<div class="cell_output">{view}</div></article>', 1)
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "widget.html").write_text(html, encoding="utf-8")
    for shared in ("_static", "searchindex.js"):  # what the page loads besides itself
        (tmp_path / shared).symlink_to(HTML / shared)

    with serve(tmp_path) as url:
        report = visit(browser, url, "book/widget.html")
        assert not report.external and not report.failed and not report.console_errors, report
        assert report.unrendered_widgets == 0 and not report.raw_tex and not report.tex_errors, report
        page = browser.new_page()
        try:
            page.goto(url + "book/widget.html")
            page.wait_for_selector(".widget-label mjx-container", timeout=20_000)  # typeset
        finally:
            page.close()
