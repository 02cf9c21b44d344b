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

    Each value is a box with its label, its ``data`` written above it; each operation is a
    circle. Grey arrows point forwards, from the inputs to the output. With ``show_grad``
    the same figure shows the backward pass too: each value's ``grad`` is written below its
    box (orange), and orange arrows beneath the grey ones point backwards, from the output
    to the inputs, the direction gradients flow. A node's column is the length of the
    longest path from a leaf to it.

    Args:
        root: the output value (call ``root.backward()`` first to show real gradients).
        ax: axes to draw into; a new figure if ``None``.
        show_grad: also show the gradients and the backward arrows.
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
    # Computed values on the bottom row, so that a chain of operations reads as one straight
    # line; the inputs an operation takes on the way stack above it.
    pos: dict[int, tuple[float, float]] = {}
    for col, nodes in columns.items():
        for row, node in enumerate(sorted(nodes, key=lambda n: not n.op)):  # stable: computed first
            pos[id(node)] = (2.0 * col, float(row))
    if ax is None:
        width = 2.2 * (max(columns) + 1) + 1
        height = 1.0 * max(len(n) for n in columns.values()) + 0.8
        _, ax = plt.subplots(figsize=(width, height))
    box = dict(boxstyle="round,pad=0.3", fc="#E8F1F8", ec="#0072B2")
    symbols = {"*": "×", "-": "−"}  # the engine's op names, as printed maths
    circle = dict(boxstyle="circle,pad=0.25", fc="#F2F2F2", ec="0.4")
    forward = dict(arrowstyle="->", color="0.4", lw=1, shrinkA=3, shrinkB=3)
    backward = dict(arrowstyle="<-", color="#D55E00", lw=1, shrinkA=3, shrinkB=3)
    # With gradients, each edge carries two arrows: forward just above it, backward just below.
    lanes = [(forward, 0.06), (backward, -0.06)] if show_grad else [(forward, 0.0)]

    def edge(start: tuple[float, float], end: tuple[float, float]) -> None:
        for style, dy in lanes:
            ax.annotate("", (end[0], end[1] + dy), (start[0], start[1] + dy), arrowprops=style)

    for node in order:
        x, y = pos[id(node)]
        ax.annotate(node.label or "", (x, y), ha="center", va="center", fontsize=9, bbox=box, zorder=3)
        ax.annotate(f"{node.data:.3g}", (x, y + 0.3), ha="center", va="center", fontsize=8, zorder=3)
        if show_grad:
            # An input above the bottom row sends its edge down to the right: keep its gradient left of it.
            gx, ha = (x + 0.2, "right") if y > 0 else (x, "center")
            ax.annotate(f"{node.grad:.3g}", (gx, y - 0.3), ha=ha, va="center", fontsize=8,
                        color="#D55E00", zorder=3)
        if node.op:
            ox = x - 1.0
            ax.annotate(symbols.get(node.op, node.op), (ox, y), ha="center", va="center", fontsize=8, bbox=circle, zorder=3)
            edge((ox + 0.2, y), (x - 0.25, y))
            for parent in node.parents:
                px, py = pos[id(parent)]
                edge((px + 0.25, py), (ox - 0.2, y))
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(min(ys) - (0.45 if show_grad else 0.3), max(ys) + 0.45)
    ax.axis("off")
    return ax
