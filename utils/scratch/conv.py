"""2-D convolution (cross-correlation) and pooling from scratch in NumPy. Introduced in chapter 6.

Deep-learning "convolution" is cross-correlation: the kernel is slid over the input
without being flipped. With input ``x`` of shape ``(N, C_in, H, W)``, weights ``w`` of
shape ``(C_out, C_in, kH, kW)`` and bias ``b`` of shape ``(C_out,)``,

    y[n, o, i, j] = b[o] + sum_{c, u, v} w[o, c, u, v] * x_pad[n, c, i*s + u, j*s + v]

where ``x_pad`` is ``x`` with ``p`` rows/columns of zeros on each side and ``s`` is the
stride. Each output side is ``floor((n + 2p - k) / s) + 1`` (:func:`conv_output_size`).

Two implementations give the same numbers: :func:`conv2d_loops` spells the sum out with
Python loops (clear, slow) and :func:`conv2d` gathers every patch into the columns of a
matrix (*im2col*) so that the whole layer is one matrix product (fast). Both are tested
against ``torch.nn.functional.conv2d`` in float64.
"""

from __future__ import annotations

import numpy as np

from utils.scratch._validate import check_array, check_int

__all__ = [
    "conv_output_size",
    "pad2d",
    "conv2d_loops",
    "im2col",
    "conv2d",
    "conv2d_backward",
    "pool2d",
    "receptive_fields",
]


def _pair(value: object, name: str, *, minimum: int) -> tuple[int, int]:
    """An int or a pair of ints -> ``(vertical, horizontal)``, each ``>= minimum``."""
    pair = value if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in pair):
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(pair[0]), int(pair[1])


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> int:
    """Output length along one axis: ``floor((n + 2 * padding - dilation * (k - 1) - 1) / stride) + 1``.

    With ``dilation = 1`` (an ordinary kernel) this is ``floor((n + 2 * padding - k) / stride) + 1``.
    A dilated kernel leaves ``dilation - 1`` gaps between its taps, so it spans
    ``dilation * (k - 1) + 1`` input positions.

    Args:
        n: input length (height or width), ``>= 1``.
        k: kernel (or pooling window) length, ``>= 1``.
        padding: zeros added on *each* side, ``>= 0``.
        stride: step between neighbouring windows, ``>= 1``.
        dilation: spacing between the kernel's taps, ``>= 1``.

    Raises:
        ValueError: if the kernel does not fit into the padded input.
    """
    for name, value, minimum in (("n", n, 1), ("k", k, 1), ("padding", padding, 0), ("stride", stride, 1),
                                 ("dilation", dilation, 1)):
        check_int(name, value, minimum=minimum)
    span = dilation * (k - 1) + 1
    if span > n + 2 * padding:
        raise ValueError(f"kernel spanning {span} positions does not fit an input of size {n} with padding {padding}")
    return (n + 2 * padding - span) // stride + 1


def pad2d(x: np.ndarray, padding: int | tuple[int, int]) -> np.ndarray:
    """Zero-pad the last two axes of ``x`` (shape ``(..., H, W)``) by ``padding`` on each side."""
    if not isinstance(x, np.ndarray) or x.ndim < 2:
        raise TypeError(f"x must be a NumPy array with at least 2 dimensions (..., H, W), got {x!r:.60}")
    ph, pw = _pair(padding, "padding", minimum=0)
    widths = [(0, 0)] * (x.ndim - 2) + [(ph, ph), (pw, pw)]
    return np.pad(x, widths)  # (..., H + 2ph, W + 2pw)


def _check_conv_args(x, w, b, stride, padding):
    x = check_array(x, "x", ndim=4, shape="(N, C_in, H, W)")
    w = check_array(w, "w", ndim=4, shape="(C_out, C_in, kH, kW)")
    if x.shape[1] != w.shape[1]:
        raise ValueError(
            f"x has {x.shape[1]} input channels but w expects {w.shape[1]} "
            f"(x: (N, C_in, H, W) = {x.shape}, w: (C_out, C_in, kH, kW) = {w.shape})"
        )
    if b is not None:
        b = check_array(b, "b", ndim=1, shape="(C_out,)")
        if b.shape[0] != w.shape[0]:
            raise ValueError(f"b must have shape ({w.shape[0]},) to match C_out of w, got {b.shape}")
    sh, sw = _pair(stride, "stride", minimum=1)
    ph, pw = _pair(padding, "padding", minimum=0)
    out_h = conv_output_size(x.shape[2], w.shape[2], ph, sh)
    out_w = conv_output_size(x.shape[3], w.shape[3], pw, sw)
    return x, w, b, (sh, sw), (ph, pw), (out_h, out_w)


