"""Backpropagation for a multilayer perceptron in matrix form, in NumPy. Introduced in chapter 4.

Parameters live in a dict ``{"W1": (d_0, d_1), "b1": (d_1,), ..., "WL": (d_{L-1}, d_L),
"bL": (d_L,)}``. With the book's batch-first convention a layer computes

    Z_l = A_{l-1} W_l + b_l        (B, d_l)
    A_l = f(Z_l)                   (B, d_l), for hidden layers; the last Z_L are the logits

and the backward pass turns ``dL/dZ_l`` into

    dL/dW_l     = A_{l-1}^T dL/dZ_l      (d_{l-1}, d_l)
    dL/db_l     = sum over the batch     (d_l,)
    dL/dA_{l-1} = dL/dZ_l W_l^T          (B, d_{l-1})
    dL/dZ_{l-1} = dL/dA_{l-1} * f'(Z_{l-1})   elementwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = [
    "ACTIVATIONS", "init_mlp", "mlp_forward", "softmax_cross_entropy", "mlp_backward",
    "mlp_loss_and_grads", "num_layers",
]

Params = dict[str, np.ndarray]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^-z), without overflow warnings


# name -> (f, f') with f' written as a function of the pre-activation z
ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype)),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "identity": (lambda z: z, np.ones_like),
}

INITS = ("he", "xavier", "small")


def _check_activation(activation: str) -> None:
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")


def num_layers(params: Params) -> int:
    """Number of linear layers L in ``params`` (keys ``W1, b1, ..., WL, bL``)."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict like {{'W1': ..., 'b1': ...}}, got {type(params).__name__}")
    L = len(params) // 2
    expected = {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}
    if L == 0 or set(params) != expected:
        raise ValueError(f"params must have keys W1, b1, ..., WL, bL; got {sorted(params)}")
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        if not (isinstance(W, np.ndarray) and W.ndim == 2 and isinstance(b, np.ndarray) and b.shape == W.shape[1:]):
            raise ValueError(f"layer {l}: expected W{l} of shape (d_in, d_out) and b{l} of shape (d_out,)")
        if l > 1 and params[f"W{l - 1}"].shape[1] != W.shape[0]:
            raise ValueError(f"W{l - 1} has {params[f'W{l - 1}'].shape[1]} outputs but W{l} expects {W.shape[0]} inputs")
    return L


def init_mlp(
    sizes: Sequence[int], *, init: str = "he", rng: np.random.Generator | None = None,
    dtype: type = np.float64,
) -> Params:
    """Random weights and zero biases for an MLP with layer widths ``sizes``.

    Args:
        sizes: ``[d_0, d_1, ..., d_L]``: input width, hidden widths, number of outputs.
        init: ``"he"`` (std sqrt(2 / d_in), for ReLU), ``"xavier"`` (std
            sqrt(2 / (d_in + d_out)), for tanh and sigmoid) or ``"small"`` (std 0.01).
        rng: a NumPy generator; a fresh one seeded with 0 if ``None``.
        dtype: floating dtype of the arrays.

    Returns:
        ``{"W1": (d_0, d_1), "b1": (d_1,), ...}``.
    """
    if len(sizes) < 2 or not all(isinstance(d, (int, np.integer)) and d > 0 for d in sizes):
        raise ValueError(f"sizes must be at least two positive ints [d_in, ..., d_out], got {list(sizes)}")
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    rng = np.random.default_rng(0) if rng is None else rng
    params: Params = {}
    for l, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        std = {"he": np.sqrt(2.0 / d_in), "xavier": np.sqrt(2.0 / (d_in + d_out)), "small": 0.01}[init]
        params[f"W{l}"] = (rng.standard_normal((d_in, d_out)) * std).astype(dtype)
        params[f"b{l}"] = np.zeros(d_out, dtype=dtype)
    return params


