"""Unit tests of tools.assign, tools.plainmd and tools.student_edition (fast: nothing is executed).

The nbgrader round trip, which executes the notebooks, is tests/test_assign_roundtrip.py.
"""

from __future__ import annotations

import ast
import builtins
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools.chapter_format import CHAPTERS, ROOT, bootstrap_source, read
from tests.roundtrip import _between, secret_lines, text_of
from tools import assign, plainmd
from tools.student_edition import write_student_sources

FIXTURE = ROOT / "tests" / "fixtures" / "00_fixture.ipynb"
LABELS = ["ex-ch00-square", "ex-ch00-mean", "ex-ch00-why"]


def run(tmp_path, *args) -> tuple[int, dict[str, nbformat.NotebookNode]]:
    """Run the command line on the fixture; return its status and the notebooks it wrote."""
    status = assign.main([str(FIXTURE), "--course", str(tmp_path), "--assignment", "a1", *args])
    written = {p.parent.parent.name: read(p) for p in tmp_path.glob("*/a1/*.ipynb")}
    return status, written


def grade_ids(nb) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]


def test_find_exercises_groups_cells_and_points():
    exercises = assign.find_exercises(read(FIXTURE), 0)
    assert [e.label for e in exercises] == LABELS
    assert [e.number for e in exercises] == ["0.1", "0.2", "0.3"]
    assert [(e.auto_points, e.manual_points) for e in exercises] == [(2, 0), (1, 0), (0, 1)]
    nb = read(FIXTURE)
    for e in exercises:  # prompt, solution-start, solution(s), solution-end, [check]
        kinds = [nb.cells[i].metadata.get("nbgrader", {}).get("grade_id", "wrapper") for i in e.cells]
        assert kinds[0] == f"{e.label}-prompt" and kinds.count("wrapper") == 2, kinds


def test_source_notebook(tmp_path):
    status, written = run(tmp_path)
    assert status == 0 and set(written) == {"source"}
    nb, original = written["source"], read(FIXTURE)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    # the wrappers and the book-only remark are gone, everything else is kept
    dropped = [c for c in original.cells if "remove-student" in c.metadata.get("tags", [])]
    assert len(nb.cells) == len(original.cells) - len(dropped) and len(dropped) == 7
    assert "solution-start" not in markdown and "Book only" not in markdown
    # MyST is plain markdown now
    assert "**Exercise 0.1** (Squares)" in markdown and "**Exercise 0.3**" in markdown
    assert "(Rumelhart et al., 1986)" in markdown and "Minsky and Papert (1969)" in markdown
    assert "the loss (损失函数)" in markdown and "points to Notation" in markdown
    assert not any(s in markdown for s in ("{term}", "{cite", "{doc}", "```{", "(sec-fixture-squares)="))
    # the setup cells are kept, first; no collapsed or hidden cells; no outputs
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source == bootstrap_source() and "set_seed(0)" in code[1].source
    for cell in nb.cells:
        assert "collapsed" not in cell.metadata and "jupyter" not in cell.metadata
        assert not set(cell.metadata.get("tags", [])) & {"hide-input", "hide-output", "hide-cell"}
    assert all(not c.outputs and c.execution_count is None for c in code)
    # the nbgrader metadata is the chapter's, unchanged
    assert grade_ids(nb) == grade_ids(original)


def test_release_is_the_student_version(tmp_path):
    status, written = run(tmp_path, "--release")
    assert status == 0 and set(written) == {"source", "release"}
    release = written["release"]
    assert grade_ids(release) == grade_ids(written["source"])
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in release.cells if "nbgrader" in c.metadata}
    assert cells["ex-ch00-square"].source == "def square(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert cells["ex-ch00-mean"].source.startswith("mean_value = None\n")
    assert cells["ex-ch00-why"].source == "YOUR ANSWER HERE"
    assert cells["ex-ch00-square-check"].source == 'check("ex-ch00-square", square)'  # hidden test gone
    assert all("checksum" in c.metadata["nbgrader"] for c in cells.values() if c.metadata["nbgrader"]["locked"])
    secrets = secret_lines(read(FIXTURE))
    assert not [line for line in secrets if line in text_of(tmp_path / "release" / "a1" / FIXTURE.name)]
    # ... and the same search finds every one of them in the source (the search can fail)
    assert len(secrets) >= 4 and all(line in text_of(tmp_path / "source" / "a1" / FIXTURE.name) for line in secrets)


@pytest.mark.parametrize("only, kept", [("ex-ch00-mean", ["ex-ch00-mean"]),
                                        ("0.3, ex-ch00-square", ["ex-ch00-square", "ex-ch00-why"])])
def test_only_keeps_the_chosen_exercises_and_every_other_cell(tmp_path, only, kept):
    status, written = run(tmp_path, "--only", only)
    assert status == 0
    nb, full = written["source"], run(tmp_path / "full")[1]["source"]
    assert {g.rsplit("-", 1)[0] if g.endswith(("-prompt", "-check")) else g for g in grade_ids(nb)} == set(kept)
    others = [c.source for c in full.cells if "nbgrader" not in c.metadata]
    assert [c.source for c in nb.cells if "nbgrader" not in c.metadata] == others


