"""Measure every figure a notebook shows: does it fit the book's column, does a title overlap?

A figure is read on a page whose content column is about 688 px wide; the inline backend
shows it at ``figure.dpi`` pixels per inch, cropped to its tight bounding box plus
``savefig.pad_inches``. :func:`measure` returns that width in pixels and every title (axes
title or suptitle) whose box overlaps an axes, a tick label, an axis label or another title.

In a kernel, :func:`install` wraps IPython's ``print_figure`` (what the inline backend calls
for every figure it shows: ``plt.show()``, the figures flushed after a cell, ``display(fig)``)
and appends one JSON line per shown figure to a file::

    {"source": <the cell's code>, "width_px": 712, "overlaps": ["the title 'a' overlaps ..."]}

``tools/run_notebook.py`` loads this file by path from an IPython startup script, so it
imports nothing from the repository: only the standard library, and matplotlib and IPython
once a figure is shown.
"""

from __future__ import annotations

import json

COLUMN_PX = 688  # the HTML book's content column at 100 % (conventions.md, "Figures")
TOLERANCE_PX = 1.0  # boxes must overlap by more than this in both directions


def _visible_text(text) -> bool:
    return text is not None and text.get_visible() and bool(text.get_text().strip())


def _titles(fig) -> list:
    """``(name, Text)`` of every visible title: axes titles (centre, left, right) and suptitles."""
    found = []
    figures = [fig, *fig.subfigs] if hasattr(fig, "subfigs") else [fig]
    for sub in figures:
        if _visible_text(getattr(sub, "_suptitle", None)):
            found.append((f"the suptitle {sub._suptitle.get_text()!r}", sub._suptitle))
    for i, ax in enumerate(fig.get_axes()):
        if not ax.get_visible():
            continue
        for text in (ax.title, ax._left_title, ax._right_title):
            if _visible_text(text):
                found.append((f"the title {text.get_text()!r} of axes {i}", text))
    return found


def _tick_labels(axis) -> list:
    """The tick labels ``axis`` draws (within its view), visible and non-empty."""
    try:
        ticks = axis._update_ticks()  # the ticks that are drawn, as matplotlib decides
    except AttributeError:  # pragma: no cover - a future matplotlib without it
        ticks = axis.get_major_ticks() + axis.get_minor_ticks()
    return [label for tick in ticks for label in (tick.label1, tick.label2) if _visible_text(label)]


def _obstacles(fig, renderer) -> list:
    """``(name, owner, Bbox)`` of what a title must not cover: axes and their tick and axis labels."""
    found = []
    for i, ax in enumerate(fig.get_axes()):
        if not ax.get_visible():
            continue
        found.append((f"axes {i}", ax, ax.get_window_extent(renderer)))
        if not ax.axison:
            continue
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.get_visible():
                continue
            for label in _tick_labels(axis):
                found.append((f"a tick label {label.get_text()!r} of axes {i}", ax, label.get_window_extent(renderer)))
            if _visible_text(axis.label):
                found.append((f"the axis label {axis.label.get_text()!r} of axes {i}", ax,
                              axis.label.get_window_extent(renderer)))
    return found


def _overlap(a, b) -> bool:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width > TOLERANCE_PX and height > TOLERANCE_PX


def measure(fig, pad_inches: float | None = None) -> dict:
    """How wide ``fig`` is shown, in pixels, and which titles overlap something.

    Call it on a figure that has been drawn (layout engines place the axes at draw time);
    :func:`install` calls it right after the inline backend has rendered the figure.

    Args:
        fig: a matplotlib ``Figure``.
        pad_inches: the padding around the tight bounding box (``savefig.pad_inches`` if None).

    Returns:
        ``{"width_px": int, "overlaps": [sentence, ...]}``.
    """
    import matplotlib as mpl

    if pad_inches is None or pad_inches == "layout":
        pad_inches = mpl.rcParams["savefig.pad_inches"]
    renderer = fig.canvas.get_renderer()
    box = fig.get_tightbbox(renderer)  # inches
    width_px = round((box.width + 2 * pad_inches) * fig.dpi)
    titles = _titles(fig)
    obstacles = _obstacles(fig, renderer)
    overlaps = []
    for i, (name, text) in enumerate(titles):
        extent = text.get_window_extent(renderer)
        for other_name, other in titles[i + 1:]:
            if _overlap(extent, other.get_window_extent(renderer)):
                overlaps.append(f"{name} overlaps {other_name}")
        for other_name, _, other in obstacles:
            if _overlap(extent, other):
                overlaps.append(f"{name} overlaps {other_name}")
    return {"width_px": width_px, "overlaps": overlaps}


def problems(records: list[dict], column_px: int = COLUMN_PX) -> list[str]:
    """Every figure in ``records`` that is too wide or has an overlapping title, as sentences."""
    found = []
    for record in records:
        where = f"cell {record.get('cell')}"
        if record.get("error"):
            found.append(f"{where}: the figure could not be measured ({record['error']})")
            continue
        if record["width_px"] > column_px:
            found.append(f"{where}: a figure {record['width_px']} px wide, over the {column_px} px column")
        found += [f"{where}: {overlap}" for overlap in record["overlaps"]]
    return found


def cell_indices(records: list[dict], notebook: dict) -> list[dict]:
    """``records`` with ``cell`` set to the index of the notebook cell whose code showed the figure."""
    sources = {}
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") == "code":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            sources.setdefault(source.strip(), index)
    return [{**{k: v for k, v in r.items() if k != "source"}, "cell": sources.get(r.get("source", "").strip())}
            for r in records]


def install(shell, path: str) -> None:
    """Record every figure ``shell`` shows inline into the JSON-lines file at ``path``.

    Wraps ``IPython.core.pylabtools.print_figure``, which the inline backend's formatters
    look up each time they render a figure, so it must run before any figure is shown.
    A figure that cannot be measured is recorded with an ``error``; the notebook runs on.
    """
    from IPython.core import pylabtools

    original = pylabtools.print_figure
    cell = {"source": "", "seen": set()}

    def remember_cell(info) -> None:
        cell.update(source=info.raw_cell, seen=set())

    def print_figure(fig, *args, **kwargs):
        data = original(fig, *args, **kwargs)
        if data is not None and id(fig) not in cell["seen"]:  # once, however many formats
            cell["seen"].add(id(fig))
            try:
                record = measure(fig, kwargs.get("pad_inches"))
            except Exception as error:  # noqa: BLE001 - a measuring bug must not fail the notebook
                record = {"error": f"{type(error).__name__}: {error}"}
            with open(path, "a", encoding="utf-8") as out:
                out.write(json.dumps({"source": cell["source"], **record}) + "\n")
        return data

    pylabtools.print_figure = print_figure
    shell.events.register("pre_run_cell", remember_cell)


def read_records(path) -> list[dict]:
    """The records :func:`install` wrote to ``path`` ([] if it wrote none)."""
    try:
        with open(path, encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.strip()]
    except FileNotFoundError:
        return []
