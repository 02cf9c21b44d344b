"""A multilayer perceptron's forward pass in NumPy, softmax, parameter counting. Introduced in chapter 3.

Conventions (the same as ``torch.nn.Linear``, up to a transpose):

- a batch ``X`` has shape ``(B, d_in)``, one example per row;
- ``params`` is a list of layers ``(W, b)`` with ``W`` of shape ``(d_in, d_out)`` and
  ``b`` of shape ``(d_out,)``, so that a layer computes ``X @ W + b``.
  ``nn.Linear`` stores ``weight`` as ``(d_out, d_in)`` and computes ``X @ weight.T + bias``:
  ``W = linear.weight.T``.
- the activation is applied after every layer except the last, whose outputs are the
  logits ``(B, K)``; apply :func:`softmax` to them for class probabilities.

Tested against ``torch.nn`` in float64 in ``tests/test_scratch_mlp.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from utils.scratch.activations import get_activation

__all__ = ["init_params", "mlp_forward", "softmax", "log_softmax", "count_params", "params_from_torch"]

Params = list[tuple[np.ndarray, np.ndarray]]


def _check_sizes(sizes: Sequence[int]) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a list of layer widths such as [64, 32, 10], got {type(sizes).__name__}")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output width, got {list(sizes)}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
            raise ValueError(f"every layer width must be a positive int, got {list(sizes)}")
    return [int(s) for s in sizes]


def init_params(sizes: Sequence[int], *, seed: int = 0, scale: str = "torch") -> Params:
    """Random parameters for an MLP with layer widths ``sizes``, e.g. ``[2, 8, 1]``.

    Args:
        sizes: ``[d_0, d_1, ..., d_L]``: input width, hidden widths, output width.
        seed: seed of a private NumPy generator (the global one is not touched).
        scale: ``"torch"`` draws ``W`` and ``b`` uniformly from ``±1/sqrt(d_in)``, as
            ``nn.Linear`` does by default; ``"he"`` draws ``W`` from
            ``N(0, 2/d_in)`` with ``b = 0`` (suited to ReLU, see chapter 4).

    Returns:
        ``[(W_1, b_1), ..., (W_L, b_L)]`` with ``W_l`` of shape ``(d_{l-1}, d_l)``, float64.
    """
    sizes = _check_sizes(sizes)
    if scale not in ("torch", "he"):
        raise ValueError(f"scale must be 'torch' or 'he', got {scale!r}")
    rng = np.random.default_rng(seed)
    params: Params = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:]):
        if scale == "torch":
            bound = 1.0 / np.sqrt(d_in)
            W = rng.uniform(-bound, bound, size=(d_in, d_out))
            b = rng.uniform(-bound, bound, size=d_out)
        else:
            W = rng.normal(0.0, np.sqrt(2.0 / d_in), size=(d_in, d_out))
            b = np.zeros(d_out)
        params.append((W, b))
    return params


def _check_params(params: object, d_in: int) -> None:
    if not isinstance(params, (list, tuple)) or not params:
        raise TypeError("params must be a non-empty list of (W, b) pairs, W of shape (d_in, d_out)")
    expected_in = d_in
    for i, layer in enumerate(params):
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            raise TypeError(f"params[{i}] must be a pair (W, b), got {type(layer).__name__}")
        W, b = layer
        if not isinstance(W, np.ndarray) or not isinstance(b, np.ndarray):
            raise TypeError(
                f"params[{i}] must hold NumPy arrays, got ({type(W).__name__}, {type(b).__name__}); "
                "for a torch model use params_from_torch(model)"
            )
        if W.ndim != 2 or W.shape[0] != expected_in:
            raise ValueError(
                f"params[{i}][0] (W) must have shape ({expected_in}, d_out) to accept the previous "
                f"layer's {expected_in} features, got {W.shape}"
            )
        if b.shape != (W.shape[1],):
            raise ValueError(f"params[{i}][1] (b) must have shape ({W.shape[1]},) to match W, got {b.shape}")
        expected_in = W.shape[1]


def mlp_forward(
    X: np.ndarray,
    params: Params,
    activation: str | Callable[[np.ndarray], np.ndarray] = "relu",
    *,
    return_hidden: bool = False,
) -> np.ndarray | tuple[np.ndarray, list[np.ndarray]]:
    """Forward pass of an MLP on a batch: affine layers with ``activation`` in between.

    For layers ``l = 1..L``: ``Z_l = H_{l-1} @ W_l + b_l`` and ``H_l = f(Z_l)``, with
    ``H_0 = X``; the last layer has no activation, so the result is ``Z_L``.

    Args:
        X: ``(B, d_0)`` inputs, one example per row.
        params: ``[(W_1, b_1), ..., (W_L, b_L)]``, ``W_l`` of shape ``(d_{l-1}, d_l)``.
        activation: a name from :data:`utils.scratch.activations.ACTIVATIONS`
            (``"relu"``, ``"tanh"``, ...) or an element-wise function.
        return_hidden: also return the hidden activations ``[H_1, ..., H_{L-1}]``.

    Returns:
        the outputs (logits) ``(B, d_L)``; with ``return_hidden``, ``(outputs, hidden)``.
    """
    if not isinstance(X, np.ndarray):
        raise TypeError(f"X must be a NumPy array of shape (B, d_in), got {type(X).__name__}")
    if X.ndim != 2:
        raise ValueError(f"X must have shape (B, d_in), one example per row, got shape {X.shape}")
    _check_params(params, X.shape[1])
    f = get_activation(activation)[0] if isinstance(activation, str) else activation
    if not callable(f):
        raise TypeError(f"activation must be a name or a function, got {type(activation).__name__}")
    H, hidden = X, []
    for i, (W, b) in enumerate(params):
        Z = H @ W + b  # (B, d_{l-1}) @ (d_{l-1}, d_l) + (d_l,) -> (B, d_l); b broadcasts over rows
        if i == len(params) - 1:
            return (Z, hidden) if return_hidden else Z
        H = f(Z)  # (B, d_l)
        hidden.append(H)
    raise AssertionError("unreachable")  # pragma: no cover


def _check_logits(Z: object) -> np.ndarray:
    if not isinstance(Z, np.ndarray):
        raise TypeError(f"logits must be a NumPy array, got {type(Z).__name__}")
    if Z.ndim == 0:
        raise ValueError("softmax needs at least one axis of scores, got a scalar")
    return Z.astype(np.float64, copy=False)


def softmax(Z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis``: ``exp(z - max z) / sum exp(z - max z)``.

    Subtracting the maximum changes nothing mathematically (it cancels between numerator
    and denominator) but keeps every exponent ``<= 0``, so nothing overflows.

    Args:
        Z: scores (logits), e.g. ``(B, K)``.
        axis: the axis of the classes.

    Returns:
        probabilities of the same shape, non-negative and summing to 1 along ``axis``.
    """
    Z = _check_logits(Z)
    shifted = Z - Z.max(axis=axis, keepdims=True)  # (B, K), every entry <= 0
    E = np.exp(shifted)
    return E / E.sum(axis=axis, keepdims=True)