@pytest.mark.parametrize("args, message", [
    (["--only", "ex-ch00-nope,0.9"], "unknown exercise id(s) for --only: ex-ch00-nope, 0.9"),
    (["--only", ","], "unknown exercise id(s) for --only: (none given)"),
    (["--assignment", "a b"], "--assignment 'a b'"),
])
def test_bad_options_fail_clearly(tmp_path, capsys, args, message):
    status = assign.main([str(FIXTURE), "--course", str(tmp_path), "--assignment", "a1", *args])
    err = capsys.readouterr().err
    assert status == 1 and message in err and "Traceback" not in err
    if "--only" in args:
        assert "0.1 ex-ch00-square" in err  # it lists what there is
    assert not list(tmp_path.rglob("*.ipynb"))


def test_bad_files_fail_clearly(tmp_path, capsys):
    text, garbage, unnumbered = tmp_path / "notes.txt", tmp_path / "01_x.ipynb", tmp_path / "intro.ipynb"
    text.write_text("hello")
    garbage.write_text("{not json")
    nbformat.write(read(FIXTURE), unnumbered)
    cases = {tmp_path / "missing.ipynb": "no such file", text: "not a notebook",
             garbage: "not a readable Jupyter notebook", unnumbered: "named NN_name.ipynb"}
    for path, message in cases.items():
        assert assign.main([str(path), "--course", str(tmp_path / "c"), "--assignment", "a"]) == 1
        assert message in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # argparse: a required option is missing
        assign.main([str(FIXTURE)])
    assert exit_.value.code == 2


def test_release_without_nbgrader_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "nbgrader", None)  # `import nbgrader` now raises ImportError
    monkeypatch.setitem(sys.modules, "nbgrader.preprocessors", None)
    status = assign.main([str(FIXTURE), "--course", str(tmp_path), "--assignment", "a1", "--release"])
    assert status == 1 and "pip install -e '.[instructor]'" in capsys.readouterr().err
    assert run(tmp_path / "ok")[0] == 0  # source notebooks need no nbgrader


