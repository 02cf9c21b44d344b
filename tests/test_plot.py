import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

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
    width, height = fig.get_size_inches()
    assert width <= 7  # three panels reflow into two rows to fit the column
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


def test_heatmap_annotates_and_checks_labels():
    ax = heatmap(np.eye(3), row_labels=list("abc"), col_labels=list("xyz"))
    assert len(ax.texts) == 9
    with pytest.raises(ValueError, match="row_labels"):
        heatmap(np.eye(3), row_labels=["a"])
    with pytest.raises(ValueError, match="2-D"):
        heatmap(np.zeros(3))
