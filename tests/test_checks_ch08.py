"""The chapter-8 exercise checkers accept right answers and give helpful hints for wrong ones."""

from __future__ import annotations

import math

import pytest
import torch

from utils.check import check


def test_causal_mask_checker(capsys):
    check("ex-ch08-causal-mask", lambda T: torch.ones(T, T, dtype=torch.bool).tril())
    assert "✓" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="transposed"):
        check("ex-ch08-causal-mask", lambda T: torch.ones(T, T, dtype=torch.bool).triu())
    with pytest.raises(AssertionError, match="inverted"):
        check("ex-ch08-causal-mask", lambda T: ~torch.ones(T, T, dtype=torch.bool).tril())
    with pytest.raises(AssertionError, match="diagonal is missing"):
        check("ex-ch08-causal-mask", lambda T: torch.ones(T, T, dtype=torch.bool).tril(-1))
    with pytest.raises(AssertionError, match="bool"):
        check("ex-ch08-causal-mask", lambda T: torch.ones(T, T).tril())
    with pytest.raises(AssertionError, match="shape"):
        check("ex-ch08-causal-mask", lambda T: torch.ones(T, dtype=torch.bool))
    with pytest.raises(AssertionError, match="function"):
        check("ex-ch08-causal-mask", torch.ones(3, 3))
    with pytest.raises(AssertionError, match="not attempted"):
        check("ex-ch08-causal-mask", None)


def test_one_head_checker():
    def right(Q, K, V):
        return torch.softmax(Q @ K.T / math.sqrt(Q.shape[-1]), dim=-1) @ V

    check("ex-ch08-one-head", right)
    with pytest.raises(AssertionError, match="without the scaling"):
        check("ex-ch08-one-head", lambda Q, K, V: torch.softmax(Q @ K.T, dim=-1) @ V)
    with pytest.raises(AssertionError, match="instead of sqrt"):
        check("ex-ch08-one-head", lambda Q, K, V: torch.softmax(Q @ K.T / Q.shape[-1], dim=-1) @ V)
    with pytest.raises(AssertionError, match="over the queries"):
        check("ex-ch08-one-head", lambda Q, K, V: torch.softmax(Q @ K.T / math.sqrt(Q.shape[-1]), dim=0) @ V)
    check("ex-ch08-one-head", lambda Q, K, V: right(Q.float(), K.float(), V.float()))  # float32 is right too
    with pytest.raises(AssertionError, match="number of keys"):
        check("ex-ch08-one-head", lambda Q, K, V: torch.softmax(Q @ K.T / math.sqrt(K.shape[0]), dim=-1) @ V)
    with pytest.raises(AssertionError, match="size of a value"):
        check("ex-ch08-one-head", lambda Q, K, V: torch.softmax(Q @ K.T / math.sqrt(V.shape[-1]), dim=-1) @ V)
    with pytest.raises(AssertionError, match="without the scaling"):  # the float32 tolerance stays tight
        check("ex-ch08-one-head", lambda Q, K, V: torch.softmax(Q.float() @ K.float().T, dim=-1) @ V.float())
    with pytest.raises(AssertionError, match="not the"):
        check("ex-ch08-one-head", lambda Q, K, V: torch.softmax(Q @ K.T / math.sqrt(Q.shape[-1]), dim=-1))
    with pytest.raises(AssertionError, match="differs"):
        check("ex-ch08-one-head", lambda Q, K, V: torch.zeros(Q.shape[0], V.shape[1]))


def test_block_params_checker():
    def right(d, d_ff):
        return 4 * d * d + 4 * d + 2 * d * d_ff + d_ff + d + 4 * d

    check("ex-ch08-block-params", right)
    check("ex-ch08-block-params", lambda d, d_ff: sum(p.numel() for p in torch.nn.TransformerEncoderLayer(
        d, 1, d_ff).parameters()))
    with pytest.raises(AssertionError, match="layer norms"):
        check("ex-ch08-block-params", lambda d, d_ff: right(d, d_ff) - 4 * d)
    with pytest.raises(AssertionError, match="biases"):
        check("ex-ch08-block-params", lambda d, d_ff: 4 * d * d + 2 * d * d_ff + 4 * d)
    with pytest.raises(AssertionError, match="FOUR"):
        check("ex-ch08-block-params", lambda d, d_ff: right(d, d_ff) - d * d - d)
    with pytest.raises(AssertionError, match="two linear layers"):
        check("ex-ch08-block-params", lambda d, d_ff: right(d, d_ff) - d * d_ff - d_ff)
    with pytest.raises(AssertionError, match="TWO layer norms"):  # one layer norm, or scales without shifts
        check("ex-ch08-block-params", lambda d, d_ff: right(d, d_ff) - 2 * d)
    with pytest.raises(AssertionError, match="biases .* and the layer-norm shifts"):
        check("ex-ch08-block-params", lambda d, d_ff: right(d, d_ff) - 4 * d - d_ff - d - 2 * d)
    with pytest.raises(AssertionError, match="use the d_ff argument"):  # d_ff = 4 d hard-coded
        check("ex-ch08-block-params", lambda d, d_ff: right(d, 4 * d))
    with pytest.raises(AssertionError, match="int"):
        check("ex-ch08-block-params", lambda d, d_ff: float(right(d, d_ff)))
    with pytest.raises(AssertionError, match="should be"):
        check("ex-ch08-block-params", lambda d, d_ff: 0)
