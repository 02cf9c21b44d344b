"""Gradient checking: finite differences and ``torch.autograd`` as referees. Introduced in chapter 4.

A hand-written backward pass is easy to get subtly wrong. Two independent referees:

- :func:`numerical_gradient` -- central finite differences,
  ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``, whose error is O(eps^2);
- :func:`torch_gradients` -- the same function written with tensors and differentiated
  by PyTorch's autograd.

:func:`relative_error` compares two gradients; in float64 a correct backward pass gives
about 1e-8 or less against finite differences and about 1e-15 against autograd.

:func:`gradcheck` and :func:`torch_gradients` take the parameters either as a dict
``{name: array}`` or as an MLP's list of layers ``[(W_1, b_1), ...]`` (chapter 3's
representation, named ``W1, b1, ...`` by :func:`utils.scratch.mlp.named_params`); the
loss ``f`` receives them in the form they were given in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import torch

from utils.scratch._validate import check_array
from utils.scratch.mlp import named_params, params_from_named

__all__ = ["numerical_gradient", "relative_error", "gradcheck", "torch_gradients"]


Params = Mapping[str, np.ndarray] | list[tuple[np.ndarray, np.ndarray]]


def _by_name(params: object, what: str) -> tuple[dict[str, object], Callable[[dict], object]]:
    """``params`` as ``{name: array}``, and the function that turns such a dict back into params' form."""
    if isinstance(params, Mapping):
        return dict(params), dict
    if isinstance(params, (list, tuple)):
        return named_params(params), params_from_named
    raise TypeError(f"{what} must be a dict {{name: array}} or a list of (W, b) pairs, got {type(params).__name__}")


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
    check_array(x, "x", floating=True)
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
    f: Callable[[Params], float],
    params: Params,
    grads: Params,
    *,
    eps: float = 1e-6,
) -> dict[str, float]:
    """Compare analytic gradients with central differences, parameter by parameter.

    Args:
        f: the loss as a function of all the parameters, ``f(params) -> float``.
        params: ``{name: array}`` or ``[(W_1, b_1), ...]``, float64 for a meaningful
            check; left unchanged.
        grads: the analytic gradients to test, in the same form and shapes as ``params``.
        eps: finite-difference step.

    Returns:
        ``{name: relative_error(grads[name], numerical)}`` (names ``W1, b1, ...`` for a list).
    """
    params, rebuild = _by_name(params, "params")
    grads, _ = _by_name(grads, "grads")
    if set(params) != set(grads):
        raise ValueError(f"params and grads need the same keys, got {sorted(params)} and {sorted(grads)}")
    errors = {}
    for name, value in params.items():
        check_array(value, f"params[{name!r}]", floating=True)
        if grads[name].shape != value.shape:
            raise ValueError(f"grads[{name!r}] has shape {grads[name].shape}, expected {value.shape}")

        def f_of_one(x: np.ndarray, name: str = name) -> float:
            return f(rebuild({**params, name: x}))  # vary one parameter, keep the others

        errors[name] = relative_error(grads[name], numerical_gradient(f_of_one, value, eps=eps))
    return errors


def torch_gradients(f: Callable[[object], torch.Tensor], params: Params) -> tuple[float, Params]:
    """Gradients of ``f`` computed by PyTorch's autograd, in float64.

    Args:
        f: the loss written with torch operations, ``f(tensors) -> scalar tensor``, where
            ``tensors`` has the form of ``params`` with tensors in place of arrays.
        params: ``{name: array}`` or ``[(W_1, b_1), ...]``; copied into float64 tensors
            with ``requires_grad``.

    Returns:
        ``(loss, gradients)``, the gradients as arrays in the form of ``params``.
    """
    params, rebuild = _by_name(params, "params")
    tensors = {}
    for name, value in params.items():
        check_array(value, f"params[{name!r}]", floating=True)
        tensors[name] = torch.tensor(value, dtype=torch.float64, requires_grad=True)
    loss = f(rebuild(tensors))
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise ValueError("f must return a scalar tensor (the loss)")
    loss.backward()
    return loss.item(), rebuild({
        name: (t.grad.numpy() if t.grad is not None else np.zeros_like(params[name]))
        for name, t in tensors.items()
    })