def conv2d_loops(
    x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, *, stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
) -> np.ndarray:
    """2-D cross-correlation written as explicit loops over the output (slow, for reading).

    Args:
        x: input ``(N, C_in, H, W)``.
        w: kernels ``(C_out, C_in, kH, kW)``.
        b: biases ``(C_out,)`` or ``None``.
        stride: an int or ``(sH, sW)``.
        padding: zeros on each side, an int or ``(pH, pW)``.

    Returns:
        ``(N, C_out, H_out, W_out)``, sizes from :func:`conv_output_size`.
    """
    x, w, b, (sh, sw), (ph, pw), (out_h, out_w) = _check_conv_args(x, w, b, stride, padding)
    x_pad = pad2d(x, (ph, pw))  # (N, C_in, H + 2pH, W + 2pW)
    kh, kw = w.shape[2:]
    y = np.zeros((x.shape[0], w.shape[0], out_h, out_w), dtype=np.result_type(x, w))
    for n in range(x.shape[0]):
        for o in range(w.shape[0]):
            for i in range(out_h):
                for j in range(out_w):
                    patch = x_pad[n, :, i * sh : i * sh + kh, j * sw : j * sw + kw]  # (C_in, kH, kW)
                    y[n, o, i, j] = np.sum(patch * w[o])
            if b is not None:
                y[n, o] += b[o]
    return y


def im2col(
    x: np.ndarray, kernel_size: int | tuple[int, int], *, stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
) -> np.ndarray:
    """Gather every kernel-sized patch of ``x`` into a column (``torch.nn.functional.unfold``).

    Args:
        x: input ``(N, C, H, W)``.
        kernel_size: an int or ``(kH, kW)``.
        stride, padding: as in :func:`conv2d`.

    Returns:
        ``(N, C * kH * kW, L)`` with ``L = H_out * W_out`` patches in row-major order;
        rows are ordered ``(c, u, v)``, the same order as ``w.reshape(C_out, -1)``.
    """
    x = check_array(x, "x", ndim=4, shape="(N, C, H, W)")
    kh, kw = _pair(kernel_size, "kernel_size", minimum=1)
    sh, sw = _pair(stride, "stride", minimum=1)
    ph, pw = _pair(padding, "padding", minimum=0)
    out_h = conv_output_size(x.shape[2], kh, ph, sh)
    out_w = conv_output_size(x.shape[3], kw, pw, sw)
    x_pad = pad2d(x, (ph, pw))  # (N, C, H + 2pH, W + 2pW)
    # One (H_out, W_out) slice of the padded input per kernel offset (u, v): kH * kW
    # strided copies instead of H_out * W_out small patches.
    cols = np.empty((x.shape[0], x.shape[1], kh, kw, out_h, out_w), dtype=x.dtype)
    for u in range(kh):
        for v in range(kw):
            cols[:, :, u, v] = x_pad[:, :, u : u + sh * out_h : sh, v : v + sw * out_w : sw]
    return cols.reshape(x.shape[0], x.shape[1] * kh * kw, out_h * out_w)  # (N, C*kH*kW, L)


def conv2d(
    x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, *, stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
) -> np.ndarray:
    """2-D cross-correlation as one matrix product over :func:`im2col` columns (vectorised).

    Same arguments and result as :func:`conv2d_loops`, and as
    ``torch.nn.functional.conv2d(x, w, b, stride, padding)``.
    """
    x, w, b, strides, pads, (out_h, out_w) = _check_conv_args(x, w, b, stride, padding)
    cols = im2col(x, w.shape[2:], stride=strides, padding=pads)  # (N, C_in*kH*kW, L)
    w_rows = w.reshape(w.shape[0], -1)  # (C_out, C_in*kH*kW)
    y = np.einsum("ok,nkl->nol", w_rows, cols)  # (N, C_out, L)
    if b is not None:
        y = y + b[None, :, None]
    return y.reshape(x.shape[0], w.shape[0], out_h, out_w)  # (N, C_out, H_out, W_out)


