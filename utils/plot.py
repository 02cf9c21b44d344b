"""The book's plotting style: learning curves, image grids, heatmaps. Introduced in chapter 1.

Call :func:`use_book_style` once in a chapter's setup cell; the helpers here return
their matplotlib ``Figure`` (or ``Axes``) so a chapter can add to them.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch

__all__ = ["use_book_style", "plot_history", "show_images", "heatmap", "COLORS"]

# A colour-blind-safe cycle (Okabe & Ito, 2008), used for every line in the book.
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

_BOOK_STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "image.cmap": "viridis",
    "font.size": 10,
}


def use_book_style() -> None:
    """Apply the book's matplotlib style (colours, grid, sizes) for the session.

    In Jupyter it also has figures shown as PNGs of twice the pixels, displayed at the same
    size ("retina"), so that they are crisp on high-DPI screens. Measured on chapters 2 and 6,
    that costs 2.1 and 2.8 times the bytes of 1x PNGs (1.0 and 3.0 MiB of images). SVG was
    not chosen: chapter 2's came to 25 MiB (1.8 MiB compressed; one scatter-heavy figure
    alone 16 MiB), and the PDF edition cannot include SVG.
    """
    mpl.rcParams.update(_BOOK_STYLE)
    _show_retina_figures()


def _show_retina_figures() -> None:
    """In an IPython kernel with the inline backend: show figures as 2x PNGs ("retina")."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.config import InlineBackend
    except ImportError:  # no IPython: plain Python, nothing is shown inline
        return
    shell = get_ipython()
    if shell is not None and "inline" in mpl.get_backend():
        # Applied now if the inline backend is set up, else when it is (on the first figure).
        InlineBackend.instance(parent=shell).figure_formats = {"retina"}


def _as_numpy(x: object, name: str) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, Sequence) and not isinstance(x, (str, bytes)):
        return np.asarray(x)
    raise TypeError(f"{name} must be a tensor, an array or a sequence, got {type(x).__name__}")


_SPLIT_STYLE = {"train": (COLORS[0], "training"), "val": (COLORS[1], "validation")}  # colour by split
_METRIC_NAMES = {"acc": "accuracy", "loss": "loss", "lr": "learning rate"}


