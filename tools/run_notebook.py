"""Execute one notebook with nbval and measure its kernel: the child process of ``tools.bench``.

    python tools/run_notebook.py NOTEBOOK --result RESULT.json [--timeout SECONDS]

Run as a script by path (not ``python -m``), so it works under any interpreter whose
environment has ``pytest``, ``nbval`` and ``ipykernel`` -- in particular the fresh venv of
the standalone test, where neither the repository nor ``tools`` is importable. It runs
``pytest --nbval-lax --nbval-current-env NOTEBOOK`` in this process (nbval starts the
kernel under this interpreter), so every cell is executed and any error fails the run.
This process's only child is that kernel, so ``RUSAGE_CHILDREN`` describes the kernel
alone once nbval has shut it down. Writes ``{"wall_s", "cpu_s", "peak_rss_bytes"}`` to
RESULT and exits with pytest's status.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

KiB = 1024


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
    start = time.perf_counter()
    status = pytest.main([
        "--nbval-lax", "--nbval-current-env", f"--nbval-cell-timeout={args.timeout}",
        "-p", "no:cacheprovider", "-q", "--rootdir", str(args.notebook.parent), str(args.notebook),
    ])
    wall = time.perf_counter() - start
    args.result.write_text(json.dumps({"wall_s": round(wall, 2), **children_usage()}), encoding="utf-8")
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
