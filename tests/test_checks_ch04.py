"""The chapter-4 exercise checkers: the worked answer passes, wrong answers fail with a hint."""

from __future__ import annotations

import math

import numpy as np
import pytest

from utils.check import check


def grad_f(x, y):
    return 2 * (x * y + 1) * y + math.exp(x) * math.tanh(y), 2 * (x * y + 1) * x + math.exp(x) * (1 - math.tanh(y) ** 2)


def linear_backward(X, W, dZ):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def mse_grad(y_hat, y):
    return 2 * (y_hat - y) / y_hat.size


def test_right_answers_pass(capsys):
    check("ex-ch04-hand-grad", grad_f)
    check("ex-ch04-linear-backward", linear_backward)
    check("ex-ch04-mse-grad", mse_grad)
    assert capsys.readouterr().out.count("✓") == 3


@pytest.mark.parametrize("exercise, answer, hint", [
    ("ex-ch04-hand-grad", lambda x, y: grad_f(x, y)[::-1], "(df/dy, df/dx)"),
    ("ex-ch04-hand-grad", lambda x, y: (2 * (x * y + 1) * y, grad_f(x, y)[1]), "both paths"),
    ("ex-ch04-hand-grad", lambda x, y: 0.0, "pair"),
    ("ex-ch04-hand-grad", 3.0, "function"),
    ("ex-ch04-linear-backward", lambda X, W, dZ: (dZ @ W.T, dZ.T @ X, dZ.sum(0)), "X.T @ dZ"),
    ("ex-ch04-linear-backward", lambda X, W, dZ: (dZ @ W.T, X.T @ dZ, dZ), "sum dZ over axis 0"),
    ("ex-ch04-linear-backward", lambda X, W, dZ: (dZ @ W.T * 2, X.T @ dZ, dZ.sum(0)), "dX"),
    ("ex-ch04-linear-backward", lambda X, W, dZ: dZ, "tuple"),
    ("ex-ch04-mse-grad", lambda y_hat, y: 2 * (y_hat - y), "forgot the mean"),
    ("ex-ch04-mse-grad", lambda y_hat, y: 2 * (y - y_hat) / y.size, "sign"),
    ("ex-ch04-mse-grad", lambda y_hat, y: (y_hat - y) / y.size, "expected -1.62016, got -0.810082"),
])
def test_wrong_answers_fail_with_a_hint(exercise, answer, hint, capsys):
    with pytest.raises(AssertionError, match=exercise):
        check(exercise, answer)
    assert hint in capsys.readouterr().out


def test_not_attempted():
    with pytest.raises(AssertionError, match="not attempted"):
        check("ex-ch04-mse-grad", None)


def test_finite_differences_are_not_accepted_as_exact_derivatives(capsys):
    def fd_grad_f(x, y, h=1e-6):
        f = lambda a, b: (a * b + 1) ** 2 + math.exp(a) * math.tanh(b)  # noqa: E731
        return (f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)

    def fd_mse_grad(y_hat, y, h=1e-6):
        grad = np.zeros_like(y_hat)
        for i in np.ndindex(y_hat.shape):
            up, down = y_hat.copy(), y_hat.copy()
            up[i] += h
            down[i] -= h
            grad[i] = (np.mean((up - y) ** 2) - np.mean((down - y) ** 2)) / (2 * h)
        return grad

    for exercise, answer in [("ex-ch04-hand-grad", fd_grad_f), ("ex-ch04-mse-grad", fd_mse_grad)]:
        with pytest.raises(AssertionError, match="finite differences"):
            check(exercise, answer)
