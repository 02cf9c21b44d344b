"""utils.scratch.rnn against nn.RNN / nn.LSTM / nn.GRU and autograd in float64, and its error paths."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from utils.scratch.rnn import (
    GATES, gru_cell, init_weights, lstm_cell, recurrent, rnn_backward, rnn_cell, weights_from,
)

MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def _module(kind, C=3, H=5, L=2, bias=True, seed=0):
    torch.manual_seed(seed)
    return MODULES[kind](C, H, num_layers=L, bias=bias, batch_first=True).double()


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("L,bias,with_state", [(1, True, False), (2, True, True), (3, False, True)])
def test_recurrent_matches_torch_float64(kind, L, bias, with_state):
    module = _module(kind, L=L, bias=bias)
    X = torch.randn(4, 7, 3, dtype=torch.float64)
    state0 = None
    if with_state:
        h0 = torch.randn(L, 4, 5, dtype=torch.float64)
        state0 = (h0, torch.randn(L, 4, 5, dtype=torch.float64)) if kind == "lstm" else h0
    with torch.no_grad():
        out, state = recurrent(kind, X, weights_from(module), state0)
        ref_out, ref_state = module(X, state0)
    torch.testing.assert_close(out, ref_out, rtol=0, atol=1e-10)
    if kind == "lstm":
        torch.testing.assert_close(state[0], ref_state[0], rtol=0, atol=1e-10)
        torch.testing.assert_close(state[1], ref_state[1], rtol=0, atol=1e-10)
    else:
        torch.testing.assert_close(state, ref_state, rtol=0, atol=1e-10)


@pytest.mark.parametrize("kind,cell", [("rnn", rnn_cell), ("gru", gru_cell)])
def test_single_cells_match_torch(kind, cell):
    torch.manual_seed(1)
    ref = {"rnn": nn.RNNCell, "gru": nn.GRUCell}[kind](3, 4).double()
    x, h = torch.randn(2, 3, dtype=torch.float64), torch.randn(2, 4, dtype=torch.float64)
    got = cell(x, h, ref.weight_ih, ref.weight_hh, ref.bias_ih, ref.bias_hh)
    torch.testing.assert_close(got, ref(x, h), rtol=0, atol=1e-12)


def test_lstm_cell_matches_torch():
    torch.manual_seed(2)
    ref = nn.LSTMCell(3, 4).double()
    x = torch.randn(2, 3, dtype=torch.float64)
    h, c = torch.randn(2, 4, dtype=torch.float64), torch.randn(2, 4, dtype=torch.float64)
    got_h, got_c = lstm_cell(x, (h, c), ref.weight_ih, ref.weight_hh, ref.bias_ih, ref.bias_hh)
    ref_h, ref_c = ref(x, (h, c))
    torch.testing.assert_close(got_h, ref_h, rtol=0, atol=1e-12)
    torch.testing.assert_close(got_c, ref_c, rtol=0, atol=1e-12)


def test_relu_rnn_cell():
    x, h = torch.randn(2, 3), torch.randn(2, 4)
    W_ih, W_hh = torch.randn(4, 3), torch.randn(4, 4)
    assert (rnn_cell(x, h, W_ih, W_hh, nonlinearity="relu") >= 0).all()
    with pytest.raises(ValueError, match="tanh"):
        rnn_cell(x, h, W_ih, W_hh, nonlinearity="sigmoid")


def test_gradients_flow_through_weights_from():
    module = _module("lstm", L=1)
    X = torch.randn(2, 5, 3, dtype=torch.float64)
    out, _ = recurrent("lstm", X, weights_from(module))
    out.sum().backward()
    mine = [p.grad.clone() for p in module.parameters()]
    module.zero_grad()
    module(X)[0].sum().backward()
    for a, p in zip(mine, module.parameters()):
        torch.testing.assert_close(a, p.grad, rtol=0, atol=1e-10)


def test_rnn_backward_matches_autograd():
    torch.manual_seed(3)
    B, T, C, H = 3, 6, 2, 4
    X = torch.randn(B, T, C, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(B, H, dtype=torch.float64, requires_grad=True)
    W_ih, W_hh, b_ih, b_hh = (w.requires_grad_() for w in init_weights("rnn", C, H, dtype=torch.float64)[0])
    out, _ = recurrent("rnn", X, [(W_ih, W_hh, b_ih, b_hh)], h0[None])
    dH = torch.randn(B, T, H, dtype=torch.float64)
    (out * dH).sum().backward()  # a loss whose gradient with respect to out is dH
    grads = rnn_backward(X.detach(), out.detach(), h0.detach(), W_ih.detach(), W_hh.detach(), dH)
    for name, ref in (("W_ih", W_ih), ("W_hh", W_hh), ("b", b_ih), ("b", b_hh), ("X", X), ("h0", h0)):
        torch.testing.assert_close(grads[name], ref.grad, rtol=0, atol=1e-10)
    # the total dL/dh_t at the last step is only its direct term
    torch.testing.assert_close(grads["h"][:, -1], dH[:, -1])


def test_init_weights_shapes_and_range():
    weights = init_weights("gru", 3, 8, num_layers=2, generator=torch.Generator().manual_seed(0))
    assert weights[0][0].shape == (24, 3) and weights[1][0].shape == (24, 8)
    assert all(w.abs().max() <= 1 / 8**0.5 for layer in weights for w in layer)
    ref = nn.GRU(3, 8, num_layers=2)
    assert [tuple(w.shape) for layer in weights for w in layer] == [tuple(p.shape) for p in ref.parameters()]
    with pytest.raises(ValueError, match="kind"):
        init_weights("transformer", 3, 8)
    with pytest.raises(ValueError, match=">= 1"):
        init_weights("rnn", 0, 8)


def test_error_messages():
    weights = init_weights("rnn", 3, 4)
    with pytest.raises(ValueError, match=r"\(B, T, C\)"):
        recurrent("rnn", torch.zeros(5, 3), weights)
    with pytest.raises(ValueError, match="kind"):
        recurrent("elman", torch.zeros(1, 5, 3), weights)
    with pytest.raises(ValueError, match="W_ih must be"):
        recurrent("lstm", torch.zeros(1, 5, 3), weights)
    with pytest.raises(ValueError, match="W_ih must be"):
        recurrent("rnn", torch.zeros(1, 5, 2), weights)
    with pytest.raises(TypeError, match="list"):
        recurrent("rnn", torch.zeros(1, 5, 3), [])
    with pytest.raises(TypeError, match="tuple"):
        recurrent("rnn", torch.zeros(1, 5, 3), [weights[0][:2]])
    with pytest.raises(ValueError, match="one state per layer"):
        recurrent("rnn", torch.zeros(1, 5, 3), weights, torch.zeros(2, 1, 4))
    with pytest.raises(TypeError, match="pair"):
        recurrent("lstm", torch.zeros(1, 5, 3), init_weights("lstm", 3, 4), torch.zeros(1, 1, 4))
    with pytest.raises(TypeError, match="nn.RNN"):
        weights_from(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="unidirectional"):
        weights_from(nn.GRU(2, 2, bidirectional=True))
    with pytest.raises(ValueError, match="relu"):
        weights_from(nn.RNN(2, 2, nonlinearity="relu"))
    with pytest.raises(ValueError, match="dH"):
        rnn_backward(torch.zeros(1, 3, 2), torch.zeros(1, 3, 4), torch.zeros(1, 4), *weights[0][:2], torch.zeros(1, 2, 4))
    assert GATES == {"rnn": 1, "lstm": 4, "gru": 3}
