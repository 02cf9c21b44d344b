"""Matrix backprop and gradient checking of chapter 4 against torch.autograd (float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from utils.scratch.backprop import (
    init_mlp, mlp_backward, mlp_forward, mlp_loss_and_grads, num_layers, softmax_cross_entropy,
)
from utils.scratch.gradcheck import gradcheck, numerical_gradient, relative_error, torch_gradients

TORCH_ACT = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "identity": lambda z: z}


def torch_loss(activation, X, y):
    def f(p):
        L = len(p) // 2
        A = torch.tensor(X)
        for l in range(1, L + 1):
            Z = A @ p[f"W{l}"] + p[f"b{l}"]
            A = TORCH_ACT[activation](Z) if l < L else Z
        return torch.nn.functional.cross_entropy(A, torch.tensor(y))
    return f


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "identity"])
def test_backprop_matches_autograd_on_random_networks(seed, activation):
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(1, 5))
    sizes = [int(s) for s in rng.integers(1, 9, size=depth + 1)]
    sizes[-1] = max(sizes[-1], 2)
    params = init_mlp(sizes, init="xavier", rng=rng)
    for k in params:  # non-zero biases, so that their gradients are tested too
        params[k] += 0.1 * rng.standard_normal(params[k].shape)
    B = int(rng.integers(1, 7))
    X = rng.standard_normal((B, sizes[0]))
    y = rng.integers(0, sizes[-1], size=B)
    loss, grads = mlp_loss_and_grads(params, X, y, activation=activation)
    ref_loss, ref = torch_gradients(torch_loss(activation, X, y), params)
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    for k in params:
        assert grads[k].shape == params[k].shape
        assert relative_error(grads[k], ref[k]) < 1e-10
    errors = gradcheck(lambda p: mlp_loss_and_grads(p, X, y, activation=activation)[0], params, grads)
    assert max(errors.values()) < 1e-6


def test_softmax_cross_entropy_matches_torch():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((5, 4)) * 30  # large logits: the max shift must keep it finite
    y = rng.integers(0, 4, size=5)
    loss, dlogits = softmax_cross_entropy(logits, y)
    t = torch.tensor(logits, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(t, torch.tensor(y))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    torch.testing.assert_close(torch.tensor(dlogits), t.grad, rtol=1e-12, atol=1e-14)


def test_init_scales():
    rng = np.random.default_rng(0)
    he = init_mlp([400, 300], init="he", rng=rng)["W1"]
    xa = init_mlp([400, 300], init="xavier", rng=rng)["W1"]
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert xa.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert init_mlp([3, 2], init="small")["W1"].dtype == np.float64
    assert init_mlp([3, 2], dtype=np.float32)["b1"].dtype == np.float32


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = numerical_gradient(lambda v: float(np.sum(v**3)), x)
    np.testing.assert_allclose(g, 3 * x**2, rtol=1e-8)
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # x is not modified


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.ones(3), np.ones(3)) == 0.0
    assert relative_error(torch.ones(2), torch.zeros(2)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="one shape"):
        relative_error(np.ones(2), np.ones(3))


def test_gradcheck_detects_a_wrong_gradient():
    params = {"w": np.array([1.0, 2.0])}
    f = lambda p: float(np.sum(p["w"] ** 2))  # noqa: E731
    assert gradcheck(f, params, {"w": 2 * params["w"]})["w"] < 1e-8
    assert gradcheck(f, params, {"w": params["w"]})["w"] > 0.1


def test_errors():
    params = init_mlp([4, 3, 2])
    X, y = np.ones((2, 4)), np.array([0, 1])
    with pytest.raises(ValueError, match="at least two positive ints"):
        init_mlp([4])
    with pytest.raises(ValueError, match="init must be one of"):
        init_mlp([4, 2], init="zeros")
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp_forward(params, X, activation="gelu")
    with pytest.raises(ValueError, match=r"X must be a \(B, 4\) array"):
        mlp_forward(params, np.ones((2, 5)))
    with pytest.raises(ValueError, match="keys W1, b1"):
        num_layers({"W1": np.ones((2, 2))})
    with pytest.raises(TypeError, match="must be a dict"):
        num_layers([np.ones((2, 2))])
    with pytest.raises(ValueError, match="outputs but W2 expects"):
        num_layers({"W1": np.ones((4, 3)), "b1": np.zeros(3), "W2": np.ones((2, 2)), "b2": np.zeros(2)})
    with pytest.raises(ValueError, match="integer labels"):
        softmax_cross_entropy(np.ones((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="labels must lie in"):
        softmax_cross_entropy(np.ones((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="logits must be"):
        softmax_cross_entropy(np.ones(3), np.array([0]))
    logits, cache = mlp_forward(params, X)
    with pytest.raises(ValueError, match="dlogits must have"):
        mlp_backward(params, cache, np.ones((3, 2)))
    with pytest.raises(ValueError, match="cache must be"):
        mlp_backward(params, {}, logits)
    with pytest.raises(TypeError, match="NumPy array"):
        numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="floating dtype"):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]))
    with pytest.raises(ValueError, match="eps must be"):
        numerical_gradient(lambda v: 0.0, np.ones(2), eps=0.0)
    with pytest.raises(TypeError, match="callable"):
        numerical_gradient(3, np.ones(2))
    with pytest.raises(ValueError, match="same keys"):
        gradcheck(lambda p: 0.0, {"a": np.ones(2)}, {"b": np.ones(2)})
    with pytest.raises(ValueError, match="has shape"):
        gradcheck(lambda p: 0.0, {"a": np.ones(2)}, {"a": np.ones(3)})
    with pytest.raises(ValueError, match="scalar tensor"):
        torch_gradients(lambda p: p["a"] * 2, {"a": np.ones(2)})
