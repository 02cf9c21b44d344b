"""The plain notebooks for Colab and plain Jupyter (``tools/plain_notebooks.py``).

Every chapter's plain notebook is checked statically (fast tier): no MyST left, the code
cells exactly the chapter's (so the chapter's own run is their execution test),
every solution folded, every glossary link aimed at a term of the glossary. The fixture's
plain notebook is executed for real (``-m notebooks``), and the generated branch is made
in a scratch repository.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess

import nbformat
import pytest

from tools import plain_notebooks as pn
from tools.chapter_format import CHAPTERS, ROOT, SOLUTION_START, colab_branch, read, repository_branch

FIXTURE = ROOT / "tests" / "fixtures" / "00_fixture.ipynb"
BASE = "https://example.org/book/"
GLOSSARY_LINK = re.compile(r"\]\((?P<url>[^)\s]*/book/glossary\.html#(?P<anchor>[\w-]+))\)")


def plain(path):
    return pn.plain_notebook(read(path), path, base_url=BASE)


def code_sources(nb):
    return [c.source for c in nb.cells if c.cell_type == "code"]


def folded(cell) -> bool:
    return cell.metadata.get("jupyter") == pn.FOLDED["jupyter"] and cell.metadata.get("cellView") == "form"


def markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_fixture_reads_as_plain_markdown_with_links_into_the_book():
    nb = plain(FIXTURE)
    text = markdown(nb)
    assert pn.myst_left(nb) == []
    assert f"[loss]({BASE}book/glossary.html#term-loss-function)" in text  # {term}`loss <loss function>`
    assert f"([Rumelhart et al., 1986]({BASE}book/bibliography.html))" in text  # {cite:p}
    assert f"[Minsky and Papert (1969)]({BASE}book/bibliography.html)" in text  # {cite:t}
    assert f"[Notation]({BASE}book/notation.html)" in text  # {doc}`../book/notation`
    assert "**Exercise 0.1** (Squares)" in text and "> **Note.**" in text
    assert f"[the book]({BASE}chapters/00_fixture.html)" in nb.cells[0].source


def test_fixture_solutions_are_folded_and_code_cells_unchanged():
    chapter, nb = read(FIXTURE), plain(FIXTURE)
    assert code_sources(nb) == code_sources(chapter)
    assert not any(SOLUTION_START.search(c.source) or "{solution-end}" in c.source for c in nb.cells)
    solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    code, written = [c for c in solutions if c.cell_type == "code"], [c for c in solutions if c.cell_type == "markdown"]
    assert len(code) == 2 and all(folded(c) for c in code)
    for cell in code:  # each under a title that says how to unfold it
        title = nb.cells[nb.cells.index(cell) - 1]
        assert title.cell_type == "markdown" and title.source.startswith("**Solution to Exercise 0.")
    assert [c.source.split("\n")[:2] for c in written] == [["<details>", "<summary><b>Solution to Exercise 0.3</b></summary>"]]
    assert written[0].source.endswith("</details>") and "cannot cancel out" in written[0].source
    # Nothing else is folded: the chapter's own cells keep their metadata.
    assert sum(folded(c) for c in nb.cells) == 2
    assert len({c.id for c in nb.cells}) == len(nb.cells)
    nbformat.validate(nb)


def test_plain_notebook_is_the_same_every_time():
    assert nbformat.writes(plain(FIXTURE)) == nbformat.writes(plain(FIXTURE))


def test_myst_left_finds_each_kind_outside_code_blocks():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text) for text in [
        "```{note}\nhi\n```", "see {term}`loss`", ":label: ex-ch01-a", "(sec-a)=\n## A", "+++",
        "```python\nx = {'a': 1}  # {term}`not MyST here`\n```",
    ]])
    found = pn.myst_left(nb)
    assert [f.split(":")[0] for f in found] == ["cell 0", "cell 1", "cell 2", "cell 3", "cell 4"], found


def test_a_term_missing_from_the_glossary_is_an_error():
    link = pn.book_links("01_x", BASE, anchors={"loss function": "term-loss-function"})
    assert link("term", "Loss Function") == f"{BASE}book/glossary.html#term-loss-function"
    with pytest.raises(ValueError, match="not in book/glossary.md"):
        link("term", "no such term")


def test_glossary_anchors_are_sphinx_ids_of_the_terms():
    anchors = pn.glossary_anchors()
    assert anchors["loss function"] == "term-loss-function"
    assert anchors["mini-batch"] == "term-mini-batch"
    assert anchors["relu"] == "term-ReLU"  # Sphinx keeps the case; {term} lookups ignore it
    assert "**准确率** -- The share of examples whose predicted class is the true class." not in anchors
    assert len(anchors) >= 40


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_plain_notebook(path):
    chapter, nb = read(path), plain(path)
    assert pn.myst_left(nb) == [], "MyST left in the plain notebook: add what plainmd misses"
    assert code_sources(nb) == code_sources(chapter), "the plain notebook's code must be the chapter's"
    solution_code = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    assert solution_code and all(folded(c) for c in solution_code), "a solution's code is not folded"
    text = markdown(nb)
    assert text.count("<details>") == text.count("</details>")
    anchors = set(pn.glossary_anchors().values())
    links = GLOSSARY_LINK.findall(text)
    assert links and {anchor for _, anchor in links} <= anchors
    assert "[the book]" in nb.cells[0].source


@pytest.mark.html
def test_glossary_links_reach_their_entries_in_the_built_book():
    page = ROOT / "_build" / "html" / "book" / "glossary.html"
    assert page.is_file(), "no built book in _build/html: run `make book` first"
    ids = set(re.findall(r'id="(term-[^"]+)"', page.read_text(encoding="utf-8")))
    used = {m["anchor"] for path in CHAPTERS for m in GLOSSARY_LINK.finditer(markdown(plain(path)))}
    assert used and not used - ids, f"glossary links to no entry: {sorted(used - ids)}"
    assert not set(pn.glossary_anchors().values()) - ids


@pytest.mark.notebooks
def test_fixture_plain_notebook_runs(tmp_path):
    """The plain fixture executes top to bottom: folding and title cells break nothing."""
    from nbclient import NotebookClient

    nb = plain(FIXTURE)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert outputs.count("✓") == 2, outputs  # both auto-checked exercises pass


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def test_commit_branch_replaces_files_on_the_branch_only(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.org")
    git(tmp_path, "config", "user.name", "t")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "01.ipynb").write_text("myst")
    (tmp_path / "README.md").write_text("readme")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "main")
    head = git(tmp_path, "rev-parse", "HEAD")

    first = pn.commit_branch({"chapters/01.ipynb": b"plain"}, "colab", repo=tmp_path)
    assert first and git(tmp_path, "show", "colab:chapters/01.ipynb") == "plain"
    assert git(tmp_path, "show", "colab:README.md") == "readme"  # the rest of HEAD's tree
    assert git(tmp_path, "rev-parse", "HEAD") == head and git(tmp_path, "status", "--porcelain") == ""
    assert (tmp_path / "chapters" / "01.ipynb").read_text() == "myst"
    assert pn.commit_branch({"chapters/01.ipynb": b"plain"}, "colab", repo=tmp_path) is None  # unchanged
    second = pn.commit_branch({"chapters/01.ipynb": b"plainer"}, "colab", repo=tmp_path)
    assert git(tmp_path, "rev-parse", f"{second}^") == first  # a fast-forward: no force push


def test_plain_notebooks_install_utils_from_the_main_branch_not_their_own():
    boot = code_sources(plain(CHAPTERS[0]))[0]
    assert colab_branch() != repository_branch(), "_config.yml: the Colab buttons should open the plain branch"
    assert f'@{repository_branch()}"' in boot and f"@{colab_branch()}" not in boot


def test_the_sphinx_extension_points_the_launch_buttons_at_the_plain_branch():
    from types import SimpleNamespace

    spec = importlib.util.spec_from_file_location("colab_branch", ROOT / "book" / "_ext" / "colab_branch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    config = SimpleNamespace(colab_branch="colab", html_theme_options={"repository_branch": "main", "x": 1})
    module._on_config_inited(None, config)
    assert config.html_theme_options == {"repository_branch": "colab", "x": 1}
    config = SimpleNamespace(colab_branch="", html_theme_options={"repository_branch": "main"})
    module._on_config_inited(None, config)
    assert config.html_theme_options == {"repository_branch": "main"}
