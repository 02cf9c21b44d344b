"""Checks for the exercises of chapter 2 (neurons, perceptrons and linear models)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from utils.check import Mismatch, expect_callable, expect_close, expect_number, register


@register("ex-ch02-sigmoid-grad", success="σ'(z) = σ(z)(1 − σ(z)) is never above 1/4 -- remember that in chapter 4.")
def check_sigmoid_grad(sigmoid_grad) -> None:
    """``sigmoid_grad(z)``: element-wise derivative of the sigmoid, for NumPy arrays."""
    expect_callable(sigmoid_grad, "sigmoid_grad(z)")
    z = np.array([-3.0, -0.5, 0.0, 0.25, 2.0])
    got = sigmoid_grad(z.copy())
    t = torch.tensor(z, requires_grad=True)
    (expected,) = torch.autograd.grad(torch.sigmoid(t).sum(), t)
    if np.asarray(got).shape == z.shape and np.allclose(np.asarray(got, dtype=float), 1 / (1 + np.exp(-z)), atol=1e-6):
        raise Mismatch("you returned sigmoid(z) itself; the derivative is sigmoid(z) * (1 - sigmoid(z))")
    expect_close(got, expected, "sigmoid_grad(z) at z = [-3, -0.5, 0, 0.25, 2]", rtol=1e-6)
    z2 = np.linspace(-5, 5, 12).reshape(3, 4)
    t2 = torch.tensor(z2, requires_grad=True)
    (expected2,) = torch.autograd.grad(torch.sigmoid(t2).sum(), t2)
    expect_close(sigmoid_grad(z2.copy()), expected2,
                 "sigmoid_grad(z) for a (3, 4) array (it should work element-wise on any shape)", rtol=1e-6)
    with np.errstate(over="ignore", invalid="ignore"):
        far = np.asarray(sigmoid_grad(np.array([-800.0, 800.0])), dtype=float)
    if not np.all(np.isfinite(far)) or np.abs(far).max() > 1e-12:
        raise Mismatch(
            f"sigmoid_grad([-800, 800]) should be (nearly) [0, 0], got {far}. Compute sigmoid(z) in a way "
            "that cannot overflow (e.g. scipy.special.expit, or exp(-|z|) tricks) and reuse it"
        )


@register("ex-ch02-bce-logits", success="Working from logits is what nn.BCEWithLogitsLoss does, for the same reason.")
def check_bce_with_logits(bce_with_logits) -> None:
    """``bce_with_logits(z, y)``: mean binary cross-entropy from logits ``z`` and 0/1 labels ``y``."""
    expect_callable(bce_with_logits, "bce_with_logits(z, y)")
    rng = np.random.default_rng(0)
    z = rng.normal(scale=2.0, size=20)
    y = (rng.random(20) < 0.5).astype(float)
    expected = F.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(y)).item()
    got_f = expect_number(bce_with_logits(z.copy(), y.copy()), "bce_with_logits(z, y), the mean loss,")
    summed = F.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(y), reduction="sum").item()
    if np.isclose(got_f, summed, rtol=1e-6):
        raise Mismatch("you returned the sum of the losses; return their mean over the examples")
    flipped = F.binary_cross_entropy_with_logits(torch.tensor(-z), torch.tensor(y)).item()
    if np.isclose(got_f, flipped, rtol=1e-6):
        raise Mismatch("the sign is flipped: p = sigmoid(z) is the probability of y = 1, so the loss for y = 1 is -log sigmoid(z)")
    expect_close(got_f, expected, "bce_with_logits(z, y) on 20 random examples", rtol=1e-6)
    z_big, y_big = np.array([-1000.0, 1000.0, 1000.0]), np.array([1.0, 0.0, 1.0])
    with np.errstate(all="ignore"):
        big = expect_number(bce_with_logits(z_big, y_big), "bce_with_logits(z, y)")
    expected_big = F.binary_cross_entropy_with_logits(torch.tensor(z_big), torch.tensor(y_big)).item()
    if not np.isfinite(big):
        raise Mismatch(
            "bce_with_logits overflows for logits of ±1000 (got "
            f"{big}). Rewrite the loss as max(z, 0) - z*y + log(1 + exp(-|z|)), "
            "which never exponentiates a large positive number"
        )
    expect_close(big, expected_big, "bce_with_logits for logits [-1000, 1000, 1000], labels [1, 0, 1]", rtol=1e-6)
