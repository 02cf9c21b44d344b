"""tools.bench: measuring notebooks, saving and reusing measurements, the table and its budgets."""

from __future__ import annotations

import json
import sys

import nbformat
import pytest

from tools import bench
from tools.bench import MEMORY_BUDGET_BYTES, MiB, BenchError, Measurement, NotebookFailed


def write_notebook(path, *sources, budget=None):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    if budget is not None:
        nb.metadata["book"] = {"time_budget_s": budget}
    nbformat.write(nb, path)
    return path


def measurement(name="01_a.ipynb", wall=10.0, peak=500 * MiB, budget=90.0, sha="0" * 64):
    return Measurement(notebook=name, sha256=sha, wall_s=wall, cpu_s=wall, peak_rss_bytes=peak, budget_s=budget)


def test_time_budget_is_the_declared_one_or_90_s(tmp_path):
    assert bench.time_budget(write_notebook(tmp_path / "a.ipynb", budget=45)) == 45
    assert bench.time_budget(write_notebook(tmp_path / "b.ipynb")) == 90
    (tmp_path / "c.ipynb").write_text("not json")
    with pytest.raises(BenchError, match="cannot read notebook"):
        bench.time_budget(tmp_path / "c.ipynb")


def test_measure_runs_the_notebook_alone_and_measures_the_kernel(tmp_path):
    # The kernel's folder holds the notebook's copy and nothing else, and the repository
    # is not importable from it except as the installed package.
    notebook = write_notebook(
        tmp_path / "01_alone.ipynb",
        "import os, numpy as np\nassert os.listdir('.') == ['01_alone.ipynb'], os.listdir('.')",
        "block = np.ones(40 * 2**20 // 8 * 4)  # 160 MiB, touched\nblock.sum()",
        "import time\ntime.sleep(1.5)  # the slowest cell, by waiting",
        budget=30,
    )
    m = bench.measure(notebook)
    assert [c["cell"] for c in m.slowest_cells][0] == 2 and m.slowest_cells[0]["wall_s"] >= 1.5
    assert len(m.slowest_cells) == 3 and 0 < m.outside_cells_s < m.wall_s
    assert m.notebook == "01_alone.ipynb" and m.budget_s == 30 and m.sha256 == bench._sha256(notebook)
    assert 0 < m.wall_s < 120
    if sys.platform != "win32":
        assert m.peak_rss_bytes > 160 * MiB  # the kernel's memory, not this process's
        assert m.cpu_s > 0


def test_measure_writes_the_executed_notebook_only_when_every_cell_ran(tmp_path):
    notebook = write_notebook(tmp_path / "03_ok.ipynb", "print(6 * 7)")
    bench.measure(notebook, executed=tmp_path / "out" / "03_ok.ipynb")
    executed = nbformat.read(tmp_path / "out" / "03_ok.ipynb", as_version=4)
    assert executed.cells[0].outputs[0].text == "42\n"
    failing = write_notebook(tmp_path / "04_fails.ipynb", "print(1)", "1 / 0")
    with pytest.raises(NotebookFailed, match="ZeroDivisionError"):
        bench.measure(failing, executed=tmp_path / "out" / "04_fails.ipynb")
    assert not (tmp_path / "out" / "04_fails.ipynb").exists()


def test_a_cell_that_runs_too_long_fails_as_a_timeout(tmp_path):
    # "Timeout of" is what measure() retries on (a kernel stall); see the next test.
    notebook = write_notebook(tmp_path / "05_slow.ipynb", "import time\ntime.sleep(30)")
    with pytest.raises(NotebookFailed, match="Timeout of 2 seconds"):
        bench.measure(notebook, timeout=2)


def test_measure_reports_a_failing_notebook_and_a_missing_one(tmp_path):
    failing = write_notebook(tmp_path / "02_fails.ipynb", "raise ValueError('the answer is 41')")
    with pytest.raises(NotebookFailed, match="02_fails.ipynb failed(.|\n)*the answer is 41"):
        bench.measure(failing)
    with pytest.raises(BenchError, match="no notebook at"):
        bench.measure(tmp_path / "missing.ipynb")


def test_measurements_round_trip_and_later_ones_replace_earlier(tmp_path):
    path = tmp_path / "sub" / "bench.json"
    assert bench.load_measurements(path) == {}
    bench.save_measurements(path, [measurement("01_a.ipynb", wall=1.0), measurement("02_b.ipynb")])
    bench.save_measurements(path, [measurement("01_a.ipynb", wall=2.0)])
    saved = bench.load_measurements(path)
    assert sorted(saved) == ["01_a.ipynb", "02_b.ipynb"] and saved["01_a.ipynb"].wall_s == 2.0


@pytest.mark.parametrize("content", ["not json", '{"01_a.ipynb": {"wall": 1}}', "[1, 2]"])
def test_a_damaged_measurements_file_is_an_error_that_says_what_to_do(tmp_path, content):
    path = tmp_path / "bench.json"
    path.write_text(content)
    with pytest.raises(BenchError, match="delete it and measure again"):
        bench.load_measurements(path)


