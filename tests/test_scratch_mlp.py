"""utils.scratch.mlp against torch.nn (float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from utils.scratch.mlp import (
    init_params, log_softmax, mlp_forward, mlp_param_count, named_params, params_from_named, params_from_torch,
    softmax,
)

ACTS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU}


def torch_mlp(sizes, act):
    layers = []
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(d_in, d_out))
        if i < len(sizes) - 2:
            layers.append(ACTS[act]())
    return nn.Sequential(*layers).double()


@pytest.mark.parametrize("act", sorted(ACTS))
@pytest.mark.parametrize("sizes", [[3, 2], [5, 7, 4], [64, 32, 16, 10]])
def test_forward_matches_torch(sizes, act):
    torch.manual_seed(0)
    model = torch_mlp(sizes, act)
    X = np.random.default_rng(1).normal(size=(9, sizes[0]))
    ours = mlp_forward(X, params_from_torch(model), act)
    with torch.no_grad():
        theirs = model(torch.from_numpy(X)).numpy()
    assert ours.shape == (9, sizes[-1])
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


def test_return_hidden_and_callable_activation():
    params = init_params([4, 6, 5, 3], seed=2)
    X = np.random.default_rng(0).normal(size=(7, 4))
    out, hidden = mlp_forward(X, params, np.tanh, return_hidden=True)
    assert [h.shape for h in hidden] == [(7, 6), (7, 5)]
    np.testing.assert_allclose(out, hidden[-1] @ params[-1][0] + params[-1][1])
    np.testing.assert_allclose(out, mlp_forward(X, params, "tanh"))


def test_named_params_are_views_and_invert():
    params = init_params([4, 3, 2], seed=0)
    named = named_params(params)
    assert list(named) == ["W1", "b1", "W2", "b2"]
    assert named["W2"] is params[1][0] and named["b1"] is params[0][1]  # the same arrays: no copies
    named["W1"] -= 1.0  # so an in-place update through the dict updates params
    np.testing.assert_array_equal(params[0][0], named["W1"])
    back = params_from_named(named)
    assert all(W is W2 and b is b2 for (W, b), (W2, b2) in zip(back, params))


def test_init_params_shapes_and_scales():
    params = init_params([10, 20, 3], seed=0)
    assert [(W.shape, b.shape) for W, b in params] == [((10, 20), (20,)), ((20, 3), (3,))]
    assert np.abs(params[0][0]).max() <= 1 / np.sqrt(10)
    he = init_params([1000, 500], seed=0, init="he")
    assert abs(he[0][0].std() - np.sqrt(2 / 1000)) < 0.002 and not he[0][1].any()
    # a private generator: same seed, same parameters
    np.testing.assert_array_equal(init_params([3, 2], seed=5)[0][0], init_params([3, 2], seed=5)[0][0])


def test_softmax_and_log_softmax_match_torch_and_are_stable():
    Z = np.random.default_rng(0).normal(scale=5, size=(6, 4))
    Zt = torch.from_numpy(Z)
    np.testing.assert_allclose(softmax(Z), torch.softmax(Zt, dim=1).numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(log_softmax(Z), torch.log_softmax(Zt, dim=1).numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(softmax(Z, axis=0), torch.softmax(Zt, dim=0).numpy(), rtol=1e-12, atol=1e-15)
    big = np.array([[1000.0, 1001.0, 999.0]])
    with np.errstate(all="raise"):
        p = softmax(big)
        lp = log_softmax(big)
    np.testing.assert_allclose(p, softmax(big - 1000))
    assert np.isfinite(lp).all()
    np.testing.assert_allclose(softmax(Z + 123.0), softmax(Z))  # shift invariance


@pytest.mark.parametrize("sizes", [[2, 1], [64, 32, 10], [784, 256, 128, 10]])
def test_mlp_param_count_matches_torch(sizes):
    model = torch_mlp(sizes, "relu")
    assert mlp_param_count(sizes) == sum(p.numel() for p in model.parameters())


def test_bad_inputs_raise_clear_errors():
    params = init_params([4, 3, 2])
    with pytest.raises(TypeError, match="NumPy array"):
        mlp_forward(torch.zeros(2, 4), params)
    with pytest.raises(ValueError, match=r"\(B, d_in\)"):
        mlp_forward(np.zeros(4), params)
    with pytest.raises(ValueError, match=r"X has 5 features per row"):
        mlp_forward(np.zeros((2, 5)), params)
    with pytest.raises(ValueError, match=r"shape \(3, d_out\)"):
        mlp_forward(np.zeros((2, 4)), [params[0], (np.zeros((2, 2)), np.zeros(2))])
    with pytest.raises(TypeError, match="real numbers"):
        mlp_forward(np.zeros((2, 4), dtype=object), params)
    with pytest.raises(ValueError, match=r"b\) must have shape \(3,\)"):
        mlp_forward(np.zeros((2, 4)), [(params[0][0], np.zeros(4)), params[1]])
    with pytest.raises(TypeError, match=r"pair \(W, b\)"):
        mlp_forward(np.zeros((2, 4)), [params[0][0]])
    with pytest.raises(TypeError, match="params_from_torch"):
        mlp_forward(np.zeros((2, 4)), [(torch.zeros(4, 3), torch.zeros(3))])
    with pytest.raises(TypeError, match="non-empty list"):
        mlp_forward(np.zeros((2, 4)), [])
    with pytest.raises(ValueError, match="expected one of"):
        mlp_forward(np.zeros((2, 4)), params, "swish")
    with pytest.raises(ValueError, match="positive int"):
        mlp_param_count([3, 0, 2])
    with pytest.raises(ValueError, match="at least an input and an output"):
        mlp_param_count([3])
    with pytest.raises(TypeError, match="list of layer widths"):
        init_params("64,10")
    with pytest.raises(ValueError, match="init must be one of"):
        init_params([2, 2], init="kaiming")
    with pytest.raises(TypeError, match="activation must be a name or a function"):
        mlp_forward(np.zeros((2, 4)), params, 3)
    with pytest.raises(TypeError, match=r"list of \(W, b\) pairs"):
        named_params({"W1": params[0][0]})
    with pytest.raises(ValueError, match="W1, b1, ..., WL, bL"):
        params_from_named({"W1": params[0][0], "b2": params[0][1]})
    with pytest.raises(TypeError, match="dict"):
        params_from_named(params)
    with pytest.raises(TypeError, match="NumPy array"):
        softmax([1.0, 2.0])
    with pytest.raises(ValueError, match="scalar"):
        softmax(np.array(1.0))
    with pytest.raises(TypeError, match="nn.Module"):
        params_from_torch(params)
    with pytest.raises(ValueError, match="no nn.Linear"):
        params_from_torch(nn.ReLU())
