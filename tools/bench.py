"""Time every chapter notebook and measure its kernel's peak memory (``make bench``).

The book promises that each chapter runs in at most its declared time budget
(``metadata.book.time_budget_s``, at most 90 s) on two CPU cores, within 2 GiB, and the
whole book in 10 minutes. This module measures that and writes a Markdown table::

    python -m tools.bench chapters/*.ipynb --out _build/bench.md

Each notebook is copied alone into an empty temporary folder and executed there, with
nbclient, by a fresh Python process running the script ``tools/run_notebook.py``
(``--python`` picks the interpreter, and so the environment), so a notebook that reads a
file next to it, or imports from the repository, fails here. That process starts the kernel, runs every cell
and shuts the kernel down; the kernel's peak memory is then its ``ru_maxrss``, read with
``getrusage(RUSAGE_CHILDREN)``.

Measurements are also saved as JSON (``--measurements``); ``--reuse`` renders the table
from them instead of executing again (``make test`` measures once, in its standalone
notebook test, and prints the table at the end). Exit status: 1 when a notebook fails,
a measurement is missing or stale, or -- unless ``--warn-only`` -- a budget is exceeded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tools import figure_audit

__all__ = [
    "Measurement", "BenchError", "NotebookFailed", "MEMORY_BUDGET_BYTES", "TOTAL_BUDGET_S",
    "time_budget", "measure", "load_measurements", "save_measurements", "page_sizes",
    "problems", "format_table", "main",
]

DEFAULT_BUDGET_S = 90.0  # per notebook, when it declares none
MEMORY_BUDGET_BYTES = 2 * 1024**3
TOTAL_BUDGET_S = 600.0
MiB, KiB = 1024**2, 1024
RUN_NOTEBOOK = Path(__file__).with_name("run_notebook.py")  # the child process's script


class BenchError(Exception):
    """A measurement cannot be made or used; the message says what to do."""


class NotebookFailed(BenchError):
    """A notebook raised while it ran; the message ends with the error it raised."""


@dataclass
class Measurement:
    """One notebook's run. Sizes in bytes, times in seconds."""

    notebook: str                # file name, e.g. "01_introduction.ipynb"
    sha256: str                  # of the notebook file that was run
    wall_s: float                # kernel start, every cell, kernel shutdown
    cpu_s: float | None          # user + system time of the kernel (less sensitive to load)
    peak_rss_bytes: int | None   # None where the OS does not report it (Windows)
    budget_s: float
    stalled_runs: int = 0        # earlier runs abandoned because a cell timed out (see measure)
    figures: list[dict] = field(default_factory=list)  # one per figure shown (tools/figure_audit.py)
    slowest_cells: list[dict] = field(default_factory=list)  # [{"cell": index, "wall_s": s}], slowest first
    outside_cells_s: float | None = None  # kernel start and shutdown, between cells


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def time_budget(notebook: Path) -> float:
    """The notebook's declared ``metadata.book.time_budget_s``, or 90 s."""
    try:
        metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, json.JSONDecodeError) as error:
        raise BenchError(f"cannot read notebook {notebook}: {error}") from error
    return float(metadata.get("book", {}).get("time_budget_s", DEFAULT_BUDGET_S))


def measure(notebook: Path, *, python: str = sys.executable, timeout: int = 600, attempts: int = 1,
            executed: Path | None = None) -> Measurement:
    """Run ``notebook`` alone in an empty folder under ``python``; return its measurement.

    A run whose cell timed out is tried again, up to ``attempts`` runs in all, and the
    measurement counts it in ``stalled_runs``: now and then the kernel goes idle without
    answering an execute request and the client waits for good (seen with ipykernel 6
    and 7 on a loaded machine; see constraints.txt). Any other failure fails at once.

    Args:
        notebook: path of the ``.ipynb`` file.
        python: the interpreter (its environment must have ``utils``, ``nbclient`` and
            ``ipykernel`` installed); the kernel runs under the same interpreter.
        timeout: seconds allowed per cell.
        attempts: how many runs a timed-out notebook gets.
        executed: where to write the executed notebook (outputs and widget state), if anywhere.

    Raises:
        NotebookFailed: a cell raised, or the run exceeded its time.
        BenchError: the notebook does not exist.
    """
    notebook = Path(notebook)
    if not notebook.is_file():
        raise BenchError(f"no notebook at {notebook}")
    for attempt in range(attempts):
        try:
            raw = _run_alone(notebook, python, timeout, executed)
            break
        except NotebookFailed as failure:
            if "Timeout of" not in str(failure) or attempt == attempts - 1:
                raise
    return Measurement(notebook=notebook.name, sha256=_sha256(notebook), budget_s=time_budget(notebook),
                       stalled_runs=attempt, **raw)


