"""Drawing the computational graph of a :class:`~utils.scratch.autograd.Value`. Introduced in chapter 4.

Kept apart from the engine (``utils.scratch.autograd``), which needs nothing but the
standard library, as micrograd keeps its ``draw_dot`` apart from ``engine.py``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from utils.scratch.autograd import Value, topological_order

__all__ = ["draw_graph"]


def draw_graph(root: Value, *, ax: plt.Axes | None = None, show_grad: bool = True) -> plt.Axes:
    """Draw the computational graph of ``root`` with matplotlib, inputs on the left.

    Each value is a box with its label and data; each operation is a circle. A node's
    column is the length of the longest path from a leaf to it. With ``show_grad`` the
    figure shows the backward pass: each value's ``grad`` is written below its box (orange)
    and the arrows point from the output back to the inputs, the direction gradients flow.

    Args:
        root: the output value.
        ax: axes to draw into; a new figure if ``None``.
        show_grad: show the gradients and reverse the arrows.
    """
    order = topological_order(root)
    depth: dict[int, int] = {}
    consumers: dict[int, list[Value]] = {}
    for node in order:  # parents come first, so their depth is known
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
        for p in node.parents:
            consumers.setdefault(id(p), []).append(node)
    for node in order:  # draw each input just left of its first use, not all in column 0
        if not node.parents and id(node) in consumers:
            depth[id(node)] = min(depth[id(c)] for c in consumers[id(node)]) - 1
    # Value boxes sit at even columns, operation circles at the odd column before them.
    columns: dict[int, list[Value]] = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    pos: dict[int, tuple[float, float]] = {}
    for col, nodes in columns.items():
        for i, node in enumerate(nodes):
            pos[id(node)] = (2.0 * col, (len(nodes) - 1) / 2 - i)
    if ax is None:
        width = 2.2 * (max(columns) + 1) + 1
        height = 1.1 * max(len(n) for n in columns.values()) + 1
        _, ax = plt.subplots(figsize=(width, height))
    box = dict(boxstyle="round,pad=0.3", fc="#E8F1F8", ec="#0072B2")
    circle = dict(boxstyle="circle,pad=0.25", fc="#FBE9DF", ec="#D55E00")
    # Forward: arrows from inputs to outputs. Backward: the same edges, pointing back, in orange.
    arrow = dict(arrowstyle="<-" if show_grad else "->", color="#D55E00" if show_grad else "0.4",
                 lw=1, shrinkA=4, shrinkB=4)
    for node in order:
        x, y = pos[id(node)]
        text = (f"{node.label} " if node.label else "") + f"{node.data:.3g}"
        ax.annotate(text, (x, y), ha="center", va="center", fontsize=8, bbox=box, zorder=3)
        if show_grad:
            ax.annotate(f"{node.grad:.3g}", (x, y - 0.25), ha="center", va="center", fontsize=8,
                        color="#D55E00", zorder=3)
        if node.op:
            ox = x - 1.0
            ax.annotate(node.op, (ox, y), ha="center", va="center", fontsize=8, bbox=circle, zorder=3)
            ax.annotate("", (x - 0.35, y), (ox + 0.2, y), arrowprops=arrow)
            for parent in node.parents:
                px, py = pos[id(parent)]
                ax.annotate("", (ox - 0.15, y), (px + 0.4, py), arrowprops=arrow)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(min(ys) - (0.5 if show_grad else 0.4), max(ys) + 0.4)
    ax.axis("off")
    return ax
