"""A chapter opened in JupyterLab, as ``make lab`` opens it, reads like the book.

JupyterLab itself shows MyST as source; the book's lab environment has ``jupyterlab-myst``,
and the chapters fold their solution cells (``tools.chapter_format.fold_solutions``). This
opens chapter 2 in the environment's JupyterLab in headless Chromium, offline, and checks
what a learner sees: exercises and admonitions rendered as such, no MyST source in the
text, math typeset, and every solution cell folded until clicked. A screenshot of the
exercises goes to ``_build/screenshots/lab__02_neurons.png``.

Without Chromium the test skips (``BOOK_REQUIRE_BROWSER=1`` makes it fail), as the other
browser tests do. On an idle two-core machine it takes about half a minute.
"""

from __future__ import annotations

import re
import shutil

import pytest

from tests.lab import jupyter_lab
from tools.chapter_format import ROOT, exercise_labels, read, solution_cells

pytestmark = pytest.mark.html

CHAPTER = ROOT / "chapters" / "02_neurons.ipynb"
SCREENSHOT = ROOT / "_build" / "screenshots" / "lab__02_neurons.png"
LOAD_MS = 180_000  # JupyterLab and jupyterlab-myst on a busy shared runner are slow to start
MYST_SOURCE = ["```{", ":::{", ":label:", ":class:", "{cite", "{term}", "{ref}", "{doc}", "{solution"]


@pytest.fixture(scope="module")
def lab_page(browser, tmp_path_factory):
    """The chapter open in JupyterLab, every markdown cell rendered; yields the page."""
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copy(CHAPTER, root)  # a copy: nothing the lab writes can touch the repository
    with jupyter_lab(root, tmp_path_factory.mktemp("lab-home")) as (base, token):
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
        page.goto(f"{base}lab/tree/{CHAPTER.name}?token={token}")
        labels = exercise_labels(read(CHAPTER))
        page.wait_for_selector(f"aside.myst-exercise#{labels[-1]}", timeout=LOAD_MS)  # the last exercise
        yield page
        context.close()


def cell(page, index):
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def test_exercises_and_admonitions_render_as_in_the_book(lab_page):
    nb = read(CHAPTER)
    assert lab_page.locator(".jp-Notebook .jp-Cell").count() == len(nb.cells)
    labels = exercise_labels(nb)
    exercises = lab_page.locator("aside.myst-exercise[id^='ex-']")
    assert [exercises.nth(i).get_attribute("id") for i in range(exercises.count())] == labels
    assert all(re.match(r"Exercise \d", exercises.nth(i).inner_text()) for i in range(len(labels)))
    # The solution markers render as closed dropdowns titled after their exercise.
    dropdowns = lab_page.locator("details.myst-exercise")
    assert dropdowns.count() == len(labels)
    assert all(not dropdowns.nth(i).evaluate("d => d.open") for i in range(len(labels)))
    assert "Start of Solution to Exercise" in dropdowns.first.inner_text()
    titles = re.findall(r"^`{3,}\{admonition\} (.+)$", "\n".join(c.source for c in nb.cells), re.M)
    admonitions = lab_page.locator("aside.myst-admonition")
    shown = [admonitions.nth(i).inner_text().split("\n")[0].strip() for i in range(admonitions.count())]
    assert titles and [re.sub("[“”]", '"', t) for t in shown] == titles  # MyST typesets quotes
    text = "\n".join(lab_page.locator(".jp-MarkdownCell .myst").all_inner_texts())
    assert [s for s in MYST_SOURCE if s in text] == [], "MyST shown as source in JupyterLab"
    assert lab_page.locator(".jp-MarkdownCell .myst .katex").count() > 20, "math not typeset"
    exercise = cell(lab_page, next(i for i, c in enumerate(nb.cells) if labels[0] in c.source))
    exercise.scroll_into_view_if_needed()
    exercise.click()  # selected: JupyterLab keeps it in view for the screenshot
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    lab_page.screenshot(path=str(SCREENSHOT))


def test_solutions_start_folded_and_unfold_on_a_click(lab_page):
    nb = read(CHAPTER)
    folded = solution_cells(nb)
    assert folded
    for index in folded:
        placeholder = cell(lab_page, index).locator(".jp-InputPlaceholder")
        assert placeholder.count() == 1 and placeholder.is_visible(), f"solution cell {index} is not folded"
        assert not cell(lab_page, index).locator(".jp-InputArea").is_visible(), f"solution cell {index} is open"
    first_code = next(i for i in folded if nb.cells[i].cell_type == "code")
    cell(lab_page, first_code).locator(".jp-InputPlaceholder").click()
    editor = cell(lab_page, first_code).locator(".jp-InputArea .cm-content")
    editor.wait_for(state="visible", timeout=10_000)
    assert "### END SOLUTION" in editor.inner_text(), "the unfolded cell does not show the solution"
