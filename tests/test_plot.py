import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from tools import figure_audit
from utils.plot import COLORS, heatmap, plot_history, show_images, use_book_style


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_use_book_style_sets_colour_cycle():
    use_book_style()
    assert plt.rcParams["axes.prop_cycle"].by_key()["color"] == COLORS


def test_plot_history_pairs_train_and_val():
    fig = plot_history({"train_loss": [1, 0.5], "val_loss": [1.1, 0.7], "train_acc": [0.5, 0.8], "val_acc": [0.4, 0.7]})
    assert len(fig.axes) == 2
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]


def test_plot_history_colours_by_split_and_names_accuracy():
    use_book_style()
    # val before train, and a panel with validation only: colours must follow the split
    fig = plot_history({"val_loss": [1.1, 0.7], "train_loss": [1, 0.5], "val_acc": [0.4, 0.7], "lr": [0.1, 0.01]})
    loss_ax, acc_ax, lr_ax = fig.axes[:3]
    colours = {line.get_label(): line.get_color() for line in loss_ax.lines}
    assert colours == {"validation": COLORS[1], "training": COLORS[0]}
    assert acc_ax.lines[0].get_color() == COLORS[1]
    assert acc_ax.get_ylabel() == "accuracy" and lr_ax.get_ylabel() == "learning rate"
    fig.canvas.draw()
    assert figure_audit.measure(fig)["width_px"] <= figure_audit.COLUMN_PX  # two panels a row fit the column
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 3


def test_plot_history_marks_epochs():
    fig = plot_history({"train_loss": [3, 2, 1], "val_loss": [3, 2.5, 2.6]}, mark_epochs={"best": 2})
    ax = fig.axes[0]
    marks = [line for line in ax.lines if line.get_label() == "best"]
    assert len(marks) == 1 and list(marks[0].get_xdata()) == [2, 2]
    assert "best" in [t.get_text() for t in ax.get_legend().get_texts()]
    with pytest.raises(ValueError, match="between 1 and 3"):
        plot_history({"train_loss": [3, 2, 1]}, mark_epochs={"best": 0})


def test_plot_history_rejects_empty():
    with pytest.raises(TypeError, match="history"):
        plot_history({})


@pytest.mark.parametrize("shape", [(5, 8, 8), (5, 1, 8, 8), (5, 3, 8, 8), (5, 8, 8, 3)])
def test_show_images_accepts_common_layouts(shape):
    fig = show_images(torch.rand(shape), titles=list("abcde"), ncols=3)
    assert sum(1 for ax in fig.axes if ax.images) == 5


def test_show_images_rejects_bad_input():
    with pytest.raises(ValueError, match="shape"):
        show_images(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="titles"):
        show_images(np.zeros((3, 4, 4)), titles=["a"])
    with pytest.raises(TypeError):
        show_images("not images")


def test_show_images_default_scales_each_image_on_its_own():
    fig = show_images(np.stack([np.zeros((4, 4)) + np.eye(4), 5 * np.eye(4)]))
    limits = [ax.images[0].get_clim() for ax in fig.axes if ax.images]
    assert limits == [(0.0, 1.0), (0.0, 5.0)]
    assert not any(ax.get_label() == "<colorbar>" for ax in fig.axes)


def test_show_images_shared_and_symmetric_limits_with_colorbar():
    signed = np.stack([np.eye(3), -3 * np.eye(3)])
    fig = show_images(signed, ncols=2, cmap="RdBu_r", symmetric=True, colorbar="weight")
    image_axes = [ax for ax in fig.axes if ax.images and ax.get_label() != "<colorbar>"]
    assert [ax.images[0].get_clim() for ax in image_axes] == [(-3.0, 3.0)] * 2  # centred on 0, shared
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 1 and bars[0].get_ylabel() == "weight"
    fig = show_images(signed, vmin=-1.0)  # the missing limit is the data's maximum
    assert {ax.images[0].get_clim() for ax in fig.axes if ax.images} == {(-1.0, 1.0)}


def test_show_images_titles_do_not_touch_the_row_above():
    fig = show_images(np.random.default_rng(0).random((8, 8, 8)), [f"label {i}" for i in range(8)], ncols=4)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    top_row, bottom_row = fig.axes[:4], fig.axes[4:]
    lowest_image = min(ax.get_window_extent(renderer).y0 for ax in top_row)
    highest_title = max(ax.title.get_window_extent(renderer).y1 for ax in bottom_row)
    assert highest_title < lowest_image


def test_show_images_rejects_bad_scales():
    with pytest.raises(ValueError, match="symmetric"):
        show_images(np.zeros((2, 4, 4)), symmetric=True, vmin=0)
    with pytest.raises(ValueError, match="vmin"):
        show_images(np.zeros((2, 4, 4)), vmin=1, vmax=0)
    with pytest.raises(ValueError, match="single-channel"):
        show_images(np.zeros((2, 4, 4, 3)), colorbar=True)
    with pytest.raises(ValueError, match="title_pad"):
        show_images(np.zeros((2, 4, 4)), title_pad=-1)


def test_heatmap_annotates_and_checks_labels():
    ax = heatmap(np.eye(3), row_labels=list("abc"), col_labels=list("xyz"))
    assert len(ax.texts) == 9
    with pytest.raises(ValueError, match="row_labels"):
        heatmap(np.eye(3), row_labels=["a"])
    with pytest.raises(ValueError, match="2-D"):
        heatmap(np.zeros(3))


def test_use_book_style_shows_crisp_figures_in_jupyter(tmp_path):
    # In a kernel, figures become PNGs of twice the pixels, displayed at the figure's size.
    import nbformat

    from tools import bench

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (
        "import struct, base64\nfrom utils.plot import use_book_style\nuse_book_style()",
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(4, 3))\nax.plot([1, 2])\n"
        "data, metadata = get_ipython().display_formatter.format(fig)\n"
        "png = base64.b64decode(data['image/png'])\n"
        "pixels, shown = struct.unpack('>II', png[16:24]), metadata['image/png']\n"
        "assert [p // 2 for p in pixels] == [shown['width'], shown['height']], (pixels, shown)\n"
        "assert 340 < shown['width'] <= 420, shown  # a 4-inch figure at 100 dpi, cropped",
    )]
    nbformat.write(nb, tmp_path / "01_retina.ipynb")
    assert len(bench.measure(tmp_path / "01_retina.ipynb").figures) == 1