def conv2d_backward(
    x: np.ndarray, w: np.ndarray, grad_y: np.ndarray, *, stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a loss with respect to the input, weights and bias of :func:`conv2d`.

    Given ``grad_y = dL/dy`` for ``y = conv2d(x, w, b, stride=stride, padding=padding)``:

    - ``dL/dw[o, c, u, v] = sum_{n, i, j} grad_y[n, o, i, j] * x_pad[n, c, i*s + u, j*s + v]``:
      a correlation of the input with the output gradient (one matrix product over
      :func:`im2col` columns);
    - ``dL/db[o] = sum_{n, i, j} grad_y[n, o, i, j]``;
    - ``dL/dx`` is a *full* cross-correlation of ``grad_y`` (padded by ``k - 1`` on each
      side) with the kernel flipped in both directions and its two channel axes swapped.
      With stride ``s > 1``, ``grad_y`` first gets ``s - 1`` zeros between its entries
      (each output saw every ``s``-th window). The padding rows are then cut off.

    Args:
        x: the layer's input ``(N, C_in, H, W)``.
        w: its kernels ``(C_out, C_in, kH, kW)``.
        grad_y: ``dL/dy``, ``(N, C_out, H_out, W_out)``.
        stride, padding: as in :func:`conv2d`.

    Returns:
        ``(grad_x, grad_w, grad_b)`` with the shapes of ``x``, ``w`` and ``(C_out,)``.
    """
    x, w, _, (sh, sw), (ph, pw), (out_h, out_w) = _check_conv_args(x, w, None, stride, padding)
    grad_y = check_array(grad_y, "grad_y", ndim=4, shape="(N, C_out, H_out, W_out)")
    expected = (x.shape[0], w.shape[0], out_h, out_w)
    if grad_y.shape != expected:
        raise ValueError(f"grad_y must have the output's shape (N, C_out, H_out, W_out) = {expected}, got {grad_y.shape}")
    kh, kw = w.shape[2:]
    n = x.shape[0]
    cols = im2col(x, (kh, kw), stride=(sh, sw), padding=(ph, pw))  # (N, C_in*kH*kW, L)
    grad_flat = grad_y.reshape(n, w.shape[0], -1)  # (N, C_out, L)
    grad_w = np.einsum("nol,nkl->ok", grad_flat, cols).reshape(w.shape)  # (C_out, C_in, kH, kW)
    grad_b = grad_y.sum(axis=(0, 2, 3))  # (C_out,)
    # Input gradient: spread grad_y back to stride 1, then a full correlation with the flipped kernel.
    dilated = np.zeros((n, w.shape[0], (out_h - 1) * sh + 1, (out_w - 1) * sw + 1), dtype=grad_y.dtype)
    dilated[:, :, ::sh, ::sw] = grad_y  # (N, C_out, (H_out-1)*sH + 1, (W_out-1)*sW + 1)
    w_flipped = np.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))  # (C_in, C_out, kH, kW)
    full = conv2d(dilated, w_flipped, padding=(kh - 1, kw - 1))  # (N, C_in, (H_out-1)*sH + kH, ...)
    grad_x_pad = np.zeros((n, x.shape[1], x.shape[2] + 2 * ph, x.shape[3] + 2 * pw), dtype=full.dtype)
    grad_x_pad[:, :, : full.shape[2], : full.shape[3]] = full  # rows no window reached get 0
    grad_x = grad_x_pad[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]]  # drop the padding: (N, C_in, H, W)
    return grad_x, grad_w, grad_b


def pool2d(
    x: np.ndarray, kernel_size: int | tuple[int, int], *, stride: int | tuple[int, int] | None = None,
    mode: str = "max",
) -> np.ndarray:
    """Max or average pooling over windows of the last two axes; no parameters, no padding.

    Args:
        x: input ``(N, C, H, W)``.
        kernel_size: window, an int or ``(kH, kW)``.
        stride: defaults to ``kernel_size`` (non-overlapping windows, as in PyTorch).
        mode: ``"max"`` or ``"avg"``.

    Returns:
        ``(N, C, H_out, W_out)``; each channel is pooled on its own.
    """
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    x = check_array(x, "x", ndim=4, shape="(N, C, H, W)")
    kh, kw = _pair(kernel_size, "kernel_size", minimum=1)
    n, c = x.shape[:2]
    cols = im2col(x.reshape(n * c, 1, *x.shape[2:]), (kh, kw), stride=kernel_size if stride is None else stride)
    pooled = cols.max(axis=1) if mode == "max" else cols.mean(axis=1)  # (N*C, L)
    sh, sw = _pair(kernel_size if stride is None else stride, "stride", minimum=1)
    out_h, out_w = conv_output_size(x.shape[2], kh, 0, sh), conv_output_size(x.shape[3], kw, 0, sw)
    return pooled.reshape(n, c, out_h, out_w)


def receptive_fields(layers: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Receptive-field size and jump after each layer of a stack of convolutions / poolings.

    With ``r_0 = 1`` and ``j_0 = 1`` (one input pixel), a layer of kernel ``k`` and stride
    ``s`` gives ``r_l = r_{l-1} + (k - 1) * j_{l-1}`` and ``j_l = j_{l-1} * s``; ``r_l`` is
    the side of the input square one unit of layer ``l`` can see, ``j_l`` the distance in
    input pixels between neighbouring units. Padding does not change either.

    Args:
        layers: ``[(kernel_size, stride), ...]`` from the input upwards, positive ints.

    Returns:
        ``[(r_1, j_1), (r_2, j_2), ...]``, one pair per layer.
    """
    if not isinstance(layers, (list, tuple)):
        raise TypeError(f"layers must be a list of (kernel_size, stride) pairs, got {type(layers).__name__}")
    r, j, out = 1, 1, []
    for index, layer in enumerate(layers):
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            raise TypeError(f"layers[{index}] must be a (kernel_size, stride) pair, got {layer!r}")
        k, s = _pair(tuple(layer), f"layers[{index}]", minimum=1)
        r, j = r + (k - 1) * j, j * s
        out.append((r, j))
    return out
