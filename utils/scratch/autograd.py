"""A tiny scalar automatic-differentiation engine. Introduced in chapter 4.

Every :class:`Value` remembers the values it was computed from (its *parents*) and
how to pass a gradient back to them. Calling :meth:`Value.backward` on the final
result visits the graph in reverse topological order and applies the chain rule once
per edge -- reverse-mode automatic differentiation, the algorithm behind
``loss.backward()`` in PyTorch, on scalars instead of tensors.

Example::

    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(1.0, "b")
    loss = (w * x + b).relu()
    loss.backward()
    w.grad   # d loss / d w

The engine needs only the standard library; drawing a graph is
:func:`utils.scratch.autograd_plot.draw_graph`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from numbers import Real

__all__ = ["Value", "topological_order", "zero_grad"]


def _as_value(other: object) -> Value:
    if isinstance(other, Value):
        return other
    if isinstance(other, Real) and not isinstance(other, bool):
        return Value(float(other))
    raise TypeError(f"Value arithmetic expects a Value or a real number, got {type(other).__name__}")


class Value:
    """A scalar that records how it was computed, so gradients can flow back to it.

    Attributes:
        data: the number (a Python float).
        grad: d(output)/d(self) after ``output.backward()``; 0.0 before.
        label: an optional name shown in graph drawings.
        op: the operation that produced this value ("" for a leaf).
    """

    __slots__ = ("data", "grad", "label", "op", "_parents", "_backward")

    def __init__(self, data: float, label: str = "", *, _parents: tuple[Value, ...] = (), _op: str = ""):
        if isinstance(data, bool) or not isinstance(data, Real):
            raise TypeError(f"Value expects a real number, got {type(data).__name__}")
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = _op
        self._parents = _parents
        # Adds this node's contribution to its parents' .grad; a leaf has nothing to pass on.
        self._backward: Callable[[], None] = lambda: None

    @property
    def parents(self) -> tuple[Value, ...]:
        """The values this one was computed from (empty for a leaf)."""
        return self._parents

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.6g}, grad={self.grad:.6g})"

    # ----- binary operations: each defines the local derivatives of one edge pair -----
    def __add__(self, other: object) -> Value:
        other = _as_value(other)
        out = Value(self.data + other.data, _parents=(self, other), _op="+")

        def backward() -> None:  # d(a+b)/da = d(a+b)/db = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = backward
        return out

    def __mul__(self, other: object) -> Value:
        other = _as_value(other)
        out = Value(self.data * other.data, _parents=(self, other), _op="*")

        def backward() -> None:  # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = backward
        return out

    def __pow__(self, exponent: object) -> Value:
        if isinstance(exponent, bool) or not isinstance(exponent, Real):
            raise TypeError(f"Value ** expects a constant real exponent, got {type(exponent).__name__}")
        k = float(exponent)
        out = Value(self.data**k, _parents=(self,), _op=f"^{exponent:g}")

        def backward() -> None:  # d(a^k)/da = k a^(k-1)
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = backward
        return out

    def __neg__(self) -> Value:
        return self._unary(-self.data, -1.0, "neg")

    def __sub__(self, other: object) -> Value:
        other = _as_value(other)
        out = Value(self.data - other.data, _parents=(self, other), _op="-")

        def backward() -> None:  # d(a-b)/da = 1, d(a-b)/db = -1
            self.grad += out.grad
            other.grad -= out.grad

        out._backward = backward
        return out

    def __truediv__(self, other: object) -> Value:
        return self * _as_value(other) ** -1

    def __radd__(self, other: object) -> Value:
        return self + other

    def __rmul__(self, other: object) -> Value:
        return self * other

    def __rsub__(self, other: object) -> Value:
        return _as_value(other) - self

    def __rtruediv__(self, other: object) -> Value:
        return _as_value(other) / self

    # ----- unary functions -----
    def _unary(self, value: float, local_grad: float, op: str) -> Value:
        out = Value(value, _parents=(self,), _op=op)

        def backward() -> None:  # chain rule: upstream gradient times local derivative
            self.grad += local_grad * out.grad

        out._backward = backward
        return out

    def exp(self) -> Value:
        """e to the power of this value; its derivative is itself."""
        e = math.exp(self.data)
        return self._unary(e, e, "exp")

    def log(self) -> Value:
        """Natural logarithm; defined for positive values only."""
        if self.data <= 0:
            raise ValueError(f"log expects a positive value, got {self.data}")
        return self._unary(math.log(self.data), 1.0 / self.data, "log")

    def tanh(self) -> Value:
        """Hyperbolic tangent; derivative 1 - tanh^2."""
        t = math.tanh(self.data)
        return self._unary(t, 1.0 - t * t, "tanh")

    def sigmoid(self) -> Value:
        """Logistic sigmoid 1 / (1 + e^-x); derivative s (1 - s)."""
        s = 0.5 * (1.0 + math.tanh(0.5 * self.data))  # stable for large |x|
        return self._unary(s, s * (1.0 - s), "σ")

    def relu(self) -> Value:
        """max(0, x); derivative 1 for x > 0 and 0 otherwise (PyTorch's choice at 0)."""
        return self._unary(max(self.data, 0.0), 1.0 if self.data > 0 else 0.0, "relu")

    # ----- the backward pass -----
    def backward(self) -> None:
        """Add d(self)/d(value) to the ``.grad`` of every value this one depends on.

        Gradients *accumulate* (``+=``), as in PyTorch: a value used twice receives a
        contribution along each use, and a leaf (a value with no parents, such as a weight)
        keeps adding across calls until you set its ``.grad`` back to 0 -- what
        ``optimizer.zero_grad()`` does in PyTorch. The intermediate values of the graph are
        reset before the pass, so calling it twice on one graph doubles the leaves'
        gradients, like PyTorch's ``backward(retain_graph=True)`` twice.
        """
        order = topological_order(self)
        for node in order:
            if node._parents:  # intermediate values: this pass's gradients only
                node.grad = 0.0
        self.grad = 1.0  # d self / d self
        for node in reversed(order):  # every node before the nodes it was computed from
            node._backward()


def zero_grad(values: Iterable[Value]) -> None:
    """Set the ``.grad`` of every value to 0, before the next ``backward()``."""
    for value in values:
        value.grad = 0.0


def topological_order(root: Value) -> list[Value]:
    """Every value ``root`` depends on, each listed after all of its parents.

    Args:
        root: the output value.

    Returns:
        the list, leaves first and ``root`` last.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order expects a Value, got {type(root).__name__}")
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:  # iterative depth-first search, so deep graphs do not hit the recursion limit
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((p, False) for p in node.parents if id(p) not in seen)
    return order
