"""The chapter-9 exercise checkers accept right answers and give helpful hints for wrong ones."""

from __future__ import annotations

import pytest
import torch

from utils.check import check


def test_gaussian_kl_checker(capsys):
    check("ex-ch09-gaussian-kl", lambda mu, lv: 0.5 * (mu**2 + lv.exp() - 1 - lv).sum(-1))
    assert "✓" in capsys.readouterr().out
    wrong = {
        "factor 1/2": lambda mu, lv: (mu**2 + lv.exp() - 1 - lv).sum(-1),
        "variance": lambda mu, lv: 0.5 * (mu**2 + (0.5 * lv).exp() - 1 - lv).sum(-1),
        "sign": lambda mu, lv: -0.5 * (mu**2 + lv.exp() - 1 - lv).sum(-1),
        "last dimension": lambda mu, lv: 0.5 * (mu**2 + lv.exp() - 1 - lv),
        "not over the batch": lambda mu, lv: 0.5 * (mu**2 + lv.exp() - 1 - lv).sum(),
        "per dimension": lambda mu, lv: 0.5 * (mu**2 + lv.exp() - lv).sum(-1),
        "torch.Tensor": lambda mu, lv: (0.5 * (mu**2 + lv.exp() - 1 - lv).sum(-1)).tolist(),
        "function": 3.0,
    }
    for hint, answer in wrong.items():
        with pytest.raises(AssertionError, match=hint):
            check("ex-ch09-gaussian-kl", answer)
    with pytest.raises(AssertionError, match="not attempted"):
        check("ex-ch09-gaussian-kl", None)


def test_reparameterize_checker(capsys):
    check("ex-ch09-reparameterize", lambda mu, lv, eps: mu + torch.exp(lv / 2) * eps)
    assert "✓" in capsys.readouterr().out
    wrong = {
        "variance": lambda mu, lv, eps: mu + lv.exp() * eps,
        "log-variance": lambda mu, lv, eps: mu + lv * eps,
        "centred on mu": lambda mu, lv, eps: (lv / 2).exp() * eps,
        "autograd graph": lambda mu, lv, eps: (mu + (lv / 2).exp() * eps).detach(),
        "depend on logvar": lambda mu, lv, eps: mu + (lv.detach() / 2).exp() * eps,
        "depend on mu": lambda mu, lv, eps: mu.detach() + (lv / 2).exp() * eps,
        "the eps you are given": lambda mu, lv, eps: mu + (lv / 2).exp() * torch.randn_like(mu),
        "shape of mu": lambda mu, lv, eps: (mu + (lv / 2).exp() * eps).flatten(),
        "function": "z",
    }
    for hint, answer in wrong.items():
        with pytest.raises(AssertionError, match=hint):
            check("ex-ch09-reparameterize", answer)


def test_forward_noise_checker(capsys):
    check("ex-ch09-forward-noise", lambda x0, a, eps: a**0.5 * x0 + (1 - a) ** 0.5 * eps)
    assert "✓" in capsys.readouterr().out
    wrong = {
        "square roots": lambda x0, a, eps: a * x0 + (1 - a) * eps,
        "swapped": lambda x0, a, eps: (1 - a) ** 0.5 * x0 + a**0.5 * eps,
        "should be sqrt": lambda x0, a, eps: a**0.5 * x0 + eps,
        "shape of x0": lambda x0, a, eps: (a**0.5 * x0 + (1 - a) ** 0.5 * eps).sum(0),
        "torch.Tensor": lambda x0, a, eps: (a**0.5 * x0 + (1 - a) ** 0.5 * eps).numpy(),
        "function": 1,
    }
    for hint, answer in wrong.items():
        with pytest.raises(AssertionError, match=hint):
            check("ex-ch09-forward-noise", answer)
