"""The chapter-5 exercise checkers: the worked answer passes, wrong answers fail with a hint."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from utils.check import check


def max_stable_lr(H):
    return 2 / np.linalg.eigvalsh(H).max()


def nesterov_step(p, g, v, lr, momentum):
    v = momentum * v + g
    return p - lr * (g + momentum * v), v


def early_stopping(val_losses, patience):
    best, since = 0, 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best]:
            best, since = epoch, 0
        else:
            since += 1
            if since >= patience:
                return epoch, best
    return len(val_losses) - 1, best


def batch_norm(X, gamma, beta, eps=1e-5):
    X_hat = (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + eps)
    return gamma * X_hat + beta


def test_right_answers_pass(capsys):
    check("ex-ch05-max-lr", max_stable_lr)
    check("ex-ch05-nesterov", nesterov_step)
    check("ex-ch05-early-stopping", early_stopping)
    check("ex-ch05-batch-norm", batch_norm)
    check("ex-ch05-batch-norm", lambda X, g, b, eps: torch.nn.functional.batch_norm(
        torch.from_numpy(X), None, None, torch.from_numpy(g), torch.from_numpy(b), training=True, eps=eps))
    assert capsys.readouterr().out.count("✓") == 5


def heavy_ball(p, g, v, lr, momentum):
    v = momentum * v + g
    return p - lr * v, v


@pytest.mark.parametrize("exercise, answer, hint", [
    ("ex-ch05-max-lr", lambda H: 1 / np.linalg.eigvalsh(H).max(), "twice"),
    ("ex-ch05-max-lr", lambda H: 2 / np.linalg.eigvalsh(H).min(), "largest eigenvalue"),
    ("ex-ch05-max-lr", lambda H: 2 / np.trace(H), "should be about 0.243009, got 0.238598"),
    ("ex-ch05-max-lr", lambda H: "x", "number"),
    ("ex-ch05-nesterov", heavy_ball, "p after step"),
    ("ex-ch05-nesterov", lambda p, g, v, lr, m: p, "pair"),
    ("ex-ch05-early-stopping", lambda losses, patience: early_stopping(losses, patience)[::-1], "(best_epoch, stop_epoch)"),
    ("ex-ch05-early-stopping", lambda losses, patience: (len(losses) - 1, int(np.argmin(losses))), "should be (5, 2), got (7, 7)"),
    ("ex-ch05-early-stopping", lambda losses, patience: 3, "pair"),
    ("ex-ch05-batch-norm", lambda X, g, b, eps: g * (X - X.mean(0)) / np.sqrt(X.var(0, ddof=1) + eps) + b,
     "biased batch variance"),
    ("ex-ch05-batch-norm", lambda X, g, b, eps: g * (X - X.mean(0)) / (X.std(0) + eps) + b, "inside the square root"),
    ("ex-ch05-batch-norm", lambda X, g, b, eps: g * (X - X.mean(0)) / X.std(0) + b, "add eps"),
    ("ex-ch05-batch-norm", lambda X, g, b, eps: (g * (X - X.mean(1, keepdims=True))
                                                 / np.sqrt(X.var(1, keepdims=True) + eps) + b), "layer normalisation"),
    ("ex-ch05-batch-norm", lambda X, g, b, eps: g * (X - X.mean(1)) / np.sqrt(X.var(1) + eps) + b, "not over axis 1"),
    ("ex-ch05-batch-norm", lambda X, g, b, eps: b * (X - X.mean(0)) / np.sqrt(X.var(0) + eps) + g, "gamma * x_hat + beta"),
    ("ex-ch05-batch-norm", lambda X, g, b, eps: (X - X.mean(0)) / np.sqrt(X.var(0) + eps), "differs from the expected"),
    ("ex-ch05-batch-norm", lambda X, g, b, eps: batch_norm(X, g, b, eps)[:, :2], "should have shape (5, 5)"),
    ("ex-ch05-batch-norm", lambda X, g, b, eps: X.sum(), "should have shape"),
    ("ex-ch05-batch-norm", 3, "function"),
])
def test_wrong_answers_fail_with_a_hint(exercise, answer, hint, capsys):
    with pytest.raises(AssertionError, match=exercise):
        check(exercise, answer)
    assert hint in capsys.readouterr().out
