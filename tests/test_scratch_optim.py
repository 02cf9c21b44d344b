"""The from-scratch optimisers of chapter 5 follow torch.optim step for step (float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from utils.scratch.optim import SGD, Adam, RMSProp

CASES = [
    (SGD, torch.optim.SGD, {"lr": 0.1}),
    (SGD, torch.optim.SGD, {"lr": 0.05, "momentum": 0.9}),
    (SGD, torch.optim.SGD, {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.01}),
    (RMSProp, torch.optim.RMSprop, {"lr": 0.01}),
    (RMSProp, torch.optim.RMSprop, {"lr": 0.003, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.1}),
    (Adam, torch.optim.Adam, {"lr": 0.01}),
    (Adam, torch.optim.Adam, {"lr": 0.002, "betas": (0.8, 0.99), "eps": 1e-7, "weight_decay": 0.05}),
]


def loss_fn(params, X):
    W, b = params
    return ((X @ W + b).tanh() ** 2).sum() + (W**4).sum()  # a non-quadratic loss


@pytest.mark.parametrize("ours, theirs, kwargs", CASES)
def test_matches_torch_step_for_step(ours, theirs, kwargs):
    rng = np.random.default_rng(0)
    X = torch.tensor(rng.standard_normal((8, 3)))
    init = [rng.standard_normal((3, 2)), rng.standard_normal(2)]
    ref = [torch.tensor(p, requires_grad=True) for p in init]
    mine = [p.copy() for p in init]
    opt_ref, opt_mine = theirs(ref, **kwargs), ours(mine, **kwargs)
    for _ in range(50):
        opt_ref.zero_grad()
        loss_fn(ref, X).backward()
        opt_ref.step()
        # our gradient: the same function differentiated by autograd, at our parameters
        t = [torch.tensor(p, requires_grad=True) for p in mine]
        loss_fn(t, X).backward()
        opt_mine.step([p.grad.numpy() for p in t])
        for a, b in zip(mine, ref):
            np.testing.assert_allclose(a, b.detach().numpy(), rtol=0, atol=1e-10)


def test_updates_in_place_and_counts_steps():
    p = np.array([1.0, -1.0])
    opt = SGD([p], lr=0.5)
    opt.step([np.array([2.0, 2.0])])
    np.testing.assert_array_equal(p, [0.0, -2.0])
    assert opt.t == 1


def test_errors():
    p = np.ones(2)
    with pytest.raises(TypeError, match="non-empty list"):
        SGD(p, lr=0.1)
    with pytest.raises(TypeError, match="float NumPy array"):
        SGD([np.array([1, 2])], lr=0.1)
    with pytest.raises(ValueError, match="lr must lie in"):
        SGD([p], lr=0.0)
    with pytest.raises(TypeError, match="lr must be a number"):
        SGD([p], lr="0.1")
    with pytest.raises(ValueError, match="momentum must lie in"):
        SGD([p], lr=0.1, momentum=1.0)
    with pytest.raises(ValueError, match="weight_decay must lie in"):
        Adam([p], weight_decay=-1.0)
    with pytest.raises(TypeError, match="betas must be a pair"):
        Adam([p], betas=0.9)
    with pytest.raises(ValueError, match=r"betas\[1\] must lie in"):
        Adam([p], betas=(0.9, 1.5))
    with pytest.raises(ValueError, match="alpha must lie in"):
        RMSProp([p], alpha=1.0)
    opt = Adam([p])
    with pytest.raises(ValueError, match="list of 1 gradients"):
        opt.step(np.ones(2))
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        opt.step([np.ones(3)])
