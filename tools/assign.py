"""Turn the book's chapters into nbgrader assignments.

Introduced for instructors (see ``book/instructors.md``)::

    python -m tools.assign chapters/04_backpropagation.ipynb [more ...] \\
        --course DIR --assignment NAME [--only ID,ID] [--release]

writes one nbgrader *source* notebook per chapter to ``DIR/source/NAME/``:

- cells tagged ``remove-student`` (the solution wrappers, book-only remarks) are dropped;
- MyST is rendered to plain Markdown (``tools.plainmd``), so prompts read
  ``**Exercise 4.3** ...`` in Jupyter and Colab and roles become their text;
- collapsed-cell flags (``collapsed``, ``source_hidden``, ``hide-*`` tags) are cleared:
  in an assignment every cell is open;
- outputs are cleared; the nbgrader metadata of the exercise cells is kept as it is.

``--only`` keeps just the chosen exercises (labels such as ``ex-ch04-relu-grad`` or numbers
such as ``4.3``). Every cell that belongs to no exercise is kept -- the setup cells and all
the chapter's code, so every name an exercise uses is defined, and the prose around it.
Exercises are self-contained: ``tests/test_assign.py`` checks that no exercise uses a name
that only another exercise's solution defines, so any subset runs.

A new course directory also gets an ``nbgrader_config.py`` (:func:`write_config`): the
per-cell timeout the chapters need, and ``tools.grading``, which re-runs every check cell in
the grader at autograde; an existing file is left alone.

``--release`` also writes the *student* version to ``DIR/release/NAME/`` by running
nbgrader's own preprocessors, in the order ``nbgrader generate_assignment`` runs them
(solutions replaced, hidden tests removed, checksums set, outputs cleared), without its
database. Only ``--release`` needs nbgrader (``pip install -e .[instructor]``).

Library use: :func:`read_chapter`, :func:`find_exercises`, :func:`source_notebook`,
:func:`release_notebook`, :func:`drop_solutions`.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from tools import ROOT, plainmd, require_checkout
from tools.chapter_format import SOLUTION_END, SOLUTION_START, chapter_number, exercise_labels, nbgrader

__all__ = ["AssignError", "Exercise", "read_chapter", "find_exercises", "plain_context", "source_notebook",
           "release_notebook", "drop_solutions", "write_config", "main"]

HIDE_TAGS = {"hide-input", "hide-output", "hide-cell"}
# What an exercise is called, by the edition a notebook names in its metadata under
# EDITION_KEY (tools/translate_notebooks.py sets it; a chapter itself names none: English).
EXERCISE_WORDS = {"en": "Exercise", "zh_CN": "练习"}
EDITION_KEY = "book_edition"


class AssignError(Exception):
    """Bad input (a missing file, not a notebook, an unknown exercise id); the message says which."""


@dataclass
class Exercise:
    """One exercise of a chapter: its label, number (``"4.3"``) and the indices of its cells."""

    label: str
    number: str
    cells: list[int]
    auto_points: float = 0.0     # points of its check cells, graded by nbgrader autograde
    manual_points: float = 0.0   # points of written answers, graded by hand


def read_chapter(path: Path | str) -> nbformat.NotebookNode:
    """Read a chapter notebook, or raise :class:`AssignError` saying what is wrong with it."""
    path = Path(path)
    if not path.is_file():
        raise AssignError(f"{path}: no such file")
    if path.suffix != ".ipynb":
        raise AssignError(f"{path}: not a notebook (expected a .ipynb file such as chapters/01_introduction.ipynb)")
    try:
        return nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises JSON, validation and version errors
        raise AssignError(f"{path}: not a readable Jupyter notebook ({type(error).__name__}: {error})") from None


def _chapter_number(path: Path) -> int:
    try:
        return chapter_number(path)
    except ValueError as error:
        raise AssignError(str(error)) from None


def find_exercises(nb: nbformat.NotebookNode, chapter: int) -> list[Exercise]:
    """The exercises of a chapter in order, each with the cells that belong to it.

    A cell belongs to exercise ``L`` when its nbgrader ``grade_id`` is ``L`` or ``L-...``
    (prompt, solutions, check) or when it lies between ``L``'s solution-start and -end.
    """
    labels = exercise_labels(nb)
    exercises = {label: Exercise(label, f"{chapter}.{k}", []) for k, label in enumerate(labels, 1)}
    by_length = sorted(labels, key=len, reverse=True)  # "ex-a-b-check" belongs to ex-a-b, not ex-a
    open_solution = None
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and (start := SOLUTION_START.search(cell.source)):
            open_solution = start["label"]
        grade_id = nbgrader(cell).get("grade_id", "")
        owner = open_solution or next(
            (l for l in by_length if grade_id == l or grade_id.startswith(l + "-")), None)
        if cell.cell_type == "markdown" and SOLUTION_END.search(cell.source):
            open_solution = None
        if owner in exercises:
            exercise, meta = exercises[owner], nbgrader(cell)
            exercise.cells.append(i)
            if meta.get("grade"):
                points = float(meta.get("points", 0))
                if cell.cell_type == "code" and not meta.get("solution"):
                    exercise.auto_points += points
                else:
                    exercise.manual_points += points
    return list(exercises.values())


def _doc_title(target: str) -> str:
    """The title of a ``{doc}`` target (``../book/notation`` -> ``Notation``), or its name."""
    name = Path(target).name
    for path in (ROOT / "book" / f"{name}.md", ROOT / "chapters" / f"{name}.ipynb"):
        if path.exists():
            text = path.read_text(encoding="utf-8") if path.suffix == ".md" else nbformat.read(path, 4).cells[0].source
            if heading := re.search(r"^#\s+(.+)$", text, re.M):
                return heading[1].strip()
    return name.replace("_", " ")


def plain_context(exercises: list[Exercise], link=None, edition: str = "en") -> plainmd.Context:
    """What :func:`tools.plainmd.render` needs for one chapter: its bibliography, page titles,
    exercise numbers (``{ref}`` to an exercise reads "Exercise 4.3", or "练习 4.3" in the
    ``zh_CN`` edition) and, optionally, a ``link(role, target)`` giving URLs (see
    :class:`tools.plainmd.Context`)."""
    numbers = {e.label: e.number for e in exercises}
    word = EXERCISE_WORDS.get(edition, EXERCISE_WORDS["en"])
    return plainmd.Context(
        bibliography=plainmd.read_bibliography(ROOT / "book" / "references.bib"),
        doc_title=_doc_title, exercise_number=lambda label: numbers.get(label, "?"),
        ref_title=lambda target: f"{word} {numbers[target]}" if target in numbers else target,
        link=link or (lambda role, target: None), exercise_word=word)


def _open_cell(cell) -> None:
    """Clear the flags that collapse or hide a cell: in an assignment every cell is open."""
    cell.metadata.pop("collapsed", None)
    jupyter = cell.metadata.get("jupyter", {})
    for flag in ("source_hidden", "outputs_hidden"):
        jupyter.pop(flag, None)
    if "jupyter" in cell.metadata and not jupyter:
        del cell.metadata["jupyter"]
    if "tags" in cell.metadata:
        cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t not in HIDE_TAGS]
        if not cell.metadata["tags"]:
            del cell.metadata["tags"]


def source_notebook(nb: nbformat.NotebookNode, chapter: int, only: set[str] | None = None) -> nbformat.NotebookNode:
    """The nbgrader source notebook of a chapter (see the module docstring); ``nb`` is not changed.

    Args:
        nb: the chapter notebook.
        chapter: its number, used to number the exercises (``Exercise 4.3``).
        only: labels of the exercises to keep; ``None`` keeps them all.
    """
    exercises = find_exercises(nb, chapter)
    dropped = {i for e in exercises if only is not None and e.label not in only for i in e.cells}
    ctx = plain_context(exercises, edition=nb.metadata.get(EDITION_KEY, "en"))
    out = copy.deepcopy(nb)
    out.cells = []
    for i, cell in enumerate(nb.cells):
        if i in dropped or "remove-student" in cell.get("metadata", {}).get("tags", []):
            continue
        cell = copy.deepcopy(cell)
        _open_cell(cell)
        if cell.cell_type == "markdown":
            cell.source = plainmd.render(cell.source, ctx)
        elif cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        out.cells.append(cell)
    return out


def release_notebook(source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student version of a source notebook, made by nbgrader's own preprocessors.

    The order is ``nbgrader generate_assignment``'s, minus the steps that need its database
    (``SaveCells``) or course files (``IncludeHeaderFooter``, ``InstantiateTests``).
    """
    try:
        from nbgrader import preprocessors as pp
    except ImportError:
        raise AssignError(
            "--release needs nbgrader, which instructors install with the book's `instructor` "
            "extra: pip install -e '.[instructor]' (or: pip install nbgrader). "
            "Without --release, only the source notebooks are written."
        ) from None
    steps = [pp.LockCells, pp.ClearSolutions, pp.ClearOutput, pp.CheckCellMetadata, pp.ComputeChecksums,
             pp.ClearHiddenTests, pp.ClearMarkScheme, pp.ComputeChecksums, pp.CheckCellMetadata]
    nb, resources = copy.deepcopy(source), {}
    for step in steps:
        nb, resources = step().preprocess(nb, resources)
    return nb