def _run_alone(notebook: Path, python: str, timeout: int, executed: Path | None = None) -> dict:
    """One run of ``tools/run_notebook.py`` on a copy of ``notebook`` in an empty folder;
    the executed notebook is written to ``executed`` (written outside that folder, so the
    kernel never sees it)."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        copy = Path(folder) / notebook.name
        shutil.copyfile(notebook, copy)
        result = Path(folder) / "result.json"
        # A clean environment: nothing on PYTHONPATH may smuggle the repository in.
        env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
        env["PYTHONNOUSERSITE"] = "1"
        command = [python, str(RUN_NOTEBOOK), str(copy), "--result", str(result), "--timeout", str(timeout)]
        if executed is not None:
            Path(executed).parent.mkdir(parents=True, exist_ok=True)
            command += ["--executed", str(Path(executed).resolve())]
        run = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
        if run.returncode != 0 or not result.is_file():
            raise NotebookFailed(f"{notebook.name} failed:\n{(run.stdout + run.stderr)[-3000:]}")
        return json.loads(result.read_text(encoding="utf-8"))


def load_measurements(path: Path) -> dict[str, Measurement]:
    """The measurements saved at ``path``, by notebook file name ({} if there is no file)."""
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {name: Measurement(**fields) for name, fields in raw.items()}
    except (json.JSONDecodeError, TypeError, AttributeError) as error:
        raise BenchError(f"{path} is not a measurements file ({error}); delete it and measure again") from error


def save_measurements(path: Path, measurements: list[Measurement]) -> None:
    """Add ``measurements`` to the file at ``path``, replacing earlier ones of the same notebooks."""
    path = Path(path)
    merged = load_measurements(path) | {m.notebook: m for m in measurements}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({k: asdict(v) for k, v in sorted(merged.items())}, indent=1), encoding="utf-8")


def page_sizes(notebook: Path, html_dir: Path) -> tuple[int, int] | None:
    """Bytes of the notebook's built page and of the local images it shows, or None if unbuilt.

    The page of ``chapters/NN_name.ipynb`` is ``<html_dir>/chapters/NN_name.html``.
    """
    page = Path(html_dir) / Path(notebook).parent.name / f"{Path(notebook).stem}.html"
    if not page.is_file():
        return None
    sources = set(re.findall(r'<img[^>]*\ssrc="([^":]+)"', page.read_text(encoding="utf-8")))
    images = [(page.parent / src).resolve() for src in sources]
    return page.stat().st_size, sum(p.stat().st_size for p in images if p.is_file())


def problems(measurements: list[Measurement]) -> list[str]:
    """Every budget the measurements exceed, as sentences; [] when all are within budget."""
    found = [f"{m.notebook} took {m.wall_s:.0f} s, over its budget of {m.budget_s:.0f} s{_where(m)}"
             for m in measurements if m.wall_s > m.budget_s]
    found += [f"{m.notebook} peaked at {m.peak_rss_bytes / MiB:.0f} MiB, over {MEMORY_BUDGET_BYTES / MiB:.0f} MiB"
              for m in measurements if m.peak_rss_bytes is not None and m.peak_rss_bytes > MEMORY_BUDGET_BYTES]
    total = sum(m.wall_s for m in measurements)
    if total > TOTAL_BUDGET_S:
        found.append(f"the book took {total:.0f} s in all, over {TOTAL_BUDGET_S:.0f} s")
    return found


def _where(m: Measurement) -> str:
    """Where a run's time went: its slowest cells (wall and the run's CPU, so a wait shows)."""
    if not m.slowest_cells:
        return ""
    cells = ", ".join(f"cell {c['cell']} {c['wall_s']:.0f} s" for c in m.slowest_cells)
    outside = f", outside cells {m.outside_cells_s:.0f} s" if m.outside_cells_s is not None else ""
    cpu = f"; the kernel used {m.cpu_s:.0f} s of CPU in all" if m.cpu_s is not None else ""
    return f" (slowest: {cells}{outside}{cpu})"


def _cell(value: float | None, scale: float, fmt: str, over: bool = False) -> str:
    """``value / scale`` formatted, "n/a" for None, with ⚠ when ``over`` a budget."""
    return "n/a" if value is None else f"{value / scale:{fmt}}" + (" ⚠" if over else "")


def format_table(measurements: list[Measurement], sizes: dict[str, tuple[int, int] | None]) -> str:
    """A Markdown report: one row per notebook, a total, budgets flagged with ⚠.

    Args:
        measurements: one per notebook, in the order of the rows.
        sizes: notebook file name -> (page bytes, image bytes), or None when not built.
    """
    lines = [
        "# Notebook benchmark",
        "",
        f"{platform.node() or 'this machine'}: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}. Budgets: each notebook its declared time (≤ 90 s) "
        f"and {MEMORY_BUDGET_BYTES / MiB:.0f} MiB; the book {TOTAL_BUDGET_S:.0f} s.",
        "",
        "| notebook | wall (s) | budget (s) | kernel CPU (s) | peak memory (MiB) | page (KiB) | images (KiB) |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for m in measurements:
        page, images = sizes.get(m.notebook) or (None, None)
        big = m.peak_rss_bytes is not None and m.peak_rss_bytes > MEMORY_BUDGET_BYTES
        row = [m.notebook, _cell(m.wall_s, 1, ".1f", m.wall_s > m.budget_s), f"{m.budget_s:.0f}",
               _cell(m.cpu_s, 1, ".1f"), _cell(m.peak_rss_bytes, MiB, ".0f", big),
               _cell(page, KiB, ".0f"), _cell(images, KiB, ".0f")]
        lines.append("| " + " | ".join(row) + " |")
    total = sum(m.wall_s for m in measurements)
    peaks = [m.peak_rss_bytes for m in measurements if m.peak_rss_bytes is not None]
    row = ["**total**", f"**{_cell(total, 1, '.1f', total > TOTAL_BUDGET_S)}**", f"{TOTAL_BUDGET_S:.0f}",
           _cell(sum(m.cpu_s or 0 for m in measurements), 1, ".1f"),
           "max " + _cell(max(peaks) if peaks else None, MiB, ".0f"), "", ""]
    lines.append("| " + " | ".join(row) + " |")
    found = problems(measurements)
    lines += ["", "Over budget:" if found else "Every notebook is within its budgets."]
    lines += [f"- {p}" for p in found]
    misfits = [f"- {m.notebook}, {p}" for m in measurements for p in figure_audit.problems(m.figures)]
    if misfits:
        lines += ["", f"Figures wider than the {figure_audit.COLUMN_PX} px column or with an overlapping title:", *misfits]
    stalled = [f"{m.notebook} ({m.stalled_runs})" for m in measurements if m.stalled_runs]
    if stalled:
        lines += ["", "Runs abandoned after a cell timed out (kernel stall) and run again: " + ", ".join(stalled)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line: measure (or ``--reuse``) the notebooks, write and print the table."""
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="the .ipynb files, e.g. chapters/*.ipynb")
    parser.add_argument("--out", type=Path, default=Path("_build/bench.md"), help="the Markdown table")
    parser.add_argument("--measurements", type=Path, default=Path("_build/bench.json"), help="raw measurements (JSON)")
    parser.add_argument("--html-dir", type=Path, default=Path("_build/html"), help="the built book, for page sizes")
    parser.add_argument("--python", default=sys.executable, help="interpreter to run the notebooks under")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--reuse", action="store_true", help="render saved measurements, execute nothing")
    parser.add_argument("--warn-only", action="store_true", help="exit 0 when only budgets are exceeded")
    args = parser.parse_intermixed_args(argv)
    if not args.notebooks:
        parser.error("give the notebooks to measure, e.g. chapters/*.ipynb")
    try:
        measurements = _reuse(args.notebooks, args.measurements) if args.reuse else _measure_all(args)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    table = format_table(measurements, {m.notebook: page_sizes(nb, args.html_dir)
                                        for m, nb in zip(measurements, args.notebooks)})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table, encoding="utf-8")
    print(table, end="")
    return 1 if problems(measurements) and not args.warn_only else 0


def _measure_all(args) -> list[Measurement]:
    measurements = []
    for notebook in args.notebooks:
        print(f"bench: running {notebook} ...", file=sys.stderr, flush=True)
        measurements.append(measure(notebook, python=args.python, timeout=args.timeout))
        save_measurements(args.measurements, measurements[-1:])
    return measurements


def _reuse(notebooks: list[Path], path: Path) -> list[Measurement]:
    """The saved measurement of each notebook; each must exist and match the file now."""
    saved = load_measurements(path)
    measurements = []
    for notebook in notebooks:
        m = saved.get(notebook.name)
        if m is None:
            raise BenchError(f"no measurement of {notebook.name} in {path}: run `make bench` or `make test-notebooks`")
        if m.sha256 != _sha256(notebook):
            raise BenchError(
                f"the measurement of {notebook.name} in {path} is of an older version: run `make bench` or `make test-notebooks`"
            )
        measurements.append(m)
    return measurements


if __name__ == "__main__":
    sys.exit(main())