def log_softmax(Z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Stable ``log(softmax(Z))``: ``z - max z - log sum exp(z - max z)``.

    Args:
        Z: scores (logits), e.g. ``(B, K)``.
        axis: the axis of the classes.
    """
    Z = _check_logits(Z)
    shifted = Z - Z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def count_params(sizes: Sequence[int]) -> int:
    """Number of weights and biases of an MLP with layer widths ``sizes``.

    Each layer ``d_in -> d_out`` has ``d_in * d_out`` weights and ``d_out`` biases.

    Args:
        sizes: ``[d_0, d_1, ..., d_L]``.
    """
    sizes = _check_sizes(sizes)
    return sum(d_in * d_out + d_out for d_in, d_out in zip(sizes[:-1], sizes[1:]))


def params_from_torch(model: object) -> Params:
    """The ``(W, b)`` list of the ``nn.Linear`` layers of a torch model, in order, as float64.

    ``W`` is ``linear.weight.T`` (shape ``(d_in, d_out)``); ``b`` is ``linear.bias``.
    """
    import torch
    from torch import nn

    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    params: Params = []
    for module in model.modules():
        if isinstance(module, nn.Linear):
            if module.bias is None:
                raise ValueError("params_from_torch needs nn.Linear layers with a bias")
            with torch.no_grad():
                W = module.weight.detach().cpu().double().numpy().T.copy()  # (d_out, d_in) -> (d_in, d_out)
                b = module.bias.detach().cpu().double().numpy().copy()
            params.append((W, b))
    if not params:
        raise ValueError("the model has no nn.Linear layers")
    return params
