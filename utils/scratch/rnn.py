"""Recurrent cells and layers from plain tensors: RNN, LSTM and GRU. Introduced in chapter 7.

Everything is batch-first, as in the rest of the book: an input sequence ``X`` has shape
``(B, T, C)`` (batch, time, input features) and a hidden state ``h`` has shape ``(B, H)``.
A layer's weights are a tuple ``(W_ih, W_hh, b_ih, b_hh)`` laid out exactly as in
PyTorch, so that weights copy across unchanged:

- ``W_ih`` ``(G*H, C)``, ``W_hh`` ``(G*H, H)``, ``b_ih`` and ``b_hh`` ``(G*H,)`` (or ``None``),
- with ``G = 1`` for the RNN, ``G = 4`` for the LSTM (gate blocks in the order input,
  forget, candidate, output: ``i, f, g, o``) and ``G = 3`` for the GRU (reset, update,
  new: ``r, z, n``).

:func:`recurrent` runs a stack of layers over a sequence, like ``nn.RNN`` / ``nn.LSTM`` /
``nn.GRU`` with ``batch_first=True``; :func:`weights_from` reads the weights out of such a
module. :func:`rnn_backward` is backpropagation through time for one tanh RNN layer,
written out by hand. All are tested against PyTorch in float64.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

__all__ = [
    "GATES",
    "rnn_cell",
    "lstm_cell",
    "gru_cell",
    "recurrent",
    "weights_from",
    "init_weights",
    "rnn_backward",
]

GATES: dict[str, int] = {"rnn": 1, "lstm": 4, "gru": 3}
Weights = tuple[Tensor, Tensor, "Tensor | None", "Tensor | None"]


def _affine(x: Tensor, W: Tensor, b: Tensor | None) -> Tensor:
    """``x @ W.T + b`` for a batch of rows ``x`` ``(B, n)``."""
    return x @ W.T if b is None else x @ W.T + b


def rnn_cell(
    x: Tensor, h: Tensor, W_ih: Tensor, W_hh: Tensor, b_ih: Tensor | None = None,
    b_hh: Tensor | None = None, nonlinearity: str = "tanh",
) -> Tensor:
    """One step of an Elman RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``.

    Args:
        x: ``(B, C)``, the input at this step.
        h: ``(B, H)``, the previous hidden state.
        W_ih: ``(H, C)``.
        W_hh: ``(H, H)``.
        b_ih: ``(H,)`` or ``None``.
        b_hh: ``(H,)`` or ``None``.
        nonlinearity: ``"tanh"`` or ``"relu"``.

    Returns:
        the new hidden state ``(B, H)``.
    """
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    a = _affine(x, W_ih, b_ih) + _affine(h, W_hh, b_hh)  # (B, H) pre-activation
    return torch.tanh(a) if nonlinearity == "tanh" else torch.relu(a)


def lstm_cell(
    x: Tensor, state: tuple[Tensor, Tensor], W_ih: Tensor, W_hh: Tensor,
    b_ih: Tensor | None = None, b_hh: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """One step of an LSTM (with a forget gate, as in PyTorch).

    ``i, f, o = sigmoid(...)``, ``g = tanh(...)``, ``c' = f * c + i * g``, ``h' = o * tanh(c')``.

    Args:
        x: ``(B, C)``.
        state: ``(h, c)``, each ``(B, H)``.
        W_ih: ``(4H, C)``; the four blocks of rows are the gates ``i, f, g, o``, in
            PyTorch's order (the same for ``W_hh`` and the biases).
        W_hh: ``(4H, H)``.
        b_ih: ``(4H,)`` or ``None``.
        b_hh: ``(4H,)`` or ``None``.

    Returns:
        ``(h', c')``, each ``(B, H)``.
    """
    h, c = state
    a = _affine(x, W_ih, b_ih) + _affine(h, W_hh, b_hh)  # (B, 4H): all gates in one product
    a_i, a_f, a_g, a_o = a.chunk(4, dim=1)  # four (B, H) blocks
    i, f, o = torch.sigmoid(a_i), torch.sigmoid(a_f), torch.sigmoid(a_o)
    g = torch.tanh(a_g)  # the candidate values
    c_new = f * c + i * g  # additive update of the cell state
    return o * torch.tanh(c_new), c_new


def gru_cell(
    x: Tensor, h: Tensor, W_ih: Tensor, W_hh: Tensor, b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    """One step of a GRU, in PyTorch's formulation.

    ``r, z = sigmoid(...)``, ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``,
    ``h' = (1 - z) * n + z * h``.

    Args:
        x: ``(B, C)``.
        h: ``(B, H)``.
        W_ih: ``(3H, C)``, blocks of rows ``r, z, n`` (the same for ``W_hh`` and the biases).
        W_hh: ``(3H, H)``.
        b_ih: ``(3H,)`` or ``None``.
        b_hh: ``(3H,)`` or ``None``.

    Returns:
        the new hidden state ``(B, H)``.
    """
    x_r, x_z, x_n = _affine(x, W_ih, b_ih).chunk(3, dim=1)  # three (B, H) blocks
    h_r, h_z, h_n = _affine(h, W_hh, b_hh).chunk(3, dim=1)
    r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)  # the reset gate scales the recurrent part only
    return (1 - z) * n + z * h


def _check_weights(kind: str, weights: object, input_size: int) -> list[Weights]:
    if kind not in GATES:
        raise ValueError(f"kind must be one of {sorted(GATES)}, got {kind!r}")
    if not isinstance(weights, (list, tuple)) or not weights:
        raise TypeError("weights must be a non-empty list of (W_ih, W_hh, b_ih, b_hh) tuples, one per layer")
    size = input_size
    for layer, w in enumerate(weights):
        if not isinstance(w, (list, tuple)) or len(w) != 4:
            raise TypeError(f"weights[{layer}] must be a tuple (W_ih, W_hh, b_ih, b_hh)")
        W_ih, W_hh = w[0], w[1]
        hidden = W_hh.shape[1]
        expected = (GATES[kind] * hidden, size)
        if tuple(W_ih.shape) != expected or tuple(W_hh.shape) != (GATES[kind] * hidden, hidden):
            raise ValueError(
                f"layer {layer} of a {kind}: W_ih must be {expected} and W_hh "
                f"{(GATES[kind] * hidden, hidden)}, got {tuple(W_ih.shape)} and {tuple(W_hh.shape)}"
            )
        size = hidden
    return list(weights)


def recurrent(
    kind: str, X: Tensor, weights: list[Weights], state0: Tensor | tuple[Tensor, Tensor] | None = None,
) -> tuple[Tensor, Tensor | tuple[Tensor, Tensor]]:
    """Run a stack of recurrent layers over a batch of sequences, like ``nn.RNN(batch_first=True)``.

    Layer ``l + 1`` reads the hidden states of layer ``l`` as its input sequence.

    Args:
        kind: ``"rnn"`` (tanh), ``"lstm"`` or ``"gru"``.
        X: ``(B, T, C)`` input sequences.
        weights: one ``(W_ih, W_hh, b_ih, b_hh)`` per layer (see the module docstring).
        state0: initial state ``(L, B, H)`` (for the LSTM a pair ``(h0, c0)``); zeros if ``None``.

    Returns:
        ``(out, state)``: ``out`` ``(B, T, H)`` the last layer's hidden state at every step,
        ``state`` the final state of every layer, ``(L, B, H)`` (a pair for the LSTM).
    """
    if not isinstance(X, Tensor) or X.ndim != 3:
        raise ValueError(f"X must be a (B, T, C) tensor, got {getattr(X, 'shape', type(X).__name__)}")
    weights = _check_weights(kind, weights, X.shape[2])
    B, T, _ = X.shape
    L = len(weights)
    if state0 is None:
        zeros = [X.new_zeros(B, w[1].shape[1]) for w in weights]
        state0 = (zeros, [z.clone() for z in zeros]) if kind == "lstm" else zeros
    elif kind == "lstm":
        if not isinstance(state0, (tuple, list)) or len(state0) != 2:
            raise TypeError("an LSTM's state0 is a pair (h0, c0), each (L, B, H)")
    if len(state0[0] if kind == "lstm" else state0) != L:
        raise ValueError(f"state0 must hold one state per layer ({L})")
    seq = X
    finals_h, finals_c = [], []
    for layer, (W_ih, W_hh, b_ih, b_hh) in enumerate(weights):
        if kind == "lstm":
            h, c = state0[0][layer], state0[1][layer]
        else:
            h = state0[layer]
        outputs = []
        for t in range(T):  # the unrolled loop: the same weights at every step
            x_t = seq[:, t]  # (B, C) or (B, H) for layers above the first
            if kind == "rnn":
                h = rnn_cell(x_t, h, W_ih, W_hh, b_ih, b_hh)
            elif kind == "lstm":
                h, c = lstm_cell(x_t, (h, c), W_ih, W_hh, b_ih, b_hh)
            else:
                h = gru_cell(x_t, h, W_ih, W_hh, b_ih, b_hh)
            outputs.append(h)
        seq = torch.stack(outputs, dim=1)  # (B, T, H)
        finals_h.append(h)
        if kind == "lstm":
            finals_c.append(c)
    h_n = torch.stack(finals_h)  # (L, B, H)
    return seq, ((h_n, torch.stack(finals_c)) if kind == "lstm" else h_n)


def weights_from(module: nn.Module) -> list[Weights]:
    """The weights of an ``nn.RNN``, ``nn.LSTM`` or ``nn.GRU``, one tuple per layer.

    Only unidirectional modules without projections are supported. The tensors are the
    module's own parameters (not copies), so gradients flow into them.
    """
    if not isinstance(module, (nn.RNN, nn.LSTM, nn.GRU)):
        raise TypeError(f"module must be an nn.RNN, nn.LSTM or nn.GRU, got {type(module).__name__}")
    if module.bidirectional or getattr(module, "proj_size", 0):
        raise ValueError("only unidirectional modules without proj_size are supported")
    if isinstance(module, nn.RNN) and module.nonlinearity != "tanh":
        raise ValueError("recurrent('rnn', ...) uses tanh; the module uses relu")
    out = []
    for layer in range(module.num_layers):
        get = lambda name: getattr(module, f"{name}_l{layer}", None)  # noqa: E731
        out.append((get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh")))
    return out


def init_weights(
    kind: str, input_size: int, hidden_size: int, num_layers: int = 1, *,
    generator: torch.Generator | None = None, dtype: torch.dtype = torch.float32,
) -> list[Weights]:
    """Fresh weights drawn as PyTorch does: every entry ``U(-1/sqrt(H), 1/sqrt(H))``.

    Args:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        input_size: ``C``, the features per step of the first layer's input.
        hidden_size: ``H``.
        num_layers: ``L``.
        generator: a ``torch.Generator``, for reproducible draws.
        dtype: e.g. ``torch.float64`` for exact comparisons.

    Returns:
        one ``(W_ih, W_hh, b_ih, b_hh)`` per layer, shaped as in PyTorch.
    """
    if kind not in GATES:
        raise ValueError(f"kind must be one of {sorted(GATES)}, got {kind!r}")
    if min(input_size, hidden_size, num_layers) < 1:
        raise ValueError("input_size, hidden_size and num_layers must be >= 1")
    bound = 1 / math.sqrt(hidden_size)
    G = GATES[kind]

    def uniform(*shape: int) -> Tensor:
        return (torch.rand(*shape, generator=generator, dtype=dtype) * 2 - 1) * bound

    weights, size = [], input_size
    for _ in range(num_layers):
        weights.append((uniform(G * hidden_size, size), uniform(G * hidden_size, hidden_size),
                        uniform(G * hidden_size), uniform(G * hidden_size)))
        size = hidden_size
    return weights


def rnn_backward(
    X: Tensor, H: Tensor, h0: Tensor, W_ih: Tensor, W_hh: Tensor, dH: Tensor,
) -> dict[str, Tensor]:
    """Backpropagation through time for one tanh RNN layer, by hand.

    With ``a_t = x_t W_ih^T + h_{t-1} W_hh^T + b`` and ``h_t = tanh(a_t)``, the gradient that
    reaches ``h_t`` is its own loss term plus what comes back from step ``t + 1``:
    ``dh_t = dH[:, t] + da_{t+1} W_hh`` and ``da_t = dh_t * (1 - h_t**2)``.

    Args:
        X: ``(B, T, C)`` inputs.
        H: ``(B, T, Hd)`` hidden states of the forward pass.
        h0: ``(B, Hd)`` initial state.
        W_ih: ``(Hd, C)``.
        W_hh: ``(Hd, Hd)``.
        dH: ``(B, T, Hd)``, ``dL/dh_t`` from the loss terms that read each ``h_t`` directly.

    Returns:
        ``{"W_ih", "W_hh", "b" (the gradient of b_ih and of b_hh), "X", "h0", "h"}``, where
        ``"h"`` ``(B, T, Hd)`` is the total ``dL/dh_t`` (direct plus through later steps).
    """
    if X.ndim != 3 or H.ndim != 3 or dH.shape != H.shape or X.shape[:2] != H.shape[:2]:
        raise ValueError(f"X (B, T, C), H and dH (B, T, Hd) expected, got {X.shape}, {H.shape}, {dH.shape}")
    T = X.shape[1]
    dW_ih, dW_hh = torch.zeros_like(W_ih), torch.zeros_like(W_hh)
    db = H.new_zeros(H.shape[2])
    dX, dh_total = torch.zeros_like(X), torch.zeros_like(H)
    from_later = torch.zeros_like(h0)  # dL/dh_t through step t + 1 (nothing after the last step)
    for t in reversed(range(T)):
        dh = dH[:, t] + from_later  # (B, Hd)
        dh_total[:, t] = dh
        da = dh * (1 - H[:, t] ** 2)  # through tanh
        h_prev = H[:, t - 1] if t > 0 else h0
        dW_ih += da.T @ X[:, t]
        dW_hh += da.T @ h_prev
        db += da.sum(0)
        dX[:, t] = da @ W_ih
        from_later = da @ W_hh  # one Jacobian further back: diag(1 - h_t^2) W_hh, transposed
    return {"W_ih": dW_ih, "W_hh": dW_hh, "b": db, "X": dX, "h0": from_later, "h": dh_total}
