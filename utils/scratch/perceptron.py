"""Rosenblatt's perceptron and its learning rule, in NumPy. Introduced in chapter 2.

The perceptron predicts ``sign(w . x + b)`` (+1 or -1; +1 at exactly 0) and learns by
visiting the examples in turn and, on each *misclassified* example ``(x_i, y_i)``,
updating

    w <- w + lr * y_i * x_i,        b <- b + lr * y_i.

Correctly classified examples change nothing. On linearly separable data the rule stops
after finitely many updates (Novikoff's theorem); on data that no line separates, such
as XOR, it never stops making mistakes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from utils.scratch._validate import check_array, check_int, check_number

__all__ = ["PerceptronResult", "perceptron_fit", "perceptron_predict", "linearly_separable"]


@dataclass
class PerceptronResult:
    """What :func:`perceptron_fit` returns.

    - ``w``: ``(d,)`` final weights; ``b``: the final bias.
    - ``converged``: ``True`` if an epoch passed with no mistake; ``epochs``: epochs run.
    - ``mistakes``: mistakes (= updates) in each epoch.
    - ``history``: ``(w, b)`` after each update, starting with the initial ``(w, b)``
      (only when ``record=True``).
    """

    w: np.ndarray
    b: float
    converged: bool
    epochs: int
    mistakes: list[int] = field(default_factory=list)
    history: list[tuple[np.ndarray, float]] = field(default_factory=list)


def _check_X(X: object) -> np.ndarray:
    X = check_array(X, "X", ndim=2, shape="(N, d)")
    if X.shape[0] == 0:
        raise ValueError(f"X must have shape (N, d) with N >= 1, got {X.shape}")
    return X.astype(np.float64, copy=False)


def _check_y(y: object, n: int) -> np.ndarray:
    if not isinstance(y, np.ndarray):
        raise TypeError(f"y must be a NumPy array of shape (N,), got {type(y).__name__}")
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},), one label per row of X, got {y.shape}")
    if not np.all(np.isin(y, (-1, 1))):
        raise ValueError(
            f"perceptron labels must be -1 or +1, got values {sorted(set(np.unique(y).tolist()))}; "
            "map 0/1 labels with y = 2 * y - 1"
        )
    return y.astype(np.float64)


def perceptron_predict(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """Predicted labels ``sign(X @ w + b)`` in {-1, +1} (+1 where the score is exactly 0).

    Args:
        X: ``(N, d)`` inputs.
        w: ``(d,)`` weights.
        b: the bias.

    Returns:
        ``(N,)`` array of -1.0 and +1.0.
    """
    X = _check_X(X)
    w = np.asarray(w, dtype=np.float64)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X's {X.shape[1]} features, got {w.shape}")
    scores = X @ w + float(b)  # (N,)
    return np.where(scores >= 0, 1.0, -1.0)


def perceptron_fit(
    X: np.ndarray,
    y: np.ndarray,
    *,
    lr: float = 1.0,
    max_epochs: int = 100,
    shuffle: bool = False,
    seed: int = 0,
    record: bool = False,
) -> PerceptronResult:
    """Train a perceptron with Rosenblatt's rule, starting from ``w = 0, b = 0``.

    Args:
        X: ``(N, d)`` inputs.
        y: ``(N,)`` labels, each -1 or +1.
        lr: learning rate, a positive number (with a zero start it only rescales
            ``w`` and ``b``, so it does not change the predictions).
        max_epochs: passes over the data before giving up.
        shuffle: visit the examples in a new random order every epoch.
        seed: seed of the shuffling.
        record: keep ``(w, b)`` after every update in ``history``.

    Returns:
        a :class:`PerceptronResult`.
    """
    X = _check_X(X)
    y = _check_y(y, X.shape[0])
    lr = check_number("lr", lr, low=0.0, low_open=True)
    max_epochs = check_int("max_epochs", max_epochs, minimum=1)
    rng = np.random.default_rng(seed)
    w, b = np.zeros(X.shape[1]), 0.0
    result = PerceptronResult(w=w, b=b, converged=False, epochs=0)
    if record:
        result.history.append((w.copy(), b))
    for epoch in range(1, max_epochs + 1):
        order = rng.permutation(len(y)) if shuffle else np.arange(len(y))
        mistakes = 0
        for i in order:
            if y[i] * (X[i] @ w + b) <= 0:  # misclassified (or on the boundary)
                w = w + lr * y[i] * X[i]
                b = b + lr * y[i]
                mistakes += 1
                if record:
                    result.history.append((w.copy(), b))
        result.mistakes.append(mistakes)
        result.epochs = epoch
        if mistakes == 0:
            result.converged = True
            break
    result.w, result.b = w, float(b)
    return result


def linearly_separable(X: np.ndarray, y: np.ndarray) -> bool:
    """Decide whether some hyperplane separates the two classes, by linear programming.

    Asks for ``(w, b)`` with ``y_i (w . x_i + b) >= 1`` for every ``i``. Any strict
    separator can be rescaled to satisfy this, so the linear program is feasible exactly
    when the data are linearly separable. An infeasible program is a proof (up to the
    solver's floating-point tolerance) that no perceptron can classify the data.

    Args:
        X: ``(N, d)`` inputs.
        y: ``(N,)`` labels, each -1 or +1.
    """
    from scipy.optimize import linprog

    X = _check_X(X)
    y = _check_y(y, X.shape[0])
    n, d = X.shape
    # Variables (w_1..w_d, b); constraints -y_i (x_i . w + b) <= -1; objective 0 (feasibility only).
    A_ub = -y[:, None] * np.hstack([X, np.ones((n, 1))])  # (N, d + 1)
    res = linprog(np.zeros(d + 1), A_ub=A_ub, b_ub=-np.ones(n), bounds=[(None, None)] * (d + 1), method="highs")
    if res.status not in (0, 2):
        raise RuntimeError(f"the linear program did not finish: {res.message}")
    return res.status == 0
