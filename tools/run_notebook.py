"""Execute one notebook and measure its kernel: the child process of ``tools.bench``.

    python tools/run_notebook.py NOTEBOOK --result RESULT.json [--timeout SECONDS] [--executed OUT.ipynb]

Run as a script by path (not ``python -m``), so it works under any interpreter whose
environment has ``nbclient`` and ``ipykernel`` -- in particular the fresh venv of the
standalone test, where neither the repository nor ``tools`` is importable. nbclient runs
every cell in a kernel of this interpreter (as ``nbval --nbval-current-env`` did: not the
``python3`` kernel spec, which may name another environment), in the notebook's folder,
and stops at the first cell that raises (a cell tagged ``raises-exception`` may raise).
``--executed`` writes the executed notebook, outputs and widget state included: the book
build and the round trip reuse that run instead of executing the chapter again
(``tools/executed.py``).

This process's only child is the kernel, so ``RUSAGE_CHILDREN`` describes the kernel
alone once it has been shut down. Writes ``{"wall_s", "cpu_s", "peak_rss_bytes",
"figures", "slowest_cells", "outside_cells_s"}`` to RESULT (the three slowest code cells
by wall time, and the time spent outside cells: kernel start and shutdown); exits with 0 when every cell ran, 1 when a cell raised or timed out
(the message starts with "Timeout of" for a timeout, which ``tools.bench`` runs once more).

The kernel gets a fresh, temporary ``IPYTHONDIR`` whose startup script installs
``figure_audit.py`` (next to this script): every figure the notebook shows is measured
(its width in pixels, titles that overlap) as it is shown; ``figures`` holds one record per
figure with the index of the cell that showed it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

KiB = 1024
SLOWEST = 3  # cells reported by wall time, slowest first
FIGURE_AUDIT = Path(__file__).with_name("figure_audit.py")
# Runs in the kernel's namespace at start-up: it leaves no name behind.
STARTUP = """\
def _book_figure_audit():
    import importlib.util, os
    spec = importlib.util.spec_from_file_location("_book_figure_audit", {module!r})
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.install(get_ipython(), os.environ["BOOK_FIGURE_AUDIT"])
_book_figure_audit()
del _book_figure_audit
"""


def children_usage() -> dict:
    """CPU seconds and peak RSS bytes of this process's finished children, if the OS says."""
    try:
        import resource
    except ImportError:  # Windows
        return {"cpu_s": None, "peak_rss_bytes": None}
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    scale = 1 if sys.platform == "darwin" else KiB  # macOS reports bytes, Linux KiB
    return {"cpu_s": round(usage.ru_utime + usage.ru_stime, 2), "peak_rss_bytes": usage.ru_maxrss * scale}


def execute(notebook: Path, timeout: int, cell_seconds: dict[int, float] | None = None):
    """The notebook executed by a kernel of this interpreter; raises nbclient's errors.

    ``cell_seconds``, if given, receives each code cell's wall time (request to reply) by
    cell index: where a slow run spent its time, without timestamps in the notebook.
    """
    import ipykernel.kernelspec
    import nbformat
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from nbclient import NotebookClient

    class ThisInterpreter(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return KernelSpec(resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict())

    class Manager(AsyncKernelManager):  # a kernel of this interpreter, whatever "python3" names here
        def __init__(self, **kwargs):
            super().__init__(**kwargs, kernel_spec_manager=ThisInterpreter())

    nb = nbformat.read(notebook, as_version=4)
    started: dict[int, float] = {}
    times = cell_seconds if cell_seconds is not None else {}

    def on_execute(cell, cell_index):
        started[cell_index] = time.perf_counter()

    def on_executed(cell, cell_index, execute_reply):
        times[cell_index] = round(time.perf_counter() - started[cell_index], 2)

    # record_timing=False: no timestamps in the cells' metadata, which jupyter-cache hashes.
    NotebookClient(nb, kernel_name="this-interpreter", kernel_manager_class=Manager, timeout=timeout,
                   allow_errors=False, record_timing=False, resources={"metadata": {"path": str(notebook.parent)}},
                   on_cell_execute=on_execute, on_cell_executed=on_executed).execute()
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--result", type=Path, required=True, help="where to write the measurement (JSON)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    parser.add_argument("--executed", type=Path, help="where to write the executed notebook")
    args = parser.parse_args(argv)
    try:
        import nbclient  # noqa: F401
        import ipykernel  # noqa: F401
    except ImportError as error:
        raise SystemExit(f"run_notebook.py needs nbclient and ipykernel here: pip install nbclient ipykernel ({error})")
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    with tempfile.TemporaryDirectory(prefix="ipython-") as ipython_dir:
        startup = Path(ipython_dir) / "profile_default" / "startup"
        startup.mkdir(parents=True)
        (startup / "00-figure-audit.py").write_text(STARTUP.format(module=str(FIGURE_AUDIT)), encoding="utf-8")
        records = Path(ipython_dir) / "figures.jsonl"
        os.environ.update(IPYTHONDIR=ipython_dir, BOOK_FIGURE_AUDIT=str(records))
        start, status, cell_seconds = time.perf_counter(), 0, {}
        try:
            nb = execute(args.notebook, args.timeout, cell_seconds)
        except CellTimeoutError as error:
            print(f"Timeout of {args.timeout} seconds exceeded while executing a cell: {error}", file=sys.stderr)
            status = 1
        except (CellExecutionError, DeadKernelError) as error:
            print(f"{args.notebook.name}: {error}", file=sys.stderr)
            status = 1
        wall = time.perf_counter() - start
        figures = _figures(records, args.notebook)
    slowest = sorted(cell_seconds.items(), key=lambda item: -item[1])[:SLOWEST]
    result = {"wall_s": round(wall, 2), **children_usage(), "figures": figures,
              "slowest_cells": [{"cell": i, "wall_s": s} for i, s in slowest],
              "outside_cells_s": round(wall - sum(cell_seconds.values()), 2)}
    args.result.write_text(json.dumps(result), encoding="utf-8")
    if status == 0 and args.executed:
        import nbformat

        nbformat.write(nb, args.executed)
    return status


def _figures(records: Path, notebook: Path) -> list[dict]:
    """The figure records the kernel wrote, each with the index of its notebook cell."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_book_figure_audit", FIGURE_AUDIT)
    audit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(audit)
    return audit.cell_indices(audit.read_records(records), json.loads(notebook.read_text(encoding="utf-8")))


if __name__ == "__main__":
    sys.exit(main())
