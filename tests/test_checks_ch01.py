"""Chapter 1's count-parameters checker, and the expect_* helpers the checkers share."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from utils.check import Mismatch, check, expect_callable, expect_number, expect_tuple


def test_count_params_checker_uses_trainable_parameters():
    check("ex-ch01-count-params", lambda m: sum(p.numel() for p in m.parameters() if p.requires_grad))
    with pytest.raises(AssertionError, match="pass the function itself, check\\(..., count_parameters\\)"):
        check("ex-ch01-count-params", 9610)


def test_expect_callable():
    expect_callable(len, "len(x)")
    with pytest.raises(Mismatch, match=r"grad_f should be a function grad_f\(x, y\).*not a int"):
        expect_callable(3, "grad_f(x, y)")


def test_expect_number():
    assert expect_number(np.float32(1.5), "f(x)") == 1.5
    assert expect_number(torch.tensor([2.0]), "f(x)") == 2.0
    with pytest.raises(Mismatch, match="f\\(x\\) should be one number, got list"):
        expect_number([1.0, 2.0], "f(x)")


def test_expect_tuple():
    assert expect_tuple([1, 2], "(a, b)", "f") == (1, 2)
    with pytest.raises(Mismatch, match=r"f should return a tuple \(dX, dW, db\)"):
        expect_tuple((1, 2), "(dX, dW, db)", "f")
    with pytest.raises(Mismatch, match=r"f should return a pair \(a, b\)"):
        expect_tuple(np.zeros(2), "(a, b)", "f")


def _blocks(X):
    return np.asarray(X).reshape(-1, 4, 2, 4, 2).sum(axis=(2, 4)).reshape(-1, 16)


def test_new_feature_checker_wants_more_than_raw_pixels(capsys):
    check("ex-ch01-new-feature", lambda X: np.column_stack([X, _blocks(X)]))
    assert "✓" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="not better yet.*keep the 64 pixels"):
        check("ex-ch01-new-feature", _blocks)             # designed features alone lose
    with pytest.raises(AssertionError, match="not better yet"):
        check("ex-ch01-new-feature", lambda X: X)         # the raw pixels only tie with themselves
    with pytest.raises(AssertionError, match="one row per digit"):
        check("ex-ch01-new-feature", lambda X: _blocks(X)[:10])
    with pytest.raises(AssertionError, match="NaN or infinite"):
        check("ex-ch01-new-feature", lambda X: np.column_stack([X, X[:, :1] / 0.0]))
