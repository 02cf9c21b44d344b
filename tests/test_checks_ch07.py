"""The chapter-7 exercise checkers accept right answers and give helpful hints for wrong ones."""

from __future__ import annotations

import math

import pytest
import torch

from utils.check import check
from utils.scratch.rnn import gru_cell


def _gru_variant(variant):
    def step(x, h, W_ih, W_hh, b_ih, b_hh):
        H = h.shape[1]
        gi, gh = x @ W_ih.T + b_ih, h @ W_hh.T + b_hh
        a, b = torch.sigmoid(gi[:, :H] + gh[:, :H]), torch.sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
        r, z = (b, a) if variant == "order" else (a, b)
        if variant == "cho":
            n = torch.tanh(gi[:, 2 * H :] + (r * h) @ W_hh[2 * H :].T + b_hh[2 * H :])
        else:
            n = torch.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
        if variant == "swap":
            return z * n + (1 - z) * h
        if variant == "bhn-outside":
            n = torch.tanh(gi[:, 2 * H :] + r * (h @ W_hh[2 * H :].T) + b_hh[2 * H :])
        if variant == "no-reset":
            n = torch.tanh(gi[:, 2 * H :] + gh[:, 2 * H :])
        return (1 - z) * n + z * h

    return step


def test_gru_step_checker(capsys):
    check("ex-ch07-gru-step", gru_cell)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="swapped"):
        check("ex-ch07-gru-step", _gru_variant("swap"))
    with pytest.raises(AssertionError, match="Cho"):
        check("ex-ch07-gru-step", _gru_variant("cho"))
    with pytest.raises(AssertionError, match="r, z, n"):
        check("ex-ch07-gru-step", _gru_variant("order"))
    with pytest.raises(AssertionError, match="b_hn belongs inside"):
        check("ex-ch07-gru-step", _gru_variant("bhn-outside"))
    with pytest.raises(AssertionError, match="differs from nn.GRUCell"):
        check("ex-ch07-gru-step", _gru_variant("no-reset"))
    with pytest.raises(AssertionError, match=r"shape \(B, H\)"):
        check("ex-ch07-gru-step", lambda x, h, *w: h[:, :1])
    with pytest.raises(AssertionError, match="function"):
        check("ex-ch07-gru-step", 3)
    with pytest.raises(AssertionError, match="not attempted"):
        check("ex-ch07-gru-step", None)


def _dhT_dh0(w, u, xs, h0):
    h, grad = h0, 1.0
    for x in xs:
        h = math.tanh(w * h + u * x)
        grad *= w * (1 - h**2)
    return grad


def _off_by_one(w, u, xs, h0):
    h, grad = h0, 1.0
    for x in xs:
        grad *= w * (1 - h**2)
        h = math.tanh(w * h + u * x)
    return grad


def _without_w(w, u, xs, h0):
    h, grad = h0, 1.0
    for x in xs:
        h = math.tanh(w * h + u * x)
        grad *= 1 - h**2
    return grad


def _tanh_twice(w, u, xs, h0):
    h, grad = h0, 1.0
    for x in xs:
        h = math.tanh(w * h + u * x)
        grad *= w * (1 - math.tanh(h) ** 2)
    return grad


def test_scalar_gradient_checker():
    check("ex-ch07-scalar-gradient", _dhT_dh0)
    check("ex-ch07-scalar-gradient", lambda *a: torch.tensor(_dhT_dh0(*a)))  # a 0-d tensor is fine
    with pytest.raises(AssertionError, match="tanh's derivative"):
        check("ex-ch07-scalar-gradient", lambda w, u, xs, h0: w ** len(xs))
    with pytest.raises(AssertionError, match="Off by one"):
        check("ex-ch07-scalar-gradient", _off_by_one)
    with pytest.raises(AssertionError, match="brings a factor w"):
        check("ex-ch07-scalar-gradient", _without_w)
    with pytest.raises(AssertionError, match="a second time"):
        check("ex-ch07-scalar-gradient", _tanh_twice)
    with pytest.raises(AssertionError, match="should be"):
        check("ex-ch07-scalar-gradient", lambda w, u, xs, h0: 0.0)
    with pytest.raises(AssertionError, match="a number"):
        check("ex-ch07-scalar-gradient", lambda w, u, xs, h0: "small")


def test_param_count_checker():
    gates = {"rnn": 1, "gru": 3, "lstm": 4}

    def right(kind, C, H, L):
        G = gates[kind]
        return G * H * (C + H + 2) + (L - 1) * G * H * (2 * H + 2)

    check("ex-ch07-param-count", right)
    with pytest.raises(AssertionError, match="two bias"):
        check("ex-ch07-param-count",
              lambda k, C, H, L: gates[k] * H * (C + H + 1) + (L - 1) * gates[k] * H * (2 * H + 1))
    with pytest.raises(AssertionError, match="Layers above the first"):
        check("ex-ch07-param-count", lambda k, C, H, L: L * gates[k] * H * (C + H + 2))
    with pytest.raises(AssertionError, match="blocks of weights"):
        check("ex-ch07-param-count", lambda k, C, H, L: H * (C + H + 2) + (L - 1) * H * (2 * H + 2))
    with pytest.raises(AssertionError, match="biases too"):
        check("ex-ch07-param-count", lambda k, C, H, L: gates[k] * H * (C + H) + (L - 1) * gates[k] * H * 2 * H)
    with pytest.raises(AssertionError, match="unidirectional"):
        check("ex-ch07-param-count", lambda *a: 2 * right(*a))
    with pytest.raises(AssertionError, match="float"):
        check("ex-ch07-param-count", lambda *a: float(right(*a)))
    with pytest.raises(AssertionError, match="function"):
        check("ex-ch07-param-count", 42)