def plot_history(
    history: dict[str, list[float]],
    *,
    title: str | None = None,
    mark_epochs: dict[str, int] | None = None,
) -> plt.Figure:
    """Learning curves from a :func:`utils.train.train` history: one panel per metric.

    Keys ``train_<metric>`` and ``val_<metric>`` share a panel, e.g. ``train_loss`` and
    ``val_loss``; any other key gets a panel of its own. Training curves are always blue and
    validation curves orange, in every panel; ``acc`` is spelled "accuracy". Panels are
    reflowed into rows of two so that the figure fits the book's column (688 px at 100 dpi).

    Args:
        history: ``{name: per-epoch values}``, all lists of the same length.
        title: a title over the whole figure.
        mark_epochs: ``{label: epoch}`` (epochs counted from 1, as on the x axis): a dashed
            vertical line in every panel, e.g. ``{"best validation loss": 12}`` or
            ``{"learning rate / 10": 15}``.
    """
    if not isinstance(history, dict) or not history:
        raise TypeError("history must be a non-empty dict of per-epoch lists, e.g. from train()")
    metrics: dict[str, list[str]] = {}
    for key in history:
        metric = key.split("_", 1)[1] if key.startswith(("train_", "val_")) else key
        metrics.setdefault(metric, []).append(key)
    n_epochs = max(len(v) for v in history.values())
    marks = dict(mark_epochs or {})
    for label, epoch in marks.items():
        if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or not 1 <= epoch <= n_epochs:
            raise ValueError(f"mark_epochs[{label!r}] must be an epoch between 1 and {n_epochs}, got {epoch!r}")
    ncols = min(2, len(metrics))
    nrows = -(-len(metrics) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols if ncols > 1 else 4.8, 3.2 * nrows),
                             squeeze=False)
    for ax, (metric, keys) in zip(axes.flat, metrics.items()):
        name = _METRIC_NAMES.get(metric, metric)
        for key in keys:
            values = _as_numpy(history[key], f"history[{key!r}]")
            split = key.split("_", 1)[0]
            color, label = _SPLIT_STYLE.get(split, ("0.3", name))
            ax.plot(np.arange(1, len(values) + 1), values, color=color, label=label, marker=".")
        for i, (label, epoch) in enumerate(marks.items()):
            ax.axvline(epoch, color="0.35", ls=("--", ":", "-.")[i % 3], lw=1, label=label)
        ax.set(xlabel="epoch", ylabel=name, title=name)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        if len(keys) > 1 or marks:
            ax.legend(fontsize=8)
    for ax in axes.flat[len(metrics):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _to_image_stack(images: object) -> np.ndarray:
    """``(N, H, W)``, ``(N, 1, H, W)``, ``(N, 3, H, W)`` or ``(N, H, W, 3)`` -> ``(N, H, W[, 3])``."""
    arr = _as_numpy(images, "images")
    if arr.ndim == 4 and arr.shape[1] in (1, 3) and arr.shape[-1] not in (1, 3):
        arr = np.moveaxis(arr, 1, -1)  # channels-first -> channels-last
    if arr.ndim == 4 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim not in (3, 4) or (arr.ndim == 4 and arr.shape[-1] != 3):
        raise ValueError(
            "images must have shape (N, H, W), (N, 1, H, W), (N, 3, H, W) or (N, H, W, 3), "
            f"got {arr.shape}"
        )
    return arr


def show_images(
    images: object,
    titles: Sequence[object] | None = None,
    *,
    ncols: int = 10,
    cmap: str = "gray_r",
    size: float = 1.0,
    suptitle: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    symmetric: bool = False,
    colorbar: bool | str = False,
    title_pad: float = 0.35,
) -> plt.Figure:
    """A grid of images, e.g. digits, filters or feature maps.

    By default each single-channel image is scaled to its own range (fine for digits).
    Images that are to be *compared*, such as learned kernels or feature maps, need one
    shared scale: pass ``vmin``/``vmax``, or ``symmetric=True`` for signed data (limits
    ``-m, +m`` with ``m`` the largest ``|value|`` of all images, so 0 is the middle of a
    diverging map such as ``"RdBu_r"``), and ``colorbar=True`` to show the scale.

    Args:
        images: ``(N, H, W)``, ``(N, 1, H, W)``, ``(N, 3, H, W)`` or ``(N, H, W, 3)``.
        titles: one short title per image (labels, predictions), or ``None``.
        ncols: images per row.
        cmap: colour map for single-channel images.
        size: inches per image.
        suptitle: a title over the grid.
        vmin, vmax: shared colour limits of all single-channel images; a missing one is
            the minimum / maximum over all images when the other is given or a colour bar
            is drawn.
        symmetric: shared limits ``-m, +m`` centred on 0 (signed data); excludes ``vmin``/``vmax``.
        colorbar: draw one colour bar for the whole grid (needs single-channel images);
            a string is used as its label.
        title_pad: extra height per row, as a fraction of ``size``, reserved for titles,
            so that titles never touch the images above them.

    Returns:
        The figure.
    """
    stack = _to_image_stack(images)
    n = len(stack)
    if n == 0:
        raise ValueError("show_images got no images")
    if titles is not None and len(titles) != n:
        raise ValueError(f"got {n} images but {len(titles)} titles")
    if symmetric and (vmin is not None or vmax is not None):
        raise ValueError("give either symmetric=True or vmin/vmax, not both")
    if title_pad < 0:
        raise ValueError(f"title_pad must be >= 0, got {title_pad}")
    rgb = stack.ndim == 4
    shared = symmetric or vmin is not None or vmax is not None or bool(colorbar)
    if rgb and shared:
        raise ValueError("vmin, vmax, symmetric and colorbar apply to single-channel images only")
    if shared:
        finite = stack[np.isfinite(stack)]
        if symmetric:
            m = float(np.abs(finite).max()) if finite.size else 1.0
            vmin, vmax = -(m or 1.0), (m or 1.0)
        else:
            vmin = float(finite.min()) if vmin is None else vmin
            vmax = float(finite.max()) if vmax is None else vmax
        if vmin > vmax:
            raise ValueError(f"vmin must be <= vmax, got vmin={vmin}, vmax={vmax}")
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    row_height = size * (1 + (title_pad if titles is not None else 0.1))
    extra_width = 0.7 if colorbar else 0.0
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols + extra_width, row_height * nrows + (0.5 if suptitle else 0)),
                             squeeze=False, layout="constrained")
    image = None
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            image = ax.imshow(stack[i], cmap=None if rgb else cmap, vmin=vmin, vmax=vmax)
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=8)
    if colorbar:
        bar = fig.colorbar(image, ax=axes, shrink=min(1.0, 0.9 if nrows > 1 else 1.0), aspect=max(10, 12 * nrows))
        if isinstance(colorbar, str):
            bar.set_label(colorbar)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def heatmap(
    matrix: object,
    *,
    row_labels: Sequence[object] | None = None,
    col_labels: Sequence[object] | None = None,
    annotate: bool = True,
    fmt: str = "{:.2g}",
    cmap: str = "Blues",
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """A labelled heatmap of a 2-D matrix, e.g. a confusion matrix or attention weights.

    Args:
        matrix: ``(R, C)`` values.
        row_labels, col_labels: ``R`` and ``C`` tick labels.
        annotate: write each value in its cell (sensible up to about 15 x 15).
        fmt: format of the annotations.
        cmap: colour map.
        title: axes title.
        ax: axes to draw into; a new figure if ``None``.
    """
    arr = _as_numpy(matrix, "matrix").astype(float)
    if arr.ndim != 2:
        raise ValueError(f"heatmap expects a 2-D matrix, got shape {arr.shape}")
    for labels, size, which in ((row_labels, arr.shape[0], "row"), (col_labels, arr.shape[1], "col")):
        if labels is not None and len(labels) != size:
            raise ValueError(f"{which}_labels has {len(labels)} entries for {size} {which}s")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.5 * arr.shape[1] + 2, 0.5 * arr.shape[0] + 1.5))
    image = ax.imshow(arr, cmap=cmap)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    ax.grid(False)
    ax.set_xticks(range(arr.shape[1]), col_labels if col_labels is not None else range(arr.shape[1]))
    ax.set_yticks(range(arr.shape[0]), row_labels if row_labels is not None else range(arr.shape[0]))
    if annotate:
        threshold = (np.nanmax(arr) + np.nanmin(arr)) / 2
        for (r, c), value in np.ndenumerate(arr):
            ax.text(c, r, fmt.format(value), ha="center", va="center", fontsize=8,
                    color="white" if value > threshold else "black")
    if title:
        ax.set_title(title)
    return ax
