"""Checkers of chapter 10's exercises (deep learning in practice)."""

from __future__ import annotations

import numpy as np

from utils.check import Mismatch, expect_callable, expect_number, register


@register("ex-ch10-conv-flops", success="FLOPs count a multiply and an add separately: 2 per multiply-accumulate.")
def check_conv_flops(conv_flops) -> None:
    """``conv_flops(c_in, c_out, k, h_out, w_out)``: forward FLOPs of one conv layer, one image."""
    expect_callable(conv_flops, "conv_flops(c_in, c_out, k, h_out, w_out)")
    for c_in, c_out, k, h, w in [(1, 16, 3, 8, 8), (16, 32, 3, 4, 4), (3, 64, 11, 55, 55), (2, 5, 1, 7, 3)]:
        macs = c_out * h * w * c_in * k * k
        got = expect_number(conv_flops(c_in, c_out, k, h, w), f"conv_flops({c_in}, {c_out}, {k}, {h}, {w})")
        if got == 2 * macs:
            continue
        out = c_out * h * w  # output values: one bias each
        wrong = {  # common wrong answers and what each one forgot
            macs: "You counted multiply-accumulates; a FLOP counter counts the multiply and the add: 2 per MAC.",
            2 * macs + out: "Leave the bias out, as FlopCounterMode does (it adds only C_out*H_out*W_out).",
            macs + out: "Count 2 FLOPs per multiply-accumulate, and leave the bias out as FlopCounterMode does.",
            2 * macs + 2 * out: "Leave the bias out, as FlopCounterMode does (it is not a multiply-accumulate).",
            2 * c_out * h * w * c_in * k: "A k x k kernel has k**2 weights per channel pair, not k.",
            2 * c_out * c_in * k * k: "That is the work of one output position; multiply by H_out * W_out positions.",
            2 * c_out * h * w * k * k: "Each output value sums over all C_in input channels, not one.",
            2 * c_out * h * w * c_in: "Each output value sums a k x k window in every input channel: C_in * k**2 products.",
            c_out * (c_in * k * k + 1): "That is the layer's parameter count. FLOPs count the work: each weight is used"
                                        " at every one of the H_out * W_out output positions, 2 FLOPs per use.",
        }
        hint = " " + wrong[got] if got in wrong else ""
        raise Mismatch(f"conv_flops({c_in}, {c_out}, {k}, {h}, {w}) should be {2 * macs:,}, got {got:,}.{hint}")


def _expected_q(Q, s, a, r, s_next, done, alpha, gamma):
    Q = np.array(Q, dtype=float)
    target = r + (0.0 if done else gamma * Q[s_next].max())
    Q[s, a] += alpha * (target - Q[s, a])
    return Q


@register("ex-ch10-q-update", success="That is Watkins's Q-learning update: bootstrap from the best next action.")
def check_q_update(q_update) -> None:
    """``q_update(Q, s, a, r, s_next, done, alpha, gamma)`` returns the updated table."""
    expect_callable(q_update, "q_update(Q, s, a, r, s_next, done, alpha, gamma)")
    rng = np.random.default_rng(0)
    cases = [(1, 2, -1.0, 3, False, 0.5, 0.9), (0, 0, 2.0, 4, True, 0.1, 0.99), (4, 3, -20.0, 2, True, 1.0, 0.95),
             (2, 1, 0.5, 2, False, 0.3, 0.5)]
    for s, a, r, s_next, done, alpha, gamma in cases:
        Q = rng.normal(size=(5, 4))
        expected = _expected_q(Q, s, a, r, s_next, done, alpha, gamma)
        got = q_update(Q.copy(), s, a, r, s_next, done, alpha, gamma)
        if got is None:
            raise Mismatch("q_update returned None; return the updated table (a (5, 4) array).")
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise Mismatch(f"q_update should return the table, a (5, 4) array of numbers; got {type(got).__name__}"
                           ) from None
        if got.shape != expected.shape:
            raise Mismatch(f"the returned table should have shape {expected.shape}, got {got.shape}")
        if np.allclose(got, expected, atol=1e-12):
            continue
        where = f"(s={s}, a={a}, r={r}, s_next={s_next}, done={done}, alpha={alpha}, gamma={gamma})"
        changed = [tuple(int(i) for i in ij) for ij in np.argwhere(~np.isclose(got, Q, atol=1e-12))]
        if changed and changed != [(s, a)]:
            listed = ", ".join(f"Q[{i}, {j}]" for i, j in changed[:3]) + (", ..." if len(changed) > 3 else "")
            raise Mismatch(f"only the entry Q[s, a] = Q[{s}, {a}] may change (rows are states, columns actions);"
                           f" your update changed {listed} {where}.")
        hint = " The target is r + gamma * max over a' of Q[s_next, a'], and r alone when done."
        best_next = 0.0 if done else Q[s_next].max()

        def step(target):  # Q[s, a] moved a step alpha towards `target`
            return Q[s, a] + alpha * (target - Q[s, a])

        wrong = [  # (what a common mistake gives for Q[s, a], what to say)
            (step(r + gamma * Q[s_next].max()), " When the episode is done there is no next state: the target is r alone."),
            (step(r + gamma * Q[s_next].mean()),
             " Use the max over the next state's actions, not the mean (that is what makes it Q-learning)."),
            (step(r + gamma * (0.0 if done else Q[s_next, a])),
             " Use the max over all actions in the next state, not the value of the same action a there."),
            (step(r + gamma * (0.0 if done else Q[s].max())),
             " Bootstrap from the next state s_next, not from the current state s."),
            (step(0.0), " When the episode is done the target is the reward r, not 0."),
            (Q[s, a] + gamma * (r + alpha * best_next - Q[s, a]),
             " alpha and gamma are swapped: alpha is the step size, gamma discounts the next state's value."),
            (r + gamma * best_next, " Move Q[s, a] only a step alpha towards the target, not onto it:"
                                    " Q[s, a] + alpha * (target - Q[s, a])."),
            (step(r + best_next), " Discount the next state's value by gamma."),
            (Q[s, a] - alpha * (r + gamma * best_next - Q[s, a]),
             " Sign error: move Q[s, a] towards the target, Q[s, a] + alpha * (target - Q[s, a])."),
            (step(r - gamma * best_next),
             " Sign error: the discounted value of the next state is added to the reward, r + gamma * max Q."),
        ]
        for value, text in wrong:
            if np.isclose(got[s, a], value, atol=1e-12) and not np.isclose(value, expected[s, a], atol=1e-12):
                hint = text
                break
        raise Mismatch(f"Q[s, a] should become {expected[s, a]:.6g}, got {got[s, a]:.6g} {where}.{hint}")
