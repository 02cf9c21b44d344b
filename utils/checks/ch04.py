"""Checkers for the exercises of chapter 4 (backpropagation)."""

from __future__ import annotations

import numpy as np
import torch

from utils.check import Mismatch, expect_callable, expect_close, expect_tuple, register


# A derivative written out with the chain rule agrees with autograd to rounding error
# (about 1e-16 relative in float64); a finite-difference estimate is off by 1e-11 or more.
EXACT = {"rtol": 1e-12, "atol": 1e-14}


def expect_exact(got: object, expected: object, what: str) -> None:
    """A :class:`Mismatch` that names finite differences when ``got`` is close but not exact."""
    got_arr = np.asarray([np.asarray(g, dtype=float) for g in got] if isinstance(got, tuple) else got, dtype=float)
    exp_arr = np.asarray([np.asarray(e, dtype=float) for e in expected] if isinstance(expected, tuple) else expected, dtype=float)
    if got_arr.shape != exp_arr.shape:
        return  # the shape hint comes from expect_close
    if np.allclose(got_arr, exp_arr, rtol=1e-5) and not np.allclose(got_arr, exp_arr, **EXACT):
        error = np.max(np.abs(got_arr - exp_arr) / (np.abs(exp_arr) + 1e-300))
        raise Mismatch(f"{what} is close but not exact (relative error {error:.1e}): it looks like a numerical "
                       "estimate such as finite differences. Write the exact derivative with the chain rule.")


@register("ex-ch04-hand-grad", success="Local derivatives times upstream gradients, summed over paths: that is all backprop does.")
def check_hand_grad(grad_f: object) -> None:
    """``grad_f(x, y)`` returns the gradient of f = (x y + 1)^2 + exp(x) tanh(y)."""
    expect_callable(grad_f, "grad_f(x, y)")
    rng = np.random.default_rng(4)
    for x0, y0 in [(0.5, -2.0), *rng.uniform(-2, 2, size=(5, 2))]:
        x = torch.tensor(float(x0), dtype=torch.float64, requires_grad=True)
        y = torch.tensor(float(y0), dtype=torch.float64, requires_grad=True)
        f = (x * y + 1) ** 2 + torch.exp(x) * torch.tanh(y)
        f.backward()
        dx, dy = expect_tuple(grad_f(float(x0), float(y0)), "(df/dx, df/dy)", "grad_f(x, y)")
        if np.isclose(float(dx), float(y.grad)) and np.isclose(float(dy), float(x.grad)):
            raise Mismatch("you returned (df/dy, df/dx); return (df/dx, df/dy)")
        expect_exact((dx, dy), (x.grad, y.grad), "(df/dx, df/dy)")
        expect_close(dx, x.grad, f"df/dx at (x, y) = ({x0:.3g}, {y0:.3g}) [x appears in both terms: add both paths]", **EXACT)
        expect_close(dy, y.grad, f"df/dy at (x, y) = ({x0:.3g}, {y0:.3g}) [d tanh(y)/dy = 1 - tanh(y)^2]", **EXACT)


@register("ex-ch04-linear-backward", success="Each gradient has the shape of the thing it is the gradient of.")
def check_linear_backward(linear_backward: object) -> None:
    """``linear_backward(X, W, dZ)`` returns ``(dX, dW, db)`` for ``Z = X W + b``."""
    expect_callable(linear_backward, "linear_backward(X, W, dZ)")
    rng = np.random.default_rng(5)
    for B, d_in, d_out in [(4, 3, 2), (1, 5, 5), (7, 2, 6)]:
        X, W = rng.standard_normal((B, d_in)), rng.standard_normal((d_in, d_out))
        b, dZ = rng.standard_normal(d_out), rng.standard_normal((B, d_out))
        tX, tW, tb = (torch.tensor(a, requires_grad=True) for a in (X, W, b))
        (tX @ tW + tb).backward(torch.tensor(dZ))
        dX, dW, db = expect_tuple(linear_backward(X, W, dZ), "(dX, dW, db)", "linear_backward")
        where = f" (B, d_in, d_out) = ({B}, {d_in}, {d_out})"
        if d_in != d_out and np.shape(dW) == (d_out, d_in):
            raise Mismatch(f"dW has shape (d_out, d_in) = {np.shape(dW)}; it must have W's shape (d_in, d_out): X.T @ dZ, not dZ.T @ X")
        expect_close(dX, tX.grad, "dX" + where + " [dX = dZ @ W.T, shape (B, d_in)]")
        expect_close(dW, tW.grad, "dW" + where + " [dW = X.T @ dZ, shape (d_in, d_out)]")
        if np.shape(db) == (B, d_out):
            raise Mismatch("db has shape (B, d_out); b was broadcast over the batch, so sum dZ over axis 0")
        expect_close(db, tb.grad, "db" + where + " [sum dZ over the batch]")


@register("ex-ch04-mse-grad", success="Remember the 1/N: it is why the gradient's size does not grow with the batch.")
def check_mse_grad(mse_grad: object) -> None:
    """``mse_grad(y_hat, y)`` returns d/dy_hat of ``mean((y_hat - y)**2)``."""
    expect_callable(mse_grad, "mse_grad(y_hat, y)")
    rng = np.random.default_rng(6)
    for shape in [(5,), (4, 3), (1, 1)]:
        y_hat, y = rng.standard_normal(shape), rng.standard_normal(shape)
        t = torch.tensor(y_hat, requires_grad=True)
        torch.mean((t - torch.tensor(y)) ** 2).backward()
        got = np.asarray(mse_grad(y_hat, y), dtype=float)
        if got.shape == shape and np.allclose(got, 2 * (y_hat - y)) and y.size > 1:
            raise Mismatch("you forgot the mean: divide 2 (y_hat - y) by the number of elements")
        if got.shape == shape and np.allclose(got, -t.grad.numpy()):
            raise Mismatch("the sign is flipped: the loss grows when y_hat moves away from y")
        expect_exact(got, t.grad, "mse_grad")
        expect_close(got, t.grad, f"mse_grad for shape {shape}", **EXACT)
