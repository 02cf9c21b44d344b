"""Checkers of chapter 7's exercises (recurrent networks and LSTM)."""

from __future__ import annotations

import math

import torch
from torch import nn

from utils.check import Mismatch, register


def _gru_reference(x, h, W_ih, W_hh, b_ih, b_hh, *, variant: str = "torch") -> torch.Tensor:
    """PyTorch's GRU step and some common wrong versions of it, to recognise them."""
    H = h.shape[1]
    gi, gh = x @ W_ih.T + b_ih, h @ W_hh.T + b_hh
    if variant == "zr-order":  # blocks read as z, r, n
        z, r = torch.sigmoid(gi[:, :H] + gh[:, :H]), torch.sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    else:
        r, z = torch.sigmoid(gi[:, :H] + gh[:, :H]), torch.sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    if variant == "cho":  # reset applied to h before the multiplication
        n = torch.tanh(gi[:, 2 * H :] + (r * h) @ W_hh[2 * H :].T + b_hh[2 * H :])
    elif variant == "bhn-outside":  # b_hn added outside the reset gate's product
        n = torch.tanh(gi[:, 2 * H :] + r * (h @ W_hh[2 * H :].T) + b_hh[2 * H :])
    else:
        n = torch.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
    if variant == "swapped-z":
        return z * n + (1 - z) * h
    return (1 - z) * n + z * h


@register("ex-ch07-gru-step", success="Your GRU step is PyTorch's: reset inside the candidate, z keeps the old state.")
def check_gru_step(gru_step) -> None:
    """``gru_step(x, h, W_ih, W_hh, b_ih, b_hh)`` must equal ``nn.GRUCell``."""
    if not callable(gru_step):
        raise Mismatch(f"gru_step should be a function gru_step(x, h, W_ih, W_hh, b_ih, b_hh), got {type(gru_step).__name__}")
    gen = torch.Generator().manual_seed(7)
    for B, C, H in ((2, 3, 4), (5, 1, 6), (1, 4, 2)):
        x = torch.randn(B, C, dtype=torch.float64, generator=gen)
        h = torch.randn(B, H, dtype=torch.float64, generator=gen)
        W_ih = torch.randn(3 * H, C, dtype=torch.float64, generator=gen)
        W_hh = torch.randn(3 * H, H, dtype=torch.float64, generator=gen)
        b_ih = torch.randn(3 * H, dtype=torch.float64, generator=gen)
        b_hh = torch.randn(3 * H, dtype=torch.float64, generator=gen)
        cell = nn.GRUCell(C, H).double()
        with torch.no_grad():
            for p, v in zip(cell.parameters(), (W_ih, W_hh, b_ih, b_hh)):
                p.copy_(v)
            expected = cell(x, h)
            got = gru_step(x, h, W_ih, W_hh, b_ih, b_hh)
        if not isinstance(got, torch.Tensor):
            raise Mismatch(f"gru_step should return a tensor of shape (B, H) = {(B, H)}, got {type(got).__name__}")
        if tuple(got.shape) != (B, H):
            raise Mismatch(f"gru_step should return shape (B, H) = {(B, H)}, got {tuple(got.shape)}")
        if torch.allclose(got, expected, rtol=0, atol=1e-10):
            continue
        args = (x, h, W_ih, W_hh, b_ih, b_hh)
        for variant, hint in (
            ("swapped-z", "z and 1 - z are swapped: in PyTorch h' = (1 - z) * n + z * h, so z = 1 keeps the old state."),
            ("cho", "you applied the reset gate to h before multiplying by W_hn (Cho et al.'s version); PyTorch "
                    "computes n = tanh(W_in x + b_in + r * (W_hn h + b_hn))."),
            ("zr-order", "the gate blocks are in the wrong order: PyTorch stacks the rows as r, z, n."),
            ("bhn-outside", "the bias b_hn belongs inside the reset gate's product: PyTorch computes "
                            "n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), not ... + r * (W_hn h) + b_hn."),
        ):
            if torch.allclose(got, _gru_reference(*args, variant=variant), atol=1e-10):
                raise Mismatch(hint)
        raise Mismatch(
            f"for B={B}, C={C}, H={H} your output differs from nn.GRUCell by up to "
            f"{(got - expected).abs().max().item():.3g}. Split x W_ih^T + b_ih and h W_hh^T + b_hh into "
            "three (B, H) blocks r, z, n; r and z use sigmoid, n uses tanh."
        )


def _scalar_rnn_grad(w: float, u: float, xs: list[float], h0: float) -> float:
    h = torch.tensor(h0, dtype=torch.float64, requires_grad=True)
    state = h
    for x in xs:
        state = torch.tanh(w * state + u * x)
    state.backward()
    return float(h.grad)


