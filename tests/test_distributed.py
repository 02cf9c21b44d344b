"""utils.distributed: two gloo processes give the gradients of one process on the whole batch."""

from __future__ import annotations

import time

import pytest
import torch
import torch.distributed as dist

from utils.data import digits_split
from utils.distributed import ddp_gradients, digits_mlp, single_process_gradients


def _batch(n: int = 64):
    split = digits_split(dtype=torch.float64)
    return split.X_train[:n], split.y_train[:n]


def _crash_on_rank_1():
    # A model factory whose second process fails (module level: spawn pickles it by name).
    if dist.get_rank() == 1:
        raise RuntimeError("worker crashed on purpose")
    return digits_mlp()


def _hang_on_rank_1():
    # A model factory whose second process never returns, so the first waits in DDP's broadcast.
    if dist.get_rank() == 1:
        time.sleep(600)
    return digits_mlp()


def test_digits_mlp_is_reproducible_float64():
    a, b = digits_mlp(), digits_mlp()
    for p, q in zip(a.parameters(), b.parameters()):
        assert p.dtype == torch.float64 and torch.equal(p, q)


def test_digits_mlp_leaves_the_callers_random_stream_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    digits_mlp()
    assert torch.equal(torch.rand(3), expected)


def test_ddp_gradients_equal_single_process_gradients():
    X, y = _batch()
    reference = single_process_gradients(digits_mlp, X, y)
    per_rank = ddp_gradients(digits_mlp, X, y, world_size=2, timeout_s=300)
    assert len(per_rank) == 2
    for grads in per_rank:
        assert grads.keys() == reference.keys()
        for name, g in grads.items():
            torch.testing.assert_close(g, reference[name], rtol=0, atol=1e-12)
    # and a shard alone does NOT give the full-batch gradient: the all-reduce matters
    alone = single_process_gradients(digits_mlp, X[:32], y[:32])
    assert max((alone[k] - reference[k]).abs().max().item() for k in reference) > 1e-4


def test_a_crashing_worker_raises_a_clear_error():
    X, y = _batch()
    with pytest.raises(RuntimeError, match="worker 1 of 2 failed") as info:
        ddp_gradients(_crash_on_rank_1, X, y, world_size=2, timeout_s=120)
    assert "crashed on purpose" in str(info.value)  # the worker's own error is passed on


def test_a_hanging_worker_times_out_instead_of_hanging():
    X, y = _batch()
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="did not finish within 8"):
        ddp_gradients(_hang_on_rank_1, X, y, world_size=2, timeout_s=8)
    assert time.monotonic() - start < 60  # the deadline plus the time to stop the processes


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"world_size": 3}, ValueError),  # 64 rows do not split over 3 processes
        ({"world_size": 0}, ValueError),
    ],
)
def test_ddp_gradients_rejects_bad_world_size(kwargs, error):
    X, y = _batch()
    with pytest.raises(error):
        ddp_gradients(digits_mlp, X, y, **kwargs)


def test_bad_inputs_raise():
    X, y = _batch()
    with pytest.raises(TypeError, match="function"):
        single_process_gradients(3, X, y)
    with pytest.raises(TypeError, match="tensors"):
        single_process_gradients(digits_mlp, X.numpy(), y)
    with pytest.raises(ValueError, match="same number of rows"):
        single_process_gradients(digits_mlp, X, y[:10])
