"""Offline data: the scikit-learn digits and sample photos (chapter 1), MNIST-1D (chapters 3, 6, 7).

Nothing here downloads: the digits and photos ship inside scikit-learn, and MNIST-1D is
generated on this machine by the ``mnist1d`` package.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.datasets import load_digits, load_sample_images
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

__all__ = ["DataSplit", "digits_split", "digits_loaders", "mnist1d_split", "tensor_loaders", "sample_photos"]

DIGITS_SIDE = 8  # the digits are 8x8 images
DIGITS_MAX = 16.0  # pixel values are integers 0..16


@dataclass(frozen=True)
class DataSplit:
    """A data set split into train, validation and test tensors.

    For the digits, ``X_*`` have shape ``(N, 64)`` (flat) or ``(N, 1, 8, 8)`` (images),
    float, scaled to [0, 1]; for MNIST-1D ``(N, 40)`` or ``(N, 1, 40)``. ``y_*`` have shape
    ``(N,)``, int64 class labels 0..9.
    """

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor

    def sizes(self) -> dict[str, int]:
        """Number of examples in each part, e.g. ``{"train": 1167, "val": 270, "test": 360}``."""
        return {"train": len(self.y_train), "val": len(self.y_val), "test": len(self.y_test)}


def _check_fraction(name: str, value: float) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number in (0, 1), got {type(value).__name__}")
    if not 0 < value < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value}")


def digits_split(
    *,
    val_fraction: float = 0.15,
    test_fraction: float = 0.2,
    seed: int = 0,
    as_images: bool = False,
    dtype: torch.dtype = torch.float32,
) -> DataSplit:
    """Load the 1,797 scikit-learn digits and split them, stratified by class.

    The same arguments always give the same split, so every chapter tests on the same
    held-out digits.

    Args:
        val_fraction: share of all examples used for validation.
        test_fraction: share of all examples held out for the final test.
        seed: seed of the split.
        as_images: return ``X`` as ``(N, 1, 8, 8)`` images instead of ``(N, 64)`` rows.
        dtype: floating dtype of ``X``.

    Returns:
        a :class:`DataSplit` of tensors on the CPU.
    """
    _check_fraction("val_fraction", val_fraction)
    _check_fraction("test_fraction", test_fraction)
    if val_fraction + test_fraction >= 1:
        raise ValueError(
            "val_fraction + test_fraction must be below 1 to leave training data, "
            f"got {val_fraction} + {test_fraction}"
        )
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating torch.dtype, got {dtype!r}")
    digits = load_digits()
    X = digits.data / DIGITS_MAX  # (1797, 64) in [0, 1]
    y = digits.target  # (1797,)
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=test_fraction, stratify=y, random_state=seed
    )
    # The validation share is of the whole set, so rescale it to the remainder.
    val_of_rest = val_fraction / (1 - test_fraction)
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=val_of_rest, stratify=y_rest, random_state=seed
    )

    def to_x(a: np.ndarray) -> torch.Tensor:
        t = torch.as_tensor(a, dtype=dtype)
        return t.reshape(-1, 1, DIGITS_SIDE, DIGITS_SIDE) if as_images else t  # (N, 1, 8, 8)

    def to_y(a: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(a, dtype=torch.int64)

    return DataSplit(
        to_x(X_train), to_y(y_train), to_x(X_val), to_y(y_val), to_x(X_test), to_y(y_test)
    )


def digits_loaders(
    batch_size: int = 64, *, seed: int = 0, as_images: bool = False, **split_kwargs
) -> dict[str, DataLoader]:
    """DataLoaders over :func:`digits_split`: ``{"train", "val", "test"}`` (see :func:`tensor_loaders`).

    Args:
        batch_size: examples per batch, a positive int.
        seed: seeds both the split and the shuffling.
        as_images: batches of ``(B, 1, 8, 8)`` instead of ``(B, 64)``.
        **split_kwargs: passed on to :func:`digits_split`.
    """
    split = digits_split(seed=seed, as_images=as_images, **split_kwargs)
    return tensor_loaders(split, batch_size, seed=seed)


def tensor_loaders(split: DataSplit, batch_size: int = 64, *, seed: int = 0) -> dict[str, DataLoader]:
    """DataLoaders ``{"train", "val", "test"}`` over the tensors of ``split``.

    Only the training loader shuffles, with its own seeded generator so that the batch
    order is reproducible. ``num_workers`` is 0: worker processes break on Windows and
    in some notebook front ends, and the data sets are tiny.
    """
    if not isinstance(split, DataSplit):
        raise TypeError(f"split must be a DataSplit, got {type(split).__name__}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    generator = torch.Generator().manual_seed(seed)
    parts = {
        "train": (split.X_train, split.y_train),
        "val": (split.X_val, split.y_val),
        "test": (split.X_test, split.y_test),
    }
    return {
        name: DataLoader(
            TensorDataset(X, y),
            batch_size=batch_size,
            shuffle=(name == "train"),
            generator=generator if name == "train" else None,
            num_workers=0,
        )
        for name, (X, y) in parts.items()
    }


@functools.lru_cache(maxsize=1)
def _mnist1d_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The published MNIST-1D, generated once per process: ``(x, y, x_test, y_test)``, read-only."""
    from mnist1d.data import make_dataset  # imported here: only chapters that use it pay for it

    # make_dataset seeds both NumPy's global generator and Python's `random` (mnist1d.utils.set_seed).
    numpy_state, python_state = np.random.get_state(), random.getstate()
    try:
        data = make_dataset()  # default arguments: the published data set; generated, never downloaded
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)
    arrays = (data["x"], data["y"], data["x_test"], data["y_test"])
    for array in arrays:
        array.setflags(write=False)  # the cache is shared by every call
    return arrays


