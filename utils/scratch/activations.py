"""Activation functions and their derivatives, in NumPy. Introduced in chapter 2.

Each activation ``f`` comes with its derivative ``f'`` with respect to its input, both
element-wise: an array of any shape goes in, an array of the same shape comes out.
They are tested against ``torch.nn.functional`` and ``torch.autograd`` in
``tests/test_scratch_activations.py``.

Where a function has a kink (ReLU and leaky ReLU at 0, the step at 0) we follow
PyTorch's convention for the derivative at that single point: 0 for ReLU, the negative
slope for leaky ReLU. The step function's derivative is 0 everywhere it exists, which
is exactly why the perceptron is not trained by gradient descent.

Use :func:`get_activation` to look a pair up by name, e.g. ``f, df = get_activation("tanh")``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.special import erf, expit

from utils.scratch._validate import check_number

__all__ = [
    "step", "step_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad",
    "relu", "relu_grad", "leaky_relu", "leaky_relu_grad", "gelu", "gelu_grad",
    "identity", "identity_grad", "ACTIVATIONS", "get_activation",
]

ArrayFn = Callable[[np.ndarray], np.ndarray]
_SQRT2 = np.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


def _as_float_array(z: object, name: str = "z") -> np.ndarray:
    """Accept a number, a list or an ndarray of real numbers; return a float ndarray."""
    if isinstance(z, (bool, np.bool_)):
        raise TypeError(f"{name} must be a number or an array of numbers, got bool")
    if isinstance(z, (int, float, np.number)):
        return np.asarray(z, dtype=float)
    if isinstance(z, (list, tuple)):
        z = np.asarray(z)
    if not isinstance(z, np.ndarray):
        raise TypeError(
            f"{name} must be a NumPy array (or a number or list); got {type(z).__name__}. "
            "For a torch tensor use torch.nn.functional, or pass tensor.numpy()."
        )
    if z.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {z.dtype}")
    return z.astype(np.float64, copy=False)  # float64 throughout: these are reference implementations


def identity(z: np.ndarray) -> np.ndarray:
    """``f(z) = z``: no nonlinearity (the output layer of a regression)."""
    return _as_float_array(z).copy()


def identity_grad(z: np.ndarray) -> np.ndarray:
    """``f'(z) = 1``."""
    return np.ones_like(_as_float_array(z))


def step(z: np.ndarray) -> np.ndarray:
    """Heaviside step: 1 where ``z >= 0``, else 0 (the perceptron's activation)."""
    z = _as_float_array(z)
    return (z >= 0).astype(z.dtype)


def step_grad(z: np.ndarray) -> np.ndarray:
    """0 everywhere (undefined at ``z = 0``; 0 by convention): no signal for gradient descent."""
    return np.zeros_like(_as_float_array(z))


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow for large ``|z|``."""
    return expit(_as_float_array(z))


def sigmoid_grad(z: np.ndarray) -> np.ndarray:
    """``sigmoid(z) * (1 - sigmoid(z))``; at most 1/4, reached at ``z = 0``."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent, ``2 sigmoid(2z) - 1``: a zero-centred sigmoid with range (-1, 1)."""
    return np.tanh(_as_float_array(z))


def tanh_grad(z: np.ndarray) -> np.ndarray:
    """``1 - tanh(z)**2``; at most 1, reached at ``z = 0``."""
    t = tanh(z)
    return 1.0 - t * t


def relu(z: np.ndarray) -> np.ndarray:
    """Rectified linear unit ``max(0, z)``."""
    z = _as_float_array(z)
    return np.maximum(z, 0.0)


def relu_grad(z: np.ndarray) -> np.ndarray:
    """1 where ``z > 0``, else 0 (0 at ``z = 0``, as in PyTorch)."""
    z = _as_float_array(z)
    return (z > 0).astype(z.dtype)


def leaky_relu(z: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    """``z`` where ``z > 0``, else ``negative_slope * z`` (PyTorch's default slope 0.01)."""
    z, a = _as_float_array(z), check_number("negative_slope", negative_slope)
    return np.where(z > 0, z, a * z)


def leaky_relu_grad(z: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    """1 where ``z > 0``, else ``negative_slope`` (also at ``z = 0``, as in PyTorch)."""
    z, a = _as_float_array(z), check_number("negative_slope", negative_slope)
    return np.where(z > 0, 1.0, a).astype(z.dtype)


def gelu(z: np.ndarray) -> np.ndarray:
    """Gaussian error linear unit ``z * Phi(z)``, with ``Phi`` the standard normal CDF (exact form)."""
    z = _as_float_array(z)
    return z * 0.5 * (1.0 + erf(z / _SQRT2))


def gelu_grad(z: np.ndarray) -> np.ndarray:
    """``Phi(z) + z * phi(z)``, with ``phi`` the standard normal density."""
    z = _as_float_array(z)
    cdf = 0.5 * (1.0 + erf(z / _SQRT2))
    pdf = _INV_SQRT_2PI * np.exp(-0.5 * z * z)
    return cdf + z * pdf


ACTIVATIONS: dict[str, tuple[ArrayFn, ArrayFn]] = {
    "identity": (identity, identity_grad),
    "step": (step, step_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "gelu": (gelu, gelu_grad),
}
"""Name -> ``(f, f')`` for every activation in this module."""


def get_activation(name: str) -> tuple[ArrayFn, ArrayFn]:
    """The pair ``(f, f')`` of the activation called ``name``, e.g. ``"relu"``.

    Raises:
        TypeError: if ``name`` is not a string.
        ValueError: if there is no activation of that name (the message lists them).
    """
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a string such as 'relu', got {type(name).__name__}")
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}"
        ) from None
