import random

import numpy as np
import pytest
import torch

from utils.device import get_device, set_seed, synchronize


def test_set_seed_makes_all_generators_repeat():
    set_seed(3)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    set_seed(3)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first


def test_different_seeds_differ():
    set_seed(1)
    a = torch.rand(5)
    set_seed(2)
    assert not torch.equal(a, torch.rand(5))


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError)])
def test_set_seed_rejects_bad_seeds(bad, error):
    with pytest.raises(error, match="seed"):
        set_seed(bad)


def test_get_device_returns_a_usable_device_and_says_which(capsys):
    device = get_device()
    assert isinstance(device, torch.device)
    assert torch.ones(2, device=device).sum().item() == 2
    assert f"Using device: {device}" in capsys.readouterr().out


def test_get_device_can_be_quiet(capsys):
    get_device(verbose=False)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("cuda, mps, expected", [
    (True, True, "cuda"),    # CUDA first, even where MPS exists too
    (False, True, "mps"),
    (False, False, "cpu"),
])
def test_get_device_prefers_cuda_then_mps_then_cpu(monkeypatch, capsys, cuda, mps, expected):
    # Whatever this machine has: the order of preference is what is tested.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Fake GPU")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert get_device().type == expected
    assert f"Using device: {expected}" in capsys.readouterr().out


@pytest.mark.parametrize("device, waits_on", [("cpu", None), ("cuda", "cuda"), (torch.device("mps"), "mps")])
def test_synchronize_waits_on_the_device_that_ran_the_work(monkeypatch, device, waits_on):
    # Whatever this machine has: which backend's synchronize is called is what is tested.
    calls = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: calls.append("cuda"))
    monkeypatch.setattr(torch.mps, "synchronize", lambda: calls.append("mps"))
    synchronize(device)
    assert calls == ([waits_on] if waits_on else [])


def test_synchronize_rejects_an_unknown_device():
    with pytest.raises(ValueError, match="cpu, cuda and mps"):
        synchronize("meta")
