"""Judging generated digits with a fixed classifier: the digit score. Introduced in chapter 9.

A generative model of the digits is good if its samples look like digits (a classifier
is confident about each one) and if they cover all ten classes (the classifier's
predictions, pooled over many samples, are spread over the classes). The *Inception
score* of Salimans et al. (2016) puts both into one number; on the digits we call it the
**digit score**:

    score = exp( mean_x KL( p(y | x) || p(y) ) ),    p(y) = mean_x p(y | x),

where ``p(y | x)`` is the judge's softmax output for sample ``x`` and ``p(y)`` is its
average over the samples. It lies between 1 (every sample gets the same prediction, or
every prediction is the uniform guess) and the number of classes (each sample is
classified with certainty and the classes are used equally often). Because
``mean_x KL(p(y|x) || p(y)) = H(p(y)) - mean_x H(p(y|x))``, the score rewards spread of
the marginal (coverage) and sharpness of each prediction (quality).

The judge's two companions are simpler to read: the share of samples it classifies with
confidence at least 0.9, and the histogram of its predicted classes (which exposes a
generator that collapses onto a few classes).
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["predict_proba", "digit_score", "confident_share", "class_histogram", "judge_report"]


def _check_probs(probs: object) -> torch.Tensor:
    if not isinstance(probs, torch.Tensor):
        raise TypeError(f"probs must be a torch.Tensor of shape (N, K), got {type(probs).__name__}")
    if probs.ndim != 2 or probs.shape[0] == 0 or probs.shape[1] < 2:
        raise ValueError(f"probs must have shape (N, K) with N >= 1 and K >= 2, got {tuple(probs.shape)}")
    if not probs.is_floating_point():
        raise TypeError(f"probs must be a floating tensor, got dtype {probs.dtype}")
    if (probs < 0).any() or not torch.allclose(probs.sum(1), torch.ones(len(probs), dtype=probs.dtype), atol=1e-4):
        raise ValueError("each row of probs must be a probability distribution (non-negative, summing to 1)")
    return probs


@torch.no_grad()
def predict_proba(classifier: nn.Module, X: torch.Tensor, *, batch_size: int = 512) -> torch.Tensor:
    """The classifier's softmax probabilities ``p(y | x)`` for images ``X``.

    Args:
        classifier: a module mapping ``X`` to logits ``(B, K)``; put in eval mode here.
        X: images, e.g. ``(N, 1, 8, 8)`` or ``(N, 64)``, in the range the classifier was
            trained on; moved to the classifier's device in batches.
        batch_size: images per forward pass.

    Returns:
        ``(N, K)`` float tensor on the CPU.
    """
    if not isinstance(classifier, nn.Module):
        raise TypeError(f"classifier must be a torch.nn.Module, got {type(classifier).__name__}")
    if not isinstance(X, torch.Tensor) or len(X) == 0:
        raise TypeError("X must be a non-empty tensor of images")
    classifier.eval()
    device = next(classifier.parameters()).device
    chunks = [classifier(X[i : i + batch_size].to(device)).softmax(-1).cpu() for i in range(0, len(X), batch_size)]
    return torch.cat(chunks)


def digit_score(probs: torch.Tensor) -> float:
    """``exp(mean_x KL(p(y|x) || p(y)))`` with ``p(y)`` the mean of the rows of ``probs``.

    Args:
        probs: ``(N, K)`` class probabilities of N samples (rows sum to 1).

    Returns:
        the score, a float in ``[1, K]``.
    """
    probs = _check_probs(probs).double()
    marginal = probs.mean(0, keepdim=True)  # (1, K): p(y), pooled over the samples
    # 0 * log 0 = 0: xlogy handles rows with exact zeros.
    kl = (torch.xlogy(probs, probs) - torch.xlogy(probs, marginal)).sum(1)  # (N,)
    return float(kl.mean().exp())


def confident_share(probs: torch.Tensor, threshold: float = 0.9) -> float:
    """Share of samples whose top class has probability ``>= threshold``.

    Args:
        probs: ``(N, K)`` class probabilities.
        threshold: confidence needed, in ``(0, 1]``.
    """
    if not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise ValueError(f"threshold must be a number in (0, 1], got {threshold!r}")
    return float((_check_probs(probs).max(1).values >= threshold).double().mean())


def class_histogram(probs: torch.Tensor) -> torch.Tensor:
    """How many samples the judge assigns to each class (argmax of each row).

    Args:
        probs: ``(N, K)`` class probabilities.

    Returns:
        ``(K,)`` int64 counts, summing to N.
    """
    probs = _check_probs(probs)
    return torch.bincount(probs.argmax(1), minlength=probs.shape[1])


def judge_report(probs: torch.Tensor, threshold: float = 0.9, min_share: float = 0.01) -> dict[str, float | int]:
    """The three numbers of the chapter's comparison table for one set of samples.

    Args:
        probs: ``(N, K)`` class probabilities.
        threshold: confidence for :func:`confident_share`.
        min_share: a class is *present* when the judge assigns it at least this share of
            the samples (1 % by default, so that one stray sample does not count).

    Returns:
        ``{"digit score", "confident share", "classes present"}``.
    """
    if not isinstance(min_share, (int, float)) or not 0 <= min_share < 1:
        raise ValueError(f"min_share must be a number in [0, 1), got {min_share!r}")
    counts = class_histogram(probs)
    return {
        "digit score": digit_score(probs),
        "confident share": confident_share(probs, threshold),
        "classes present": int((counts >= min_share * len(probs)).sum()),
    }
