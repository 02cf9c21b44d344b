"""Matrix backprop and gradient checking of chapter 4 against torch.autograd (float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from utils.scratch.backprop import mlp_backward, mlp_loss_and_grads, softmax_cross_entropy
from utils.scratch.gradcheck import gradcheck, numerical_gradient, relative_error, torch_gradients
from utils.scratch.mlp import init_params, mlp_forward, named_params

TORCH_ACT = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "identity": lambda z: z}


def torch_loss(activation, X, y):
    def f(p):
        A = torch.tensor(X)
        for l, (W, b) in enumerate(p, start=1):
            Z = A @ W + b
            A = TORCH_ACT[activation](Z) if l < len(p) else Z
        return torch.nn.functional.cross_entropy(A, torch.tensor(y))
    return f


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "identity"])
def test_backprop_matches_autograd_on_random_networks(seed, activation):
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(1, 5))
    sizes = [int(s) for s in rng.integers(1, 9, size=depth + 1)]
    sizes[-1] = max(sizes[-1], 2)
    params = init_params(sizes, seed=rng, init="xavier")
    for W, b in params:  # non-zero biases, so that their gradients are tested too
        W += 0.1 * rng.standard_normal(W.shape)
        b += 0.1 * rng.standard_normal(b.shape)
    B = int(rng.integers(1, 7))
    X = rng.standard_normal((B, sizes[0]))
    y = rng.integers(0, sizes[-1], size=B)
    loss, grads = mlp_loss_and_grads(X, y, params, activation)
    ref_loss, ref = torch_gradients(torch_loss(activation, X, y), params)
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    named, named_grads, named_ref = named_params(params), named_params(grads), named_params(ref)
    assert list(named_grads) == list(named)
    for k in named:
        assert named_grads[k].shape == named[k].shape
        assert relative_error(named_grads[k], named_ref[k]) < 1e-10
    errors = gradcheck(lambda p: mlp_loss_and_grads(X, y, p, activation)[0], params, grads)
    assert sorted(errors) == sorted(named) and max(errors.values()) < 1e-6


def test_backward_of_the_forward_cache_matches_loss_and_grads():
    params = init_params([3, 5, 4], seed=1, init="he")
    X, y = np.random.default_rng(2).standard_normal((6, 3)), np.array([0, 1, 2, 3, 0, 1])
    logits, hidden, cache = mlp_forward(X, params, "tanh", return_hidden=True, return_cache=True)
    np.testing.assert_array_equal(logits, mlp_forward(X, params, "tanh"))
    assert cache["A"][0] is X and cache["A"][1:] == hidden and len(cache["Z"]) == 2
    loss, dlogits = softmax_cross_entropy(logits, y)
    grads = mlp_backward(dlogits, params, cache)
    ref_loss, ref_grads = mlp_loss_and_grads(X, y, params, "tanh")
    assert loss == ref_loss
    for (dW, db), (rW, rb) in zip(grads, ref_grads):
        np.testing.assert_array_equal(dW, rW)
        np.testing.assert_array_equal(db, rb)


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
    he = init_params([400, 300], seed=rng, init="he")[0][0]
    xa = init_params([400, 300], seed=rng, init="xavier")[0][0]
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert xa.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert init_params([400, 300], init="small")[0][0].std() == pytest.approx(0.01, rel=0.02)
    assert init_params([3, 2], init="small")[0][0].dtype == np.float64
    assert init_params([3, 2], init="he", dtype=np.float32)[0][1].dtype == np.float32
    # a Generator is drawn from, so two calls on one stream give two different networks
    rng = np.random.default_rng(3)
    first, second = init_params([3, 2], seed=rng, init="he"), init_params([3, 2], seed=rng, init="he")
    assert not np.array_equal(first[0][0], second[0][0])
    np.testing.assert_array_equal(first[0][0], init_params([3, 2], seed=3, init="he")[0][0])


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
    # the same with an MLP's list of layers: f receives a list, errors are named W1, b1
    layers = [(np.array([[1.0, 2.0]]), np.array([3.0, -1.0]))]
    g = lambda p: float(np.sum(p[0][0] ** 2) + np.sum(p[0][1] ** 3))  # noqa: E731
    good = [(2 * layers[0][0], 3 * layers[0][1] ** 2)]
    assert max(gradcheck(g, layers, good).values()) < 1e-8
    assert gradcheck(g, layers, [(good[0][0], good[0][0][0])])["b1"] > 0.1


def test_torch_gradients_keeps_the_form_of_params():
    layers = [(np.array([[1.0, 2.0]]), np.array([3.0, -1.0]))]
    loss, grads = torch_gradients(lambda p: (p[0][0] ** 2).sum() + p[0][1].sum(), layers)
    assert loss == pytest.approx(5.0 + 2.0)
    np.testing.assert_allclose(grads[0][0], 2 * layers[0][0])
    np.testing.assert_allclose(grads[0][1], np.ones(2))
    loss, grads = torch_gradients(lambda p: (p["w"] ** 3).sum(), {"w": np.array([2.0])})
    assert loss == pytest.approx(8.0) and grads["w"] == pytest.approx([12.0])


def test_errors():
    params = init_params([4, 3, 2])
    X, y = np.ones((2, 4)), np.array([0, 1])
    with pytest.raises(ValueError, match="unknown activation"):
        mlp_loss_and_grads(X, y, params, "swish")
    with pytest.raises(ValueError, match=r"X has 5 features per row.*X of shape \(B, 4\)"):
        mlp_loss_and_grads(np.ones((2, 5)), y, params)
    with pytest.raises(ValueError, match=r"params\[1\]\[0\] \(W\) must have shape \(3, d_out\)"):
        mlp_loss_and_grads(X, y, [params[0], (np.ones((2, 2)), np.zeros(2))])
    with pytest.raises(ValueError, match="needs the activation by name"):
        mlp_forward(X, params, np.tanh, return_cache=True)
    with pytest.raises(ValueError, match="integer labels"):
        softmax_cross_entropy(np.ones((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="labels must lie in"):
        softmax_cross_entropy(np.ones((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"logits must have shape \(B, K\)"):
        softmax_cross_entropy(np.ones(3), np.array([0]))
    logits, cache = mlp_forward(X, params, return_cache=True)
    with pytest.raises(ValueError, match="dlogits must have"):
        mlp_backward(np.ones((3, 2)), params, cache)
    with pytest.raises(ValueError, match="cache must be"):
        mlp_backward(logits, params, {})
    with pytest.raises(ValueError, match="cache must be"):
        mlp_backward(logits, params[:1], cache)
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
    with pytest.raises(TypeError, match=r"list of \(W, b\) pairs"):
        gradcheck(lambda p: 0.0, np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="scalar tensor"):
        torch_gradients(lambda p: p["a"] * 2, {"a": np.ones(2)})
