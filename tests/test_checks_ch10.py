"""The chapter-10 exercise checkers accept right answers and give helpful hints for wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

from utils.check import check


def test_conv_flops_checker():
    check("ex-ch10-conv-flops", lambda c_in, c_out, k, h, w: 2 * c_in * c_out * k * k * h * w)
    with pytest.raises(AssertionError, match="multiply-accumulates"):
        check("ex-ch10-conv-flops", lambda c_in, c_out, k, h, w: c_in * c_out * k * k * h * w)
    with pytest.raises(AssertionError, match="bias"):
        check("ex-ch10-conv-flops", lambda c_in, c_out, k, h, w: 2 * c_in * c_out * k * k * h * w + c_out * h * w)
    with pytest.raises(AssertionError, match="C_in"):
        check("ex-ch10-conv-flops", lambda c_in, c_out, k, h, w: 2 * c_out * k * k * h * w)
    with pytest.raises(AssertionError, match=r"k\*\*2 weights"):  # k instead of k squared
        check("ex-ch10-conv-flops", lambda c_in, c_out, k, h, w: 2 * c_in * c_out * k * h * w)
    with pytest.raises(AssertionError, match="H_out \\* W_out positions"):  # the output size forgotten
        check("ex-ch10-conv-flops", lambda c_in, c_out, k, h, w: 2 * c_in * c_out * k * k)
    with pytest.raises(AssertionError, match="bias"):  # the bias counted as one more multiply-accumulate
        check("ex-ch10-conv-flops", lambda c_in, c_out, k, h, w: 2 * c_out * h * w * (c_in * k * k + 1))
    with pytest.raises(AssertionError, match="2 FLOPs per multiply-accumulate, and leave the bias out"):
        check("ex-ch10-conv-flops", lambda c_in, c_out, k, h, w: c_out * h * w * (c_in * k * k + 1))
    with pytest.raises(AssertionError, match="parameter count"):  # weights and biases, not work
        check("ex-ch10-conv-flops", lambda c_in, c_out, k, h, w: c_out * (c_in * k * k + 1))
    with pytest.raises(AssertionError, match=r"C_in \* k\*\*2 products"):  # the kernel window forgotten
        check("ex-ch10-conv-flops", lambda c_in, c_out, k, h, w: 2 * c_in * c_out * h * w)
    with pytest.raises(AssertionError, match="one number"):
        check("ex-ch10-conv-flops", lambda c_in, c_out, k, h, w: "many")
    with pytest.raises(AssertionError, match="raised ZeroDivisionError"):
        check("ex-ch10-conv-flops", lambda c_in, c_out, k, h, w: 1 / 0)
    with pytest.raises(AssertionError, match="should be"):
        check("ex-ch10-conv-flops", lambda c_in, c_out, k, h, w: 0)
    with pytest.raises(AssertionError, match="function"):
        check("ex-ch10-conv-flops", 42)


def _right(Q, s, a, r, s_next, done, alpha, gamma):
    Q = Q.copy()
    target = r if done else r + gamma * Q[s_next].max()
    Q[s, a] += alpha * (target - Q[s, a])
    return Q


def test_q_update_checker(capsys):
    check("ex-ch10-q-update", _right)
    assert "✓" in capsys.readouterr().out

    def ignores_done(Q, s, a, r, s_next, done, alpha, gamma):
        return _right(Q, s, a, r, s_next, False, alpha, gamma)

    def mean_target(Q, s, a, r, s_next, done, alpha, gamma):
        Q = Q.copy()
        target = r if done else r + gamma * Q[s_next].mean()
        Q[s, a] += alpha * (target - Q[s, a])
        return Q

    def no_alpha(Q, s, a, r, s_next, done, alpha, gamma):  # jumps onto the target
        return _right(Q, s, a, r, s_next, done, 1.0, gamma)

    def no_gamma(Q, s, a, r, s_next, done, alpha, gamma):
        return _right(Q, s, a, r, s_next, done, alpha, 1.0)

    def away_from_target(Q, s, a, r, s_next, done, alpha, gamma):  # the step has the wrong sign
        return _right(Q, s, a, r, s_next, done, -alpha, gamma)

    def minus_future(Q, s, a, r, s_next, done, alpha, gamma):  # r - gamma * max Q
        return _right(Q, s, a, r, s_next, done, alpha, -gamma)

    def whole_row(Q, s, a, r, s_next, done, alpha, gamma):
        Q = _right(Q, s, a, r, s_next, done, alpha, gamma)
        Q[s] = Q[s, a]
        return Q

    def in_place_only(Q, s, a, r, s_next, done, alpha, gamma):
        Q[s, a] = r

    def same_action(Q, s, a, r, s_next, done, alpha, gamma):  # Q[s_next, a] instead of the max
        Q = Q.copy()
        target = r if done else r + gamma * Q[s_next, a]
        Q[s, a] += alpha * (target - Q[s, a])
        return Q

    def current_state(Q, s, a, r, s_next, done, alpha, gamma):  # bootstraps from s, not s_next
        return _right(Q, s, a, r, s, done, alpha, gamma)

    def zero_when_done(Q, s, a, r, s_next, done, alpha, gamma):
        return _right(Q, s, a, 0.0 if done else r, s_next, done, alpha, gamma)

    def swapped(Q, s, a, r, s_next, done, alpha, gamma):
        return _right(Q, s, a, r, s_next, done, gamma, alpha)

    def transposed(Q, s, a, r, s_next, done, alpha, gamma):  # Q[a, s] updated instead of Q[s, a]
        Q = Q.copy()
        Q[a, s] = _right(Q, s, a, r, s_next, done, alpha, gamma)[s, a]
        return Q

    with pytest.raises(AssertionError, match="no next state"):
        check("ex-ch10-q-update", ignores_done)
    with pytest.raises(AssertionError, match="not the mean"):
        check("ex-ch10-q-update", mean_target)
    with pytest.raises(AssertionError, match="only a step alpha"):
        check("ex-ch10-q-update", no_alpha)
    with pytest.raises(AssertionError, match="by gamma"):
        check("ex-ch10-q-update", no_gamma)
    with pytest.raises(AssertionError, match="Sign error: move Q"):
        check("ex-ch10-q-update", away_from_target)
    with pytest.raises(AssertionError, match="Sign error: the discounted value"):
        check("ex-ch10-q-update", minus_future)
    with pytest.raises(AssertionError, match="only the entry"):
        check("ex-ch10-q-update", whole_row)
    with pytest.raises(AssertionError, match="returned None"):
        check("ex-ch10-q-update", in_place_only)
    with pytest.raises(AssertionError, match="not the value of the same action"):
        check("ex-ch10-q-update", same_action)
    with pytest.raises(AssertionError, match="not from the current state"):
        check("ex-ch10-q-update", current_state)
    with pytest.raises(AssertionError, match="the reward r, not 0"):
        check("ex-ch10-q-update", zero_when_done)
    with pytest.raises(AssertionError, match="alpha and gamma are swapped"):
        check("ex-ch10-q-update", swapped)
    with pytest.raises(AssertionError, match=r"Q\[1, 2\] may change .* changed Q\[2, 1\]"):
        check("ex-ch10-q-update", transposed)
    with pytest.raises(AssertionError, match="array of numbers; got str"):  # no raw numpy error
        check("ex-ch10-q-update", lambda *args: "Q")
    with pytest.raises(AssertionError, match="shape"):
        check("ex-ch10-q-update", lambda *args: np.zeros(3))
    with pytest.raises(AssertionError, match="function"):
        check("ex-ch10-q-update", "Q")
