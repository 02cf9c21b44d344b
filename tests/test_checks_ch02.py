"""The chapter-2 exercise checkers: right answers pass, wrong ones fail with a useful hint."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from utils.check import check


def good_sigmoid_grad(z):
    s = expit(z)
    return s * (1 - s)


def good_bce(z, y):
    return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))


def test_right_answers_pass(capsys):
    assert check("ex-ch02-sigmoid-grad", good_sigmoid_grad) is None
    assert check("ex-ch02-bce-logits", good_bce) is None
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, hint",
    [
        (expit, "returned sigmoid\\(z\\) itself"),
        (lambda z: expit(z) * (1 + expit(z)), r"index \(4,\): expected 0.104994, got 1.6566"),
        (lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2, "cannot overflow"),
        (None, "not attempted"),
    ],
)
def test_wrong_sigmoid_grad_fails_with_hint(answer, hint):
    with pytest.raises(AssertionError, match=hint):
        check("ex-ch02-sigmoid-grad", answer)


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda z, y: np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))), "sum of the losses"),
        (lambda z, y: good_bce(-z, y), "sign is flipped"),
        (lambda z, y: -np.mean(y * np.log(expit(z)) + (1 - y) * np.log(1 - expit(z))), "overflows"),
        (lambda z, y: np.mean((expit(z) - y) ** 2), "should be about 1.0181, got 0.326158"),
    ],
)
def test_wrong_bce_fails_with_hint(answer, hint):
    with pytest.raises(AssertionError, match=hint):
        check("ex-ch02-bce-logits", answer)
