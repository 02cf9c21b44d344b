"""A training loop with a progress bar, and evaluation. Introduced in chapter 1.

``train`` is the loop every chapter from 1 on uses once it has built the loop by hand:
it returns a *history* -- a dict of per-epoch lists such as ``history["val_acc"]`` --
and prints the final metrics so that a log without plots still tells the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn
from tqdm.auto import tqdm

__all__ = ["accuracy", "evaluate", "train"]

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Share of rows whose largest logit is at the true class.

    Args:
        logits: ``(B, K)`` class scores.
        y: ``(B,)`` integer labels in ``0..K-1``.
    """
    if logits.ndim != 2 or y.ndim != 1 or len(logits) != len(y):
        raise ValueError(
            "accuracy expects logits (B, K) and labels (B,), "
            f"got {tuple(logits.shape)} and {tuple(y.shape)}"
        )
    return (logits.argmax(dim=1) == y).float().mean().item()


def _check_model_and_loader(model: object, loader: object) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(loader, Iterable):
        raise TypeError(f"loader must be an iterable of (X, y) batches, got {type(loader).__name__}")


@torch.no_grad()
def evaluate(
    model: nn.Module,
    loader: Iterable,
    loss_fn: LossFn | None = None,
    *,
    device: torch.device | str | None = None,
) -> dict[str, float]:
    """Mean loss and accuracy of a classifier over a loader, in eval mode.

    Args:
        model: maps a batch ``X`` to logits ``(B, K)``.
        loader: yields ``(X, y)`` batches with ``y`` of shape ``(B,)``.
        loss_fn: e.g. ``nn.CrossEntropyLoss()``; without it only ``"acc"`` is returned.
        device: where to compute; defaults to the model's device.

    Returns:
        ``{"loss": mean loss, "acc": accuracy}`` (``"loss"`` only with ``loss_fn``).
    """
    _check_model_and_loader(model, loader)
    device = torch.device(device) if device is not None else _model_device(model)
    was_training = model.training
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        logits = model(X)  # (B, K)
        if loss_fn is not None:
            total_loss += loss_fn(logits, y).item() * len(y)
        correct += (logits.argmax(dim=1) == y).sum().item()
        count += len(y)
    model.train(was_training)
    if count == 0:
        raise ValueError("evaluate got an empty loader")
    result = {"acc": correct / count}
    if loss_fn is not None:
        result = {"loss": total_loss / count, **result}
    return result


def _model_device(model: nn.Module) -> torch.device:
    param = next(model.parameters(), None)
    return param.device if param is not None else torch.device("cpu")


def train(
    model: nn.Module,
    loader: Iterable,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    *,
    epochs: int,
    device: torch.device | str | None = None,
    val_loader: Iterable | None = None,
    progress: bool = True,
    verbose: bool = True,
) -> dict[str, list[float]]:
    """Train a classifier for ``epochs`` passes over ``loader``.

    Args:
        model: maps ``X`` to logits ``(B, K)``; moved to ``device``.
        loader: yields training batches ``(X, y)``, ``y`` of shape ``(B,)``.
        loss_fn: e.g. ``nn.CrossEntropyLoss()``, called as ``loss_fn(logits, y)``.
        optimizer: built over ``model.parameters()``.
        epochs: number of passes, a positive int.
        device: where to train; defaults to the model's device.
        val_loader: if given, evaluated after every epoch.
        progress: show a ``tqdm`` bar (a widget in Jupyter, text in a terminal).
        verbose: print the final metrics.

    Returns:
        the history: ``{"train_loss": [...], "train_acc": [...]}`` with one entry per
        epoch (running means over the epoch), plus ``"val_loss"`` and ``"val_acc"``
        when ``val_loader`` is given.
    """
    _check_model_and_loader(model, loader)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    device = torch.device(device) if device is not None else _model_device(model)
    model.to(device)
    history: dict[str, list[float]] = {"train_loss": [], "train_acc": []}
    if val_loader is not None:
        history.update(val_loss=[], val_acc=[])
    bar = tqdm(range(epochs), desc="epochs", disable=not progress, leave=True)
    for _ in bar:
        model.train()
        total_loss, correct, count = 0.0, 0, 0
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            logits = model(X)  # (B, K)
            loss = loss_fn(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(y)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(y)
        history["train_loss"].append(total_loss / count)
        history["train_acc"].append(correct / count)
        if val_loader is not None:
            val = evaluate(model, val_loader, loss_fn, device=device)
            history["val_loss"].append(val["loss"])
            history["val_acc"].append(val["acc"])
        bar.set_postfix({k: f"{v[-1]:.3f}" for k, v in history.items()})
    if verbose:
        print("final: " + ", ".join(f"{k} {v[-1]:.4f}" for k, v in history.items()))
    return history
