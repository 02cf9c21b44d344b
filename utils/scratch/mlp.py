"""A multilayer perceptron's parameters and forward pass in NumPy, softmax. Introduced in chapter 3.

Conventions (the same as ``torch.nn.Linear``, up to a transpose):

- a batch ``X`` has shape ``(B, d_in)``, one example per row;
- ``params`` is a list of layers ``(W, b)`` with ``W`` of shape ``(d_in, d_out)`` and
  ``b`` of shape ``(d_out,)``, so that a layer computes ``X @ W + b``.
  ``nn.Linear`` stores ``weight`` as ``(d_out, d_in)`` and computes ``X @ weight.T + bias``:
  ``W = linear.weight.T``.
- the activation is applied after every layer except the last, whose outputs are the
  logits ``(B, K)``; apply :func:`softmax` to them for class probabilities.

Chapter 4 builds on this module: ``mlp_forward(..., return_cache=True)`` keeps what the
backward pass of ``utils.scratch.backprop`` needs, and :func:`named_params` names the
arrays ``W1, b1, ...`` for gradient checking.

Tested against ``torch.nn`` in float64 in ``tests/test_scratch_mlp.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from utils.scratch._validate import check_array
from utils.scratch.activations import get_activation

__all__ = [
    "INITS", "init_params", "mlp_forward", "softmax", "log_softmax", "mlp_param_count",
    "params_from_torch", "named_params", "params_from_named",
]

Params = list[tuple[np.ndarray, np.ndarray]]

INITS = ("torch", "he", "xavier", "small")
"""The initialisation rules of :func:`init_params`."""


def _check_sizes(sizes: Sequence[int]) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a list of layer widths such as [64, 32, 10], got {type(sizes).__name__}")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output width, got {list(sizes)}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
            raise ValueError(f"every layer width must be a positive int, got {list(sizes)}")
    return [int(s) for s in sizes]


def init_params(
    sizes: Sequence[int], *, seed: int | np.random.Generator = 0, init: str = "torch",
    dtype: type = np.float64,
) -> Params:
    """Random parameters for an MLP with layer widths ``sizes``, e.g. ``[2, 8, 1]``.

    Args:
        sizes: ``[d_0, d_1, ..., d_L]``: input width, hidden widths, output width.
        seed: an int seeds a private NumPy generator (the global one is not touched); a
            ``np.random.Generator`` is drawn from directly, so that one stream can feed
            several networks.
        init: ``"torch"`` draws ``W`` and ``b`` uniformly from ``±1/sqrt(d_in)``, as
            ``nn.Linear`` does by default; the others draw ``W`` from a normal
            distribution with ``b = 0``: ``"he"`` with std ``sqrt(2 / d_in)`` (for ReLU),
            ``"xavier"`` with std ``sqrt(2 / (d_in + d_out))`` (for tanh and sigmoid),
            ``"small"`` with std 0.01 (chapter 4).
        dtype: floating dtype of the arrays.

    Returns:
        ``[(W_1, b_1), ..., (W_L, b_L)]`` with ``W_l`` of shape ``(d_{l-1}, d_l)``.
    """
    sizes = _check_sizes(sizes)
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    rng = np.random.default_rng(seed)  # returns a Generator unchanged
    params: Params = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:]):
        if init == "torch":
            bound = 1.0 / np.sqrt(d_in)
            W = rng.uniform(-bound, bound, size=(d_in, d_out))
            b = rng.uniform(-bound, bound, size=d_out)
        else:
            std = {"he": np.sqrt(2.0 / d_in), "xavier": np.sqrt(2.0 / (d_in + d_out)), "small": 0.01}[init]
            W = rng.standard_normal((d_in, d_out)) * std
            b = np.zeros(d_out)
        params.append((W.astype(dtype, copy=False), b.astype(dtype, copy=False)))
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
        if i == 0 and W.ndim == 2 and W.shape[0] != d_in:
            raise ValueError(
                f"X has {d_in} features per row, but params[0][0] (W) has shape {W.shape}, "
                f"which expects X of shape (B, {W.shape[0]})"
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
    return_cache: bool = False,
) -> np.ndarray | tuple:
    """Forward pass of an MLP on a batch: affine layers with ``activation`` in between.

    For layers ``l = 1..L``: ``Z_l = H_{l-1} @ W_l + b_l`` and ``H_l = f(Z_l)``, with
    ``H_0 = X``; the last layer has no activation, so the result is ``Z_L``.

    Args:
        X: ``(B, d_0)`` inputs, one example per row.
        params: ``[(W_1, b_1), ..., (W_L, b_L)]``, ``W_l`` of shape ``(d_{l-1}, d_l)``.
        activation: a name from :data:`utils.scratch.activations.ACTIVATIONS`
            (``"relu"``, ``"tanh"``, ...) or an element-wise function.
        return_hidden: also return the hidden activations ``[H_1, ..., H_{L-1}]``.
        return_cache: also return what the backward pass needs (chapter 4), a dict
            ``{"A": [A_0, ..., A_{L-1}], "Z": [Z_1, ..., Z_L], "activation_grad": f'}``
            where ``A_{l-1}`` is layer ``l``'s input (``A_0 = X``, ``A_l = H_l``, as
            chapter 4 writes them); needs ``activation`` by name, so that its
            derivative can be looked up.

    Returns:
        the outputs (logits) ``(B, d_L)``; with ``return_hidden`` and/or
        ``return_cache``, the tuple ``(outputs, hidden)``, ``(outputs, cache)`` or
        ``(outputs, hidden, cache)``.
    """
    X = check_array(X, "X", ndim=2, shape="(B, d_in)")
    _check_params(params, X.shape[1])
    if isinstance(activation, str):
        f, f_prime = get_activation(activation)
    elif callable(activation):
        if return_cache:
            raise ValueError("return_cache=True needs the activation by name, e.g. 'relu', "
                             "so that the backward pass can look up its derivative")
        f, f_prime = activation, None
    else:
        raise TypeError(f"activation must be a name or a function, got {type(activation).__name__}")
    Hs, Zs = [X], []
    for i, (W, b) in enumerate(params):
        Z = Hs[-1] @ W + b  # (B, d_{l-1}) @ (d_{l-1}, d_l) + (d_l,) -> (B, d_l); b broadcasts over rows
        Zs.append(Z)
        if i < len(params) - 1:
            Hs.append(f(Z))  # (B, d_l)
    extras = ([Hs[1:]] if return_hidden else []) + (
        [{"A": Hs, "Z": Zs, "activation_grad": f_prime}] if return_cache else [])
    return (Zs[-1], *extras) if extras else Zs[-1]


def _check_logits(Z: object) -> np.ndarray:
    Z = check_array(Z, "logits")
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


def mlp_param_count(sizes: Sequence[int]) -> int:
    """Number of weights and biases of an MLP with layer widths ``sizes``.

    Each layer ``d_in -> d_out`` has ``d_in * d_out`` weights and ``d_out`` biases. For
    a built ``nn.Module``, count with :func:`utils.train.count_parameters` instead.

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


