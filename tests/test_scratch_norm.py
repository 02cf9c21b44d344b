"""Batch and layer normalisation from scratch (chapter 5) follow torch.nn in float64."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from utils.scratch.norm import BatchNorm1d, layer_norm


def _pair(C=5, momentum=0.1, seed=0):
    rng = np.random.default_rng(seed)
    ours = BatchNorm1d(C, momentum=momentum)
    ours.gamma, ours.beta = rng.standard_normal(C), rng.standard_normal(C)
    ref = nn.BatchNorm1d(C, momentum=momentum).double()
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(ours.gamma))
        ref.bias.copy_(torch.tensor(ours.beta))
    return ours, ref, rng


@pytest.mark.parametrize("momentum", [0.1, 0.5])
def test_batchnorm_train_and_eval_match_torch(momentum):
    ours, ref, rng = _pair(momentum=momentum)
    for step in range(4):  # several batches: the running statistics accumulate
        X = rng.standard_normal((8, 5)) * 3 + rng.standard_normal(5)
        torch.testing.assert_close(torch.tensor(ours(X)), ref(torch.tensor(X)), rtol=1e-12, atol=1e-12)
        torch.testing.assert_close(torch.tensor(ours.running_mean), ref.running_mean, rtol=1e-12, atol=1e-12)
        torch.testing.assert_close(torch.tensor(ours.running_var), ref.running_var, rtol=1e-12, atol=1e-12)
    ours.eval(), ref.eval()
    X = rng.standard_normal((3, 5))
    with torch.no_grad():
        torch.testing.assert_close(torch.tensor(ours(X)), ref(torch.tensor(X)), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_backward_matches_autograd(training):
    ours, ref, rng = _pair()
    ours.running_mean, ours.running_var = rng.standard_normal(5), rng.uniform(0.5, 2, 5)
    with torch.no_grad():
        ref.running_mean.copy_(torch.tensor(ours.running_mean))
        ref.running_var.copy_(torch.tensor(ours.running_var))
    ours.train(training), ref.train(training)
    X = rng.standard_normal((6, 5))
    G = rng.standard_normal((6, 5))
    Xt = torch.tensor(X, requires_grad=True)
    (ref(Xt) * torch.tensor(G)).sum().backward()
    dX = ours.backward(G) if ours(X) is not None else None
    torch.testing.assert_close(torch.tensor(dX), Xt.grad, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(torch.tensor(ours.grad_gamma), ref.weight.grad, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(torch.tensor(ours.grad_beta), ref.bias.grad, rtol=1e-10, atol=1e-12)


def test_layer_norm_matches_torch():
    rng = np.random.default_rng(1)
    X, gamma, beta = rng.standard_normal((4, 7)) * 5, rng.standard_normal(7), rng.standard_normal(7)
    ref = nn.LayerNorm(7).double()
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(gamma))
        ref.bias.copy_(torch.tensor(beta))
        torch.testing.assert_close(torch.tensor(layer_norm(X, gamma, beta)), ref(torch.tensor(X)), rtol=1e-12, atol=1e-12)


def test_bad_input_is_explained():
    bn = BatchNorm1d(3)
    with pytest.raises(ValueError, match="3 features"):
        bn(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="at least 2"):
        bn(np.zeros((1, 3)))
    with pytest.raises(TypeError, match="floating"):
        bn(np.zeros((4, 3), dtype=int))
    with pytest.raises(RuntimeError, match="before backward"):
        BatchNorm1d(3).backward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="gamma"):
        layer_norm(np.zeros((2, 3)), np.ones(2), np.zeros(3))
    with pytest.raises(ValueError, match="num_features"):
        BatchNorm1d(0)
