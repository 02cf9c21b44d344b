"""Gradient checking: finite differences and ``torch.autograd`` as referees. Introduced in chapter 4.

A hand-written backward pass is easy to get subtly wrong. Two independent referees:

- :func:`numerical_gradient` -- central finite differences,
  ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``, whose error is O(eps^2);
- :func:`torch_gradients` -- the same function written with tensors and differentiated
  by PyTorch's autograd.

:func:`relative_error` compares two gradients; in float64 a correct backward pass gives
about 1e-8 or less against finite differences and about 1e-15 against autograd.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import torch

__all__ = ["numerical_gradient", "relative_error", "gradcheck", "torch_gradients"]


def _check_float_array(x: object, name: str) -> None:
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(x).__name__}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must have a floating dtype (float64 for gradient checks), got {x.dtype}")


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, *, eps: float = 1e-6) -> np.ndarray:
    """Central-difference estimate of the gradient of a scalar function.

    Args:
        f: maps an array shaped like ``x`` to a float.
        x: the point, any shape; not modified.
        eps: the step; about 1e-6 balances truncation (eps^2) and rounding (1e-16 / eps)
            errors in float64.

    Returns:
        an array shaped like ``x``: entry ``i`` is ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``.
    """
    _check_float_array(x, "x")
    if not callable(f):
        raise TypeError(f"f must be callable as f(x) -> float, got {type(f).__name__}")
    if not (isinstance(eps, float) and eps > 0):
        raise ValueError(f"eps must be a positive float, got {eps!r}")
    x = x.copy()
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)  # views into x and grad
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = float(f(x))
        flat[i] = old - eps
        f_minus = float(f(x))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a: np.ndarray | torch.Tensor, b: np.ndarray | torch.Tensor) -> float:
    """``||a - b|| / (||a|| + ||b||)`` (Euclidean norms); 0 when both are zero.

    Scale-free: 1e-8 means the two agree to about eight significant digits overall.

    Args:
        a, b: arrays or tensors of the same shape.
    """
    a = a.detach().cpu().numpy() if isinstance(a, torch.Tensor) else np.asarray(a, dtype=float)
    b = b.detach().cpu().numpy() if isinstance(b, torch.Tensor) else np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"relative_error needs two arrays of one shape, got {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def gradcheck(
    f: Callable[[Mapping[str, np.ndarray]], float],
    params: Mapping[str, np.ndarray],
    grads: Mapping[str, np.ndarray],
    *,
    eps: float = 1e-6,
) -> dict[str, float]:
    """Compare analytic gradients with central differences, parameter by parameter.

    Args:
        f: the loss as a function of the whole parameter dict, ``f(params) -> float``.
        params: ``{name: array}``, float64 for a meaningful check; left unchanged.
        grads: ``{name: array}``, the analytic gradients to test, shaped like ``params``.
        eps: finite-difference step.

    Returns:
        ``{name: relative_error(grads[name], numerical)}``.
    """
    if set(params) != set(grads):
        raise ValueError(f"params and grads need the same keys, got {sorted(params)} and {sorted(grads)}")
    errors = {}
    for name, value in params.items():
        _check_float_array(value, f"params[{name!r}]")
        if grads[name].shape != value.shape:
            raise ValueError(f"grads[{name!r}] has shape {grads[name].shape}, expected {value.shape}")

        def f_of_one(x: np.ndarray, name: str = name) -> float:
            return f({**params, name: x})  # vary one parameter, keep the others

        errors[name] = relative_error(grads[name], numerical_gradient(f_of_one, value, eps=eps))
    return errors


def torch_gradients(
    f: Callable[[dict[str, torch.Tensor]], torch.Tensor], params: Mapping[str, np.ndarray]
) -> tuple[float, dict[str, np.ndarray]]:
    """Gradients of ``f`` computed by PyTorch's autograd, in float64.

    Args:
        f: the loss written with torch operations, ``f({name: tensor}) -> scalar tensor``.
        params: ``{name: array}``; copied into float64 tensors with ``requires_grad``.

    Returns:
        ``(loss, {name: gradient array})``.
    """
    tensors = {}
    for name, value in params.items():
        _check_float_array(value, f"params[{name!r}]")
        tensors[name] = torch.tensor(value, dtype=torch.float64, requires_grad=True)
    loss = f(tensors)
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise ValueError("f must return a scalar tensor (the loss)")
    loss.backward()
    return loss.item(), {
        name: (t.grad.numpy() if t.grad is not None else np.zeros_like(params[name]))
        for name, t in tensors.items()
    }
