"""Checkers for the exercises of chapter 5 (training: optimisation and generalisation)."""

from __future__ import annotations

import numpy as np
import torch

from utils.check import (
    Mismatch, expect_callable, expect_close, expect_equal, expect_number, expect_tuple, register,
)


@register("ex-ch05-max-lr", success="Above 2 / lambda_max the steepest direction overshoots further each step.")
def check_max_lr(max_stable_lr: object) -> None:
    """``max_stable_lr(H)`` is the largest learning rate for which GD converges on 1/2 x^T H x."""
    expect_callable(max_stable_lr, "max_stable_lr(H)")
    rng = np.random.default_rng(7)
    for n in [1, 2, 5]:
        Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        eig = rng.uniform(0.1, 10.0, size=n)
        H = Q @ np.diag(eig) @ Q.T  # symmetric positive definite, eigenvalues eig
        got = expect_number(max_stable_lr(H), "max_stable_lr(H)")
        if np.isclose(got, 1 / eig.max()):
            raise Mismatch("1 / lambda_max is the step that removes the steepest direction in one step; "
                           "GD still converges up to twice that")
        if n > 1 and np.isclose(got, 2 / eig.min()):
            raise Mismatch("use the largest eigenvalue: the steepest direction is the first to diverge")
        expect_close(got, 2 / eig.max(), f"max_stable_lr for a {n}x{n} H with eigenvalues {np.round(np.sort(eig), 2)}", rtol=1e-6)


@register("ex-ch05-nesterov", success="Nesterov looks ahead along the velocity before taking the gradient step.")
def check_nesterov(nesterov_step: object) -> None:
    """``nesterov_step(p, g, v, lr, momentum)`` returns ``(p_new, v_new)`` as torch's SGD(nesterov=True)."""
    expect_callable(nesterov_step, "nesterov_step(p, g, v, lr, momentum)")
    rng = np.random.default_rng(8)
    p0 = rng.standard_normal(4)
    target = rng.standard_normal(4)
    lr, mu = 0.1, 0.9
    ref = torch.tensor(p0, requires_grad=True)
    opt = torch.optim.SGD([ref], lr=lr, momentum=mu, nesterov=True)
    p, v = p0.copy(), np.zeros(4)
    for step in range(5):
        g = (p - target) ** 3 + (p - target)  # a non-quadratic loss's gradient, at our p
        opt.zero_grad()
        ref.grad = ((ref - torch.tensor(target)) ** 3 + (ref - torch.tensor(target))).detach()
        opt.step()
        out = expect_tuple(nesterov_step(p.copy(), g.copy(), v.copy(), lr, mu), "(p_new, v_new)", "nesterov_step")
        p, v = (np.asarray(a, dtype=float) for a in out)
        expect_close(p, ref.detach(), f"p after step {step + 1} "
                     "[v_new = momentum * v + g; p_new = p - lr * (g + momentum * v_new)]", rtol=1e-9, atol=1e-12)


@register("ex-ch05-early-stopping", success="Keep the best weights, not the last ones.")
def check_early_stopping(early_stopping: object) -> None:
    """``early_stopping(val_losses, patience)`` returns ``(stop_epoch, best_epoch)``, 0-based."""
    expect_callable(early_stopping, "early_stopping(val_losses, patience)")
    cases = [
        ([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9, 0.6], 3, (5, 2)),
        ([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9, 0.6], 10, (7, 7)),  # never triggers: train to the end
        ([0.5, 0.6, 0.7], 1, (1, 0)),
        ([0.5, 0.5, 0.5, 0.4], 2, (2, 0)),  # equal is not an improvement
        ([3.0, 2.0, 1.0], 1, (2, 2)),
    ]
    for losses, patience, expected in cases:
        got = expect_tuple(early_stopping(list(losses), patience), "(stop_epoch, best_epoch)", "early_stopping")
        got = tuple(int(g) for g in got)
        if got == expected[::-1] and expected[0] != expected[1]:
            raise Mismatch("you returned (best_epoch, stop_epoch); return (stop_epoch, best_epoch)")
        expect_equal(got, expected, f"early_stopping({losses}, patience={patience})")


