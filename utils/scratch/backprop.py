"""Backpropagation for a multilayer perceptron in matrix form, in NumPy. Introduced in chapter 4.

Chapter 4 builds on chapter 3's code: parameters are the list of layers
``[(W_1, b_1), ..., (W_L, b_L)]`` of :func:`utils.scratch.mlp.init_params` (``W_l`` of
shape ``(d_{l-1}, d_l)``), and the forward pass is
:func:`utils.scratch.mlp.mlp_forward` with ``return_cache=True``. With the book's
batch-first convention a layer computes

    Z_l = A_{l-1} W_l + b_l        (B, d_l)
    A_l = f(Z_l)                   (B, d_l), for hidden layers; the last Z_L are the logits

and the backward pass turns ``dL/dZ_l`` into

    dL/dW_l     = A_{l-1}^T dL/dZ_l      (d_{l-1}, d_l)
    dL/db_l     = sum over the batch     (d_l,)
    dL/dA_{l-1} = dL/dZ_l W_l^T          (B, d_{l-1})
    dL/dZ_{l-1} = dL/dA_{l-1} * f'(Z_{l-1})   elementwise.

Tested against ``torch.autograd`` in float64 in ``tests/test_scratch_backprop.py``.
"""

from __future__ import annotations

import numpy as np

from utils.scratch._validate import check_array
from utils.scratch.mlp import Params, _check_params, log_softmax, mlp_forward

__all__ = ["softmax_cross_entropy", "mlp_backward", "mlp_loss_and_grads"]


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(logits) against labels, and its gradient.

    Args:
        logits: ``(B, K)`` scores.
        y: ``(B,)`` integer labels in ``0..K-1``.

    Returns:
        ``(loss, dlogits)`` where ``dlogits = (softmax(logits) - onehot(y)) / B`` has
        shape ``(B, K)``.
    """
    logits = check_array(logits, "logits", ndim=2, shape="(B, K)")
    y = np.asarray(y)
    if y.shape != (logits.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be ({logits.shape[0]},) integer labels, got shape {y.shape} dtype {y.dtype}")
    if y.min() < 0 or y.max() >= logits.shape[1]:
        raise ValueError(f"labels must lie in 0..{logits.shape[1] - 1}, got {y.min()}..{y.max()}")
    B = len(y)
    log_probs = log_softmax(logits, axis=1)  # (B, K), stable: chapter 3's log-softmax
    loss = -log_probs[np.arange(B), y].mean()
    dlogits = np.exp(log_probs)  # softmax, (B, K)
    dlogits[np.arange(B), y] -= 1.0
    return float(loss), dlogits / B


def mlp_backward(dlogits: np.ndarray, params: Params, cache: dict) -> Params:
    """Backward pass: gradients of the loss with respect to every parameter.

    Args:
        dlogits: ``(B, d_L)``, the gradient of the loss with respect to the logits.
        params: ``[(W_1, b_1), ..., (W_L, b_L)]``, as for :func:`~utils.scratch.mlp.mlp_forward`.
        cache: the cache ``mlp_forward(X, params, activation, return_cache=True)`` returned.

    Returns:
        ``[(dW_1, db_1), ..., (dW_L, db_L)]``, each gradient shaped like its parameter.
    """
    if not isinstance(cache, dict) or not {"A", "Z", "activation_grad"} <= set(cache) or len(cache["A"]) != len(params):
        raise ValueError("cache must be the cache mlp_forward(X, params, activation, return_cache=True) returned for these params")
    _check_params(params, cache["A"][0].shape[1])
    if not isinstance(dlogits, np.ndarray) or dlogits.shape != cache["Z"][-1].shape:
        raise ValueError(f"dlogits must have the logits' shape {cache['Z'][-1].shape}, got {getattr(dlogits, 'shape', None)}")
    f_prime = cache["activation_grad"]
    grads: Params = []
    dZ = dlogits  # (B, d_L)
    for l in range(len(params), 0, -1):
        A_prev = cache["A"][l - 1]  # (B, d_{l-1}), the input of layer l
        dW = A_prev.T @ dZ  # (d_{l-1}, B) @ (B, d_l) -> (d_{l-1}, d_l)
        db = dZ.sum(axis=0)  # (d_l,): b_l was broadcast over the batch
        grads.insert(0, (dW, db))
        if l > 1:
            W = params[l - 1][0]  # W_l, (d_{l-1}, d_l)
            dA = dZ @ W.T  # (B, d_l) @ (d_l, d_{l-1}) -> (B, d_{l-1})
            dZ = dA * f_prime(cache["Z"][l - 2])  # (B, d_{l-1}), elementwise with f'(Z_{l-1})
    return grads


def mlp_loss_and_grads(
    X: np.ndarray, y: np.ndarray, params: Params, activation: str = "relu"
) -> tuple[float, Params]:
    """Mean softmax cross-entropy of the MLP on ``(X, y)`` and its gradients.

    Args:
        X: ``(B, d_0)`` inputs.
        y: ``(B,)`` integer labels.
        params: ``[(W_1, b_1), ..., (W_L, b_L)]``.
        activation: hidden-layer activation, a name from
            :data:`utils.scratch.activations.ACTIVATIONS` (``"relu"``, ``"tanh"``, ...).

    Returns:
        ``(loss, grads)`` with ``grads = [(dW_1, db_1), ...]`` shaped like ``params``.
    """
    logits, cache = mlp_forward(X, params, activation, return_cache=True)
    loss, dlogits = softmax_cross_entropy(logits, y)
    return loss, mlp_backward(dlogits, params, cache)
