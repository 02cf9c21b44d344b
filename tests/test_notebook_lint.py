"""Lint of every chapter notebook: skeleton, stripped outputs, exercise metadata, no downloads."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tools.chapter_format import (
    CHAPTERS, CHECK_CALL, DOWNLOAD_PATTERNS, EXERCISE, EXERCISE_ID, NBGRADER_FIELDS,
    SOLUTION_END, SOLUTION_START, bootstrap_source, chapter_number, folded, nbgrader, read, solution_cells, tags,
)
from utils.check import registered_ids


ids = [p.name for p in CHAPTERS]


def test_chapters_are_found():
    # Without this, every parametrised test below would pass vacuously on an empty list.
    assert len(CHAPTERS) >= 6, f"expected the chapter notebooks in chapters/, found {len(CHAPTERS)}"


@pytest.fixture(params=CHAPTERS, ids=ids)
def notebook(request):
    return request.param, read(request.param)


def markdown(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_title_matches_file_number(notebook):
    path, nb = notebook
    first = nb.cells[0]
    assert first.cell_type == "markdown", "the first cell is the title (markdown)"
    assert re.match(rf"# {chapter_number(path)}\. \S", first.source), "title must read '# N. Title'"


def test_skeleton_sections_in_order(notebook):
    path, nb = notebook
    n = chapter_number(path)
    headings = [line for src in markdown(nb) for line in src.splitlines() if line.startswith("## ")]
    wanted = ["## Learning objectives", f"## {n}.1 ", "## Summary", "## Exercises", "## References"]
    positions = []
    for want in wanted:
        hits = [i for i, h in enumerate(headings) if h.startswith(want)]
        assert hits, f"missing a heading starting with {want!r}"
        positions.append(hits[0])
    assert positions == sorted(positions), f"sections out of order: {wanted}"


def test_first_code_cell_is_the_colab_bootstrap(notebook):
    _, nb = notebook
    assert code_cells(nb)[0].source.strip() == bootstrap_source(), (
        "the first code cell must be exactly the Colab bootstrap from tools/chapter_format.py"
    )


def test_setup_cell_seeds_and_picks_device(notebook):
    _, nb = notebook
    setup = code_cells(nb)[1].source
    assert "set_seed(0)" in setup and "device = get_device()" in setup


def test_outputs_are_stripped(notebook):
    _, nb = notebook
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"cells {dirty} have stored outputs; strip them before committing"


def test_time_budget_declared(notebook):
    path, nb = notebook
    limit = 120 if chapter_number(path) == 9 else 90  # the book plan gives chapter 9 (generative models) 120 s
    budget = nb.metadata.get("book", {}).get("time_budget_s")
    assert isinstance(budget, (int, float)) and 0 < budget <= limit, f"metadata.book.time_budget_s must be in (0, {limit}]"


def test_no_downloads(notebook):
    _, nb = notebook
    for cell in code_cells(nb)[1:]:
        for pattern in DOWNLOAD_PATTERNS:
            assert not re.search(pattern, cell.source, re.M), f"a cell matches the download pattern {pattern!r}"


def test_kernel_is_python3(notebook):
    _, nb = notebook
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


def test_nbgrader_metadata_is_schema_3(notebook):
    _, nb = notebook
    for cell in nb.cells:
        meta = nbgrader(cell)
        if not meta:
            continue
        assert NBGRADER_FIELDS <= set(meta), f"{meta.get('grade_id')}: nbgrader needs {sorted(NBGRADER_FIELDS)}"
        assert meta["schema_version"] == 3
        if meta["grade"]:
            assert isinstance(meta.get("points"), (int, float)) and meta["points"] > 0, (
                f"{meta['grade_id']}: graded cells need points > 0"
            )
        assert re.match(r"^[A-Za-z0-9_-]+$", meta["grade_id"])


def test_grade_ids_are_unique_across_the_book():
    counts = Counter(
        nbgrader(c)["grade_id"] for p in CHAPTERS for c in read(p).cells if nbgrader(c)
    )
    assert not [g for g, k in counts.items() if k > 1], "duplicate grade ids"


def test_exercises_follow_the_format(notebook):
    path, nb = notebook
    n = chapter_number(path)
    exercises, solved, checked, open_solution = [], set(), [], None
    for cell in nb.cells:
        src, meta = cell.source, nbgrader(cell)
        if cell.cell_type == "markdown":
            for label in EXERCISE.findall(src):
                match = EXERCISE_ID.match(label)
                assert match and int(match.group(1)) == n, f"bad exercise id {label!r} for chapter {n}"
                assert meta.get("locked") and meta.get("grade_id") == f"{label}-prompt", (
                    f"{label}: the prompt cell needs nbgrader locked=true, grade_id={label}-prompt"
                )
                exercises.append(label)
            start = SOLUTION_START.search(src)
            if start:
                assert start.group(1) in exercises, f"solution for unknown exercise {start.group(1)}"
                assert ":class: dropdown" in src, f"{start.group(1)}: the solution must be a dropdown"
                assert "remove-student" in tags(cell)
                open_solution = start.group(1)
                continue
            if SOLUTION_END.search(src):
                assert open_solution and "remove-student" in tags(cell), "solution-end without a start"
                solved.add(open_solution)
                open_solution = None
                continue
        if open_solution:
            assert meta.get("solution"), f"{open_solution}: cells inside a solution need nbgrader solution=true"
            assert meta["grade_id"].startswith(open_solution), f"{open_solution}: grade_id should start with the id"
            if cell.cell_type == "code":
                assert "### BEGIN SOLUTION" in src and "### END SOLUTION" in src
        if cell.cell_type == "code":
            for label in CHECK_CALL.findall(src):
                assert meta.get("grade") and meta.get("locked") and meta.get("grade_id") == f"{label}-check"
                checked.append(label)
    assert open_solution is None, f"{open_solution}: solution-start without solution-end"
    assert len(exercises) >= 5, f"{len(exercises)} exercises; a chapter needs at least 5"
    assert set(exercises) == solved, f"exercises without a solution: {sorted(set(exercises) - solved)}"
    assert len(set(checked)) >= 2, "at least two exercises must be auto-checked"
    assert set(checked) <= set(exercises)
    missing = set(checked) - set(registered_ids())
    assert not missing, f"no checker registered for {sorted(missing)}"


def test_exercise_ids_unique_across_the_book():
    labels = Counter(l for p in CHAPTERS for src in markdown(read(p)) for l in EXERCISE.findall(src))
    assert not [l for l, k in labels.items() if k > 1]


def test_references_cite_the_bibliography(notebook):
    _, nb = notebook
    sources = markdown(nb)
    refs = next(i for i, s in enumerate(sources) if s.startswith("## References"))
    assert "{cite" in "".join(sources[refs:]) or "{bibliography" in "".join(sources[refs:])


def test_solutions_are_folded_in_jupyter(notebook):
    """JupyterLab (with MyST) leaves the cells of a gated solution open: they carry the fold."""
    path, nb = notebook
    cells = solution_cells(nb)
    assert cells, "a chapter without solution cells"
    open_cells = [i for i in cells if nb.cells[i].metadata.get("jupyter") != folded(nb.cells[i])]
    assert not open_cells, (
        f"solution cells {open_cells} open in Jupyter: run `python -m tools.chapter_format --fold {path.relative_to(path.parents[1])}`")


CHAPTER_MENTION = re.compile(r"\bchapters?\s+((?:\d+(?:\s*(?:[-–,]|and|or|to)\s*)?)+)", re.I)


def chapter_numbers_mentioned(text: str) -> set[int]:
    """The chapter numbers a text names ("chapter 7", "chapters 4-6", "chapters 2 and 9")."""
    found = set()
    for match in CHAPTER_MENTION.finditer(text):
        # another book's chapters: "chapter 10 of {cite}`...`", "{cite:p}`prince2023understanding`, chapters 14-18"
        if re.match(r"\s*of\b", text[match.end():]) or re.search(r"`\s*,?\s*$", text[:match.start()]):
            continue
        numbers = [int(n) for n in re.findall(r"\d+", match[1])]
        found.update(numbers)
        if re.search(r"\d\s*(?:[-–]|to)\s*\d", match[1]) and len(numbers) == 2:
            found.update(range(numbers[0], numbers[1] + 1))
    return found


def test_chapter_mentions_are_parsed():
    assert chapter_numbers_mentioned("see chapter 7, and chapters 2-4 or chapters 5 and 9") == {2, 3, 4, 5, 7, 9}
    assert chapter_numbers_mentioned("Chapter 20 of {cite:p}`goodfellow2016deep`") == set()
    assert chapter_numbers_mentioned("Prince {cite:p}`prince2023understanding`, chapters 14-18") == set()


@pytest.mark.parametrize("path", CHAPTERS + sorted((CHAPTERS[0].parents[1] / "book").glob("*.md")),
                         ids=lambda p: p.name)
def test_chapter_references_resolve(path):
    """A reader can open every chapter the text names: a chapter not written yet is named by its topic."""
    text = (
        "\n".join(markdown(read(path)) + [c.source for c in code_cells(read(path))])
        if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
    )
    missing = sorted(n for n in chapter_numbers_mentioned(text) if n > len(CHAPTERS))
    assert not missing, f"{path.name} names chapter(s) {missing}, which do not exist yet: name the topic instead"
