"""Exercise checks: ``check("ex-ch01-...", answer)`` in a notebook's check cell.

Introduced in chapter 1. Each chapter's checkers live in ``utils/checks/chNN.py`` and
register themselves with :func:`register`; ``check("ex-ch04-…", …)`` imports
``utils.checks.ch04`` only, when first asked for one of its exercises. A checker receives the student's answer,
runs seeded cases and raises :class:`Mismatch` with a hint that says what was expected.
:func:`check` then

- prints ``✓`` and returns ``None`` when the answer is right;
- prints a hint and raises ``AssertionError`` when it is wrong;
- says "not attempted yet" (and raises ``AssertionError``) when the answer is still
  ``None`` or raises ``NotImplementedError`` -- what nbgrader leaves in a student's copy;
- never lets a warning or an error from the student's code reach stderr as a raw
  traceback from inside this package (nbgrader scores any stderr output as a failure).

Writing an exercise whose answer is a value: initialise it to ``None`` *before* the
``### BEGIN SOLUTION`` marker, so that the student's copy still defines the name.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import importlib.util
import io
import pkgutil
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

import utils.checks as checks_package

__all__ = [
    "check", "register", "Mismatch", "CheckFailed", "expect_close", "expect_equal", "expect_callable",
    "expect_number", "expect_tuple", "registered_ids",
]

Checker = Callable[[object], None]


class Mismatch(Exception):
    """Raised by a checker: the answer is wrong; the message is the hint shown to the student."""


class CheckFailed(AssertionError):
    """The ``AssertionError`` that :func:`check` raises; in a notebook it shows as one line.

    IPython calls ``_render_traceback_`` instead of printing a traceback, so a student sees
    ``AssertionError: <hint>`` rather than the frames of this module.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31mAssertionError\x1b[0m: {self}"]


class NotAttempted(Exception):
    """Raised by a checker when the answer is still the placeholder."""


@dataclass(frozen=True)
class _Entry:
    checker: Checker
    success: str


_REGISTRY: dict[str, _Entry] = {}


def register(exercise_id: str, *, success: str = "") -> Callable[[Checker], Checker]:
    """Decorator that registers ``checker`` as the check of ``exercise_id``.

    Args:
        exercise_id: the exercise's label, e.g. ``"ex-ch01-split-sizes"``.
        success: an optional sentence printed after the ✓ (a takeaway, not a spoiler).
    """
    if not isinstance(exercise_id, str) or not exercise_id.startswith("ex-"):
        raise ValueError(f"exercise ids start with 'ex-', got {exercise_id!r}")

    def decorator(checker: Checker) -> Checker:
        if exercise_id in _REGISTRY and _REGISTRY[exercise_id].checker is not checker:
            raise ValueError(f"two checkers registered for {exercise_id!r}")
        _REGISTRY[exercise_id] = _Entry(checker, success)
        return checker

    return decorator


def _chapter_module(exercise_id: str) -> str | None:
    """``"ex-ch04-relu-grad"`` -> ``"utils.checks.ch04"``; ``None`` if the id names no chapter."""
    match = re.fullmatch(r"ex-(ch\d\d)-[a-z0-9-]+", exercise_id)
    return f"{checks_package.__name__}.{match.group(1)}" if match else None


def _load_chapter(exercise_id: str) -> None:
    """Import the checkers of the exercise's chapter only (they register on import)."""
    module = _chapter_module(exercise_id)
    if module is not None and importlib.util.find_spec(module) is not None:
        importlib.import_module(module)


def registered_ids() -> list[str]:
    """Every exercise id that has a checker, sorted (imports every chapter's checkers)."""
    for module in pkgutil.iter_modules(checks_package.__path__):
        importlib.import_module(f"{checks_package.__name__}.{module.name}")
    return sorted(_REGISTRY)


def _unknown_id_message(exercise_id: str) -> str:
    nearest = difflib.get_close_matches(exercise_id, registered_ids(), n=1, cutoff=0.6)
    hint = f" Did you mean {nearest[0]!r}?" if nearest else " Check the id for typos."
    return f"No check is registered for {exercise_id!r}.{hint}"


def check(exercise_id: str, answer: object) -> None:
    """Check a student's answer to an exercise; see the module docstring."""
    __tracebackhide__ = True  # pytest and IPython hide this frame
    if not isinstance(exercise_id, str):
        raise CheckFailed(f"the exercise id must be a string such as 'ex-ch04-relu-grad', got {exercise_id!r}")
    _load_chapter(exercise_id)
    entry = _REGISTRY.get(exercise_id)
    if entry is None:
        raise CheckFailed(_unknown_id_message(exercise_id)) from None
    message = _run(entry.checker, answer)
    if message is None:
        print(f"✓ {exercise_id}: correct." + (f" {entry.success}" if entry.success else ""))
        return None
    print(f"✗ {exercise_id}: {message}")
    raise CheckFailed(f"{exercise_id}: {message}") from None


def _run(checker: Checker, answer: object) -> str | None:
    """Run a checker quietly; return ``None`` on success, else the message to show."""
    if answer is None:
        return "not attempted yet -- replace `raise NotImplementedError()` with your answer and run the cell."
    captured = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stderr(captured):
        warnings.simplefilter("ignore")  # warnings from the student's code must not hit stderr
        try:
            checker(answer)
        except (NotImplementedError, NotAttempted):
            return "not attempted yet -- replace `raise NotImplementedError()` with your answer and run the cell."
        except Mismatch as mismatch:
            return str(mismatch)
        except Exception as error:  # the student's code crashed inside a case
            return f"your answer raised {type(error).__name__}: {error}"
    return None


def _to_numpy(x: object) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().double().numpy() if x.is_floating_point() else x.cpu().numpy()
    return np.asarray(x)


def expect_close(got: object, expected: object, what: str, *, rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Raise :class:`Mismatch` unless ``got`` matches ``expected`` in shape and value.

    Args:
        got: the student's value (number, array or tensor).
        expected: the reference value.
        what: how to name the value in the hint, e.g. ``"relu_grad(z)"``.
    """
    try:
        got_arr, exp_arr = _to_numpy(got), _to_numpy(expected)
        got_arr = got_arr.astype(float)
    except (TypeError, ValueError):
        raise Mismatch(f"{what} should be a number or an array of numbers, got {type(got).__name__}") from None
    if got_arr.shape != exp_arr.shape:
        raise Mismatch(f"{what} should have shape {exp_arr.shape}, got {got_arr.shape}")
    if not np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol, equal_nan=True):
        if exp_arr.size == 1:
            raise Mismatch(f"{what} should be about {exp_arr.item():.6g}, got {got_arr.item():.6g}")
        worst = np.unravel_index(np.nanargmax(np.abs(got_arr - exp_arr)), exp_arr.shape)
        raise Mismatch(
            f"{what} differs from the expected values; the largest difference is at index "
            f"{tuple(int(i) for i in worst)}: expected {exp_arr[worst]:.6g}, got {got_arr[worst]:.6g}"
        )


def expect_equal(got: object, expected: object, what: str) -> None:
    """Raise :class:`Mismatch` unless ``got == expected`` (exact, for ints, strings, sets)."""
    if got != expected:
        raise Mismatch(f"{what} should be {expected!r}, got {got!r}")


def expect_callable(answer: object, signature: str) -> None:
    """Raise :class:`Mismatch` unless ``answer`` is a function (or other callable).

    Args:
        answer: the student's answer.
        signature: how the function is called, e.g. ``"grad_f(x, y)"``; named in the hint.
    """
    if not callable(answer):
        name = signature.split("(")[0]
        raise Mismatch(
            f"{name} should be a function {signature}: pass the function itself, "
            f"check(..., {name}), not a {type(answer).__name__}"
        )


def expect_number(got: object, what: str) -> float:
    """``got`` as a float; raise :class:`Mismatch` if it is not one number.

    Args:
        got: the student's value (a Python or NumPy number, or a one-element tensor).
        what: how to name the value in the hint, e.g. ``"cross_entropy(logits, y)"``.
    """
    try:
        return float(got)
    except (TypeError, ValueError):
        raise Mismatch(f"{what} should be one number, got {type(got).__name__}") from None


def expect_tuple(got: object, names: str, what: str) -> tuple:
    """``got`` as a tuple, if it is a tuple or list with one entry per name; else :class:`Mismatch`.

    Args:
        got: the student's value.
        names: the expected entries in words, e.g. ``"(dX, dW, db)"``; their count is the length.
        what: the function that returned it, e.g. ``"linear_backward"``.
    """
    length = len(names.strip("()").split(","))
    if not isinstance(got, (tuple, list)) or len(got) != length:
        kind = "pair" if length == 2 else "tuple"
        raise Mismatch(f"{what} should return a {kind} {names}, got {got!r:.80}")
    return tuple(got)
