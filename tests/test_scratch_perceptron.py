"""utils.scratch.perceptron: the rule, convergence on separable data, failure on XOR."""

from __future__ import annotations

import numpy as np
import pytest

from utils.scratch.perceptron import linearly_separable, perceptron_fit, perceptron_predict

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([-1, 1, 1, -1])
AND_Y = np.array([-1, -1, -1, 1])


def separable_blobs(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal([-2, -1], 0.7, size=(n, 2)), rng.normal([2, 1.5], 0.7, size=(n, 2))])
    y = np.repeat([-1, 1], n)
    return X, y


def test_one_update_by_hand():
    # From w = 0, b = 0 the first example is on the boundary, so it counts as a mistake.
    res = perceptron_fit(np.array([[2.0, -1.0]]), np.array([-1]), max_epochs=1, record=True)
    np.testing.assert_array_equal(res.history[1][0], [-2.0, 1.0])
    assert res.history[1][1] == -1.0


def test_converges_on_separable_data():
    X, y = separable_blobs()
    assert linearly_separable(X, y)
    res = perceptron_fit(X, y, max_epochs=100)
    assert res.converged and res.mistakes[-1] == 0
    assert (perceptron_predict(X, res.w, res.b) == y).all()


def test_learns_and_but_never_xor():
    res = perceptron_fit(XOR_X, AND_Y, max_epochs=50)
    assert res.converged
    assert linearly_separable(XOR_X, AND_Y)
    res = perceptron_fit(XOR_X, XOR_Y, max_epochs=500, shuffle=True)
    assert not res.converged and min(res.mistakes) >= 1
    assert not linearly_separable(XOR_X, XOR_Y)


def test_novikoff_bound_holds():
    # Number of updates <= (R / gamma)^2 for the augmented data (x, 1) and any unit separator.
    X, y = separable_blobs(seed=3)
    res = perceptron_fit(X, y, max_epochs=1000, record=True)
    Xa = np.hstack([X, np.ones((len(X), 1))])
    u = np.array([1.0, 1.0, 0.0]) / np.sqrt(2)  # the line x1 + x2 = 0 separates these blobs
    gamma = (y * (Xa @ u)).min()
    assert gamma > 0
    R = np.linalg.norm(Xa, axis=1).max()
    assert len(res.history) - 1 <= (R / gamma) ** 2


def test_shuffle_is_seeded():
    X, y = separable_blobs()
    a = perceptron_fit(X, y, shuffle=True, seed=4)
    b = perceptron_fit(X, y, shuffle=True, seed=4)
    np.testing.assert_array_equal(a.w, b.w)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="-1 or \\+1"):
        perceptron_fit(XOR_X, np.array([0, 1, 1, 0]))
    with pytest.raises(ValueError, match=r"shape \(4,\)"):
        perceptron_fit(XOR_X, np.array([1, -1]))
    with pytest.raises(TypeError, match="NumPy array"):
        perceptron_fit(XOR_X.tolist(), XOR_Y)
    with pytest.raises(ValueError, match=r"\(N, d\)"):
        perceptron_fit(np.zeros(4), XOR_Y)
    with pytest.raises(ValueError, match="max_epochs"):
        perceptron_fit(XOR_X, XOR_Y, max_epochs=0)
    with pytest.raises(ValueError, match="lr"):
        perceptron_fit(XOR_X, XOR_Y, lr=-1)
    with pytest.raises(ValueError, match=r"w must have shape \(2,\)"):
        perceptron_predict(XOR_X, np.zeros(3), 0.0)
