import matplotlib.pyplot as plt
import pytest

from utils.widgets import parameter_grid, widget_with_fallback


def draw_line(ax, slope, intercept=0.0):
    ax.plot([0, 1], [intercept, intercept + slope])


def test_parameter_grid_draws_one_panel_per_setting():
    fig = parameter_grid(draw_line, [{"slope": s} for s in (1.0, 2.0, 3.0, 4.0)], ncols=3)
    drawn = [ax for ax in fig.axes if ax.lines]
    assert len(drawn) == 4
    assert drawn[1].get_title() == "slope = $2$"
    plt.close(fig)


def test_panel_titles_are_math_not_code():
    def draw(ax, w1, b, sigma, lr, steps, activation):
        ax.plot([0, 1], [b, b + w1])

    setting = {"w1": 2.0, "b": -1.0, "sigma": 0.5, "lr": 0.1, "steps": 30, "activation": "relu"}
    fig = parameter_grid(draw, [setting], symbols={"lr": r"\eta"})
    title = fig.axes[0].get_title()
    assert title == r"$w_{1} = 2$, $b = -1$, $\sigma = 0.5$, $\eta = 0.1$, steps = $30$, activation: relu"
    assert "=" not in title.replace(" = ", "")  # no k=v
    fig.canvas.draw()  # mathtext parses every part (a bad symbol raises here)
    plt.close(fig)


def test_parameter_grid_rejects_bad_input():
    with pytest.raises(TypeError, match="callable"):
        parameter_grid("draw", [{"slope": 1}])
    with pytest.raises(ValueError, match="settings"):
        parameter_grid(draw_line, [])


def test_widget_with_fallback_builds_live_controls():
    widget = widget_with_fallback(draw_line, [{"slope": 1.0}], {"slope": (-2.0, 2.0, 0.5), "intercept": (0.0, 1.0)})
    names = {child.description for child in widget.children if hasattr(child, "description")}
    assert {"slope", "intercept"} <= names
    plt.close("all")


def test_widget_with_fallback_needs_controls():
    with pytest.raises(ValueError, match="controls"):
        widget_with_fallback(draw_line, [{"slope": 1.0}], {})


def test_widget_starts_at_the_first_setting_and_redraws_on_change(monkeypatch):
    drawn = []

    def draw(ax, slope, intercept=0.25):
        drawn.append((slope, intercept))
        ax.plot([0, 1], [intercept, intercept + slope])

    widget = widget_with_fallback(draw, [{"slope": 1.5}], {"slope": (-2.0, 2.0, 0.5), "intercept": (0.0, 1.0)})
    slope, intercept = (c for c in widget.kwargs_widgets)
    assert (slope.value, intercept.value) == (1.5, 0.25)  # not the ranges' middles (0.0, 0.5)
    drawn.clear()
    slope.value = -1.0  # what a reader's drag does
    assert drawn and drawn[-1] == (-1.0, 0.25), "moving a slider must redraw with the new value"
    plt.close("all")
