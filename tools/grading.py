"""Autograde that the notebook's own code cannot talk round: check cells run in the grader.

nbgrader's autograde runs a submission top to bottom in one kernel and gives a check cell
its points when the cell raised no error. The student's cells run first, in that same
kernel, so they can redefine ``check``, patch the checker registry, NumPy or PyTorch, stop
IPython from running or reporting later cells -- and the check cell then "passes".

:class:`TrustedExecute` replaces nbgrader's ``Execute`` preprocessor in autograde. It runs
every cell in the kernel as ``Execute`` does (so the instructor sees the same outputs), and
then runs each check cell's source (restored from the gradebook by nbgrader, so it is the
instructor's) *again, in the grader's own process*:

- ``check``, the registry, the checkers (``utils/checks``, imported before any student code
  runs) and ``torch``/``np``/``nn``/``F``/``math`` are the grader's own;
- every other name the cell uses (the student's answer) is fetched from the kernel as data,
  or called there (``tools.kernel_rpc``): the kernel supplies answers, never verdicts.

The check cell's outputs are replaced by the grader's: its ✓ or hint, and an error when the
check failed, which is what nbgrader scores. Two failures name themselves:

- ``TamperingDetected``: the cell passed in the kernel but fails in the grader -- code in
  the notebook changed how the check ran there (or the answer is not deterministic);
- ``KernelStopped``: the kernel died (``os._exit``, a kill, a crash) before the check.

Use it from ``nbgrader_config.py`` with :func:`configure`; ``python -m tools.assign`` writes
such a file into a new course directory (see ``book/instructors.md``).
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import importlib
import io
import tempfile
import warnings
from pathlib import Path

from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import List, Unicode

import utils.check
from tools.kernel_rpc import GraderError, KernelChannel, RemoteModule

__all__ = ["TrustedExecute", "configure", "run_check_cell", "load_checkers"]

# Names a check cell may use for the book's libraries: always the grader's, whatever the
# notebook bound them to.
LIBRARY_NAMES = {"torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional", "np": "numpy",
                 "numpy": "numpy", "math": "math", "random": "random", "warnings": "warnings"}
# Modules the grader imports when a notebook's name refers to one (e.g. ``import torch.nn as tnn``).
IMPORTABLE = ("torch", "numpy", "math", "random", "warnings", "utils", "itertools", "functools",
              "collections", "statistics", "fractions")
_LOADED: set[str] = set()  # hashes of the checker files already run in this process


class CheckNamespace(dict):
    """The globals of a check cell run in the grader (see the module docstring).

    A name is looked up: in the cell's own assignments; among ``utils.check``'s exports and
    :data:`LIBRARY_NAMES`; among Python's builtins; and only then in the notebook's kernel.
    """

    def __init__(self, channel: KernelChannel | None):
        super().__init__(__builtins__=builtins, __name__="__check_cell__")
        self.update({name: getattr(utils.check, name) for name in utils.check.__all__})
        self.channel = channel

    def __missing__(self, name: str):
        if name in LIBRARY_NAMES:
            value = importlib.import_module(LIBRARY_NAMES[name])
        elif hasattr(builtins, name) or self.channel is None:
            raise KeyError(name)  # falls through to builtins, or NameError
        else:
            value = self.channel.lookup(name)
            if isinstance(value, RemoteModule):
                if value.name.split(".")[0] not in IMPORTABLE:
                    raise GraderError(f"{name!r} is the module {value.name!r} in the notebook; "
                                      "the grader does not import it")
                value = importlib.import_module(value.name)
        self[name] = value
        return value


def load_checkers(files: list[str] | tuple[str, ...] = ()) -> None:
    """Import every chapter's checkers, and run extra checker files (an instructor's own).

    Called before the student's kernel starts, so a submission that rewrites files on disk
    cannot change the checkers the grader already holds. A file runs once per process.
    """
    utils.check.registered_ids()
    for file in files:
        source = Path(file).read_text(encoding="utf-8")
        digest = hashlib.sha256(source.encode()).hexdigest()
        if digest not in _LOADED:
            exec(compile(source, str(file), "exec"), CheckNamespace(None))
            _LOADED.add(digest)


def run_check_cell(source: str, channel: KernelChannel | None) -> tuple[BaseException | None, str, str]:
    """Run a check cell's source in the grader; return (the error or None, stdout, stderr).

    Warnings are ignored (a warning is not a wrong answer, and the grader's warning registry
    is shared by every notebook it grades); explicit output on stderr counts, as in nbgrader.
    """
    out, err = io.StringIO(), io.StringIO()
    error = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(compile(source, "<check cell>", "exec"), CheckNamespace(channel))
        except KeyboardInterrupt:
            raise
        except BaseException as caught:  # any failure of the check is a failed check
            error = caught
    return error, out.getvalue(), err.getvalue()


def _is_check_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _failed_in_kernel(cell) -> bool:
    return any(o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr") for o in cell.outputs)


def _stdout(text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name="stdout", text=text)


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


class TrustedExecute(Execute):
    """nbgrader's ``Execute``, with every check cell re-run and scored in the grader."""

    checker_files = List(Unicode(), help=(
        "Python files that register extra checkers with utils.check.register (an instructor's "
        "own exercises); run in the grader before the notebook's kernel starts.")).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        load_checkers(self.checker_files)
        self._stopped_at = None  # where the kernel died ("cell 7"), if it did
        with tempfile.TemporaryDirectory(prefix="dlb-grader-") as workdir:
            self._channel = KernelChannel(self._run_in_kernel, Path(workdir))
            return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._stopped_at is None:
            try:
                cell, resources = super().preprocess_cell(cell, resources, index)
            except DeadKernelError:
                self._stopped_at = f"cell {index}"
        if _is_check_cell(cell):
            self._grade(cell)
        return cell, resources

    def _run_in_kernel(self, code: str) -> None:
        """Execute ``code`` in the kernel, silently, and wait for it to finish."""
        if self._stopped_at is not None:
            raise GraderError("the notebook's kernel has stopped")
        try:
            reply = self.wait_for_reply(self.kc.execute(code, silent=True, store_history=False, allow_stdin=False))
        except DeadKernelError:
            self._stopped_at = "a call from the grader"
            raise GraderError("the notebook's kernel died while answering the grader") from None
        if reply is None:
            raise GraderError("the notebook's kernel did not answer the grader in time")

    def _grade(self, cell) -> None:
        """Replace the check cell's outputs by the grader's verdict (see the module docstring)."""
        grade_id = cell.metadata["nbgrader"].get("grade_id", "this check")
        if self._stopped_at is not None:
            cell.outputs = [_error("KernelStopped", (
                f"{grade_id}: the notebook's kernel stopped (at {self._stopped_at}) before this "
                "check could run -- code that exits or kills the kernel. 0 points."))]
            return
        passed_in_kernel = not _failed_in_kernel(cell)
        error, out, err = run_check_cell(cell.source, self._channel)
        outputs = [_stdout(out)] if out else []
        if error is None and not err:
            cell.outputs = outputs
            return
        if isinstance(error, GraderError):
            ename, reason = "GraderError", f"{grade_id} could not be verified: {error}"
        elif error is not None:
            ename = "AssertionError" if isinstance(error, AssertionError) else type(error).__name__
            reason = str(error) if str(error).startswith("ex-") else f"{grade_id}: {type(error).__name__}: {error}"
        else:
            ename, reason = "StderrOutput", f"{grade_id} wrote to stderr: {err.strip()}"
        if passed_in_kernel:  # what nbgrader alone would have scored as a pass
            ename, reason = "TamperingDetected", (
                f"{grade_id} passed inside the notebook's kernel but fails when the grader runs it outside, "
                f"where the notebook's code cannot change it -- {reason}")
        cell.outputs = outputs + [_error(ename, reason + ". 0 points.")]


def configure(config, *, checker_files: list[str] | tuple[str, ...] = ()) -> None:
    """Make nbgrader's autograde use :class:`TrustedExecute` (and re-add deleted check cells);
    call it in ``nbgrader_config.py``.

    Args:
        config: the traitlets ``Config`` (``c = get_config()``).
        checker_files: extra files of checkers to load in the grader (optional).
    """
    from nbgrader.converters import Autograde

    preprocessors = list(config.Autograde.get("autograde_preprocessors", Autograde.autograde_preprocessors.default()))
    config.Autograde.autograde_preprocessors = [TrustedExecute if p is Execute else p for p in preprocessors]
    if TrustedExecute not in config.Autograde.autograde_preprocessors:
        raise ValueError("nbgrader's autograde has no Execute preprocessor to replace")
    config.TrustedExecute.checker_files = list(checker_files)
    # nbgrader's own protection: a check cell missing from the submission (deleted, or its
    # nbgrader metadata removed) is added back from the gradebook and run.
    config.OverwriteCells.add_missing_cells = True

