"""The scalar autograd engine of chapter 4 against torch.autograd (float64)."""

from __future__ import annotations

import math

import matplotlib
import pytest
import torch

matplotlib.use("Agg")

from utils.scratch.autograd import Value, topological_order, zero_grad  # noqa: E402
from utils.scratch.autograd_plot import draw_graph  # noqa: E402


def _both(fn_value, fn_torch, xs):
    vs = [Value(x) for x in xs]
    out = fn_value(*vs)
    out.backward()
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    ref = fn_torch(*ts)
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-12, abs=1e-12)
    for v, t in zip(vs, ts):
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("xs", [(2.0, -3.0, 0.5), (-1.2, 0.7, 1.9), (0.3, 0.4, -2.5)])
def test_expression_matches_torch(xs):
    def f(a, b, c):
        d = a * b + c
        e = (d.tanh() * a - c / b) ** 2
        return e + (a * c).sigmoid() + (b * b + 1.0).log() + (0.5 * a).exp() + (d - 1.0).relu()

    def g(a, b, c):
        d = a * b + c
        e = (torch.tanh(d) * a - c / b) ** 2
        return e + torch.sigmoid(a * c) + torch.log(b * b + 1.0) + torch.exp(0.5 * a) + torch.relu(d - 1.0)

    _both(f, g, xs)


def test_value_used_twice_accumulates():
    _both(lambda a: a * a + a, lambda a: a * a + a, [3.0])


def test_reflected_operators():
    _both(lambda a: 2.0 - a + 3.0 / a + 4.0 * a, lambda a: 2.0 - a + 3.0 / a + 4.0 * a, [1.5])


def test_negation_and_subtraction():
    _both(lambda a, b: -(a - b) * (b - 1.0), lambda a, b: -(a - b) * (b - 1.0), [0.3, -2.0])


def test_leaf_gradients_accumulate_until_zeroed_like_pytorch():
    a = Value(2.0)
    out = a * a
    out.backward()
    out.backward()
    t = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    t_out = t * t
    t_out.backward(retain_graph=True)
    t_out.backward()
    assert a.grad == t.grad.item() == 8.0  # 4 + 4
    zero_grad([a])
    (a * a).backward()
    assert a.grad == 4.0


def test_topological_order_parents_first():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    c = a * b
    d = c + a
    order = topological_order(d)
    assert order[-1] is d
    assert order.index(c) > order.index(a) and order.index(c) > order.index(b)
    assert len(order) == 4


def test_deep_graph_has_no_recursion_error():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_draw_graph_returns_axes():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    out = (a * b + a).tanh()
    out.backward()
    ax = draw_graph(out)
    assert ax.texts


def test_errors():
    with pytest.raises(TypeError, match="real number"):
        Value("1")
    with pytest.raises(TypeError, match="real number"):
        Value(True)
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)
    with pytest.raises(TypeError, match="Value or a real number"):
        Value(1.0) + "x"
    with pytest.raises(TypeError, match="constant real exponent"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="positive"):
        Value(-1.0).log()
    with pytest.raises(TypeError, match="expects a Value"):
        topological_order(1.0)


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-1000.0).sigmoid().data == pytest.approx(0.0, abs=1e-300)
    assert math.isfinite(Value(-1000.0).sigmoid().data)


def test_the_engine_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys, utils.scratch.autograd; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
