"""The nbgrader round trip of a chapter, shared by the assignment tests.

:func:`round_trip` makes the source and release notebooks with ``tools.assign``, then
runs nbgrader itself, in-process (no CLI start-up, no server):

1. ``nbgrader validate`` on the source: the worked solutions pass every check;
2. ``nbgrader validate --invert`` on the release: it passes no check;
3. ``nbgrader generate_assignment`` + ``autograde`` in a course directory with its
   sqlite gradebook, the source as the student's submission.

Each notebook is executed once per kind: the validator's executions are kept (the source's
and the release's, cell by cell, errors allowed), and by default autograde grades the
validated source's outputs instead of executing it a third time (``Execute`` and
``ClearOutput`` are left out of its preprocessors; everything else -- overwriting locked
cells from the gradebook, scoring, saving grades -- is nbgrader's own). With
``autograde_executes=True`` it runs nbgrader's full autograde, execution included.

The source's code cells are the chapter's. So when ``make test-notebooks`` has kept an
execution of the chapter made from it and ``utils/`` as they are now (``tools/executed.py``),
the source is not executed again: it gets those outputs (:func:`with_outputs`) and nbgrader's
validator, without its ``ClearOutput`` and ``Execute`` steps, judges every grade cell on
them, as it would have judged its own execution's.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from tools import assign, executed
from tools.executed import with_outputs

STUDENT = "student1"
TIMEOUT_S = 600  # per cell, as in _config.yml: training cells take up to about a minute


@dataclass
class Trip:
    """What a round trip produced; paths and executed notebooks for the tests to inspect."""

    chapter: Path
    source: Path
    release: Path
    validate: dict                  # nbgrader validate results on the source ({} = passes)
    validate_invert: dict           # nbgrader validate --invert results on the release
    executed_source: nbformat.NotebookNode
    executed_release: nbformat.NotebookNode
    nbgrader_release: nbformat.NotebookNode   # what `nbgrader generate_assignment` wrote
    grades: dict = field(default_factory=dict)  # grade_id -> (auto_score, max_score, cell_type)
    score: float = 0.0
    max_score: float = 0.0
    seconds: dict = field(default_factory=dict)


def _config(**sections):
    from traitlets.config import Config

    config = Config()
    config.Execute.timeout = TIMEOUT_S
    config.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:"]
    for key, value in sections.items():
        section, name = key.split("__")
        config[section][name] = value
    return config


def validate(path: Path, *, invert: bool = False, execute: bool = True) -> tuple[dict, nbformat.NotebookNode]:
    """``nbgrader validate [--invert] path`` in-process; returns its results and the executed notebook.

    ``execute=False`` validates the outputs the notebook at ``path`` already has.
    """
    from nbgrader.preprocessors import CheckCellMetadata
    from nbgrader.validator import Validator

    class KeepingValidator(Validator):
        executed = None

        def _preprocess(self, nb):  # the one hook between execution and scoring
            self.executed = super()._preprocess(nb)
            return self.executed

    validator = KeepingValidator(config=_config(Validator__invert=invert))
    if not execute:
        validator.preprocessors = [CheckCellMetadata]
    results = validator.validate(str(path))
    return results, validator.executed


@dataclass
class Graded:
    """What autograde gave one student's submission."""

    grades: dict              # grade_id -> (auto_score, max_score, cell_type)
    score: float
    max_score: float
    notebook: nbformat.NotebookNode   # the autograded notebook, with the outputs it was scored on


def autograde(course: Path, name: str, notebook: str, submission: nbformat.NotebookNode,
              *, executes: bool) -> tuple[nbformat.NotebookNode, dict, float, float]:
    """Generate the assignment in ``course`` (with its gradebook), submit, autograde, read the grades."""
    generated, graded = autograde_all(course, name, notebook, {STUDENT: submission}, executes=executes)
    return generated, graded[STUDENT].grades, graded[STUDENT].score, graded[STUDENT].max_score


def autograde_all(course: Path, name: str, notebook: str, submissions: dict[str, nbformat.NotebookNode],
                  *, executes: bool = True, trusted: bool = False,
                  checker_files: tuple[str, ...] = ()) -> tuple[nbformat.NotebookNode, dict[str, Graded]]:
    """Generate the assignment in ``course``, submit one notebook per student, autograde each.

    ``trusted`` grades with ``tools.grading`` (check cells re-run in the grader), as
    book/instructors.md configures it; ``checker_files`` are its extra checker files.
    """
    from nbgrader import preprocessors as pp
    from nbgrader.apps import NbGraderAPI
    from nbconvert.preprocessors import ClearMetadataPreprocessor

    settings = {"CourseDirectory__root": str(course), "Exchange__root": str(course / "exchange")}
    if not executes:  # grade the outputs the submission already has
        settings["Autograde__sanitize_preprocessors"] = [
            pp.DeduplicateIds, pp.OverwriteKernelspec, pp.OverwriteCells, pp.CheckCellMetadata]
        settings["Autograde__autograde_preprocessors"] = [
            pp.IgnorePattern, ClearMetadataPreprocessor, pp.LimitOutput, pp.SaveAutoGrades,
            pp.AssignLatePenalties, pp.CheckCellMetadata]
    config = _config(**settings)
    if trusted:
        from tools import grading

        grading.configure(config, checker_files=checker_files)
    with contextlib.redirect_stdout(io.StringIO()):
        api = NbGraderAPI(config=config)
    # nbgrader's gradebook runs the `alembic` command: find it next to this interpreter.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    result = api.generate_assignment(name)
    assert result["success"], result.get("error", "") + result.get("log", "")
    graded = {}
    for student, submission in submissions.items():
        submitted = course / "submitted" / student / name / notebook
        submitted.parent.mkdir(parents=True)
        nbformat.write(submission, submitted)
        result = api.autograde(name, student)
        assert result["success"], result.get("error", "") + result.get("log", "")
        with api.gradebook as gradebook:
            nb = gradebook.find_submission_notebook(Path(notebook).stem, name, student)
            grades = {g.name: (g.auto_score, g.max_score, g.cell.cell_type) for g in nb.grades}
            graded[student] = Graded(grades, nb.score, nb.max_score,
                                     nbformat.read(course / "autograded" / student / name / notebook, as_version=4))
    return nbformat.read(course / "release" / name / notebook, as_version=4), graded