@register("ex-ch07-scalar-gradient", success="A product of T factors w (1 - h_t^2): it vanishes geometrically unless |w| is large.")
def check_scalar_gradient(dhT_dh0) -> None:
    """``dhT_dh0(w, u, xs, h0)`` must give the derivative of the last state with respect to ``h0``."""
    if not callable(dhT_dh0):
        raise Mismatch(f"dhT_dh0 should be a function dhT_dh0(w, u, xs, h0), got {type(dhT_dh0).__name__}")
    gen = torch.Generator().manual_seed(3)
    cases = [(0.9, 1.0, [0.0] * 30, 0.5), (1.5, 0.5, [0.3, -1.0, 2.0], -0.2), (0.5, 2.0, [1.0], 0.1)]
    for _ in range(3):
        T = int(torch.randint(2, 12, (1,), generator=gen))
        cases.append((float(torch.randn(1, generator=gen)) * 2, float(torch.randn(1, generator=gen)),
                      torch.randn(T, generator=gen).tolist(), float(torch.randn(1, generator=gen))))
    for w, u, xs, h0 in cases:
        expected = _scalar_rnn_grad(w, u, xs, h0)
        got = dhT_dh0(w, u, list(xs), h0)
        try:
            got = float(got)
        except (TypeError, ValueError):
            raise Mismatch(f"dhT_dh0 should return a number, got {type(got).__name__}") from None
        if math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-14):  # float32 answers pass too
            continue
        hint = ""
        if math.isclose(got, w ** len(xs), rel_tol=1e-8):
            hint = " You returned w**T: each step also multiplies by tanh's derivative, 1 - h_t**2."
        else:
            hs, h = [h0], h0
            for x in xs:
                h = math.tanh(w * h + u * x)
                hs.append(h)
            shifted = math.prod(w * (1 - hp**2) for hp in hs[:-1])
            if math.isclose(got, shifted, rel_tol=1e-8):
                hint = (" Off by one step: dh_t/dh_{t-1} = w (1 - h_t^2) uses the NEW state h_t = tanh(...), "
                        "not h_{t-1}.")
            elif math.isclose(got, math.prod(1 - hp**2 for hp in hs[1:]), rel_tol=1e-8):
                hint = " Each factor is w (1 - h_t^2): the chain rule through w h_{t-1} brings a factor w too."
            elif math.isclose(got, math.prod(w * (1 - math.tanh(hp) ** 2) for hp in hs[1:]), rel_tol=1e-8):
                hint = (" h_t is already tanh(a_t), so tanh's derivative is 1 - h_t^2; you applied tanh to h_t "
                        "a second time.")
        raise Mismatch(f"dhT_dh0(w={w:.3g}, u={u:.3g}, {len(xs)} inputs, h0={h0:.3g}) should be {expected:.6g}, "
                       f"got {got:.6g}.{hint}")


@register("ex-ch07-param-count", success="G H (C + H + 2) for the first layer, G H (2H + 2) for each layer above.")
def check_param_count(rnn_params) -> None:
    """``rnn_params(kind, C, H, L)`` must count the parameters of ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM``."""
    if not callable(rnn_params):
        raise Mismatch(f"rnn_params should be a function rnn_params(kind, C, H, L), got {type(rnn_params).__name__}")
    modules = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}
    gates = {"rnn": 1, "gru": 3, "lstm": 4}
    for kind, C, H, L in (("rnn", 3, 5, 1), ("gru", 3, 5, 1), ("lstm", 3, 5, 1), ("lstm", 32, 256, 2),
                          ("gru", 7, 4, 3), ("rnn", 10, 2, 2)):
        expected = sum(p.numel() for p in modules[kind](C, H, num_layers=L).parameters())
        got = rnn_params(kind, C, H, L)
        if isinstance(got, float) and got.is_integer():
            raise Mismatch(f"rnn_params({kind!r}, {C}, {H}, {L}) returned the float {got}; return an int.")
        if got == expected:
            continue
        G = gates[kind]
        hint = ""
        if got == G * H * (C + H + 1) + (L - 1) * G * H * (2 * H + 1):
            hint = " PyTorch keeps two bias vectors per layer, b_ih and b_hh."
        elif got == L * G * H * (C + H + 2):
            hint = " Layers above the first read the H hidden values of the layer below, not the C inputs."
        elif got == G * H * (C + H) + (L - 1) * G * H * 2 * H:
            hint = " Count the biases too: every layer has b_ih and b_hh, G H values each."
        elif got == 2 * expected:
            hint = " The module is unidirectional: one set of weights per layer, not two."
        elif got == H * (C + H + 2) * L or got == H * (C + H + 2) + (L - 1) * H * (2 * H + 2):
            hint = f" A {kind.upper()} layer has {G} blocks of weights (its gates), each the size of an RNN's."
        raise Mismatch(f"rnn_params({kind!r}, {C}, {H}, {L}) should be {expected}, got {got!r}.{hint}")
