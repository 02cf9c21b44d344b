"""Checkers of chapter 6's exercises (convolutional networks)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from utils.check import Mismatch, expect_callable, register


@register("ex-ch06-output-size", success="The same formula gives the output size of pooling layers.")
def check_output_size(out_size) -> None:
    """``out_size(n, k, p, s)`` must give ``floor((n + 2p - k) / s) + 1``."""
    expect_callable(out_size, "out_size(n, k, p, s)")
    cases = [(8, 3, 0, 1), (8, 3, 1, 1), (28, 5, 0, 1), (32, 3, 1, 2), (7, 3, 0, 2), (8, 2, 0, 2),
             (224, 11, 2, 4), (10, 4, 1, 3), (5, 5, 2, 1), (6, 3, 0, 4)]
    for n, k, p, s in cases:
        expected = (n + 2 * p - k) // s + 1
        got = out_size(n, k, p, s)
        if isinstance(got, float) and got.is_integer():
            raise Mismatch(f"out_size({n}, {k}, {p}, {s}) returned the float {got}; return an int (use //).")
        if got != expected:
            hint = ""
            if got == (n + p - k) // s + 1:
                hint = " Padding adds p zeros on *each* side, so the padded length is n + 2p."
            elif s > 1 and got == (n + 2 * p - k) / s + 1:
                hint = " When the stride does not divide n + 2p - k evenly, round down: the last window must fit."
            elif got == n + 2 * p - k:
                hint = " Count the window positions: the first one starts at 0, so add 1."
            raise Mismatch(f"out_size({n}, {k}, {p}, {s}) should be {expected}, got {got!r}.{hint}")


@register("ex-ch06-shift-kernel", success="Cross-correlation does not flip the kernel: the 1 sits on the side the content comes from.")
def check_shift_kernel(kernel) -> None:
    """A 3x3 kernel that, with padding 1, moves an image one pixel to the right."""
    try:
        k = torch.as_tensor(np.asarray(kernel, dtype=np.float64))
    except (TypeError, ValueError):
        raise Mismatch(f"kernel should be a 3x3 array of numbers, got {type(kernel).__name__}") from None
    if k.shape != (3, 3):
        raise Mismatch(f"kernel should have shape (3, 3), got {tuple(k.shape)}")
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((1, 1, 6, 7)))
    got = F.conv2d(x, k.reshape(1, 1, 3, 3), padding=1)[0, 0]
    expected = torch.zeros_like(x[0, 0])
    expected[:, 1:] = x[0, 0, :, :-1]  # out[i, j] = x[i, j - 1]
    if torch.allclose(got, expected, atol=1e-12):
        return
    left = torch.zeros_like(expected)
    left[:, :-1] = x[0, 0, :, 1:]
    if torch.allclose(got, left, atol=1e-12):
        raise Mismatch(
            "your kernel moves the image one pixel to the LEFT. Output pixel (i, j) should copy "
            "input pixel (i, j - 1); in cross-correlation the kernel entry at column v multiplies "
            "input column j + v - 1, so which column must hold the 1?"
        )
    if abs(float(k.sum()) - 1) > 1e-9:
        raise Mismatch(f"a pure shift keeps every value, so the kernel's entries should sum to 1; yours sum to {float(k.sum()):.3g}")
    raise Mismatch("the output is not the input moved one pixel to the right: a shift kernel has a single 1 and zeros elsewhere")


@register("ex-ch06-receptive-field", success="Strides compound: every stride multiplies how far later kernels reach.")
def check_receptive_field(rf) -> None:
    """``rf(layers)`` must give the receptive-field side after the last ``(k, s)`` layer."""
    expect_callable(rf, "rf(layers)")
    cases = [
        [(3, 1)],
        [(3, 1), (3, 1)],
        [(3, 1), (2, 2), (3, 1), (2, 2)],
        [(5, 1), (2, 2), (5, 1), (2, 2)],
        [(11, 4), (3, 2), (5, 1), (3, 2), (3, 1)],
        [(7, 2), (3, 2), (3, 1), (3, 1)],
        [],
    ]
    for layers in cases:
        r, j = 1, 1
        r_no_jump = 1
        for k, s in layers:
            r, j = r + (k - 1) * j, j * s
            r_no_jump += k - 1
        got = rf(list(layers))
        if got != r:
            hint = ""
            if got == r_no_jump:
                hint = (" You added k - 1 per layer; after a stride-s layer neighbouring units are s input "
                        "pixels apart, so later kernels reach (k - 1) times the product of earlier strides.")
            elif not layers:
                hint = " With no layers, one unit sees one pixel."
            raise Mismatch(f"rf({layers}) should be {r}, got {got!r}.{hint}")
