"""An interactive widget paired with its static fallback figure. Introduced in chapter 1.

A reader of the HTML book has no running kernel, so a slider there cannot redraw a
plot. Every widget in the book is therefore shown next to a static grid of the same
plot at a few chosen settings. Both come from one drawing function
``draw(ax, **params)``, so the two can never disagree.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt

__all__ = ["parameter_grid", "widget_with_fallback"]

DrawFn = Callable[..., None]


def _title(params: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items())


def parameter_grid(
    draw: DrawFn,
    settings: Sequence[Mapping[str, object]],
    *,
    ncols: int = 3,
    panel_size: tuple[float, float] = (3.2, 2.8),
    suptitle: str | None = None,
) -> plt.Figure:
    """Draw ``draw(ax, **params)`` once per entry of ``settings`` in a grid of panels.

    Args:
        draw: draws one panel into ``ax`` for the given keyword parameters.
        settings: a non-empty list of parameter dicts, one per panel.
        ncols: panels per row.
        panel_size: inches (width, height) per panel.
        suptitle: a title over the grid.

    Returns:
        the figure.
    """
    if not callable(draw):
        raise TypeError(f"draw must be callable as draw(ax, **params), got {type(draw).__name__}")
    if not settings or not all(isinstance(s, Mapping) for s in settings):
        raise ValueError("settings must be a non-empty list of parameter dicts")
    ncols = max(1, min(ncols, len(settings)))
    nrows = -(-len(settings) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows), squeeze=False
    )
    for ax in axes.flat[len(settings):]:
        ax.axis("off")
    for ax, params in zip(axes.flat, settings):
        draw(ax, **params)
        ax.set_title(_title(params), fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def widget_with_fallback(
    draw: DrawFn,
    settings: Sequence[Mapping[str, object]],
    controls: Mapping[str, object],
    *,
    ncols: int = 3,
    suptitle: str | None = None,
    figsize: tuple[float, float] = (5.0, 4.0),
):
    """Show the static grid of ``settings``, then a live widget over ``controls``.

    Args:
        draw: draws one plot into ``ax`` for keyword parameters named as in ``controls``.
        settings: parameter dicts for the static grid (what the HTML book shows).
        controls: ``ipywidgets.interactive`` abbreviations or widgets, e.g.
            ``{"w": (-3.0, 3.0, 0.1), "activation": ["sigmoid", "relu"]}``.
        ncols: panels per row of the static grid.
        suptitle: title over the static grid.
        figsize: size of the live figure.

    Returns:
        the ``ipywidgets.interactive`` object (already displayed).
    """
    import ipywidgets
    from IPython.display import display

    if not isinstance(controls, Mapping) or not controls:
        raise ValueError("controls must be a non-empty dict of parameter name -> widget or range")
    grid = parameter_grid(draw, settings, ncols=ncols, suptitle=suptitle)
    display(grid)  # shown before the widget, and kept in the HTML book
    plt.close(grid)  # so the inline backend does not show it a second time

    def redraw(**params: object) -> None:
        fig, ax = plt.subplots(figsize=figsize)
        draw(ax, **params)
        ax.set_title(_title(params), fontsize=10)
        plt.show()

    widget = ipywidgets.interactive(redraw, **controls)
    _start_at(widget, {**_defaults(draw), **settings[0]})
    display(widget)
    return widget


def _defaults(draw: DrawFn) -> dict[str, object]:
    """The keyword defaults of ``draw``'s signature (``{}`` when it has none)."""
    try:
        parameters = inspect.signature(draw).parameters.values()
    except (TypeError, ValueError):  # builtins and some callables have no signature
        return {}
    return {p.name: p.default for p in parameters if p.default is not inspect.Parameter.empty}


def _start_at(widget, values: Mapping[str, object]) -> None:
    """Move each control to ``values[name]`` when that value is one it can take.

    ``ipywidgets.interactive`` starts a range at its middle, which for a plot such as a
    neuron with w = b = 0 can be blank; the first static panel's setting (or the drawing
    function's default) is a view the text has already explained.
    """
    for control in widget.kwargs_widgets:
        name = getattr(control, "description", None)
        if name in values:
            try:
                control.value = values[name]
            except Exception:  # a value outside the control's range or options: keep its own
                pass