def drop_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The chapter with every solution left out, for the book's student edition.

    Drops the ``remove-student`` cells, every nbgrader solution cell (code and written
    answers) and the check cells (which would fail without the solutions and may hold
    hidden tests). Prompts and all other cells stay, MyST and all.
    """
    out = copy.deepcopy(nb)
    out.cells = [
        c for c in nb.cells
        if "remove-student" not in c.get("metadata", {}).get("tags", [])
        and not nbgrader(c).get("solution")
        and not (c.cell_type == "code" and nbgrader(c).get("grade"))
    ]
    return out


def _parse_only(text: str | None, known: dict[str, Exercise]) -> set[str] | None:
    """``"ex-ch04-a,4.3"`` -> a set of labels; unknown ids raise :class:`AssignError`."""
    if text is None:
        return None
    by_number = {e.number: label for label, e in known.items()}
    wanted = [item.strip() for item in text.split(",") if item.strip()]
    unknown = [w for w in wanted if w not in known and w not in by_number]
    if unknown or not wanted:
        raise AssignError(
            f"unknown exercise id(s) for --only: {', '.join(unknown) or '(none given)'}. "
            f"The chapters given have: {', '.join(f'{e.number} {l}' for l, e in known.items()) or 'no exercises'}"
        )
    return {by_number.get(w, w) for w in wanted}


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit status (0, or 1 with a message on stderr)."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.assign",
        description="Write nbgrader source (and, with --release, student) notebooks from chapters.")
    parser.add_argument("chapters", nargs="+", type=Path, help="chapter notebooks, e.g. chapters/04_*.ipynb")
    parser.add_argument("--course", required=True, type=Path, help="the nbgrader course directory")
    parser.add_argument("--assignment", required=True, help="the assignment name, e.g. week4")
    parser.add_argument("--only", help="comma-separated exercise labels or numbers (ex-ch04-relu-grad,4.3)")
    parser.add_argument("--release", action="store_true", help="also write the student version (needs nbgrader)")
    args = parser.parse_args(argv)
    require_checkout()
    try:
        if not re.fullmatch(r"[\w.-]+", args.assignment):
            raise AssignError(f"--assignment {args.assignment!r}: use letters, digits, '-', '_' or '.'")
        chapters = [(path, read_chapter(path)) for path in args.chapters]
        found = {path: find_exercises(nb, _chapter_number(path)) for path, nb in chapters}
        only = _parse_only(args.only, {e.label: e for exs in found.values() for e in exs})
        for path, nb in chapters:
            chosen = [e for e in found[path] if only is None or e.label in only]
            if only is not None and not chosen:
                print(f"{path}: none of the chosen exercises is in this chapter; skipped")
                continue
            source = source_notebook(nb, _chapter_number(path), only)
            written = [_write(source, args.course / "source" / args.assignment / path.name)]
            if args.release:
                written.append(_write(release_notebook(source), args.course / "release" / args.assignment / path.name))
            auto = sum(e.auto_points for e in chosen)
            manual = sum(e.manual_points for e in chosen)
            print(f"{path}: {len(chosen)} exercises ({', '.join(e.number for e in chosen)}), "
                  f"{auto:g} auto-graded points, {manual:g} manually graded points")
            for target in written:
                print(f"  wrote {target}")
        if config := write_config(args.course):
            print(f"  wrote {config} (nbgrader settings: timeout, check cells re-run by the grader)")
    except AssignError as error:
        print(f"tools.assign: error: {error}", file=sys.stderr)
        return 1
    return 0


NBGRADER_CONFIG = """\
# nbgrader's configuration for this course, written by `python -m tools.assign`
# (book/instructors.md, "Grade with nbgrader"). Edit it freely: it is never overwritten.
import sys

c = get_config()  # noqa: F821 (nbgrader defines it)
c.Execute.timeout = 600  # seconds per cell; some chapters train for up to a minute

# Autograde re-runs every check cell in the grader, where the students' code cannot change
# it (tools/grading.py; book/instructors.md, "What the auto-graded points guarantee").
sys.path.insert(0, {root!r})  # the book's clone, where tools/ is
from tools import grading  # noqa: E402

grading.configure(c)
"""


def write_config(course: Path) -> Path | None:
    """Write ``course/nbgrader_config.py`` unless one exists; return its path if written."""
    path = Path(course) / "nbgrader_config.py"
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(NBGRADER_CONFIG.format(root=str(ROOT)), encoding="utf-8")
    return path


def _write(nb: nbformat.NotebookNode, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target


if __name__ == "__main__":
    sys.exit(main())