def test_the_module_runs_as_a_command(tmp_path):
    import subprocess

    result = subprocess.run([sys.executable, "-m", "tools.assign", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "--only" in result.stdout


# --- plainmd ---------------------------------------------------------------------------

@pytest.mark.parametrize("myst, plain", [
    ("a {term}`neuron` b", "a neuron b"),
    ("**{term}`Stochastic gradient\ndescent` (随机梯度下降)**", "**Stochastic gradient\ndescent (随机梯度下降)**"),
    ("{term}`losses <loss function>`", "losses"),
    ("{cite:t}`minsky1969perceptrons`", "Minsky and Papert (1969)"),
    ("{cite:p}`mcculloch1943logical,rumelhart1986learning`", "(McCulloch and Pitts, 1943; Rumelhart et al., 1986)"),
    ("{cite}`unknown-key`", "(unknown-key)"),
    ("{math}`x^2` and {eq}`eq-loss`", "$x^2$ and (eq-loss)"),
    ("(my-label)=\n# Title\n% a comment", "# Title"),
    ("```{warning}\nHot {term}`GPU`.\n```", "> **Warning.**\n>\n> Hot GPU."),
    ("```{admonition} Why?\nBecause.\n```", "> **Why?.**\n>\n> Because."),
    ("```python\nx = {term}`kept`\n```", "```python\nx = {term}`kept`\n```"),
    ("````{exercise}\n:label: ex-a\n\nText\n```python\ncode\n```\n````", "**Exercise 9.9**\n\nText\n```python\ncode\n```"),
    ("```{math}\n:label: eq-x\na = b\n```", "$$\na = b\n$$"),
    (":::{note}\nColons.\n:::", "> **Note.**\n>\n> Colons."),
])
def test_plainmd_renders_myst(myst, plain):
    ctx = plainmd.Context(bibliography=plainmd.read_bibliography(ROOT / "book" / "references.bib"),
                          exercise_number=lambda label: "9.9")
    assert plainmd.render(myst, ctx) == plain


# --- the student edition ---------------------------------------------------------------

def test_drop_solutions_keeps_prompts_only():
    nb = assign.drop_solutions(read(FIXTURE))
    ids = grade_ids(nb)
    assert ids == [f"{label}-prompt" for label in LABELS]
    assert not any("remove-student" in c.metadata.get("tags", []) for c in nb.cells)


@pytest.mark.parametrize("chapter", [FIXTURE, *CHAPTERS], ids=lambda p: p.name)
def test_student_edition_sources_have_no_solution(tmp_path, chapter):
    root = tmp_path / "book-root"
    for name in ("_config.yml", "_toc.yml", "book"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).symlink_to(ROOT / name)
    (root / "chapters").mkdir()
    (root / "chapters" / chapter.name).symlink_to(chapter)
    [written] = write_student_sources(tmp_path / "out", root)
    text = text_of(written)
    assert not [line for line in secret_lines(read(chapter)) if line in text]
    assert "student edition" in (tmp_path / "out" / "_config.yml").read_text()
    prompts = [c.source for c in read(chapter).cells if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("-prompt")]
    assert prompts and all(p in text for p in prompts)


@pytest.fixture(scope="module")
def student_pages(tmp_path_factory) -> list:
    """The student edition's chapter pages: `make book-student`'s if built, else built here.

    Built here without executing the notebooks (in about a minute): the leak test is about
    what the pages say, and the solution cells are gone whether or not they were run.
    """
    built = sorted((ROOT / "_build" / "student" / "html" / "chapters").glob("*.html"))
    if len(built) == len(CHAPTERS):
        return built
    source = tmp_path_factory.mktemp("student-src")
    write_student_sources(source, execute=False)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    done = subprocess.run([str(jupyter_book), "build", "-W", "-n", "--keep-going", str(source)],
                          capture_output=True, text=True)
    assert done.returncode == 0, f"the student edition did not build:\n{(done.stdout + done.stderr)[-3000:]}"
    return sorted((source / "_build" / "html" / "chapters").glob("*.html"))


@pytest.mark.html
def test_built_student_edition_has_no_solution(student_pages):
    """No solution line in the student edition's HTML (tags stripped, entities decoded)."""
    assert len(student_pages) == len(CHAPTERS), "every chapter has a page in the student edition"
    for page in student_pages:
        text = _page_text(page)
        chapter = ROOT / "chapters" / f"{page.stem}.ipynb"
        secrets = secret_lines(read(chapter))
        assert secrets, f"{chapter.name}: no solution lines found to look for"
        leaked = [line for line in secrets if line in text]
        assert not leaked, f"{page.name}: {leaked[:3]}"


def _page_text(page: Path) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


@pytest.mark.html
def test_leak_search_finds_the_solutions_in_the_full_book():
    """Positive control: the same search finds the code solutions' lines on the full book's
    pages, so a clean student page means the lines are gone, not that the search is blind.
    (Written answers are left out here: Markdown rendering rewords their math and markup.)"""
    for chapter in CHAPTERS:
        page = ROOT / "_build" / "html" / "chapters" / f"{chapter.stem}.html"
        assert page.is_file(), f"{page} is missing: run `make book` first"
        nb = read(chapter)
        solutions = [c.source for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
        code_lines = {line.strip() for source in solutions for line in _between(source, "BEGIN SOLUTION", "END SOLUTION")}
        code_lines &= secret_lines(nb)  # the non-trivial lines the leak test searches for
        text = _page_text(page)
        found = [line for line in code_lines if line in text]
        assert code_lines and len(found) >= 0.9 * len(code_lines), f"{chapter.name}: found {len(found)} of {len(code_lines)}"


# --- exercises are self-contained, so any --only subset runs -------------------------------

def _names(source: str) -> tuple[set[str], set[str]]:
    """(names the code binds anywhere, names it reads); IPython magics are made plain Python first."""
    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(source))
    bound, read_ = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read_ if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
    return bound, read_ - set(dir(builtins))


@pytest.mark.parametrize("chapter", [FIXTURE, *CHAPTERS], ids=lambda p: p.name)
def test_exercises_use_no_name_another_exercise_defines(chapter):
    nb = read(chapter)
    exercises = assign.find_exercises(nb, 0)
    owner = {i: e.label for e in exercises for i in e.cells}
    bound, used = {}, {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            b, r = _names(cell.source)
            bound.setdefault(owner.get(i), set()).update(b)
            used.setdefault(owner.get(i), set()).update(r)
    shared = bound.get(None, set())  # names the chapter's own code defines
    for user, names in used.items():
        for definer, defined in bound.items():
            if definer not in (None, user):
                borrowed = names & (defined - shared) - bound.get(user, set())
                assert not borrowed, (f"{user or 'the chapter'} uses {sorted(borrowed)} that only the solution of "
                                      f"{definer} defines; with --only, or in the student version, it would fail")


@pytest.mark.parametrize("chapter", [FIXTURE, *CHAPTERS], ids=lambda p: p.name)
def test_check_cells_read_only_names_the_student_version_defines(chapter):
    """A value answer is set to None before its solution markers, so that in the student
    version the check says "not attempted yet" instead of raising NameError."""
    nb = read(chapter)
    release = assign.release_notebook(assign.source_notebook(nb, 0))
    bound = set()
    for cell in release.cells:
        if cell.cell_type != "code":
            continue
        binds, reads = _names(cell.source)
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            assert not reads - bound - binds, (
                f"{meta['grade_id']} reads {sorted(reads - bound - binds)}, which the student version never defines: "
                "initialise the answer (name = None) before ### BEGIN SOLUTION")
        bound |= binds
