"""utils.scratch.attention against PyTorch in float64, and its error paths."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from utils.scratch.attention import (
    MultiHeadAttention, TransformerBlock, additive_attention, block_from_torch, causal_mask,
    layer_norm, mha_from_torch, padding_mask, scaled_dot_product_attention, sinusoidal_encoding,
)

D64 = torch.float64


def _qkv(B=2, h=3, T_q=5, T_k=7, d=4, d_v=6, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(B, h, T_q, d, generator=g, dtype=D64), torch.randn(B, h, T_k, d, generator=g, dtype=D64),
            torch.randn(B, h, T_k, d_v, generator=g, dtype=D64))


def test_sdpa_matches_torch_without_mask():
    Q, K, V = _qkv()
    out, weights = scaled_dot_product_attention(Q, K, V)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V), rtol=0, atol=1e-12)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3, 5, dtype=D64))


def test_sdpa_matches_torch_with_causal_and_padding_masks():
    Q, K, V = _qkv(T_q=6, T_k=6)
    causal = causal_mask(6)
    out, _ = scaled_dot_product_attention(Q, K, V, causal)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V, is_causal=True), rtol=0, atol=1e-12)
    keys = padding_mask(torch.tensor([6, 3]), 6)[:, None, None, :]  # (B, 1, 1, T_k)
    out, weights = scaled_dot_product_attention(Q, K, V, keys)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V, attn_mask=keys), rtol=0, atol=1e-12)
    assert torch.all(weights[1, :, :, 3:] == 0)
    both = keys & causal
    out, _ = scaled_dot_product_attention(Q, K, V, both)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V, attn_mask=both), rtol=0, atol=1e-12)


def test_sdpa_custom_scale():
    Q, K, V = _qkv()
    out, _ = scaled_dot_product_attention(Q, K, V, scale=0.3)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V, scale=0.3), rtol=0, atol=1e-12)


def test_sdpa_errors():
    Q, K, V = _qkv()
    with pytest.raises(ValueError, match="same last dimension"):
        scaled_dot_product_attention(Q, K[..., :2], V)
    with pytest.raises(ValueError, match="number of keys"):
        scaled_dot_product_attention(Q, K, V[..., :3, :])
    with pytest.raises(TypeError, match="bool"):
        scaled_dot_product_attention(Q, K, V, torch.ones(5, 7))
    with pytest.raises(TypeError, match="torch.Tensor"):
        scaled_dot_product_attention(Q.numpy(), K, V)
    with pytest.raises(TypeError, match="floating-point"):
        scaled_dot_product_attention(Q.long(), K, V)


def test_masks():
    assert torch.equal(causal_mask(3), torch.tensor([[1, 0, 0], [1, 1, 0], [1, 1, 1]], dtype=torch.bool))
    assert torch.equal(padding_mask(torch.tensor([2, 0, 3]), 3),
                       torch.tensor([[1, 1, 0], [0, 0, 0], [1, 1, 1]], dtype=torch.bool))
    with pytest.raises(ValueError):
        causal_mask(0)
    with pytest.raises(ValueError, match="lengths must lie"):
        padding_mask(torch.tensor([4]), 3)
    with pytest.raises(TypeError):
        padding_mask(torch.tensor([1.0]), 3)


def test_additive_attention_matches_a_loop():
    g = torch.Generator().manual_seed(1)
    B, T_q, T_k, d_q, d_k, d_a = 2, 3, 4, 5, 6, 7
    q = torch.randn(B, T_q, d_q, generator=g, dtype=D64)
    keys = torch.randn(B, T_k, d_k, generator=g, dtype=D64)
    values = torch.randn(B, T_k, 2, generator=g, dtype=D64)
    W_q, W_k = torch.randn(d_a, d_q, generator=g, dtype=D64), torch.randn(d_a, d_k, generator=g, dtype=D64)
    w = torch.randn(d_a, generator=g, dtype=D64)
    context, weights = additive_attention(q, keys, values, W_q, W_k, w)
    for b in range(B):
        for i in range(T_q):
            scores = torch.stack([w @ torch.tanh(W_q @ q[b, i] + W_k @ keys[b, j]) for j in range(T_k)])
            a = torch.softmax(scores, 0)
            torch.testing.assert_close(weights[b, i], a, rtol=0, atol=1e-12)
            torch.testing.assert_close(context[b, i], a @ values[b], rtol=0, atol=1e-12)
    c1, w1 = additive_attention(q[:, 0], keys, values, W_q, W_k, w)  # a single query per sequence
    torch.testing.assert_close(c1, context[:, 0])
    mask = padding_mask(torch.tensor([4, 2]), 4)[:, None, :]
    _, masked = additive_attention(q, keys, values, W_q, W_k, w, mask)
    assert torch.all(masked[1, :, 2:] == 0)


@pytest.mark.parametrize("num_heads", [1, 2, 4])
def test_multi_head_attention_matches_torch(num_heads):
    torch.manual_seed(0)
    mha = nn.MultiheadAttention(8, num_heads, batch_first=True, dtype=D64)
    ours = mha_from_torch(mha)
    X = torch.randn(3, 5, 8, dtype=D64)
    Y = torch.randn(3, 6, 8, dtype=D64)
    expected, expected_w = mha(X, X, X, average_attn_weights=False)
    got, got_w = ours(X)
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-12)
    torch.testing.assert_close(got_w, expected_w, rtol=0, atol=1e-12)
    lengths = torch.tensor([6, 4, 2])
    keep = padding_mask(lengths, 6)
    expected, _ = mha(X, Y, Y, key_padding_mask=~keep)  # PyTorch: True = blocked
    got, _ = ours(X, Y, mask=keep[:, None, None, :])
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-12)
    expected, _ = mha(X, X, X, attn_mask=~causal_mask(5))
    got, _ = ours(X, mask=causal_mask(5))
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-12)


def test_multi_head_attention_parameter_count_and_errors():
    assert sum(p.numel() for p in MultiHeadAttention(16, 4).parameters()) == 4 * 16 * 16 + 4 * 16
    assert sum(p.numel() for p in MultiHeadAttention(16, 4, bias=False).parameters()) == 4 * 16 * 16
    with pytest.raises(ValueError, match="divisible"):
        MultiHeadAttention(10, 3)
    with pytest.raises(ValueError, match="d_model=16"):
        MultiHeadAttention(16, 4)(torch.randn(2, 3, 8))
    with pytest.raises(TypeError):
        mha_from_torch(nn.Linear(2, 2))


def test_layer_norm_matches_torch():
    x = torch.randn(4, 5, 6, dtype=D64)
    gamma, beta = torch.randn(6, dtype=D64), torch.randn(6, dtype=D64)
    torch.testing.assert_close(layer_norm(x, gamma, beta), F.layer_norm(x, (6,), gamma, beta), rtol=0, atol=1e-12)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_transformer_block_matches_torch(norm_first, activation):
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=activation, batch_first=True,
                                       norm_first=norm_first, dtype=D64)
    block = block_from_torch(layer)
    assert sum(p.numel() for p in block.parameters()) == sum(p.numel() for p in layer.parameters())
    X = torch.randn(3, 5, 8, dtype=D64)
    got, weights = block(X)
    torch.testing.assert_close(got, layer(X), rtol=0, atol=1e-10)
    assert weights.shape == (3, 2, 5, 5)
    keep = padding_mask(torch.tensor([5, 3, 1]), 5)
    got, _ = block(X, mask=keep[:, None, None, :])
    torch.testing.assert_close(got, layer(X, src_key_padding_mask=~keep), rtol=0, atol=1e-10)
    got, _ = block(X, mask=causal_mask(5))
    torch.testing.assert_close(got, layer(X, src_mask=~causal_mask(5)), rtol=0, atol=1e-10)


def test_transformer_block_errors():
    with pytest.raises(ValueError, match="activation"):
        TransformerBlock(8, 2, 16, activation="tanh")
    with pytest.raises(TypeError):
        block_from_torch(nn.Linear(2, 2))


def test_sinusoidal_encoding():
    pe = sinusoidal_encoding(50, 8)
    assert pe.shape == (50, 8)
    p, i = 7, 1
    assert math.isclose(pe[p, 2 * i].item(), math.sin(p / 10000 ** (2 * i / 8)), abs_tol=1e-6)
    assert math.isclose(pe[p, 2 * i + 1].item(), math.cos(p / 10000 ** (2 * i / 8)), abs_tol=1e-6)
    # The dot product of two encodings depends only on their offset.
    pe = sinusoidal_encoding(40, 16, dtype=D64)
    torch.testing.assert_close(pe[3] @ pe[8], pe[20] @ pe[25], rtol=0, atol=1e-12)
    with pytest.raises(ValueError):
        sinusoidal_encoding(5, 7)
