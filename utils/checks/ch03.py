"""Checks for the exercises of chapter 3 (multilayer networks and forward propagation)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from utils.check import Mismatch, expect_callable, expect_close, expect_number, register
from utils.train import count_parameters

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def _torch_count(sizes) -> int:
    return count_parameters(nn.Sequential(*(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))))


@register("ex-ch03-count-params", success="Almost all of a wide MLP's parameters sit in its largest weight matrix.")
def check_count_params(count_mlp_params) -> None:
    """``count_mlp_params(sizes)``: weights plus biases of an MLP with widths ``sizes``."""
    expect_callable(count_mlp_params, "count_mlp_params(sizes)")
    for sizes in ([2, 1], [3, 4, 2], [64, 32, 10], [784, 256, 128, 10], [5, 5, 5, 5, 5]):
        got = count_mlp_params(list(sizes))
        expected = _torch_count(sizes)
        weights_only = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        if got == weights_only and weights_only != expected:
            raise Mismatch(f"for sizes {sizes} you counted only the weights ({got}); each layer also has one bias per output")
        if got != expected:
            raise Mismatch(
                f"count_mlp_params({sizes}) should be {expected} (what PyTorch counts), got {got}. "
                "A layer d_in -> d_out has d_in * d_out weights and d_out biases"
            )


@register("ex-ch03-cross-entropy", success="This is exactly what F.cross_entropy computes from logits.")
def check_cross_entropy(cross_entropy) -> None:
    """``cross_entropy(logits, y)``: mean cross-entropy of ``(B, K)`` logits and ``(B,)`` int labels."""
    expect_callable(cross_entropy, "cross_entropy(logits, y)")
    rng = np.random.default_rng(0)
    Z = rng.normal(scale=3.0, size=(8, 5))
    y = rng.integers(0, 5, size=8)
    expected = F.cross_entropy(torch.tensor(Z), torch.tensor(y)).item()
    got = expect_number(cross_entropy(Z.copy(), y.copy()), "cross_entropy(logits, y), the mean loss over the batch,")
    total = F.cross_entropy(torch.tensor(Z), torch.tensor(y), reduction="sum").item()
    if np.isclose(got, total, rtol=1e-6):
        raise Mismatch("you returned the sum over the batch; return the mean")
    expect_close(got, expected, "cross_entropy(logits, y) for a random (8, 5) batch", rtol=1e-6)
    Z_big = np.array([[1000.0, 0.0, -1000.0], [5.0, 800.0, 3.0]])
    y_big = np.array([1, 1])
    with np.errstate(all="ignore"):
        big = expect_number(cross_entropy(Z_big, y_big), "cross_entropy(logits, y)")
    if not np.isfinite(big):
        raise Mismatch(
            f"cross_entropy overflows on logits of size 1000 (got {big}); subtract each row's maximum "
            "before exponentiating: log_softmax(z) = z - max(z) - log(sum(exp(z - max(z))))"
        )
    expect_close(big, F.cross_entropy(torch.tensor(Z_big), torch.tensor(y_big)).item(),
                 "cross_entropy for logits with entries of ±1000", rtol=1e-6)
    # One row far below another row's maximum: subtracting the batch's global maximum would
    # push this row to -2000 and underflow every exponential to 0; each row needs its own max.
    Z_far = np.array([[1000.0, 0.0, -5.0], [-1000.0, -1001.0, -1003.0]])
    y_far = np.array([0, 1])
    with np.errstate(all="ignore"):
        far = expect_number(cross_entropy(Z_far, y_far), "cross_entropy(logits, y)")
    expected_far = F.cross_entropy(torch.tensor(Z_far), torch.tensor(y_far)).item()
    if not np.isfinite(far) or not np.isclose(far, expected_far, rtol=1e-6):
        raise Mismatch(
            f"cross_entropy of logits [[1000, 0, -5], [-1000, -1001, -1003]] should be about {expected_far:.6g}, "
            f"got {far}; subtract each row's own maximum (axis=1, keepdims=True), not the maximum of the whole batch"
        )


@register("ex-ch03-xor-weights", success="Two lines (OR and NAND) and an AND of them: XOR is not linear, but it is two layers deep.")
def check_xor_weights(params) -> None:
    """``params = [(W1, b1), (W2, b2)]`` for a 2-2-1 network with step activations computing XOR."""
    if not isinstance(params, (list, tuple)) or len(params) != 2:
        raise Mismatch("params should be a list of two layers [(W1, b1), (W2, b2)]")
    try:
        (W1, b1), (W2, b2) = [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in params]
    except (TypeError, ValueError):
        raise Mismatch("each layer should be a pair (W, b) of arrays of numbers") from None
    if W1.shape != (2, 2) or b1.shape != (2,) or W2.shape not in ((2, 1), (2,)) or b2.size != 1:
        raise Mismatch(
            "shapes should be W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,) -- W maps d_in to d_out, "
            f"got W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}"
        )
    H = (XOR_X @ W1 + b1 >= 0).astype(float)  # (4, 2), step activation
    out = (H @ W2.reshape(2, 1) + b2.reshape(1) >= 0).astype(int).ravel()  # (4,)
    if not np.array_equal(out, XOR_Y):
        raise Mismatch(
            f"with step activations your network outputs {out.tolist()} on inputs (0,0), (0,1), (1,0), (1,1); "
            f"XOR is {XOR_Y.tolist()}. Hint: let one hidden unit compute OR and the other NAND (or AND), "
            f"and the output AND them; your hidden layer gives {H.astype(int).tolist()}"
        )