def test_page_sizes_count_the_page_and_its_local_images(tmp_path):
    html = tmp_path / "html"
    (html / "chapters").mkdir(parents=True)
    (html / "_images").mkdir()
    (html / "_images" / "a.png").write_bytes(b"x" * 1000)
    page = html / "chapters" / "01_a.html"
    page.write_text('<img src="../_images/a.png"/><img alt="" src="../_images/a.png"/><img src="https://x/y.png"/>')
    assert bench.page_sizes(tmp_path / "chapters" / "01_a.ipynb", html) == (page.stat().st_size, 1000)
    assert bench.page_sizes(tmp_path / "chapters" / "02_unbuilt.ipynb", html) is None


def test_problems_name_every_exceeded_budget():
    assert bench.problems([measurement(), measurement(peak=None)]) == []
    found = bench.problems([
        measurement("01_slow.ipynb", wall=100.0, budget=90.0),
        measurement("02_big.ipynb", peak=MEMORY_BUDGET_BYTES + 1),
        *[measurement(f"{i:02d}_x.ipynb", wall=89.0) for i in range(3, 10)],
    ])
    assert len(found) == 3
    assert "01_slow.ipynb took 100 s, over its budget of 90 s" in found
    slow = measurement("01_slow.ipynb", wall=330.0)
    slow.cpu_s, slow.slowest_cells, slow.outside_cells_s = 25.0, [{"cell": 40, "wall_s": 301.0}], 3.0
    assert bench.problems([slow]) == ["01_slow.ipynb took 330 s, over its budget of 90 s (slowest: cell 40 "
                                      "301 s, outside cells 3 s; the kernel used 25 s of CPU in all)"]
    assert any(p.startswith("02_big.ipynb peaked at") for p in found)
    assert any(p.startswith("the book took 733 s in all") for p in found)


def test_table_has_a_row_per_notebook_a_total_and_flags():
    table = bench.format_table(
        [measurement("01_a.ipynb", wall=12.34), measurement("02_b.ipynb", wall=95.0, peak=None)],
        {"01_a.ipynb": (2048, 4096), "02_b.ipynb": None},
    )
    assert "| 01_a.ipynb | 12.3 | 90 | 12.3 | 500 | 2 | 4 |" in table
    assert "| 02_b.ipynb | 95.0 ⚠ | 90 | 95.0 | n/a | n/a | n/a |" in table
    assert "| **total** | **107.3** |" in table
    assert "- 02_b.ipynb took 95 s, over its budget of 90 s" in table


def _reuse_setup(tmp_path, wall):
    notebook = write_notebook(tmp_path / "01_a.ipynb", "1 + 1", budget=60)
    saved = tmp_path / "bench.json"
    bench.save_measurements(saved, [measurement("01_a.ipynb", wall=wall, budget=60, sha=bench._sha256(notebook))])
    args = [str(notebook), "--reuse", "--measurements", str(saved), "--out", str(tmp_path / "bench.md"),
            "--html-dir", str(tmp_path / "html")]
    return notebook, args


def test_main_reuses_fresh_measurements_and_writes_the_table(tmp_path, capsys):
    _, args = _reuse_setup(tmp_path, wall=5.0)
    assert bench.main(args) == 0
    assert "| 01_a.ipynb | 5.0 | 60 |" in (tmp_path / "bench.md").read_text()
    assert "01_a.ipynb" in capsys.readouterr().out


def test_main_fails_over_budget_unless_told_to_only_warn(tmp_path):
    _, args = _reuse_setup(tmp_path, wall=61.0)
    assert bench.main(args) == 1
    assert bench.main([*args, "--warn-only"]) == 0
    assert "⚠" in (tmp_path / "bench.md").read_text()


def test_main_refuses_missing_or_stale_measurements(tmp_path, capsys):
    notebook, args = _reuse_setup(tmp_path, wall=5.0)
    other = write_notebook(tmp_path / "02_b.ipynb", "2")
    assert bench.main([*args, str(other)]) == 1
    assert "no measurement of 02_b.ipynb" in capsys.readouterr().err
    write_notebook(notebook, "1 + 2", budget=60)  # edited since it was measured
    assert bench.main(args) == 1
    assert "older version" in capsys.readouterr().err


def test_main_needs_notebooks(capsys):
    with pytest.raises(SystemExit) as exit_:
        bench.main([])
    assert exit_.value.code == 2 and "give the notebooks" in capsys.readouterr().err


def test_saved_file_is_plain_json(tmp_path):
    path = tmp_path / "bench.json"
    bench.save_measurements(path, [measurement()])
    assert json.loads(path.read_text())["01_a.ipynb"]["wall_s"] == 10.0


def test_a_stalled_run_is_tried_again_and_counted(tmp_path, monkeypatch):
    from tools import bench

    notebook = tmp_path / "01_x.ipynb"
    notebook.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    outcomes = [NotebookFailed("01_x.ipynb failed:\nTimeout of 300 seconds exceeded while executing cell."),
                {"wall_s": 1.0, "cpu_s": 0.5, "peak_rss_bytes": 1}]

    def fake_run(*args):
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(bench, "_run_alone", fake_run)
    measurement = bench.measure(notebook, attempts=2)
    assert measurement.stalled_runs == 1 and measurement.wall_s == 1.0
    assert "run again: 01_x.ipynb (1)" in bench.format_table([measurement], {})
    monkeypatch.setattr(bench, "_run_alone", lambda *a: (_ for _ in ()).throw(NotebookFailed("AssertionError")))
    with pytest.raises(NotebookFailed, match="AssertionError"):  # a real failure is not retried
        bench.measure(notebook, attempts=2)
