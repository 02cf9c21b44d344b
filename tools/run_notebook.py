"""Execute one notebook with nbval and measure its kernel: the child process of ``tools.bench``.

    python tools/run_notebook.py NOTEBOOK --result RESULT.json [--timeout SECONDS]

Run as a script by path (not ``python -m``), so it works under any interpreter whose
environment has ``pytest``, ``nbval`` and ``ipykernel`` -- in particular the fresh venv of
the standalone test, where neither the repository nor ``tools`` is importable. It runs
``pytest --nbval-lax --nbval-current-env NOTEBOOK`` in this process (nbval starts the
kernel under this interpreter), so every cell is executed and any error fails the run.
This process's only child is that kernel, so ``RUSAGE_CHILDREN`` describes the kernel
alone once nbval has shut it down.

The kernel gets a fresh, temporary ``IPYTHONDIR`` whose startup script installs
``figure_audit.py`` (next to this script): every figure the notebook shows is measured
(its width in pixels, titles that overlap) as it is shown. Writes ``{"wall_s", "cpu_s",
"peak_rss_bytes", "figures"}`` to RESULT, ``figures`` holding one record per figure with
the index of the cell that showed it, and exits with pytest's status.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--result", type=Path, required=True, help="where to write the measurement (JSON)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    try:
        import pytest
    except ImportError as error:
        raise SystemExit(f"run_notebook.py needs pytest, nbval and ipykernel here: pip install pytest nbval ipykernel ({error})")
    with tempfile.TemporaryDirectory(prefix="ipython-") as ipython_dir:
        startup = Path(ipython_dir) / "profile_default" / "startup"
        startup.mkdir(parents=True)
        (startup / "00-figure-audit.py").write_text(STARTUP.format(module=str(FIGURE_AUDIT)), encoding="utf-8")
        records = Path(ipython_dir) / "figures.jsonl"
        os.environ.update(IPYTHONDIR=ipython_dir, BOOK_FIGURE_AUDIT=str(records))
        start = time.perf_counter()
        status = pytest.main([
            "--nbval-lax", "--nbval-current-env", f"--nbval-cell-timeout={args.timeout}",
            "-p", "no:cacheprovider", "-q", "--rootdir", str(args.notebook.parent), str(args.notebook),
        ])
        wall = time.perf_counter() - start
        figures = _figures(records, args.notebook)
    result = {"wall_s": round(wall, 2), **children_usage(), "figures": figures}
    args.result.write_text(json.dumps(result), encoding="utf-8")
    return int(status)


def _figures(records: Path, notebook: Path) -> list[dict]:
    """The figure records the kernel wrote, each with the index of its notebook cell."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_book_figure_audit", FIGURE_AUDIT)
    audit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(audit)
    return audit.cell_indices(audit.read_records(records), json.loads(notebook.read_text(encoding="utf-8")))


if __name__ == "__main__":
    sys.exit(main())
