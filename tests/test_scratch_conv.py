"""utils.scratch.conv against PyTorch in float64, and its error paths."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from utils.scratch.conv import (
    conv2d, conv2d_backward, conv2d_loops, conv_output_size, im2col, pad2d, pool2d, receptive_fields,
)

CASES = [
    # (N, C_in, H, W, C_out, kH, kW, stride, padding)
    (2, 1, 8, 8, 3, 3, 3, 1, 0),
    (2, 3, 9, 7, 4, 3, 3, 1, 1),
    (1, 2, 10, 11, 5, 5, 3, 2, 2),
    (3, 4, 6, 6, 2, 1, 1, 1, 0),
    (1, 3, 7, 9, 2, 2, 4, (2, 3), (1, 0)),
]


def _random_case(case, seed=0):
    n, c_in, h, w_, c_out, kh, kw, stride, padding = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c_in, h, w_))
    w = rng.standard_normal((c_out, c_in, kh, kw))
    b = rng.standard_normal(c_out)
    return x, w, b, stride, padding


def _torch_conv(x, w, b, stride, padding):
    return F.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), stride=stride,
                    padding=padding).numpy()


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("impl", [conv2d, conv2d_loops])
def test_conv_matches_torch_float64(case, impl):
    x, w, b, stride, padding = _random_case(case)
    got = impl(x, w, b, stride=stride, padding=padding)
    expected = _torch_conv(x, w, b, stride, padding)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


def test_conv_without_bias():
    x, w, _, stride, padding = _random_case(CASES[1])
    expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=padding).numpy()
    np.testing.assert_allclose(conv2d(x, w, padding=padding), expected, atol=1e-10)


@pytest.mark.parametrize("n,k,p,s", [(8, 3, 0, 1), (8, 3, 1, 1), (28, 5, 2, 2), (7, 2, 0, 2), (5, 5, 0, 3), (1, 3, 1, 1)])
def test_output_size_matches_torch(n, k, p, s):
    y = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=s, padding=p)
    assert conv_output_size(n, k, p, s) == y.shape[-1]


def test_im2col_matches_unfold():
    x = np.random.default_rng(1).standard_normal((2, 3, 7, 6))
    got = im2col(x, (3, 2), stride=(2, 1), padding=1)
    expected = F.unfold(torch.from_numpy(x), (3, 2), stride=(2, 1), padding=1).numpy()
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("mode,torch_pool", [("max", F.max_pool2d), ("avg", F.avg_pool2d)])
@pytest.mark.parametrize("k,s", [(2, None), (3, 1), (2, 1), (3, 2)])
def test_pool_matches_torch(mode, torch_pool, k, s):
    x = np.random.default_rng(2).standard_normal((2, 3, 9, 8))
    expected = torch_pool(torch.from_numpy(x), k, stride=s).numpy()
    np.testing.assert_allclose(pool2d(x, k, stride=s, mode=mode), expected, atol=1e-12)


def test_pad2d():
    x = np.ones((1, 2, 3, 3))
    y = pad2d(x, (1, 2))
    assert y.shape == (1, 2, 5, 7) and y.sum() == x.sum() and y[0, 0, 0, 0] == 0


def test_receptive_fields():
    # conv3 -> pool2 -> conv3 -> pool2: 3, 4, 8, 10 pixels, jumps 1, 2, 2, 4
    assert receptive_fields([(3, 1), (2, 2), (3, 1), (2, 2)]) == [(3, 1), (4, 2), (8, 2), (10, 4)]
    assert receptive_fields([(3, 1)] * 3) == [(3, 1), (5, 1), (7, 1)]  # three 3x3 see 7x7
    assert receptive_fields([]) == []


def test_receptive_field_matches_gradient_support():
    # One output unit of a linear stack depends on exactly an r x r square of the input.
    layers = [(3, 1), (2, 2), (3, 1), (2, 2)]
    x = torch.zeros(1, 1, 24, 24, requires_grad=True)
    h = x
    for k, s in layers:
        h = F.avg_pool2d(h, k, s) if k == 2 else F.conv2d(h, torch.ones(1, 1, k, k))
    h[0, 0, 2, 2].backward()
    rows, cols = np.nonzero(x.grad[0, 0].numpy())
    side = receptive_fields(layers)[-1][0]
    assert rows.max() - rows.min() + 1 == side and cols.max() - cols.min() + 1 == side


# --- error paths --------------------------------------------------------------------------

def test_type_errors_say_what_was_expected():
    w = np.ones((1, 1, 3, 3))
    with pytest.raises(TypeError, match=r"NumPy array of shape \(N, C_in, H, W\)"):
        conv2d(torch.ones(1, 1, 5, 5), w)
    with pytest.raises(TypeError, match="NumPy array"):
        conv2d_loops([[1.0]], w)
    with pytest.raises(TypeError, match="stride must be an int or a pair"):
        conv2d(np.ones((1, 1, 5, 5)), w, stride=1.5)
    with pytest.raises(TypeError, match="hold real numbers"):
        conv2d(np.full((1, 1, 5, 5), "a"), w)
    with pytest.raises(TypeError, match="n must be an int"):
        conv_output_size(8.0, 3)
    with pytest.raises(TypeError, match="kernel_size, stride"):
        receptive_fields([3, 1])
    with pytest.raises(TypeError, match="list of"):
        receptive_fields("3,1")
    with pytest.raises(TypeError, match="at least 2 dimensions"):
        pad2d(np.ones(3), 1)


def test_value_errors_say_what_was_expected():
    x = np.ones((1, 2, 5, 5))
    with pytest.raises(ValueError, match=r"shape \(N, C_in, H, W\) \(4 dimensions\), got shape \(5, 5\)"):
        conv2d(np.ones((5, 5)), np.ones((1, 1, 3, 3)))
    with pytest.raises(ValueError, match="2 input channels but w expects 3"):
        conv2d(x, np.ones((1, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"b must have shape \(4,\)"):
        conv2d(x, np.ones((4, 2, 3, 3)), np.ones(3))
    with pytest.raises(ValueError, match="does not fit"):
        conv2d(x, np.ones((1, 2, 7, 7)))
    with pytest.raises(ValueError, match="stride must be >= 1"):
        conv2d(x, np.ones((1, 2, 3, 3)), stride=0)
    with pytest.raises(ValueError, match="padding must be >= 0"):
        conv2d_loops(x, np.ones((1, 2, 3, 3)), padding=-1)
    with pytest.raises(ValueError, match="mode must be 'max' or 'avg'"):
        pool2d(x, 2, mode="sum")
    with pytest.raises(ValueError, match="k must be >= 1"):
        conv_output_size(8, 0)
    with pytest.raises(ValueError, match=r"layers\[1\] must be >= 1"):
        receptive_fields([(3, 1), (0, 1)])


@pytest.mark.parametrize("case", CASES)
def test_conv_backward_matches_autograd_float64(case):
    x, w, b, stride, padding = _random_case(case)
    xt, wt, bt = (torch.from_numpy(a).requires_grad_(True) for a in (x, w, b))
    y = F.conv2d(xt, wt, bt, stride=stride, padding=padding)
    grad_y = np.random.default_rng(3).standard_normal(tuple(y.shape))
    y.backward(torch.from_numpy(grad_y))
    grad_x, grad_w, grad_b = conv2d_backward(x, w, grad_y, stride=stride, padding=padding)
    for got, expected in ((grad_x, xt.grad), (grad_w, wt.grad), (grad_b, bt.grad)):
        assert got.shape == tuple(expected.shape)
        np.testing.assert_allclose(got, expected.numpy(), rtol=0, atol=1e-10)


def test_conv_backward_input_gradient_is_full_correlation_with_flipped_kernel():
    # One channel, stride 1, no padding: dL/dx = full cross-correlation of dL/dy with the flipped kernel.
    rng = np.random.default_rng(4)
    x, w, grad_y = rng.standard_normal((1, 1, 6, 7)), rng.standard_normal((1, 1, 3, 2)), rng.standard_normal((1, 1, 4, 6))
    grad_x, _, _ = conv2d_backward(x, w, grad_y)
    full = conv2d_loops(grad_y, w[:, :, ::-1, ::-1].copy(), padding=(2, 1))
    np.testing.assert_allclose(grad_x, full, atol=1e-12)


def test_conv_backward_rejects_wrong_gradient_shape():
    x, w, _, _, _ = _random_case(CASES[0])
    with pytest.raises(ValueError, match="grad_y"):
        conv2d_backward(x, w, np.zeros((2, 3, 5, 5)))


@pytest.mark.parametrize("n,k,p,s,d", [(8, 3, 0, 1, 2), (9, 3, 2, 1, 2), (28, 5, 4, 2, 3), (7, 2, 1, 2, 4), (5, 3, 0, 1, 2)])
def test_output_size_with_dilation_matches_torch(n, k, p, s, d):
    y = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d)
    assert conv_output_size(n, k, p, s, d) == y.shape[-1]


def test_output_size_rejects_a_dilated_kernel_that_does_not_fit():
    with pytest.raises(ValueError, match="spanning 5"):
        conv_output_size(4, 3, 0, 1, 2)
    with pytest.raises((TypeError, ValueError)):
        conv_output_size(8, 3, 0, 1, 0)
