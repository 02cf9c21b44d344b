"""Attention and the Transformer block from plain tensors. Introduced in chapter 8.

Everything here is written with tensor operations only (matrix products, ``softmax``,
``tanh``, elementwise arithmetic): no ``torch.nn`` layers and no
``F.scaled_dot_product_attention``. The classes are ``nn.Module`` subclasses only so that
their weights are ``torch.nn.Parameter`` objects an optimiser can train. Each piece
is tested against its PyTorch counterpart in float64 (``tests/test_scratch_attention.py``):

- :func:`scaled_dot_product_attention` against ``F.scaled_dot_product_attention``;
- :class:`MultiHeadAttention` against ``nn.MultiheadAttention`` (weights copied with
  :func:`mha_from_torch`);
- :class:`TransformerBlock` against ``nn.TransformerEncoderLayer`` (weights copied with
  :func:`block_from_torch`), pre-norm and post-norm.

**Mask convention.** A boolean ``mask`` is ``True`` where a query *may* attend to a key,
as in ``F.scaled_dot_product_attention``. (``nn.MultiheadAttention`` and
``nn.TransformerEncoderLayer`` use the opposite convention: ``True`` means *blocked*.)
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = [
    "scaled_dot_product_attention",
    "causal_mask",
    "padding_mask",
    "additive_attention",
    "MultiHeadAttention",
    "layer_norm",
    "TransformerBlock",
    "sinusoidal_encoding",
    "mha_from_torch",
    "block_from_torch",
]


def _check_tensor(x: object, name: str, min_ndim: int, shape_hint: str) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape {shape_hint}, got {type(x).__name__}")
    if x.ndim < min_ndim:
        raise ValueError(f"{name} must have shape {shape_hint}, got shape {tuple(x.shape)}")
    if not torch.is_floating_point(x):
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {x.dtype}")
    return x


def _check_mask(mask: object) -> torch.Tensor:
    if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool:
        got = mask.dtype if isinstance(mask, torch.Tensor) else type(mask).__name__
        raise TypeError(f"mask must be a bool tensor (True = may attend), got {got}")
    return mask


def scaled_dot_product_attention(
    Q: torch.Tensor, K: torch.Tensor, V: torch.Tensor, mask: torch.Tensor | None = None,
    *, scale: float | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Scaled dot-product attention: ``softmax(Q K^T / sqrt(d) + mask) V``.

    Args:
        Q: queries, ``(..., T_q, d)``.
        K: keys, ``(..., T_k, d)``.
        V: values, ``(..., T_k, d_v)``.
        mask: optional bool tensor broadcastable to ``(..., T_q, T_k)``, ``True`` where a
            query may attend to a key. A row with no ``True`` gives NaN, as in PyTorch.
        scale: factor applied to the scores; default ``1 / sqrt(d)``.

    Returns:
        ``(output, weights)``: output ``(..., T_q, d_v)`` and the attention weights
        ``(..., T_q, T_k)``, each row a probability distribution over the keys.
    """
    _check_tensor(Q, "Q", 2, "(..., T_q, d)")
    _check_tensor(K, "K", 2, "(..., T_k, d)")
    _check_tensor(V, "V", 2, "(..., T_k, d_v)")
    if Q.shape[-1] != K.shape[-1]:
        raise ValueError(f"Q and K need the same last dimension d, got {Q.shape[-1]} and {K.shape[-1]}")
    if K.shape[-2] != V.shape[-2]:
        raise ValueError(f"K and V need the same number of keys T_k, got {K.shape[-2]} and {V.shape[-2]}")
    if scale is None:
        scale = 1.0 / math.sqrt(Q.shape[-1])
    scores = Q @ K.transpose(-2, -1) * scale  # (..., T_q, T_k): one score per query-key pair
    if mask is not None:
        scores = scores.masked_fill(~_check_mask(mask), float("-inf"))  # exp(-inf) = 0: no weight
    weights = torch.softmax(scores, dim=-1)  # normalise over the keys
    return weights @ V, weights  # (..., T_q, d_v): a weighted average of the values


def causal_mask(T: int, device: torch.device | str | None = None) -> torch.Tensor:
    """``(T, T)`` bool mask, ``True`` on and below the diagonal: position i sees j <= i."""
    if not isinstance(T, int) or isinstance(T, bool) or T < 1:
        raise ValueError(f"T must be a positive int, got {T!r}")
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()


