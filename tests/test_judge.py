"""utils.judge: the digit score's end points, its identity with entropies, and its error paths."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from utils.judge import class_histogram, confident_share, digit_score, judge_report, predict_proba


def test_perfect_balanced_predictions_score_the_number_of_classes():
    probs = torch.eye(10).repeat(7, 1)  # every sample certain, every class equally often
    assert digit_score(probs) == pytest.approx(10.0)


def test_one_class_or_uniform_predictions_score_one():
    assert digit_score(torch.eye(10)[[3] * 50]) == pytest.approx(1.0)
    assert digit_score(torch.full((20, 10), 0.1)) == pytest.approx(1.0)


def test_score_equals_exp_of_marginal_entropy_minus_mean_conditional_entropy():
    probs = torch.softmax(torch.randn(300, 10, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * 3, 1)
    marginal = probs.mean(0)
    h_marginal = -(marginal * marginal.log()).sum()
    h_conditional = -(probs * probs.log()).sum(1).mean()
    assert digit_score(probs) == pytest.approx(math.exp(h_marginal - h_conditional), rel=1e-10)


def test_score_matches_the_kl_of_torch_distributions():
    probs = torch.softmax(torch.randn(50, 4, generator=torch.Generator().manual_seed(1), dtype=torch.float64), 1)
    cat = torch.distributions.Categorical
    kl = torch.distributions.kl_divergence(cat(probs=probs), cat(probs=probs.mean(0).expand(50, 4)))
    assert digit_score(probs) == pytest.approx(kl.mean().exp().item(), rel=1e-10)


def test_confident_share_and_histogram():
    probs = torch.tensor([[0.95, 0.05], [0.5, 0.5], [0.1, 0.9], [0.2, 0.8]])
    assert confident_share(probs) == pytest.approx(0.5)
    assert confident_share(probs, 0.8) == pytest.approx(0.75)
    assert class_histogram(probs).tolist() == [2, 2]
    assert class_histogram(torch.eye(3)[[0, 0, 2]]).tolist() == [2, 0, 1]


def test_judge_report_counts_classes_above_min_share():
    probs = torch.eye(3)[[0] * 98 + [1] * 1 + [2] * 1]
    assert judge_report(probs)["classes present"] == 3  # 1 % of 100 = 1 sample
    assert judge_report(probs, min_share=0.02)["classes present"] == 1
    assert set(judge_report(probs)) == {"digit score", "confident share", "classes present"}


def test_predict_proba_rows_are_distributions():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
    X = torch.rand(70, 1, 8, 8)
    probs = predict_proba(model, X, batch_size=32)
    assert probs.shape == (70, 10)
    with torch.no_grad():
        torch.testing.assert_close(probs, model(X).softmax(1))
    torch.testing.assert_close(probs.sum(1), torch.ones(70))


@pytest.mark.parametrize("call, error", [
    (lambda: digit_score([[0.5, 0.5]]), TypeError),
    (lambda: digit_score(torch.ones(3)), ValueError),
    (lambda: digit_score(torch.empty(0, 10)), ValueError),
    (lambda: digit_score(torch.tensor([[0.7, 0.7]])), ValueError),
    (lambda: digit_score(torch.tensor([[1, 0]])), TypeError),
    (lambda: confident_share(torch.eye(2), 1.5), ValueError),
    (lambda: judge_report(torch.eye(2), min_share=1.0), ValueError),
    (lambda: predict_proba("model", torch.zeros(2, 64)), TypeError),
    (lambda: predict_proba(nn.Linear(64, 10), torch.zeros(0, 64)), TypeError),
])
def test_errors(call, error):
    with pytest.raises(error):
        call()
