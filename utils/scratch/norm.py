"""Batch normalisation and layer normalisation written from scratch in NumPy. Introduced in chapter 5.

- :class:`BatchNorm1d` normalises each feature over the mini-batch, keeps running averages of
  the batch statistics for evaluation, and has a backward pass. It follows
  ``torch.nn.BatchNorm1d`` on ``(B, C)`` inputs: the batch variance used to normalise is the
  biased one (divide by ``B``), the running variance is updated with the unbiased one
  (divide by ``B - 1``), and ``momentum`` is the weight of the *new* statistic,
  ``running <- (1 - momentum) running + momentum batch``.
- :func:`layer_norm` normalises each example over its features, as ``torch.nn.LayerNorm``
  over the last dimension; it behaves the same in training and evaluation.
"""

from __future__ import annotations

import numpy as np

from utils.scratch._validate import check_array, check_number

__all__ = ["BatchNorm1d", "layer_norm"]


class BatchNorm1d:
    """Batch normalisation of ``(B, C)`` inputs with learnable scale ``gamma`` and shift ``beta``.

    Args:
        num_features: ``C``, the number of features.
        eps: added to the variance before the square root.
        momentum: weight of the new batch statistic in the running averages.

    Attributes:
        gamma, beta: ``(C,)`` parameters (ones and zeros at the start).
        running_mean, running_var: ``(C,)`` running statistics (zeros and ones at the start).
        training: ``True`` normalises with batch statistics, ``False`` with the running ones.
        grad_gamma, grad_beta: set by :meth:`backward`.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1):
        if isinstance(num_features, bool) or not isinstance(num_features, (int, np.integer)) or num_features < 1:
            raise ValueError(f"num_features must be a positive int, got {num_features!r}")
        self.eps = check_number("eps", eps, low=0.0, low_open=True)
        self.momentum = check_number("momentum", momentum, low=0.0, high=1.0 + 1e-12)
        self.gamma = np.ones(num_features)
        self.beta = np.zeros(num_features)
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)
        self.training = True
        self._cache: tuple[np.ndarray, np.ndarray] | None = None

    def train(self, mode: bool = True) -> "BatchNorm1d":
        """Switch to training mode (batch statistics), or to evaluation mode with ``mode=False``."""
        self.training = mode
        return self

    def eval(self) -> "BatchNorm1d":
        """Switch to evaluation mode: normalise with the running statistics."""
        return self.train(False)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """Normalise ``X`` of shape ``(B, C)``; returns ``(B, C)``."""
        check_array(X, "X", ndim=2, shape="(B, C)", floating=True)
        if X.shape[1] != len(self.gamma):
            raise ValueError(f"X must have {len(self.gamma)} features, got shape {X.shape}")
        if self.training:
            B = X.shape[0]
            if B < 2:
                raise ValueError("batch normalisation in training mode needs at least 2 examples per batch")
            mean = X.mean(axis=0)                      # (C,)
            var = X.var(axis=0)                        # (C,), biased: divides by B
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * B / (B - 1)  # unbiased
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)        # (C,)
        X_hat = (X - mean) * inv_std                   # (B, C): zero mean, unit variance per feature
        self._cache = (X_hat, inv_std)
        return self.gamma * X_hat + self.beta

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Gradient with respect to the input of the last call, given ``dL/dout`` of shape ``(B, C)``.

        Also sets ``grad_gamma`` and ``grad_beta``. In training mode the batch mean and
        variance depend on every example, which gives the two extra terms below.
        """
        if self._cache is None:
            raise RuntimeError("call the layer on a batch before backward")
        X_hat, inv_std = self._cache
        check_array(grad_out, "grad_out", ndim=2, shape=str(X_hat.shape), floating=True)
        if grad_out.shape != X_hat.shape:
            raise ValueError(f"grad_out must have shape {X_hat.shape}, got {grad_out.shape}")
        self.grad_gamma = (grad_out * X_hat).sum(axis=0)
        self.grad_beta = grad_out.sum(axis=0)
        g = grad_out * self.gamma                      # dL/dX_hat, (B, C)
        if not self.training:                          # fixed statistics: a per-feature affine map
            return g * inv_std
        # dL/dX = inv_std * (g - mean(g) - X_hat * mean(g * X_hat)), means over the batch
        return inv_std * (g - g.mean(axis=0) - X_hat * (g * X_hat).mean(axis=0))


def layer_norm(X: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Normalise each row of ``X`` ``(B, C)`` over its ``C`` features, then scale and shift.

    Args:
        X: ``(B, C)`` inputs.
        gamma, beta: ``(C,)`` scale and shift.
        eps: added to the variance before the square root.

    Returns:
        ``(B, C)``; the same in training and evaluation, since no batch statistic is used.
    """
    check_array(X, "X", ndim=2, shape="(B, C)", floating=True)
    for name, p in (("gamma", gamma), ("beta", beta)):
        check_array(p, name, ndim=1, shape="(C,)")
        if len(p) != X.shape[1]:
            raise ValueError(f"{name} must have shape ({X.shape[1]},), got {p.shape}")
    eps = check_number("eps", eps, low=0.0, low_open=True)
    mean = X.mean(axis=1, keepdims=True)               # (B, 1)
    var = X.var(axis=1, keepdims=True)                 # (B, 1), biased
    return gamma * (X - mean) / np.sqrt(var + eps) + beta
