"""The chapter-6 exercise checkers accept right answers and give helpful hints for wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

from utils.check import check


def test_output_size_checker():
    check("ex-ch06-output-size", lambda n, k, p, s: (n + 2 * p - k) // s + 1)
    with pytest.raises(AssertionError, match="each"):
        check("ex-ch06-output-size", lambda n, k, p, s: (n + p - k) // s + 1)
    with pytest.raises(AssertionError, match="float"):
        check("ex-ch06-output-size", lambda n, k, p, s: float((n + 2 * p - k) // s + 1))
    with pytest.raises(AssertionError, match="add 1"):
        check("ex-ch06-output-size", lambda n, k, p, s: n + 2 * p - k)
    with pytest.raises(AssertionError, match="function"):
        check("ex-ch06-output-size", 3)
    with pytest.raises(AssertionError, match="not attempted"):
        check("ex-ch06-output-size", None)


def test_shift_kernel_checker(capsys):
    right = np.zeros((3, 3))
    right[1, 0] = 1
    check("ex-ch06-shift-kernel", right)
    assert "✓" in capsys.readouterr().out
    left = np.zeros((3, 3))
    left[1, 2] = 1
    with pytest.raises(AssertionError, match="LEFT"):
        check("ex-ch06-shift-kernel", left)
    with pytest.raises(AssertionError, match=r"shape \(3, 3\)"):
        check("ex-ch06-shift-kernel", np.zeros((2, 2)))
    with pytest.raises(AssertionError, match="sum to 1"):
        check("ex-ch06-shift-kernel", np.ones((3, 3)))
    with pytest.raises(AssertionError, match="single 1"):
        check("ex-ch06-shift-kernel", np.eye(3) / 3)
    with pytest.raises(AssertionError, match="3x3 array"):
        check("ex-ch06-shift-kernel", "kernel")


def test_receptive_field_checker():
    def rf(layers):
        r, j = 1, 1
        for k, s in layers:
            r, j = r + (k - 1) * j, j * s
        return r

    check("ex-ch06-receptive-field", rf)
    with pytest.raises(AssertionError, match="product of earlier strides"):
        check("ex-ch06-receptive-field", lambda layers: 1 + sum(k - 1 for k, _ in layers))
    with pytest.raises(AssertionError, match="should be"):
        check("ex-ch06-receptive-field", lambda layers: 0)
    with pytest.raises(AssertionError, match="function"):
        check("ex-ch06-receptive-field", [1, 2])
