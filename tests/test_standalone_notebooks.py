"""Every chapter notebook executes on its own, as in Colab: alone in an empty folder, with
the book's package installed from a wheel into a fresh virtual environment.

This is the book's one execution of each chapter in ``make test-notebooks`` and ``make
test``: each notebook is executed once here (nbclient, every cell, any error fails), two at
a time; that same run is measured for the bench table, and the executed notebook is kept
in ``_build/executed/`` (``tools/executed.py``), from which the book build and the nbgrader
round trip take the chapter's outputs instead of executing it again.

That proves no notebook reads a file through a repository-relative path or imports
``utils`` from the repository (it is not on ``sys.path`` there), and that the package
declares every dependency the notebooks need: the environment gets the wheel and its
declared dependencies (versions from ``constraints.txt``) plus ``nbclient`` and
``ipykernel`` to run it, nothing else. One environment serves every notebook.

The same run measures every figure a notebook shows (``tools/figure_audit.py``): each must
fit the book's content column and no title may overlap an axes, a label or another title.

Slow (it executes the whole book), so it runs only when asked for with ``-m notebooks``,
as ``make test-notebooks`` does. Each run is timed and its kernel's peak memory measured
by ``tools.bench`` (``tools/run_notebook.py``); the measurements go to ``_build/bench.json``, from which ``make
test`` prints the benchmark table at the end without executing anything again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tools.chapter_format import CHAPTERS, ROOT
from tools import bench, executed, figure_audit

pytestmark = pytest.mark.notebooks

MEASUREMENTS = ROOT / "_build" / "bench.json"
PARALLEL = int(os.environ.get("NOTEBOOK_WORKERS", "2"))


def _run(command: list, **kwargs) -> str:
    """Run ``command``; on failure, fail the test with its output."""
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, command))} failed:\n{(done.stderr or done.stdout)[-3000:]}")
    return done.stdout


@pytest.fixture(scope="session")
def standalone_python():
    """The interpreter of a fresh venv holding the book's wheel, ipykernel and nbclient."""
    # Removed afterwards (not kept like tmp_path's folders): the venv holds a copy of torch.
    with tempfile.TemporaryDirectory(prefix="standalone-") as folder:
        yield _make_standalone_env(Path(folder))


def _make_standalone_env(root: Path) -> str:
    # Build from a copy of what the package is made of, so the build leaves nothing in
    # the repository (setuptools writes build/ and *.egg-info next to pyproject.toml).
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "utils", source / "utils", ignore=shutil.ignore_patterns("__pycache__"))
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", root / "wheels", source])
    wheel = next((root / "wheels").glob("*.whl"))

    venv = root / "venv"
    _run([sys.executable, "-m", "venv", venv])
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    # --no-compile: byte-compiling every module of torch, scipy, pandas, ... costs about 25 s
    # of CPU; the kernels compile the modules they import (and cache them) anyway.
    _run([python, "-m", "pip", "install", "--quiet", "--no-compile", wheel, "ipykernel", "nbclient",
          "-c", ROOT / "constraints.txt"])
    where = _run([python, "-c", "import utils, sys; print(utils.__file__)"], cwd=root).strip()
    assert Path(where).is_relative_to(venv), f"utils was imported from {where}, not from the wheel"
    return str(python)


@pytest.fixture(scope="session")
def runs(standalone_python, request) -> dict[str, bench.Measurement | str]:
    """Every selected notebook's measurement (or the error it failed with), two at a time.

    Selected: the chapters whose test runs (all of them, unless ``-k`` picks some).

    Two at a time because the machines this runs on have two cores and the kernels run one
    thread each (OMP_NUM_THREADS=1 in the Makefile).
    """

    def run_one(notebook: Path) -> bench.Measurement | str:
        stamp, kept = executed.stamp_of(notebook), executed.EXECUTED / notebook.name
        kept.unlink(missing_ok=True)  # a failed run leaves no execution to reuse
        try:
            # 300 s per cell is five times the slowest cell; a stalled kernel gets one more run.
            result = bench.measure(notebook, python=standalone_python, timeout=300, attempts=2, executed=kept)
            executed.keep(kept, stamp)
            return result
        except bench.NotebookFailed as error:
            return f"{error}\n(it ran alone in an empty folder, with `utils` installed from a wheel)"

    selected = {item.callspec.params["notebook"] for item in request.session.items
                if getattr(item, "callspec", None) and "notebook" in item.callspec.params}
    chapters = [nb for nb in CHAPTERS if nb in selected]
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        results = dict(zip((nb.name for nb in chapters), pool.map(run_one, chapters)))
    bench.save_measurements(MEASUREMENTS, [r for r in results.values() if isinstance(r, bench.Measurement)])
    return results


def test_chapters_exist():
    assert CHAPTERS, "no chapter notebooks found in chapters/"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.name for nb in CHAPTERS])
def test_notebook_runs_alone_from_the_installed_package(runs, notebook):
    result = runs[notebook.name]
    if isinstance(result, str):
        pytest.fail(result)


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.name for nb in CHAPTERS])
def test_every_figure_fits_the_column_and_no_title_overlaps(runs, notebook):
    result = runs[notebook.name]
    if isinstance(result, str):
        pytest.skip("the notebook failed (see the test above)")
    assert result.figures, f"{notebook.name}: no figure was measured (is the figure audit installed?)"
    misfits = figure_audit.problems(result.figures)
    assert not misfits, f"{notebook.name} (cells counted from 0):\n" + "\n".join(misfits)
