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
