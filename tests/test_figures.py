"""tools.figure_audit: the width and title-overlap check that runs over every chapter's figures.

The chapters themselves are checked in the notebook stage (``make test-notebooks``,
tests/test_standalone_notebooks.py), from the records made while they run; here the
measuring code is checked on synthetic figures, each of which it must pass or fail.
"""

from __future__ import annotations

import base64
import struct

import matplotlib.pyplot as plt
import nbformat
import pytest
from IPython.core.pylabtools import print_figure

from tools import bench, figure_audit


def shown(fig) -> dict:
    """Render ``fig`` as the inline backend does, then measure it."""
    png = base64.b64decode(print_figure(fig, fmt="png", base64=True))
    record = figure_audit.measure(fig)
    record["png_width"] = struct.unpack(">I", png[16:20])[0]  # the IHDR chunk's width
    plt.close(fig)
    return record


def test_a_figure_that_fits_passes():
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    ax.plot([0, 1], [0, 1])
    ax.set(title="a title that fits", xlabel="$x$", ylabel="$y$")
    record = shown(fig)
    assert record["width_px"] <= figure_audit.COLUMN_PX and record["overlaps"] == []
    assert abs(record["width_px"] - record["png_width"]) <= 2  # the width the page shows


def test_a_figure_wider_than_the_column_fails():
    fig, axes = plt.subplots(1, 4, figsize=(10, 2.5), dpi=100, layout="constrained")
    for ax in axes:
        ax.set_title("panel")
    record = shown(fig)
    assert record["width_px"] > 900 and abs(record["width_px"] - record["png_width"]) <= 2
    assert record["overlaps"] == []
    assert figure_audit.problems([{**record, "cell": 7}]) == [
        f"cell 7: a figure {record['width_px']} px wide, over the 688 px column"]


def test_a_title_over_the_panel_above_fails():
    # Two rows without a layout engine: the lower title runs into the upper panel's labels.
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(4, 3), dpi=100)
    top.set_xlabel("the upper panel: $x$")
    bottom.set_title("the lower panel")
    record = shown(fig)
    assert record["width_px"] <= figure_audit.COLUMN_PX
    assert any(o.startswith("the title 'the lower panel' of axes 1 overlaps a tick label") for o in record["overlaps"])


def test_a_suptitle_on_the_axes_titles_fails_and_constrained_layout_fixes_it():
    for layout, overlapping in ((None, True), ("constrained", False)):
        fig, axes = plt.subplots(1, 2, figsize=(6, 2.5), dpi=100, layout=layout)
        for ax in axes:
            ax.set_title("panel title")
        fig.suptitle("a finding, stated over both panels", y=0.9 if layout is None else None)
        overlaps = shown(fig)["overlaps"]
        assert any(o.startswith("the suptitle") for o in overlaps) is overlapping, overlaps


def test_hidden_axes_and_empty_titles_do_not_count():
    fig, axes = plt.subplots(2, 2, figsize=(4, 3), dpi=100)
    axes[1, 0].set_title("below")  # the hidden panel above has tick labels there
    axes[0, 0].set_visible(False)
    for ax in axes.flat[1:]:
        ax.set_xticks([])
    assert shown(fig)["overlaps"] == []


def test_records_are_matched_to_their_cells_and_errors_reported():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("plt.plot([1])\nplt.show()")]
    records = [{"source": "plt.plot([1])\nplt.show()", "width_px": 500, "overlaps": []},
               {"source": "not in the notebook", "error": "ValueError: boom"}]
    matched = figure_audit.cell_indices(records, nb)
    assert [r["cell"] for r in matched] == [2, None] and "source" not in matched[0]
    assert figure_audit.problems(matched) == ["cell None: the figure could not be measured (ValueError: boom)"]


def test_a_notebook_run_records_every_figure_it_shows(tmp_path):
    # The hook sees figures shown by plt.show(), flushed after a cell, and display(fig).
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# figures"),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nfrom IPython.display import display"),
        nbformat.v4.new_code_cell("plt.figure(figsize=(9, 2))\nplt.plot([1, 2])\nplt.show()"),
        nbformat.v4.new_code_cell("fig, ax = plt.subplots(figsize=(4, 3), dpi=100)\nax.plot([1, 2])"),
        nbformat.v4.new_code_cell("fig = plt.figure(figsize=(5, 3), dpi=100)\nfig.add_subplot().plot([2, 1])\n"
                                  "display(fig)\nplt.close(fig)"),
        nbformat.v4.new_code_cell("assert 'measure' not in dir() and '_book_figure_audit' not in dir()"),
    ]
    nbformat.write(nb, tmp_path / "01_figures.ipynb")
    m = bench.measure(tmp_path / "01_figures.ipynb")
    assert [f["cell"] for f in m.figures] == [2, 3, 4]
    wide, small, displayed = (f["width_px"] for f in m.figures)
    assert wide > figure_audit.COLUMN_PX and small <= figure_audit.COLUMN_PX and displayed <= figure_audit.COLUMN_PX
    assert [p.split(":")[0] for p in figure_audit.problems(m.figures)] == ["cell 2"]


@pytest.mark.parametrize("text", ["", "   "])
def test_blank_titles_are_not_titles(text):
    fig, ax = plt.subplots()
    ax.set_title(text)
    assert figure_audit._titles(fig) == []
    plt.close(fig)


def test_the_bench_table_lists_the_misfits():
    wide = {"cell": 4, "width_px": 712, "overlaps": []}
    fine = {"cell": 6, "width_px": 640, "overlaps": []}
    m = bench.Measurement(notebook="01_a.ipynb", sha256="0" * 64, wall_s=1.0, cpu_s=1.0, peak_rss_bytes=1,
                          budget_s=90, figures=[wide, fine])
    table = bench.format_table([m], {})
    assert "- 01_a.ipynb, cell 4: a figure 712 px wide, over the 688 px column" in table
    assert "cell 6" not in table
    assert "688 px column" not in bench.format_table([bench.Measurement(**{**m.__dict__, "figures": [fine]})], {})