def mlp_forward(params: Params, X: np.ndarray, *, activation: str = "relu") -> tuple[np.ndarray, dict]:
    """Forward pass; returns the logits and the cache the backward pass needs.

    Args:
        params: ``{"W1": (d_0, d_1), "b1": (d_1,), ...}``.
        X: ``(B, d_0)`` inputs.
        activation: hidden-layer activation, a key of ``ACTIVATIONS`` ("relu", "sigmoid", "tanh", "identity").

    Returns:
        ``logits`` of shape ``(B, d_L)`` (no activation on the last layer) and a cache
        ``{"A": [A_0, ..., A_{L-1}], "Z": [Z_1, ..., Z_L]}``.
    """
    L = num_layers(params)
    _check_activation(activation)
    if not isinstance(X, np.ndarray) or X.ndim != 2 or X.shape[1] != params["W1"].shape[0]:
        shape = getattr(X, "shape", type(X).__name__)
        raise ValueError(f"X must be a (B, {params['W1'].shape[0]}) array, got {shape}")
    f, _ = ACTIVATIONS[activation]
    A, As, Zs = X, [], []
    for l in range(1, L + 1):
        As.append(A)
        Z = A @ params[f"W{l}"] + params[f"b{l}"]  # (B, d_l)
        Zs.append(Z)
        A = f(Z) if l < L else Z
    return Zs[-1], {"A": As, "Z": Zs, "activation": activation}


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(logits) against labels, and its gradient.

    Args:
        logits: ``(B, K)`` scores.
        y: ``(B,)`` integer labels in ``0..K-1``.

    Returns:
        ``(loss, dlogits)`` where ``dlogits = (softmax(logits) - onehot(y)) / B`` has
        shape ``(B, K)``.
    """
    if not isinstance(logits, np.ndarray) or logits.ndim != 2:
        raise ValueError(f"logits must be a (B, K) array, got {getattr(logits, 'shape', type(logits).__name__)}")
    y = np.asarray(y)
    if y.shape != (logits.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be ({logits.shape[0]},) integer labels, got shape {y.shape} dtype {y.dtype}")
    if y.min() < 0 or y.max() >= logits.shape[1]:
        raise ValueError(f"labels must lie in 0..{logits.shape[1] - 1}, got {y.min()}..{y.max()}")
    B = len(y)
    shifted = logits - logits.max(axis=1, keepdims=True)  # subtracting the row max avoids overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (B, K)
    loss = -log_probs[np.arange(B), y].mean()
    dlogits = np.exp(log_probs)  # softmax, (B, K)
    dlogits[np.arange(B), y] -= 1.0
    return float(loss), dlogits / B


def mlp_backward(params: Params, cache: dict, dlogits: np.ndarray) -> Params:
    """Backward pass: gradients of the loss with respect to every parameter.

    Args:
        params: as for :func:`mlp_forward`.
        cache: the cache returned by :func:`mlp_forward`.
        dlogits: ``(B, d_L)``, the gradient of the loss with respect to the logits.

    Returns:
        ``{"W1": (d_0, d_1), "b1": (d_1,), ...}``, each gradient shaped like its parameter.
    """
    L = num_layers(params)
    if not isinstance(cache, dict) or len(cache.get("A", ())) != L:
        raise ValueError("cache must be the cache mlp_forward returned for these params")
    if not isinstance(dlogits, np.ndarray) or dlogits.shape != cache["Z"][-1].shape:
        raise ValueError(f"dlogits must have the logits' shape {cache['Z'][-1].shape}, got {getattr(dlogits, 'shape', None)}")
    _, f_prime = ACTIVATIONS[cache["activation"]]
    grads: Params = {}
    dZ = dlogits  # (B, d_L)
    for l in range(L, 0, -1):
        A_prev = cache["A"][l - 1]  # (B, d_{l-1})
        grads[f"W{l}"] = A_prev.T @ dZ  # (d_{l-1}, B) @ (B, d_l) -> (d_{l-1}, d_l)
        grads[f"b{l}"] = dZ.sum(axis=0)  # (d_l,): b_l was broadcast over the batch
        if l > 1:
            dA = dZ @ params[f"W{l}"].T  # (B, d_l) @ (d_l, d_{l-1}) -> (B, d_{l-1})
            dZ = dA * f_prime(cache["Z"][l - 2])  # (B, d_{l-1}), elementwise
    return {k: grads[k] for k in params}  # same key order as params


def mlp_loss_and_grads(
    params: Params, X: np.ndarray, y: np.ndarray, *, activation: str = "relu"
) -> tuple[float, Params]:
    """Mean softmax cross-entropy of the MLP on ``(X, y)`` and its gradients.

    Args:
        params: ``{"W1": (d_0, d_1), ...}``.
        X: ``(B, d_0)`` inputs.
        y: ``(B,)`` integer labels.
        activation: hidden-layer activation.

    Returns:
        ``(loss, grads)`` with ``grads`` shaped like ``params``.
    """
    logits, cache = mlp_forward(params, X, activation=activation)
    loss, dlogits = softmax_cross_entropy(logits, y)
    return loss, mlp_backward(params, cache, dlogits)
