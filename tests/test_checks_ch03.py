"""The chapter-3 exercise checkers: right answers pass, wrong ones fail with a useful hint."""

from __future__ import annotations

import numpy as np
import pytest

from utils.check import check
from utils.scratch.mlp import log_softmax, mlp_param_count

GOOD_XOR = [
    (np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([-0.5, 1.5])),  # OR, NAND
    (np.array([[1.0], [1.0]]), np.array([-1.5])),  # AND
]


def good_ce(logits, y):
    return -log_softmax(logits)[np.arange(len(y)), y].mean()


def naive_ce(logits, y):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return -np.log(p[np.arange(len(y)), y]).mean()


def test_right_answers_pass(capsys):
    assert check("ex-ch03-count-params", mlp_param_count) is None
    assert check("ex-ch03-cross-entropy", good_ce) is None
    assert check("ex-ch03-xor-weights", GOOD_XOR) is None
    assert capsys.readouterr().out.count("✓") == 3


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])), "only the weights"),
        (lambda s: sum(a * b + a for a, b in zip(s[:-1], s[1:])), r"should be 3 \(what PyTorch counts\), got 4"),
        ("784-256-10", "pass the function itself"),
    ],
)
def test_wrong_count_fails_with_hint(answer, hint):
    with pytest.raises(AssertionError, match=hint):
        check("ex-ch03-count-params", answer)


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda z, y: -log_softmax(z)[np.arange(len(y)), y].sum(), "sum over the batch"),
        (naive_ce, "overflows"),
        (lambda z, y: -log_softmax(z)[:, 0].mean(), "should be about 3.17646, got 3.44749"),
    ],
)
def test_wrong_cross_entropy_fails_with_hint(answer, hint):
    with pytest.raises(AssertionError, match=hint):
        check("ex-ch03-cross-entropy", answer)


@pytest.mark.parametrize(
    "answer, hint",
    [
        ([(np.eye(2), np.zeros(2)), (np.ones((2, 1)), np.array([-1.5]))], "outputs"),
        ([(np.eye(3), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))], "shapes should be"),
        ([np.eye(2)], "list of two layers"),
    ],
)
def test_wrong_xor_weights_fail_with_hint(answer, hint):
    with pytest.raises(AssertionError, match=hint):
        check("ex-ch03-xor-weights", answer)


def test_global_max_stabilisation_is_not_enough():
    def global_max_ce(z, y):
        shifted = z - z.max()  # the batch's maximum, not each row's
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -log_p[np.arange(len(y)), y].mean()

    with pytest.raises(AssertionError, match="each row's own maximum"):
        check("ex-ch03-cross-entropy", global_max_ce)