def named_params(params: Params) -> dict[str, np.ndarray]:
    """The layers ``[(W_1, b_1), ...]`` as a dict ``{"W1": W_1, "b1": b_1, ...}`` (the same arrays, not copies).

    Introduced in chapter 4, where gradients are checked one named array at a time.
    The inverse is :func:`params_from_named`.
    """
    if not isinstance(params, (list, tuple)) or not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in params):
        raise TypeError("params must be a list of (W, b) pairs, e.g. from init_params")
    return {name: array for l, (W, b) in enumerate(params, start=1) for name, array in ((f"W{l}", W), (f"b{l}", b))}


def params_from_named(named: dict) -> list[tuple]:
    """``{"W1": W_1, "b1": b_1, ..., "WL": W_L, "bL": b_L}`` back to ``[(W_1, b_1), ..., (W_L, b_L)]``.

    The values are used as they are (arrays or tensors). The inverse of :func:`named_params`.
    """
    if not isinstance(named, dict):
        raise TypeError(f"expected a dict {{'W1': ..., 'b1': ...}}, got {type(named).__name__}")
    L = len(named) // 2
    if L == 0 or set(named) != {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}:
        raise ValueError(f"expected the keys W1, b1, ..., WL, bL; got {sorted(named)}")
    return [(named[f"W{l}"], named[f"b{l}"]) for l in range(1, L + 1)]
