"""Seeding and device choice. Introduced in chapter 1."""

from __future__ import annotations

import os
import random

import numpy as np
import torch

__all__ = ["set_seed", "get_device"]


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
