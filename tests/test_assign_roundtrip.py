"""The nbgrader round trip of every chapter (and of the fixture chapter): `make test-assign`.

For each notebook, ``tests/roundtrip.py`` makes the source and the release with
``python -m tools.assign --release`` and runs nbgrader on them in-process. The tests then
assert what an instructor relies on: the worked solutions pass every check, the student
version passes none and leaks no solution, it runs top to bottom with only the unanswered
exercises failing (each saying "not attempted yet", nothing on stderr), and nbgrader's
autograde gives the source full marks for the auto-graded points.

Written answers (markdown solution cells) are graded by hand in nbgrader: autograde gives
them no score (nbgrader then asks for a manual grade), so the tests check exactly that and
count their points only in the maximum.

Each chapter's release is executed; its source is executed too unless ``make
test-notebooks`` kept a fresh execution of the chapter, whose outputs it is then validated
on (autograde grades the validated source's outputs; see tests/roundtrip.py), two chapters
at a time under
``make test-assign``; a summary per notebook is written to ``_build/roundtrip.md``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pytest

from tools.chapter_format import CHAPTERS, ROOT, read
from tests.roundtrip import errored, round_trip, secret_lines, stderr_of, stdout_of, text_of, validate

pytestmark = pytest.mark.roundtrip
FIXTURE = ROOT / "tests" / "fixtures" / "00_fixture.ipynb"
NOTEBOOKS = [FIXTURE, *CHAPTERS]
REPORT = ROOT / "_build" / "roundtrip.md"
REPORT_HEADER = ("| notebook | exercises | auto points (scored/max) | manual points | validate source "
                 "| validate --invert release | seconds |\n|---|---|---|---|---|---|---|\n")


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def shown_error(cell) -> str:
    """The error a student sees under a cell, without colours; one line means no traceback."""
    lines = [line for o in cell.outputs if o.output_type == "error" for line in o.traceback]
    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(lines))
    assert "\n" not in text.strip() and "utils/" not in text, f"a traceback reached the student:\n{text}"
    return text.strip()


def _check_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and _meta(c).get("grade") and not _meta(c).get("solution")]


def _solution_code_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and _meta(c).get("solution")]


def _report(trip, seconds: float) -> None:
    """One row of _build/roundtrip.md: what the round trip found for a notebook."""
    auto = sum(m for _, m, kind in trip.grades.values() if kind == "code")
    manual = sum(m for _, m, kind in trip.grades.values() if kind == "markdown")
    prompts = sum(1 for c in read(trip.source).cells if _meta(c).get("grade_id", "").endswith("-prompt"))
    if not REPORT.exists():  # make test-assign writes the header before the workers start
        REPORT.parent.mkdir(exist_ok=True)
        REPORT.write_text(REPORT_HEADER)
    with REPORT.open("a", encoding="utf-8") as report:
        report.write(
            f"| {trip.chapter.name} | {prompts} | {trip.score:g}/{auto:g} | {manual:g} "
            f"| {'passes' if not trip.validate else 'FAILS'} "
            f"| {'passes no check' if not trip.validate_invert.get('passed') else 'PASSES SOME'} "
            f"| {seconds:.0f} ({', '.join(f'{k} {v:.0f}' for k, v in trip.seconds.items())}) |\n")


class RoundTrip:
    """The round-trip tests of one notebook; a subclass per notebook is made below.

    One class per notebook, so that `pytest -n 2 --dist loadscope` (make test-assign) gives
    each notebook's tests to one worker, two notebooks at a time, and the class-scoped
    fixture makes each round trip once.
    """

    chapter: Path

    @pytest.fixture(scope="class")
    @classmethod
    def trip(cls, tmp_path_factory):
        start = time.perf_counter()
        # The fixture is small: let autograde execute it too, the full nbgrader path once.
        result = round_trip(cls.chapter, tmp_path_factory.mktemp(cls.chapter.stem),
                            autograde_executes=cls.chapter == FIXTURE)
        _report(result, time.perf_counter() - start)
        return result

    def test_source_passes_nbgrader_validate(self, trip):
        assert trip.validate == {}, f"nbgrader validate on the source failed: {trip.validate}"


    def test_release_passes_no_check(self, trip):
        assert not trip.validate_invert, (
            f"nbgrader validate --invert: the student version passes checks it should fail: {trip.validate_invert}"
        )
        assert _check_cells(trip.executed_release), "no auto-checked exercise in the release"


    def test_release_leaks_no_solution_line(self, trip):
        secrets = secret_lines(read(trip.chapter))
        assert secrets, "found no solution lines in the chapter"
        for path in trip.release.parent.rglob("*"):
            if path.is_file():
                text = text_of(path)
                leaked = sorted(line for line in secrets if line in text)
                assert not leaked, f"{path.name} contains solution lines: {leaked[:5]}"


    def test_release_fails_only_the_unanswered_exercises(self, trip):
        nb = trip.executed_release
        checks, solutions = _check_cells(nb), _solution_code_cells(nb)
        errors = errored(nb)
        unexpected = {i: e for i, e in errors.items() if i not in checks and i not in solutions}
        assert not unexpected, f"cells outside the exercises failed in the student version: {unexpected}"
        for i in solutions:
            assert errors.get(i, "NotImplementedError") == "NotImplementedError", f"cell {i}: {errors[i]}"
        for i in checks:
            cell, grade_id = nb.cells[i], _meta(nb.cells[i])["grade_id"]
            assert i in errors, f"{grade_id}: the check passed on a missing answer"
            assert "not attempted yet" in stdout_of(cell), f"{grade_id}: no 'not attempted yet' message"
            assert not stderr_of(cell), f"{grade_id} wrote to stderr: {stderr_of(cell)!r}"
            assert shown_error(cell).startswith("AssertionError: "), f"{grade_id}: {shown_error(cell)}"


    def test_source_runs_clean(self, trip):
        nb = trip.executed_source
        assert not errored(nb), f"cells failed in the source: {errored(nb)}"
        for i in _check_cells(nb) + _solution_code_cells(nb):
            assert not stderr_of(nb.cells[i]), f"{_meta(nb.cells[i])['grade_id']} wrote to stderr"
        for i in _check_cells(nb):
            assert "✓" in stdout_of(nb.cells[i]), f"{_meta(nb.cells[i])['grade_id']} printed no ✓"


    def test_autograde_gives_full_marks(self, trip):
        auto = {g: (s, m) for g, (s, m, kind) in trip.grades.items() if kind == "code"}
        written = {g: (s, m) for g, (s, m, kind) in trip.grades.items() if kind == "markdown"}
        assert auto, "no auto-graded cells in the gradebook"
        assert all(s == m for s, m in auto.values()), f"autograde gave less than full marks: {auto}"
        assert all(s is None for s, _ in written.values()), "written answers must be left to manual grading"
        assert trip.score == sum(m for _, m in auto.values())
        assert trip.max_score == sum(m for _, m in auto.values()) + sum(m for _, m in written.values())


    def test_generate_assignment_agrees_with_our_release(self, trip):
        """Our database-free release is what `nbgrader generate_assignment` writes."""
        ours = read(trip.release)
        key = lambda nb: [(c.cell_type, c.source, _meta(c)) for c in nb.cells]  # noqa: E731
        assert key(ours) == key(trip.nbgrader_release)




for _path in NOTEBOOKS:  # TestRoundTrip_01_introduction, ...
    _name = f"TestRoundTrip_{_path.stem}"
    globals()[_name] = type(_name, (RoundTrip,), {"chapter": _path})


def test_wrong_answers_get_hints_not_tracebacks(tmp_path):
    """In a kernel: a wrong answer prints what was expected, a crashing one names the error;
    both raise AssertionError, show no frame of utils and write nothing to stderr."""
    from tools import assign

    assert assign.main([str(FIXTURE), "--course", str(tmp_path), "--assignment", "a"]) == 0
    path = tmp_path / "source" / "a" / FIXTURE.name
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if _meta(cell).get("grade_id") == "ex-ch00-square":
            cell.source = "def square(x):\n    return x.no_such_method()"
        if _meta(cell).get("grade_id") == "ex-ch00-mean":
            cell.source = "mean_value = 2.5"
    nbformat.write(nb, path)
    results, executed = validate(path)
    assert len(results["failed"]) == 2
    outputs = {_meta(c)["grade_id"]: c for c in executed.cells if _meta(c).get("grade_id", "").endswith("-check")}
    square, mean = outputs["ex-ch00-square-check"], outputs["ex-ch00-mean-check"]
    assert "your answer raised AttributeError" in stdout_of(square)
    assert "should be about 1.5, got 2.5" in stdout_of(mean)
    for cell in (square, mean):
        assert not stderr_of(cell)
        assert shown_error(cell).startswith("AssertionError: ex-ch00-")
