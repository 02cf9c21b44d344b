"""An interactive widget paired with its static fallback figure. Introduced in chapter 1.

A reader of the HTML book has no running kernel, so a slider there cannot redraw a
plot. Every widget in the book is therefore shown next to a static grid of the same
plot at a few chosen settings. Both come from one drawing function
``draw(ax, **params)``, so the two can never disagree.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt

__all__ = ["parameter_grid", "widget_with_fallback"]

DrawFn = Callable[..., None]


_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa", "lambda",
    "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
}


def _symbol(name: str) -> str | None:
    """``name`` as mathtext (``w1`` -> ``w_{1}``, ``sigma`` -> ``\\sigma``), or ``None``
    for a word such as ``steps``, which reads better as text than as a product of italics."""
    match = re.fullmatch(r"([A-Za-z]+)_?(\d*)", name)
    if not match:
        return None
    base, index = match.groups()
    if base.lower() in _GREEK:
        base = "\\" + base
    elif len(base) > 1:
        return None
    return base + (f"_{{{index}}}" if index else "")


def _title(params: Mapping[str, object], symbols: Mapping[str, str] | None = None) -> str:
    """A panel title in mathtext: ``{"w1": 2.0, "b": -1.0}`` -> ``$w_{1} = 2$, $b = -1$``.

    ``symbols`` maps a parameter name to its TeX symbol (``{"lr": r"\\eta"}``); a name
    without one that is not a letter, a letter and an index or a Greek letter's name is
    written as text (``steps = 30``), and so is a text value (``activation: relu``).
    """
    parts = []
    for name, value in params.items():
        if isinstance(value, str):
            parts.append(f"{name}: {value}")
            continue
        shown = f"{value:.3g}" if isinstance(value, float) else f"{value}"
        symbol = (symbols or {}).get(name) or _symbol(name)
        parts.append(f"${symbol} = {shown}$" if symbol else f"{name} = ${shown}$")
    return ", ".join(parts)


def parameter_grid(
    draw: DrawFn,
    settings: Sequence[Mapping[str, object]],
    *,
    ncols: int = 3,
    panel_size: tuple[float, float] = (3.2, 2.8),
    suptitle: str | None = None,
    symbols: Mapping[str, str] | None = None,
) -> plt.Figure:
    """Draw ``draw(ax, **params)`` once per entry of ``settings`` in a grid of panels.

    Args:
        draw: draws one panel into ``ax`` for the given keyword parameters.
        settings: a non-empty list of parameter dicts, one per panel.
        ncols: panels per row.
        panel_size: inches (width, height) per panel.
        suptitle: a title over the grid.
        symbols: TeX symbols for parameter names in the panel titles, e.g.
            ``{"lr": r"\\eta"}`` (``w1`` and ``sigma`` need none: see ``_title``).

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
        ax.set_title(_title(params, symbols), fontsize=9)
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
    symbols: Mapping[str, str] | None = None,
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
        symbols: TeX symbols for parameter names in the titles (see ``parameter_grid``).

    Returns:
        the ``ipywidgets.interactive`` object (already displayed).
    """
    import ipywidgets
    from IPython.display import display

    if not isinstance(controls, Mapping) or not controls:
        raise ValueError("controls must be a non-empty dict of parameter name -> widget or range")
    grid = parameter_grid(draw, settings, ncols=ncols, suptitle=suptitle, symbols=symbols)
    display(grid)  # shown before the widget, and kept in the HTML book
    plt.close(grid)  # so the inline backend does not show it a second time

    def redraw(**params: object) -> None:
        fig, ax = plt.subplots(figsize=figsize)
        draw(ax, **params)
        ax.set_title(_title(params, symbols), fontsize=10)
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