def round_trip(chapter: Path, workdir: Path, *, autograde_executes: bool = False) -> Trip:
    """Run the whole round trip of ``chapter`` in ``workdir``; see the module docstring."""
    seconds, tick = {}, time.perf_counter()
    name = "roundtrip"
    status = assign.main([str(chapter), "--course", str(workdir / "course"), "--assignment", name, "--release"])
    assert status == 0, "python -m tools.assign failed"
    source = workdir / "course" / "source" / name / chapter.name
    release = workdir / "course" / "release" / name / chapter.name
    seconds["assign"] = time.perf_counter() - tick

    tick = time.perf_counter()
    kept = executed.fresh(chapter)
    ran = kept and with_outputs(nbformat.read(source, as_version=4), kept)
    if ran:  # validate a copy: the source stays as tools.assign wrote it, without outputs
        nbformat.write(ran, workdir / chapter.name)
        results, executed_source = validate(workdir / chapter.name, execute=False)
        seconds["validate source (kept run)"] = time.perf_counter() - tick
    else:
        results, executed_source = validate(source)
        seconds["validate source"] = time.perf_counter() - tick
    tick = time.perf_counter()
    inverted, executed_release = validate(release, invert=True)
    seconds["validate --invert release"] = time.perf_counter() - tick

    tick = time.perf_counter()
    graded_course = workdir / "graded"
    (graded_course / "source" / name).mkdir(parents=True)
    shutil.copy(source, graded_course / "source" / name / chapter.name)
    submission = nbformat.read(source, as_version=4) if autograde_executes else executed_source
    generated, grades, score, max_score = autograde(
        graded_course, name, chapter.name, submission, executes=autograde_executes)
    seconds["autograde"] = time.perf_counter() - tick
    return Trip(chapter, source, release, results, inverted, executed_source, executed_release,
                generated, grades, score, max_score, seconds)


# --- reading notebooks -------------------------------------------------------------------

def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _between(source: str, begin: str, end: str) -> list[str]:
    lines, inside, out = source.splitlines(), False, []
    for line in lines:
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            out.append(line)
    return out


def secret_lines(nb: nbformat.NotebookNode) -> set[str]:
    """Every non-trivial line of the chapter's solutions and hidden tests.

    Lines of code solutions (between the solution markers), of written answers (whole
    markdown solution cells) and of hidden tests, stripped; minus trivial lines (fewer than
    three words and 20 characters, such as ``else:`` or a wrapped ``deep learning.``) and
    minus lines that the chapter also has outside its solutions (those may appear in a
    release legitimately).
    """
    secret, public = set(), set()
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if meta.get("solution") and cell.cell_type == "code":
            hidden = _between(cell.source, "BEGIN SOLUTION", "END SOLUTION")
        elif meta.get("solution"):
            hidden = cell.source.splitlines()
        else:
            hidden = _between(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
        secret.update(line.strip() for line in hidden)
        if "remove-student" not in cell.get("metadata", {}).get("tags", []):
            public.update(line.strip() for line in cell.source.splitlines() if line.strip() not in hidden)
    return {line for line in secret - public if len(re.findall(r"[A-Za-z_]\w*", line)) >= 3 or len(line) >= 20}


def text_of(path: Path) -> str:
    """All the text in a file; for a notebook, every string in its JSON (sources, outputs, metadata)."""
    if path.suffix != ".ipynb":
        return path.read_text(encoding="utf-8", errors="replace")
    strings = []

    def walk(node):
        if isinstance(node, str):
            strings.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            strings.append("".join(x for x in node if isinstance(x, str)))  # multiline sources
            for value in node:
                walk(value)

    walk(json.loads(path.read_text(encoding="utf-8")))
    return "\n".join(strings)


def errored(nb: nbformat.NotebookNode) -> dict[int, str]:
    """Index -> error name of every code cell that raised."""
    return {i: o.ename for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.outputs if o.output_type == "error"}


def stderr_of(cell) -> str:
    return "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == "stderr")


def stdout_of(cell) -> str:
    return "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == "stdout")
