"""Gradient-based optimisers written from scratch in NumPy. Introduced in chapter 5.

Each optimiser holds a list of parameter arrays and updates them **in place** when
given their gradients, ``opt.step(grads)``. The update rules follow ``torch.optim``
exactly (same defaults, same order of operations up to rounding), so that in float64
they follow PyTorch step for step:

- :class:`SGD`: ``v <- mu v + g``; ``p <- p - lr v`` (plain gradient descent when ``mu = 0``;
  "SGD" when the gradient comes from a mini-batch; heavy-ball momentum when ``mu > 0``).
- :class:`RMSProp`: ``s <- a s + (1 - a) g^2``; ``p <- p - lr g / (sqrt(s) + eps)``.
- :class:`Adam`: momentum and RMSProp together, with bias correction of both averages.

``weight_decay`` adds ``weight_decay * p`` to every gradient (an L2 penalty), as in
``torch.optim.SGD``, ``RMSprop`` and ``Adam``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from utils.scratch._validate import check_number

__all__ = ["Optimizer", "SGD", "RMSProp", "Adam"]


class Optimizer:
    """Base class: holds the parameters, validates gradients, updates in place.

    Args:
        params: the parameter arrays, a list of float NumPy arrays of any shapes.
        lr: the learning rate, a positive number.
    """

    def __init__(self, params: Sequence[np.ndarray], lr: float):
        if isinstance(params, np.ndarray) or not isinstance(params, Sequence) or not params:
            raise TypeError("params must be a non-empty list of NumPy arrays, e.g. [W, b]")
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
                raise TypeError(f"params[{i}] must be a float NumPy array, got {type(p).__name__}")
        self.params = list(params)
        self.lr = check_number("lr", lr, low=0.0, low_open=True)
        self.state: list[dict[str, np.ndarray]] = [{} for _ in self.params]
        self.t = 0  # number of steps taken

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """Update every parameter in place from its gradient.

        Args:
            grads: one gradient per parameter, same order and shapes as ``params``.
        """
        if isinstance(grads, np.ndarray) or not isinstance(grads, Sequence) or len(grads) != len(self.params):
            raise ValueError(f"step expects a list of {len(self.params)} gradients, one per parameter")
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if not isinstance(g, np.ndarray) or g.shape != p.shape:
                raise ValueError(f"grads[{i}] must be an array of shape {p.shape}, got {getattr(g, 'shape', type(g).__name__)}")
        self.t += 1
        for p, g, state in zip(self.params, grads, self.state):
            self._update(p, g, state)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent, optionally with (heavy-ball) momentum, as ``torch.optim.SGD``.

    Args:
        params: the parameter arrays, float NumPy arrays of any shapes.
        lr: learning rate.
        momentum: ``mu`` in ``v <- mu v + g``; 0 gives plain gradient descent.
        weight_decay: L2 coefficient added to the gradient as ``weight_decay * p``.
    """

    def __init__(self, params: Sequence[np.ndarray], lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0):
        super().__init__(params, lr)
        self.momentum = check_number("momentum", momentum, low=0.0, high=1.0)
        self.weight_decay = check_number("weight_decay", weight_decay, low=0.0)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        g = g + self.weight_decay * p if self.weight_decay else g
        if self.momentum:
            if "v" not in state:
                state["v"] = g.copy()  # torch starts the velocity at the first gradient
            else:
                state["v"] = self.momentum * state["v"] + g
            g = state["v"]
        p -= self.lr * g


class RMSProp(Optimizer):
    """RMSProp: divide each gradient by a running root-mean-square, as ``torch.optim.RMSprop``.

    Args:
        params: the parameter arrays, float NumPy arrays of any shapes.
        lr: learning rate.
        alpha: decay of the running average of squared gradients.
        eps: added to the root mean square, to avoid dividing by zero.
        weight_decay: L2 coefficient.
    """

    def __init__(self, params: Sequence[np.ndarray], lr: float = 0.01, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0):
        super().__init__(params, lr)
        self.alpha = check_number("alpha", alpha, low=0.0, high=1.0)
        self.eps = check_number("eps", eps, low=0.0)
        self.weight_decay = check_number("weight_decay", weight_decay, low=0.0)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        g = g + self.weight_decay * p if self.weight_decay else g
        s = state.setdefault("s", np.zeros_like(p))
        s *= self.alpha
        s += (1 - self.alpha) * g * g  # running mean of g^2, elementwise
        p -= self.lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam: momentum on the gradient and RMSProp scaling, both bias-corrected.

    Matches ``torch.optim.Adam`` (Kingma & Ba, 2015)::

        m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2
        p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)

    Args:
        params: the parameter arrays, float NumPy arrays of any shapes.
        lr: learning rate.
        betas: ``(b1, b2)``, decay rates of the two averages.
        eps: added to the denominator.
        weight_decay: L2 coefficient (added to the gradient, not decoupled as in AdamW).
    """

    def __init__(self, params: Sequence[np.ndarray], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (b1, b2), got {betas!r}")
        self.b1 = check_number("betas[0]", betas[0], low=0.0, high=1.0)
        self.b2 = check_number("betas[1]", betas[1], low=0.0, high=1.0)
        self.eps = check_number("eps", eps, low=0.0)
        self.weight_decay = check_number("weight_decay", weight_decay, low=0.0)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        g = g + self.weight_decay * p if self.weight_decay else g
        m = state.setdefault("m", np.zeros_like(p))
        v = state.setdefault("v", np.zeros_like(p))
        m *= self.b1
        m += (1 - self.b1) * g
        v *= self.b2
        v += (1 - self.b2) * g * g
        # Both averages start at 0 and are biased towards it; dividing by 1 - b^t undoes that.
        m_hat = m / (1 - self.b1**self.t)
        v_hat = v / (1 - self.b2**self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
