"""Checks for the exercises of chapter 1 (introduction and history)."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from torch import nn

from utils.check import Mismatch, expect_callable, register
from utils.data import digits_split
from utils.train import count_parameters as reference_count

PARADIGMS = {"supervised", "unsupervised", "reinforcement"}
# Why each scenario belongs where it does, phrased as a question so the hint does not give
# the answer away.
_PARADIGM_ANSWERS = {
    "a": ("supervised", "does each past sale come with the value to predict?"),
    "b": ("unsupervised", "are the groups given to the learner, or must it find them?"),
    "c": ("reinforcement", "does the robot see correct examples, or only a reward?"),
    "d": ("supervised", "does each recording come with the correct output?"),
    "e": ("unsupervised", "has anybody labelled the transactions?"),
    "f": ("reinforcement", "is the score an example of a correct move, or a reward?"),
}


@register("ex-ch01-paradigms", success="Ask of every problem: what does the data tell the learner?")
def _check_paradigms(answer: object) -> None:
    if not isinstance(answer, dict):
        raise Mismatch(f"`paradigms` should be a dict like {{'a': 'supervised', ...}}, got {type(answer).__name__}")
    missing = sorted(set(_PARADIGM_ANSWERS) - set(answer))
    if missing:
        raise Mismatch(f"`paradigms` has no answer for scenario(s) {', '.join(missing)}")
    for key, (expected, question) in _PARADIGM_ANSWERS.items():
        given = str(answer[key]).strip().lower()
        if given not in PARADIGMS:
            raise Mismatch(f"scenario {key}: answer with one of {sorted(PARADIGMS)}, got {answer[key]!r}")
        if given != expected:
            raise Mismatch(f"scenario {key} is not {given} learning. Ask yourself: {question}")


def _models() -> list[tuple[nn.Module, str]]:
    torch.manual_seed(0)
    frozen = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    for p in frozen[0].parameters():
        p.requires_grad_(False)
    return [
        (nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)), "the section 1.5 model"),
        (nn.Linear(3, 1), "nn.Linear(3, 1)"),
        (nn.Linear(5, 2, bias=False), "nn.Linear(5, 2, bias=False)"),
        (nn.Conv2d(1, 4, kernel_size=3), "nn.Conv2d(1, 4, kernel_size=3)"),
        (frozen, "the section 1.5 model with its first layer frozen (requires_grad=False)"),
    ]


@register("ex-ch01-count-params", success="PyTorch models report sizes this way; remember the biases.")
def _check_count_parameters(count_parameters: object) -> None:
    expect_callable(count_parameters, "count_parameters(model)")
    for model, name in _models():
        expected = reference_count(model, trainable_only=True)  # 9610, 4, 10, 40, 1290
        got = count_parameters(model)
        if isinstance(got, torch.Tensor):
            got = got.item()
        if got != expected:
            hint = ""
            if "frozen" in name:
                hint = " Count only parameters with requires_grad=True."
            elif "bias" in name and got != expected:
                hint = " Count the elements of every parameter tensor (p.numel())."
            raise Mismatch(f"for {name} expected {expected} trainable parameters, got {got}.{hint}")


_CHRONOLOGICAL = ["f", "b", "c", "e", "g", "d", "a"]


@register("ex-ch01-timeline")
def _check_timeline(answer: object) -> None:
    if not isinstance(answer, (list, tuple)):
        raise Mismatch(f"`chronological` should be a list of letters like ['b', 'a', ...], got {type(answer).__name__}")
    letters = [str(x).strip().lower() for x in answer]
    if sorted(letters) != sorted(_CHRONOLOGICAL):
        raise Mismatch(f"use each of the letters a-g exactly once, got {letters}")
    for position, (given, expected) in enumerate(zip(letters, _CHRONOLOGICAL)):
        if given != expected:
            raise Mismatch(
                f"the first {position} are in the right order, but position {position + 1} is wrong: "
                "look up the years in the timeline of section 1.4"
            )


def _logistic_accuracy(F_fit: np.ndarray, y_fit: np.ndarray, F_eval: np.ndarray, y_eval: np.ndarray) -> float:
    # The chapter's fit_logistic: standardise with the fitting set's statistics, then fit.
    scaler = StandardScaler().fit(F_fit)
    model = LogisticRegression(max_iter=2000).fit(scaler.transform(F_fit), y_fit)
    return float(model.score(scaler.transform(F_eval), y_eval))


def _features_of(my_features: object, X: np.ndarray, name: str) -> np.ndarray:
    F = my_features(X)  # type: ignore[operator]
    if isinstance(F, torch.Tensor):
        F = F.detach().cpu().numpy()
    F = np.asarray(F, dtype=float)
    if F.ndim == 1:
        F = F[:, None]
    if F.ndim != 2 or F.shape[0] != len(X):
        raise Mismatch(f"my_features({name}) should return an (N, k) array with one row per digit, "
                       f"N = {len(X)}; got shape {F.shape}")
    if not np.isfinite(F).all():
        raise Mismatch(f"my_features({name}) returned NaN or infinite values: guard divisions (e.g. by the ink)")
    return F


@register("ex-ch01-new-feature", success="A gain you had to design for -- compare it with what a network finds by itself.")
def _check_new_feature(my_features: object) -> None:
    expect_callable(my_features, "my_features(X)")
    split = digits_split()
    X_train, y_train = split.X_train.numpy(), split.y_train.numpy()
    X_val, y_val = split.X_val.numpy(), split.y_val.numpy()
    F_train = _features_of(my_features, X_train.copy(), "X_train")
    F_val = _features_of(my_features, X_val.copy(), "X_val")
    if F_train.shape[1] != F_val.shape[1]:
        raise Mismatch(f"my_features gave {F_train.shape[1]} features for the training digits but "
                       f"{F_val.shape[1]} for the validation digits: compute the same features for every digit")
    pixels = _logistic_accuracy(X_train, y_train, X_val, y_val)
    mine = _logistic_accuracy(F_train, y_train, F_val, y_val)
    if mine <= pixels:
        hint = (" Hand-made features alone lose information the pixels hold: keep the 64 pixels and add"
                " features a linear model cannot form from them, such as block sums or neighbour differences."
                if F_train.shape[1] < 64 else
                " Add features that say something about several pixels at once, such as block sums"
                " or neighbour differences.")
        raise Mismatch(f"logistic regression on your {F_train.shape[1]} features reaches validation accuracy "
                       f"{mine:.3f}, on the raw pixels {pixels:.3f}: not better yet.{hint}")
