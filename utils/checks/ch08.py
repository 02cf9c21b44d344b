"""Checkers of chapter 8's exercises (attention and Transformers)."""

from __future__ import annotations

import math

import numpy as np
import torch

from utils.check import Mismatch, register


def _as_tensor(x: object, what: str) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        return x
    try:
        return torch.as_tensor(np.asarray(x))
    except (TypeError, ValueError):
        raise Mismatch(f"{what} should be a tensor, got {type(x).__name__}") from None


@register("ex-ch08-causal-mask", success="Row i of the mask is what position i may see: itself and the past.")
def check_causal_mask(causal_mask) -> None:
    """``causal_mask(T)``: ``(T, T)`` bool, ``True`` where query i may attend to key j (j <= i)."""
    if not callable(causal_mask):
        raise Mismatch(f"causal_mask should be a function causal_mask(T), got {type(causal_mask).__name__}")
    for T in (2, 5, 9, 1):
        got = _as_tensor(causal_mask(T), f"causal_mask({T})")
        expected = torch.ones(T, T, dtype=torch.bool).tril()
        if tuple(got.shape) != (T, T):
            raise Mismatch(f"causal_mask({T}) should have shape ({T}, {T}), got {tuple(got.shape)}")
        if got.dtype != torch.bool:
            raise Mismatch(
                f"causal_mask({T}) should be a bool tensor (True = may attend), got dtype {got.dtype}; "
                "a float 0/1 mask would be *added* to the scores by F.scaled_dot_product_attention"
            )
        if torch.equal(got, expected):
            continue
        if torch.equal(got, expected.T):
            raise Mismatch("your mask is transposed: row i is the query, so row i should be True at "
                           "columns 0..i (the past), not at columns i..T-1 (the future)")
        if torch.equal(got, ~expected):
            raise Mismatch("your mask is inverted: in this chapter (as in F.scaled_dot_product_attention) "
                           "True means 'may attend', and position i may attend to j <= i")
        if torch.equal(got, expected & ~torch.eye(T, dtype=torch.bool)):
            raise Mismatch("the diagonal is missing: a position may attend to itself (otherwise row 0 "
                           "attends to nothing and its softmax is NaN)")
        raise Mismatch(f"causal_mask({T}) should be True exactly on and below the diagonal (j <= i)")


@register("ex-ch08-one-head", success="One head is a weighted average of the values, weighted by softmax(QK^T/sqrt(d)).")
def check_one_head(attend) -> None:
    """``attend(Q, K, V)``: the output of one attention head, ``softmax(Q K^T / sqrt(d)) V``."""
    if not callable(attend):
        raise Mismatch(f"attend should be a function attend(Q, K, V), got {type(attend).__name__}")
    gen = torch.Generator().manual_seed(0)
    for T_q, T_k, d, d_v in ((3, 6, 2, 5), (5, 5, 8, 8), (1, 6, 16, 3)):  # sqrt(d), d, sqrt(T_k), sqrt(d_v) all differ
        Q = torch.randn(T_q, d, generator=gen, dtype=torch.float64) * 2
        K = torch.randn(T_k, d, generator=gen, dtype=torch.float64) * 2
        V = torch.randn(T_k, d_v, generator=gen, dtype=torch.float64)
        got = _as_tensor(attend(Q.clone(), K.clone(), V.clone()), "attend(Q, K, V)")
        scores = Q @ K.T
        expected = torch.softmax(scores / math.sqrt(d), dim=-1) @ V
        if tuple(got.shape) != (T_q, d_v):
            if tuple(got.shape) == (T_q, T_k):
                raise Mismatch("attend should return the output (T_q, d_v), the weights times V, "
                               "not the (T_q, T_k) attention weights")
            raise Mismatch(f"with Q {tuple(Q.shape)}, K {tuple(K.shape)}, V {tuple(V.shape)} the output "
                           f"should have shape ({T_q}, {d_v}), got {tuple(got.shape)}")
        # A correct answer computed in float32 (e.g. after .float()) is right to about 1e-7;
        # every wrong variant below differs by far more than these tolerances.
        rtol, atol = (1e-6, 1e-9) if got.dtype == torch.float64 else (1e-4, 1e-5)
        got = got.double()
        if torch.allclose(got, expected, rtol=rtol, atol=atol):
            continue
        wrong = {
            "without the scaling: divide the scores by sqrt(d), where d is the size of a query": torch.softmax(scores, -1) @ V,
            "dividing by d instead of sqrt(d)": torch.softmax(scores / d, -1) @ V,
            "scaled by the number of keys T_k; d is the size of a query (Q.shape[-1])":
                torch.softmax(scores / math.sqrt(T_k), -1) @ V,
            "scaled by the size of a value d_v; d is the size of a query and a key (Q.shape[-1])":
                torch.softmax(scores / math.sqrt(d_v), -1) @ V,
            "with the softmax over the queries (dim 0); each query's weights must sum to 1 over the keys":
                torch.softmax(scores / math.sqrt(d), dim=0) @ V,
        }
        for reason, value in wrong.items():
            if value.shape == got.shape and torch.allclose(got, value, rtol=rtol, atol=atol):
                raise Mismatch(f"your output matches attention {reason}.")
        raise Mismatch(f"for Q {tuple(Q.shape)}, K {tuple(K.shape)}, V {tuple(V.shape)} the output differs "
                       "from softmax(Q K^T / sqrt(d)) V")


@register("ex-ch08-block-params", success="Most of a block's weights are in the feed-forward network when d_ff = 4 d.")
def check_block_params(block_params) -> None:
    """``block_params(d_model, d_ff)``: parameters of one ``nn.TransformerEncoderLayer``."""
    if not callable(block_params):
        raise Mismatch(f"block_params should be a function block_params(d_model, d_ff), got {type(block_params).__name__}")
    for d, d_ff in ((4, 8), (64, 256), (512, 2048), (10, 3)):
        attn = 4 * d * d + 4 * d
        ffn = 2 * d * d_ff + d_ff + d
        norms = 4 * d
        expected = attn + ffn + norms
        got = block_params(d, d_ff)
        if isinstance(got, float):
            if got.is_integer():
                raise Mismatch(f"block_params({d}, {d_ff}) returned the float {got}; return an int")
            raise Mismatch(f"block_params({d}, {d_ff}) should be an int, got {got}")
        if got == expected:
            continue
        hints = {
            expected - norms: "you left out the two layer norms: each has a scale and a shift of size d_model",
            expected - 4 * d - d_ff - d - 2 * d: "you left out the biases (4 in attention, 2 in the feed-forward network) "
                                                "and the layer-norm shifts",
            expected - 2 * d: "you counted only half of the layer-norm parameters: each of the TWO layer norms "
                              "has a scale and a shift of size d_model",
            expected - 4 * d - d_ff - d: "you left out the biases: 4 in attention (q, k, v, output), 2 in the FFN",
            expected - d * d - d: "attention has FOUR projections (queries, keys, values and the output), each d x d + d",
            expected - d * d_ff - d_ff: "the feed-forward network has two linear layers, d -> d_ff and d_ff -> d",
        }
        if d_ff != 4 * d and got == attn + (8 * d * d + 4 * d + d) + norms:
            raise Mismatch(f"block_params({d}, {d_ff}) should be {expected:,}, got {got!r}: that is the count for "
                           f"d_ff = 4 d_model = {4 * d}; use the d_ff argument")
        raise Mismatch(f"block_params({d}, {d_ff}) should be {expected:,}, got {got!r}. "
                       + hints.get(got, "Count attention (4 projections with biases), the FFN (2 linear layers) "
                                         "and 2 layer norms."))
