"""Submissions that try to get round the checks score 0: nbgrader's autograde, in-process.

The fixture chapter (tests/fixtures/00_fixture.ipynb: ``ex-ch00-square``, 2 points, with a
hidden test, and ``ex-ch00-mean``, 1 point, without) is assigned with ``tools.assign
--release``. Each :data:`ATTEMPTS` entry is a student's copy of the release: the honest
right answers, the honest wrong ones, the untouched release, and the wrong answers plus one
way round the checks. All are autograded by nbgrader with ``tools.grading`` (as the
``nbgrader_config.py`` that ``tools.assign`` writes configures it), and the tests assert:

- every tampering attempt scores 0 on both exercises, and the ``ex-ch00-mean`` check says
  why (``TamperingDetected`` where the check passed in the kernel -- which is exactly where
  stock nbgrader would have given the points -- ``KernelStopped``, or the usual hint);
- the honest right answers score full points, the honest wrong ones and the release 0;
- the control: stock nbgrader gives the issue's attempt (``check`` redefined) the point of
  its wrong ``ex-ch00-mean``, so the attacks are real;
- ``nbgrader validate`` reports locked cells a student edited (nbgrader's checksums).

Run: ``OMP_NUM_THREADS=1 .venv/bin/pytest -m roundtrip -k tamper tests`` (21 autogrades, one
kernel each; 8-10 minutes on the shared two-core machine where it was written, about 20 s
per autograde there).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from tests.roundtrip import autograde_all, validate
from tools import assign
from tools.chapter_format import ROOT

pytestmark = pytest.mark.roundtrip
FIXTURE = ROOT / "tests" / "fixtures" / "00_fixture.ipynb"
NAME = "tamper"
SQUARE, MEAN = "ex-ch00-square-check", "ex-ch00-mean-check"
POINTS = {SQUARE: 2.0, MEAN: 1.0}

RIGHT_SQUARE = "def square(x):\n    return torch.as_tensor(x, dtype=torch.float64) ** 2\n"
WRONG_SQUARE = "def square(x):\n    return torch.as_tensor(x, dtype=torch.float64) * 2   # wrong: 2x, not x^2\n"
RIGHT_MEAN = "mean_value = float(xs.mean())\n"
WRONG_MEAN = "mean_value = 2.5   # wrong: the mean of xs is 1.5\n"


@dataclass
class Attempt:
    """One submission: what its solution cells hold, and what a grader must give it."""

    name: str
    square: str = WRONG_SQUARE          # the source of the ex-ch00-square solution cell
    mean: str = WRONG_MEAN              # the source of the ex-ch00-mean solution cell
    check_cells: dict = field(default_factory=dict)   # grade_id -> new source of a locked cell, or
                                                      # "delete", or "unmark" (nbgrader metadata removed)
    expected: dict = field(default_factory=lambda: {SQUARE: 0.0, MEAN: 0.0})  # trusted scores
    message: str = "TamperingDetected"  # what the grader says about the ex-ch00-mean check


ATTEMPTS = [
    Attempt("honest right answers", RIGHT_SQUARE, RIGHT_MEAN, expected=POINTS, message=""),
    Attempt("honest wrong answers", message="should be about 1.5, got 2.5"),
    Attempt("untouched release", square=None, mean=None, message="not attempted yet"),
    # The issue's case: the first solution cell rebinds the name the check cells call.
    Attempt("redefine check", WRONG_SQUARE + "\ndef check(exercise_id, answer):\n    print('✓', exercise_id)\n"),
    # Patch the real function in place: every reference to it now runs the student's code.
    Attempt("patch check's code", WRONG_SQUARE + "\ncheck.__code__ = (lambda exercise_id, answer: None).__code__\n"),
    # Replace every checker in the registry by one that accepts anything.
    Attempt("replace the registry's checkers", WRONG_SQUARE + (
        "\nimport utils.check\n"
        "for key in list(utils.check._REGISTRY):\n"
        "    utils.check._REGISTRY[key] = utils.check._Entry(lambda answer: None, '')\n")),
    # The comparison helpers of NumPy and PyTorch that the checks use say "close" to anything.
    Attempt("patch numpy and torch comparisons", WRONG_SQUARE + (
        "\nimport numpy as np\n"
        "np.allclose = np.isclose = lambda *args, **kwargs: True\n"
        "torch.allclose = lambda *args, **kwargs: True\n")),
    # The book's comparison helper, both where the checkers find it and in utils.check.
    Attempt("replace expect_close", WRONG_SQUARE + (
        "\nimport utils.check\n"
        "utils.check.expect_close = expect_close = lambda *args, **kwargs: None\n")),
    # The reference a checker computes: torch.tensor now builds the wrong answer's values.
    Attempt("patch the reference computation", WRONG_SQUARE + (
        "\n_tensor = torch.tensor\n"
        "torch.tensor = lambda data, *a, **k: (\n"
        "    square(torch.arange(3.0)) if data == [0.0, 1.0, 4.0] else _tensor(data, *a, **k))\n"
        "import utils.check\n"
        "utils.check._to_numpy = lambda x: __import__('numpy').asarray(1.5 if x is mean_value else x)\n")),
    # IPython rewrites every later cell that calls check() into `pass`.
    Attempt("input transformer blanks the check cells", WRONG_SQUARE + (
        "\nget_ipython().input_transformers_cleanup.append(\n"
        "    lambda lines: ['pass\\n'] if lines and lines[0].startswith('check(') else lines)\n")),
    # IPython swallows every exception of later cells, and shows no traceback.
    Attempt("swallow exceptions in IPython", WRONG_SQUARE + (
        "\nip = get_ipython()\n"
        "ip.set_custom_exc((BaseException,), lambda *args, **kwargs: None)\n"
        "ip.showtraceback = lambda *args, **kwargs: None\n"), message="should be about 1.5"),
    # The kernel exits before any check runs.
    Attempt("os._exit before the checks", WRONG_SQUARE + "\nimport os\nos._exit(0)\n", message="KernelStopped"),
    Attempt("sys.exit before the checks", WRONG_SQUARE + "\nimport sys\nsys.exit(0)\n",
            message="should be about 1.5"),
    Attempt("KeyboardInterrupt before the checks", WRONG_SQUARE + "\nraise KeyboardInterrupt\n",
            message="should be about 1.5"),
    # Attacks on the grader's own channel: a forged helper in the kernel that answers with a
    # pickle (which would run code in the grader), and an answer that kills the kernel when the
    # grader calls it. The grader decodes plain data only, and fails closed.
    Attempt("forge the grader's helper in the kernel", WRONG_SQUARE + (
        "\nimport json, sys, types\n"
        "fake = types.ModuleType('_dlb_grader')\n"
        "fake.serve = lambda request, response: open(response, 'w').write(json.dumps({'t': 'pickle', 'v': 'gASV'}))\n"
        "sys.modules['_dlb_grader'] = fake\n"), message="could not be verified"),
    Attempt("kill the kernel when the grader calls", RIGHT_SQUARE.replace(
        "    return", "    import os, sys\n    if '_dlb_grader' in sys.modules:\n        os._exit(0)\n    return"),
        message="KernelStopped"),
    # The submitted file's check cells are edited (locked cells): nbgrader restores them.
    Attempt("edit the locked check cells", check_cells={SQUARE: "pass", MEAN: "print('✓')"},
            message="should be about 1.5, got 2.5"),
    # The submitted file has no check cells, or none that nbgrader knows: they are added back.
    Attempt("delete the check cells", check_cells={SQUARE: "delete", MEAN: "delete"},
            message="should be about 1.5, got 2.5"),
    Attempt("unmark the check cells", check_cells={SQUARE: "unmark", MEAN: "unmark"},
            message="should be about 1.5, got 2.5"),
]


def _grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def submission(release: nbformat.NotebookNode, attempt: Attempt) -> nbformat.NotebookNode:
    """The student's copy of ``release`` with the attempt's cells."""
    nb = copy.deepcopy(release)
    new = {"ex-ch00-square": attempt.square, "ex-ch00-mean": attempt.mean, **attempt.check_cells}
    for cell in list(nb.cells):
        change = new.get(_grade_id(cell))
        if change == "delete":
            nb.cells.remove(cell)
        elif change == "unmark":
            del cell.metadata["nbgrader"]
        elif change is not None:
            cell.source = change
    return nb


def checker_file(source: nbformat.NotebookNode, path: Path) -> Path:
    """The fixture registers its checkers in a cell; the grader loads that cell as a file."""
    cells = [c.source for c in source.cells if c.cell_type == "code" and "@register(" in c.source]
    assert len(cells) == 1, "expected one cell that registers the fixture's checkers"
    path.write_text(cells[0], encoding="utf-8")
    return path


def _student(attempt: Attempt) -> str:
    return re.sub(r"[^a-z0-9]+", "-", attempt.name.lower()).strip("-")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The fixture assigned: its source and release notebooks, and its checkers as a file."""
    tmp = tmp_path_factory.mktemp("tamper")
    assert assign.main([str(FIXTURE), "--course", str(tmp / "assign"), "--assignment", NAME, "--release"]) == 0
    source = nbformat.read(tmp / "assign" / "source" / NAME / FIXTURE.name, as_version=4)
    release = nbformat.read(tmp / "assign" / "release" / NAME / FIXTURE.name, as_version=4)
    return tmp, source, release, checker_file(source, tmp / "ch00_checkers.py")


