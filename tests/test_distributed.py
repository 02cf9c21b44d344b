"""utils.distributed: two gloo processes give the gradients of one process on the whole batch."""

from __future__ import annotations

import pytest
import torch

from utils.data import digits_split
from utils.distributed import ddp_gradients, digits_mlp, free_port, single_process_gradients


def _batch(n: int = 64):
    split = digits_split(dtype=torch.float64)
    return split.X_train[:n], split.y_train[:n]


def test_free_port_is_a_port():
    port = free_port()
    assert isinstance(port, int) and 0 < port < 65536


def test_digits_mlp_is_reproducible_float64():
    a, b = digits_mlp(), digits_mlp()
    for p, q in zip(a.parameters(), b.parameters()):
        assert p.dtype == torch.float64 and torch.equal(p, q)


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