def _batch_norm_variants(X: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> list[tuple[np.ndarray, str]]:
    """Common wrong answers to ``ex-ch05-batch-norm``, each with the hint it deserves."""
    mu, var = X.mean(axis=0), X.var(axis=0)
    mu_row, var_row = X.mean(axis=1, keepdims=True), X.var(axis=1, keepdims=True)
    variants = [
        (gamma * (X - mu) / np.sqrt(X.var(axis=0, ddof=1) + eps) + beta,
         "normalise with the biased batch variance (divide by B, np.var's default); the unbiased "
         "one (divide by B - 1) only goes into the running variance that evaluation mode uses"),
        (gamma * (X - mu) / (np.sqrt(var) + eps) + beta,
         "eps belongs inside the square root: divide by sqrt(var + eps), not sqrt(var) + eps"),
        (gamma * (X - mu) / np.sqrt(var) + beta,
         "add eps to the variance before taking the square root"),
        (gamma * (X - mu_row) / np.sqrt(var_row + eps) + beta,
         "you normalised each example (row) over its features, which is layer normalisation; "
         "batch normalisation normalises each feature (column) over the batch, axis 0"),
        (beta * (X - mu) / np.sqrt(var + eps) + gamma,
         "scale by gamma, then shift by beta: gamma * x_hat + beta"),
    ]
    if X.shape[0] == X.shape[1]:  # axis 1 without keepdims broadcasts silently only when B == C
        variants.append((gamma * (X - mu_row.ravel()) / np.sqrt(var_row.ravel() + eps) + beta,
                         "take the mean and variance over the batch, axis 0 (one per feature), not over axis 1"))
    return variants


def _matching_hint(got: object, expected: np.ndarray, variants: list[tuple[np.ndarray, str]]) -> str | None:
    """The hint of the wrong answer ``got`` matches, or ``None`` (right, or wrong in another way)."""
    try:
        got = got.detach().cpu().double().numpy() if isinstance(got, torch.Tensor) else np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
    close = lambda a, b: a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-12)  # noqa: E731
    if close(got, expected):
        return None
    return next((hint for wrong, hint in variants if close(got, wrong)), None)


@register("ex-ch05-batch-norm", success="Batch statistics, biased variance, eps inside the root: as nn.BatchNorm1d.")
def check_batch_norm(batch_norm: object) -> None:
    """``batch_norm(X, gamma, beta, eps)`` is the training-mode output of ``nn.BatchNorm1d`` on ``(B, C)``."""
    expect_callable(batch_norm, "batch_norm(X, gamma, beta, eps)")
    rng = np.random.default_rng(9)
    # A square batch first (B = C), so that normalising over the wrong axis still runs and is
    # recognised; a large eps with small-variance features, where eps inside or outside the
    # square root (or missing) makes a visible difference.
    for B, C, eps, scale in [(5, 5, 1e-5, 3.0), (8, 3, 0.5, 0.3), (16, 7, 1e-3, 2.0)]:
        X = rng.standard_normal((B, C)) * scale + rng.uniform(-3, 3, C)
        gamma, beta = rng.uniform(0.5, 2.0, C), rng.standard_normal(C)
        ref = torch.nn.BatchNorm1d(C, eps=eps).double()  # a fresh module is in training mode
        with torch.no_grad():
            ref.weight.copy_(torch.from_numpy(gamma))
            ref.bias.copy_(torch.from_numpy(beta))
            expected = ref(torch.from_numpy(X)).numpy()
        got = batch_norm(X.copy(), gamma.copy(), beta.copy(), eps)
        hint = _matching_hint(got, expected, _batch_norm_variants(X, gamma, beta, eps))
        if hint is not None:
            raise Mismatch(hint)
        expect_close(got, expected, f"batch_norm(X, gamma, beta, eps={eps}) for X of shape ({B}, {C})",
                     rtol=1e-9, atol=1e-12)