def _autograde(course, kind: str, attempts: list[Attempt]) -> dict:
    tmp, source, release, checkers = course
    root = tmp / kind
    (root / "source" / NAME).mkdir(parents=True)
    nbformat.write(source, root / "source" / NAME / FIXTURE.name)
    submissions = {_student(a): submission(release, a) for a in attempts}
    _, graded = autograde_all(root, NAME, FIXTURE.name, submissions, trusted=kind == "trusted",
                              checker_files=(str(checkers),))
    return graded


@pytest.fixture(scope="module")
def trusted(course):
    """Every attempt autograded with tools.grading: {student: Graded}."""
    return _autograde(course, "trusted", ATTEMPTS)


def _scores(graded) -> dict:
    return {g: s for g, (s, _, kind) in graded.grades.items() if kind == "code"}


def _check_outputs(graded, grade_id: str) -> str:
    cell = next(c for c in graded.notebook.cells if _grade_id(c) == grade_id)
    return "\n".join(o.get("text", "") + o.get("ename", "") + ": " + o.get("evalue", "") for o in cell.outputs)


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=_student)
def test_trusted_grading_scores_only_right_answers(trusted, attempt):
    """0 points for every wrong answer, however the notebook tried; full points for right ones;
    the ex-ch00-mean check (no hidden tests) says why it failed."""
    got = trusted[_student(attempt)]
    report = f"{attempt.name}: {_scores(got)}\n" + "\n".join(_check_outputs(got, g) for g in POINTS)
    assert _scores(got) == attempt.expected, report
    for grade_id in POINTS:
        text = _check_outputs(got, grade_id)
        if attempt.expected[grade_id]:
            assert "✓" in text and "Error" not in text, report
        else:
            assert "0 points." in text, report
    assert attempt.message in _check_outputs(got, MEAN), report


def test_tampering_is_what_stock_nbgrader_would_have_passed(course, trusted):
    """The control: stock nbgrader gives the issue's attempt (``check`` redefined) the point of
    its wrong ex-ch00-mean; "TamperingDetected" is reported where the kernel's run of the check passed."""
    issue = next(a for a in ATTEMPTS if a.name == "redefine check")
    stock = _autograde(course, "nbgrader", [issue])[_student(issue)]
    assert _scores(stock) == {SQUARE: 0.0, MEAN: 1.0}, _scores(stock)  # the hidden test still catches square
    assert "TamperingDetected" in _check_outputs(trusted[_student(issue)], MEAN)
    assert "TamperingDetected" not in _check_outputs(trusted[_student(issue)], SQUARE)


def test_nbgrader_validate_reports_edited_check_cells(course, tmp_path):
    """nbgrader's checksums: a student's `nbgrader validate` flags the edited locked cells."""
    _, _, release, _ = course
    path = tmp_path / FIXTURE.name
    nbformat.write(submission(release, next(a for a in ATTEMPTS if a.check_cells)), path)
    results, _ = validate(path)
    assert len(results.get("changed", [])) == 2, results