def padding_mask(lengths: torch.Tensor, T: int) -> torch.Tensor:
    """``(B, T)`` bool mask, ``True`` at the first ``lengths[b]`` positions of sequence b.

    Used as a key mask, it must be broadcast over the queries: ``mask[:, None, :]`` for
    ``(B, T_q, T_k)`` scores, ``mask[:, None, None, :]`` for ``(B, h, T_q, T_k)``.
    """
    if not isinstance(lengths, torch.Tensor) or lengths.ndim != 1 or torch.is_floating_point(lengths):
        raise TypeError("lengths must be a 1-D integer tensor of sequence lengths")
    if lengths.numel() and (lengths.min() < 0 or lengths.max() > T):
        raise ValueError(f"lengths must lie in 0..{T}, got {lengths.tolist()}")
    return torch.arange(T, device=lengths.device)[None, :] < lengths[:, None]


def additive_attention(
    query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor,
    W_q: torch.Tensor, W_k: torch.Tensor, w: torch.Tensor, mask: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Additive (Bahdanau) attention: scores ``w . tanh(W_q q_i + W_k k_j)``.

    Args:
        query: ``(B, T_q, d_q)`` queries (e.g. decoder states), or ``(B, d_q)`` for one.
        keys: ``(B, T_k, d_k)``; values: ``(B, T_k, d_v)``.
        W_q: ``(d_a, d_q)``; W_k: ``(d_a, d_k)``; w: ``(d_a,)``.
        mask: optional bool tensor broadcastable to ``(B, T_q, T_k)``, ``True`` where a
            query may attend to a key.

    Returns:
        ``(context, weights)``: context ``(B, T_q, d_v)`` and weights ``(B, T_q, T_k)``,
        or ``(B, d_v)`` and ``(B, T_k)`` for a ``(B, d_q)`` query.
    """
    _check_tensor(query, "query", 2, "(B, T_q, d_q) or (B, d_q)")
    _check_tensor(keys, "keys", 3, "(B, T_k, d_k)")
    _check_tensor(values, "values", 3, "(B, T_k, d_v)")
    single = query.ndim == 2
    q = query[:, None, :] if single else query  # (B, T_q, d_q)
    hidden = torch.tanh((q @ W_q.T)[:, :, None, :] + (keys @ W_k.T)[:, None, :, :])  # (B, T_q, T_k, d_a)
    scores = hidden @ w  # (B, T_q, T_k)
    if mask is not None:
        scores = scores.masked_fill(~_check_mask(mask), float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # (B, T_q, T_k)
    context = weights @ values  # (B, T_q, d_v)
    return (context[:, 0], weights[:, 0]) if single else (context, weights)


class MultiHeadAttention(nn.Module):
    """Multi-head attention with ``num_heads`` heads of size ``d_model // num_heads``.

    Each head projects queries, keys and values to ``d_head`` dimensions, attends, and the
    heads' outputs are concatenated and mixed by an output projection. The weights are
    stored like ``nn.Linear`` weights, ``(out, in)``, so a projection is ``X @ W.T + b``.
    Parameters: ``4 d_model^2 + 4 d_model`` (with biases).
    """

    def __init__(self, d_model: int, num_heads: int, *, bias: bool = True) -> None:
        super().__init__()
        if d_model % num_heads:
            raise ValueError(f"d_model ({d_model}) must be divisible by num_heads ({num_heads})")
        self.d_model, self.num_heads, self.d_head = d_model, num_heads, d_model // num_heads
        for name in ("q", "k", "v", "o"):
            weight = torch.empty(d_model, d_model)
            nn.init.xavier_uniform_(weight)
            setattr(self, f"W_{name}", nn.Parameter(weight))
            setattr(self, f"b_{name}", nn.Parameter(torch.zeros(d_model)) if bias else None)

    def _split(self, X: torch.Tensor) -> torch.Tensor:
        B, T, _ = X.shape
        return X.reshape(B, T, self.num_heads, self.d_head).transpose(1, 2)  # (B, h, T, d_head)

    def _project(self, X: torch.Tensor, name: str) -> torch.Tensor:
        bias = getattr(self, f"b_{name}")
        out = X @ getattr(self, f"W_{name}").T
        return out if bias is None else out + bias

    def forward(
        self, X_q: torch.Tensor, X_kv: torch.Tensor | None = None, mask: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Attend from ``X_q`` ``(B, T_q, d_model)`` to ``X_kv`` ``(B, T_k, d_model)``.

        ``X_kv`` defaults to ``X_q`` (self-attention). ``mask`` is a bool tensor
        broadcastable to ``(B, h, T_q, T_k)``, ``True`` where attending is allowed.
        Returns ``(output (B, T_q, d_model), weights (B, h, T_q, T_k))``.
        """
        _check_tensor(X_q, "X_q", 3, "(B, T_q, d_model)")
        X_kv = X_q if X_kv is None else _check_tensor(X_kv, "X_kv", 3, "(B, T_k, d_model)")
        if X_q.shape[-1] != self.d_model or X_kv.shape[-1] != self.d_model:
            raise ValueError(f"inputs need last dimension d_model={self.d_model}, got {tuple(X_q.shape)}")
        Q = self._split(self._project(X_q, "q"))  # (B, h, T_q, d_head)
        K = self._split(self._project(X_kv, "k"))  # (B, h, T_k, d_head)
        V = self._split(self._project(X_kv, "v"))  # (B, h, T_k, d_head)
        heads, weights = scaled_dot_product_attention(Q, K, V, mask)  # (B, h, T_q, d_head)
        B, _, T_q, _ = heads.shape
        concat = heads.transpose(1, 2).reshape(B, T_q, self.d_model)  # (B, T_q, h * d_head)
        return self._project(concat, "o"), weights


def layer_norm(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Normalise each ``(..., d)`` vector to mean 0, variance 1, then scale and shift.

    The variance is the biased one (divide by d), as in ``F.layer_norm``.
    """
    _check_tensor(x, "x", 1, "(..., d)")
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return gamma * (x - mean) / torch.sqrt(var + eps) + beta


class TransformerBlock(nn.Module):
    """One Transformer encoder block: self-attention and a feed-forward network, each with a
    residual connection and layer normalisation.

    ``norm_first=True`` (pre-norm, today's usual choice): ``x + Attn(LN(x))`` then
    ``x + FFN(LN(x))``. ``norm_first=False`` (post-norm, the 2017 original):
    ``LN(x + Attn(x))`` then ``LN(x + FFN(x))``. ``FFN(x) = act(x W_1^T + b_1) W_2^T + b_2``.
    No dropout, so that the block is a deterministic function.
    """

    def __init__(self, d_model: int, num_heads: int, d_ff: int, *, norm_first: bool = True,
                 activation: str = "relu", eps: float = 1e-5) -> None:
        super().__init__()
        if activation not in ("relu", "gelu"):
            raise ValueError(f"activation must be 'relu' or 'gelu', got {activation!r}")
        self.norm_first, self.activation, self.eps = norm_first, activation, eps
        self.attn = MultiHeadAttention(d_model, num_heads)
        bound_1, bound_2 = 1 / math.sqrt(d_model), 1 / math.sqrt(d_ff)  # nn.Linear's default range
        self.W_1 = nn.Parameter(torch.empty(d_ff, d_model).uniform_(-bound_1, bound_1))
        self.b_1 = nn.Parameter(torch.empty(d_ff).uniform_(-bound_1, bound_1))
        self.W_2 = nn.Parameter(torch.empty(d_model, d_ff).uniform_(-bound_2, bound_2))
        self.b_2 = nn.Parameter(torch.empty(d_model).uniform_(-bound_2, bound_2))
        self.gamma_1, self.beta_1 = nn.Parameter(torch.ones(d_model)), nn.Parameter(torch.zeros(d_model))
        self.gamma_2, self.beta_2 = nn.Parameter(torch.ones(d_model)), nn.Parameter(torch.zeros(d_model))

    def ffn(self, x: torch.Tensor) -> torch.Tensor:
        """The position-wise feed-forward network, ``(B, T, d_model)`` in and out."""
        h = x @ self.W_1.T + self.b_1  # (B, T, d_ff)
        if self.activation == "relu":
            h = torch.clamp(h, min=0)
        else:  # the exact GELU, x * Phi(x)
            h = 0.5 * h * (1 + torch.erf(h / math.sqrt(2)))
        return h @ self.W_2.T + self.b_2  # (B, T, d_model)

    def forward(self, X: torch.Tensor, mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """``X`` ``(B, T, d_model)`` -> ``(output (B, T, d_model), attention weights (B, h, T, T))``."""
        ln_1 = lambda x: layer_norm(x, self.gamma_1, self.beta_1, self.eps)  # noqa: E731
        ln_2 = lambda x: layer_norm(x, self.gamma_2, self.beta_2, self.eps)  # noqa: E731
        if self.norm_first:
            a, weights = self.attn(ln_1(X), mask=mask)
            X = X + a
            return X + self.ffn(ln_2(X)), weights
        a, weights = self.attn(X, mask=mask)
        X = ln_1(X + a)
        return ln_2(X + self.ffn(X)), weights


def sinusoidal_encoding(T: int, d: int, base: float = 10000.0, *, dtype: torch.dtype | None = None) -> torch.Tensor:
    """The sinusoidal positional encodings of Vaswani et al. (2017), ``(T, d)``.

    ``PE[p, 2i] = sin(p / base^(2i/d))`` and ``PE[p, 2i+1] = cos(p / base^(2i/d))``: each
    pair of dimensions is a clock at its own frequency, from one turn per ``2 pi``
    positions down to one per ``2 pi base`` positions.
    """
    if not isinstance(T, int) or not isinstance(d, int) or T < 1 or d < 2 or d % 2:
        raise ValueError(f"T must be a positive int and d an even int >= 2, got T={T!r}, d={d!r}")
    position = torch.arange(T, dtype=torch.float64)[:, None]  # (T, 1)
    freq = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)  # (d/2,)
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(position * freq)
    pe[:, 1::2] = torch.cos(position * freq)
    return pe.to(dtype or torch.get_default_dtype())


def mha_from_torch(mha: nn.MultiheadAttention) -> MultiHeadAttention:
    """A :class:`MultiHeadAttention` with the weights of ``mha`` (same dtype)."""
    if not isinstance(mha, nn.MultiheadAttention):
        raise TypeError(f"expected nn.MultiheadAttention, got {type(mha).__name__}")
    if not mha._qkv_same_embed_dim or mha.in_proj_bias is None or mha.bias_k is not None:
        raise ValueError("only the default nn.MultiheadAttention (one embed_dim, with biases) is supported")
    ours = MultiHeadAttention(mha.embed_dim, mha.num_heads).to(mha.in_proj_weight.dtype)
    W_q, W_k, W_v = mha.in_proj_weight.detach().chunk(3)  # in_proj_weight stacks (W_q; W_k; W_v)
    b_q, b_k, b_v = mha.in_proj_bias.detach().chunk(3)
    with torch.no_grad():
        for name, W, b in (("q", W_q, b_q), ("k", W_k, b_k), ("v", W_v, b_v),
                           ("o", mha.out_proj.weight, mha.out_proj.bias)):
            getattr(ours, f"W_{name}").copy_(W)
            getattr(ours, f"b_{name}").copy_(b)
    return ours


def block_from_torch(layer: nn.TransformerEncoderLayer) -> TransformerBlock:
    """A :class:`TransformerBlock` with the weights of ``layer`` (ReLU or GELU, same dtype)."""
    if not isinstance(layer, nn.TransformerEncoderLayer):
        raise TypeError(f"expected nn.TransformerEncoderLayer, got {type(layer).__name__}")
    act = layer.activation
    name = getattr(act, "__name__", type(act).__name__).lower()
    if name not in ("relu", "gelu"):
        raise ValueError(f"only ReLU and GELU activations are supported, got {name}")
    d_ff, d_model = layer.linear1.weight.shape
    block = TransformerBlock(d_model, layer.self_attn.num_heads, d_ff, norm_first=layer.norm_first,
                             activation=name, eps=layer.norm1.eps)
    block = block.to(layer.linear1.weight.dtype)
    block.attn = mha_from_torch(layer.self_attn)
    with torch.no_grad():
        for ours, theirs in ((block.W_1, layer.linear1.weight), (block.b_1, layer.linear1.bias),
                             (block.W_2, layer.linear2.weight), (block.b_2, layer.linear2.bias),
                             (block.gamma_1, layer.norm1.weight), (block.beta_1, layer.norm1.bias),
                             (block.gamma_2, layer.norm2.weight), (block.beta_2, layer.norm2.bias)):
            ours.copy_(theirs)
    return block
