"""Seeding and device choice. Introduced in chapter 1."""

from __future__ import annotations

import os
import random

import numpy as np
import torch

__all__ = ["set_seed", "get_device", "synchronize"]


def set_seed(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and every GPU).

    Re-seed before each experiment that compares models, so that the comparison does
    not depend on what ran before it.

    Args:
        seed: a non-negative integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"set_seed expects an int seed, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"set_seed expects a non-negative seed, got {seed}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds every CUDA device
    os.environ["PYTHONHASHSEED"] = str(seed)  # for subprocesses; this one is already set


def get_device(verbose: bool = True) -> torch.device:
    """Pick the fastest available device: CUDA, then Apple's MPS, then the CPU.

    Args:
        verbose: print which device was chosen.

    Returns:
        the chosen ``torch.device``.
    """
    if torch.cuda.is_available():
        device = torch.device("cuda")
        name = torch.cuda.get_device_name(device)
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        device, name = torch.device("mps"), "Apple GPU (MPS)"
    else:
        device, name = torch.device("cpu"), f"CPU, {torch.get_num_threads()} threads"
    if verbose:
        print(f"Using device: {device} ({name})")
    return device


def synchronize(device: torch.device | str) -> None:
    """Wait until every operation queued on ``device`` has finished (a no-op on the CPU).

    GPU kernels run asynchronously: a call returns as soon as its work is queued. Call this
    before reading a clock, or a timing measures only the queueing. Introduced in chapter 10.

    Args:
        device: the device that ran the work, e.g. the one ``get_device()`` returned.
    """
    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()
    elif device.type != "cpu":
        raise ValueError(f"synchronize knows the devices cpu, cuda and mps, got {device.type!r}")
