"""A training loop with a progress bar, and evaluation. Introduced in chapter 1.

``train`` is the loop every chapter from 1 on uses once it has built the loop by hand:
it returns a *history* -- a dict of per-epoch lists such as ``history["val_acc"]`` --
and prints the final metrics so that a log without plots still tells the result. It
trains a classifier by default (the metric is :func:`accuracy`); ``metric=None`` makes
it a plain loss-minimising loop, and ``scheduler=`` steps a learning-rate schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn
from tqdm.auto import tqdm

__all__ = ["accuracy", "count_parameters", "evaluate", "train"]

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


def count_parameters(model: nn.Module, *, trainable_only: bool = False) -> int:
    """Number of scalars in a model's parameters (weights and biases), e.g. 9610 for 64 -> 128 -> 10.

    Introduced in chapter 3 (chapter 1 has the reader write it). For an MLP that is not
    built yet, :func:`utils.scratch.mlp.mlp_param_count` counts from the layer widths.

    Args:
        model: any ``nn.Module``; parameters shared between layers count once.
        trainable_only: count only parameters with ``requires_grad=True`` (not frozen ones).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def _check_model_and_loader(model: object, loader: object) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(loader, Iterable):
        raise TypeError(f"loader must be an iterable of (X, y) batches, got {type(loader).__name__}")


Metric = Callable[[torch.Tensor, torch.Tensor], float]


def _metric_name(metric: Metric) -> str:
    """The history key of a metric: ``"acc"`` for :func:`accuracy`, else its ``__name__``."""
    return "acc" if metric is accuracy else getattr(metric, "__name__", "metric")


@torch.no_grad()
def evaluate(
    model: nn.Module,
    loader: Iterable,
    loss_fn: LossFn | None = None,
    *,
    metric: Metric | None = accuracy,
    device: torch.device | str | None = None,
) -> dict[str, float]:
    """Mean loss and metric of a model over a loader, in eval mode.

    Args:
        model: maps a batch ``X`` to outputs, e.g. logits ``(B, K)``.
        loader: yields ``(X, y)`` batches.
        loss_fn: e.g. ``nn.CrossEntropyLoss()``; without it no ``"loss"`` is returned.
        metric: ``metric(outputs, y)``, a per-batch mean such as :func:`accuracy` (the
            default, for classifiers); ``None`` for none (regression, language models).
        device: where to compute; defaults to the model's device.

    Returns:
        ``{"loss": mean loss, "acc": accuracy}``: each present when its function is given;
        the metric's key is ``"acc"`` for :func:`accuracy`, else the function's name.
    """
    _check_model_and_loader(model, loader)
    if loss_fn is None and metric is None:
        raise ValueError("evaluate needs a loss_fn, a metric, or both")
    device = torch.device(device) if device is not None else _model_device(model)
    was_training = model.training
    model.eval()
    total_loss, total_metric, count = 0.0, 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        outputs = model(X)
        if loss_fn is not None:
            total_loss += loss_fn(outputs, y).item() * len(y)
        if metric is not None:
            total_metric += metric(outputs, y) * len(y)
        count += len(y)
    model.train(was_training)
    if count == 0:
        raise ValueError("evaluate got an empty loader")
    result = {}
    if loss_fn is not None:
        result["loss"] = total_loss / count
    if metric is not None:
        result[_metric_name(metric)] = total_metric / count
    return result


def _model_device(model: nn.Module) -> torch.device:
    param = next(model.parameters(), None)
    return param.device if param is not None else torch.device("cpu")


def _check_training_args(optimizer: object, epochs: object, scheduler: object, scheduler_step: str) -> None:
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if scheduler is not None and not isinstance(scheduler, torch.optim.lr_scheduler.LRScheduler):
        raise TypeError(f"scheduler must be a torch.optim.lr_scheduler, got {type(scheduler).__name__}")
    if scheduler_step not in ("epoch", "batch"):
        raise ValueError(f"scheduler_step must be 'epoch' or 'batch', got {scheduler_step!r}")


def train(
    model: nn.Module,
    loader: Iterable,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    *,
    epochs: int,
    metric: Metric | None = accuracy,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    scheduler_step: str = "epoch",
    device: torch.device | str | None = None,
    val_loader: Iterable | None = None,
    progress: bool = True,
    verbose: bool = True,
) -> dict[str, list[float]]:
    """Train a model for ``epochs`` passes over ``loader``; a classifier by default.

    Args:
        model: maps ``X`` to outputs, e.g. logits ``(B, K)``; moved to ``device``.
        loader: yields training batches ``(X, y)``.
        loss_fn: e.g. ``nn.CrossEntropyLoss()``, called as ``loss_fn(outputs, y)``.
        optimizer: built over ``model.parameters()``.
        epochs: number of passes, a positive int.
        metric: ``metric(outputs, y)`` recorded beside the loss; :func:`accuracy` by
            default, ``None`` for a regression or a language model.
        scheduler: a ``torch.optim.lr_scheduler`` over ``optimizer``, stepped after every
            epoch, or after every batch with ``scheduler_step="batch"`` (warm-up).
        device: where to train; defaults to the model's device.
        val_loader: if given, evaluated after every epoch.
        progress: show a ``tqdm`` bar (a widget in Jupyter, text in a terminal).
        verbose: print the final metrics.

    Returns:
        the history: ``{"train_loss": [...], "train_acc": [...]}`` with one entry per
        epoch (running means over the epoch), plus ``"val_loss"`` and ``"val_acc"``
        when ``val_loader`` is given, and ``"lr"`` (the rate each epoch used) with a
        scheduler. The metric's keys are ``*_acc`` for :func:`accuracy`, else
        ``*_<metric name>``; there are none with ``metric=None``.
    """
    _check_model_and_loader(model, loader)
    _check_training_args(optimizer, epochs, scheduler, scheduler_step)
    device = torch.device(device) if device is not None else _model_device(model)
    model.to(device)
    name = _metric_name(metric) if metric is not None else None
    history: dict[str, list[float]] = {key: [] for key in _history_keys(name, val_loader, scheduler)}
    bar = tqdm(range(epochs), desc="epochs", disable=not progress, leave=True)
    for _ in bar:
        if scheduler is not None:
            history["lr"].append(optimizer.param_groups[0]["lr"])
        model.train()
        total_loss, total_metric, count = 0.0, 0.0, 0
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            outputs = model(X)
            loss = loss_fn(outputs, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if scheduler is not None and scheduler_step == "batch":
                scheduler.step()
            total_loss += loss.item() * len(y)
            if metric is not None:
                total_metric += metric(outputs.detach(), y) * len(y)
            count += len(y)
        if scheduler is not None and scheduler_step == "epoch":
            scheduler.step()
        history["train_loss"].append(total_loss / count)
        if name is not None:
            history[f"train_{name}"].append(total_metric / count)
        if val_loader is not None:
            for key, value in evaluate(model, val_loader, loss_fn, metric=metric, device=device).items():
                history[f"val_{key}"].append(value)
        bar.set_postfix({k: f"{v[-1]:.3g}" for k, v in history.items()})
    if verbose:
        print("final: " + ", ".join(f"{k} {v[-1]:.4f}" for k, v in history.items() if k != "lr"))
    return history


def _history_keys(metric_name: str | None, val_loader: object, scheduler: object) -> list[str]:
    splits = ["train"] + (["val"] if val_loader is not None else [])
    names = ["loss"] + ([metric_name] if metric_name is not None else [])
    return [f"{split}_{n}" for split in splits for n in names] + (["lr"] if scheduler is not None else [])