def mnist1d_split(*, val_fraction: float = 0.2, seed: int = 0, as_sequences: bool = False) -> DataSplit:
    """MNIST-1D (Greydanus & Kobak): 4,000 training and 1,000 test signals of length 40, ten classes.

    Generated locally with ``mnist1d.data.make_dataset()`` and its default arguments (the
    published data set), never downloaded, and cached for the rest of the process (about
    1.5 s the first time). ``make_dataset`` reseeds NumPy's global random generator and
    Python's ``random``; this function saves and restores both states, so a notebook's own
    randomness is not disturbed. The 4,000 training signals are split, stratified, into
    train and validation; the 1,000 test signals are the package's test set.

    Args:
        val_fraction: share of the 4,000 training signals held out for validation.
        seed: seed of the train/validation split (the signals themselves are fixed).
        as_sequences: return ``X`` as ``(N, 1, 40)`` (one channel, for a 1-D CNN) instead
            of ``(N, 40)``. A recurrent network takes ``X.unsqueeze(-1)``: ``(N, 40, 1)``.

    Returns:
        a :class:`DataSplit` of float32 ``X`` and int64 ``y`` on the CPU, new tensors on
        every call; with the defaults 3,200 / 800 / 1,000 signals.
    """
    _check_fraction("val_fraction", val_fraction)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if not isinstance(as_sequences, bool):
        raise TypeError(f"as_sequences must be True or False, got {as_sequences!r}")
    x, y, x_test, y_test = _mnist1d_arrays()
    X_train, X_val, y_train, y_val = train_test_split(x, y, test_size=val_fraction, stratify=y, random_state=seed)

    def to_x(a: np.ndarray) -> torch.Tensor:
        t = torch.tensor(a, dtype=torch.float32)  # (N, 40), a copy: the cached arrays stay untouched
        return t.unsqueeze(1) if as_sequences else t  # (N, 1, 40)

    def to_y(a: np.ndarray) -> torch.Tensor:
        return torch.tensor(a, dtype=torch.int64)  # (N,)

    return DataSplit(to_x(X_train), to_y(y_train), to_x(X_val), to_y(y_val), to_x(x_test), to_y(y_test))


def sample_photos(*, gray: bool = False) -> dict[str, np.ndarray]:
    """The two photos scikit-learn ships: ``"china"`` (a temple) and ``"flower"``.

    Args:
        gray: convert to luminance (ITU-R BT.601 weights).

    Returns:
        ``{name: image}`` with float64 images in [0, 1] of shape ``(427, 640, 3)``,
        or ``(427, 640)`` when ``gray``.
    """
    bunch = load_sample_images()
    photos = {}
    for filename, image in zip(bunch.filenames, bunch.images):
        name = filename.replace("\\", "/").rsplit("/", 1)[-1].split(".")[0]
        rgb = image.astype(np.float64) / 255.0  # (H, W, 3)
        photos[name] = rgb @ np.array([0.299, 0.587, 0.114]) if gray else rgb
    return photos
