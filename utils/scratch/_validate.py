"""Argument checks shared by the ``utils.scratch`` modules (private).

Each raises ``TypeError`` for a value of the wrong kind and ``ValueError`` for one of the
right kind but out of range, with a message that names the argument, says what was
expected and shows what was given.
"""

from __future__ import annotations

import numpy as np

__all__ = ["check_number", "check_int", "check_array"]


def check_number(name: str, value: object, *, low: float | None = None, high: float | None = None,
                 low_open: bool = False) -> float:
    """``value`` as a float, if it is a real number in ``[low, high)`` (``(low, high)`` with ``low_open``).

    ``None`` bounds are unbounded; bools are not numbers here.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    too_low = low is not None and (value <= low if low_open else value < low)
    if too_low or (high is not None and value >= high):
        left = "(-inf" if low is None else f"({low}" if low_open else f"[{low}"
        right = "inf" if high is None else high
        raise ValueError(f"{name} must lie in {left}, {right}), got {value}")
    return value


def check_int(name: str, value: object, *, minimum: int) -> int:
    """``value`` as an int, if it is an int ``>= minimum`` (bools are not ints here)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_array(x: object, name: str, *, ndim: int | None = None, shape: str = "",
                floating: bool = False) -> np.ndarray:
    """``x`` itself, if it is a NumPy array of real numbers with ``ndim`` dimensions.

    Args:
        x: the argument.
        name: its name in the message, e.g. ``"X"``.
        ndim: the required number of dimensions; any if ``None``.
        shape: the expected shape in words for the message, e.g. ``"(B, d_in)"``.
        floating: require a floating dtype (gradient checks need float64, not ints).
    """
    of_shape = f" of shape {shape}" if shape else ""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array{of_shape}, got {type(x).__name__}")
    if ndim is not None and x.ndim != ndim:
        raise ValueError(f"{name} must have shape {shape or '...'} ({ndim} dimensions), got shape {x.shape}")
    if floating and not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must have a floating dtype (float64 for exact checks), got {x.dtype}")
    if x.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {x.dtype}")
    return x
