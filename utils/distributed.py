"""Data-parallel training on one machine with ``torch.distributed`` (chapter 10).

Two (or more) processes each hold a copy of a model, compute gradients on their own shard of
a mini-batch, and DistributedDataParallel averages the gradients with an all-reduce. The
worker function lives here, in an importable module, because ``torch.multiprocessing``
starts its processes with the *spawn* method, which pickles the function by name: a function
defined in a notebook cannot be found by the new process.

Everything runs on the CPU with the gloo backend, and the processes find each other through
a file in a fresh temporary folder (a ``file://`` rendezvous: no network port to pick, so no
race with another program for it). It works on a laptop and inside a Jupyter kernel. A
crashed worker or a deadline makes the parent raise instead of hanging.

Introduced in chapter 10.
"""

from __future__ import annotations

import datetime
import tempfile
import time
from pathlib import Path
from typing import Callable

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn

__all__ = ["ddp_gradients", "single_process_gradients", "digits_mlp"]

ModelFactory = Callable[[], nn.Module]


def _check_inputs(make_model: object, X: object, y: object, world_size: int) -> None:
    if not callable(make_model):
        raise TypeError(f"make_model must be a function that builds the model, got {type(make_model).__name__}")
    if not isinstance(X, torch.Tensor) or not isinstance(y, torch.Tensor):
        raise TypeError(f"X and y must be tensors, got {type(X).__name__} and {type(y).__name__}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of rows, got {X.shape[0]} and {y.shape[0]}")
    if not isinstance(world_size, int) or world_size < 1:
        raise ValueError(f"world_size must be a positive int, got {world_size!r}")
    if X.shape[0] % world_size != 0:
        raise ValueError(
            f"the batch of {X.shape[0]} rows must split evenly over {world_size} processes "
            "(unequal shards would weight their examples differently)"
        )


def single_process_gradients(make_model: ModelFactory, X: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
    """Gradients of the mean cross-entropy over the whole batch, in this process.

    Args:
        make_model: builds the model; it must seed itself so that every call gives the
            same initial weights.
        X: inputs, shape ``(B, ...)``.
        y: class labels, shape ``(B,)``, int64.

    Returns:
        ``{parameter name: gradient}``, each gradient with its parameter's shape.
    """
    _check_inputs(make_model, X, y, 1)
    model = make_model()
    loss = nn.functional.cross_entropy(model(X), y)
    loss.backward()
    return {name: p.grad.detach().clone() for name, p in model.named_parameters()}


def _worker(rank: int, world_size: int, make_model: ModelFactory, X: torch.Tensor,
            y: torch.Tensor, out_dir: str, timeout_s: float) -> None:
    # One process of the group: its own shard, one backward pass, DDP's all-reduce, save.
    torch.set_num_threads(1)  # two processes on a small machine: do not oversubscribe the cores
    dist.init_process_group("gloo", init_method=(Path(out_dir) / "rendezvous").as_uri(), rank=rank,
                            world_size=world_size, timeout=datetime.timedelta(seconds=timeout_s))
    try:
        model = nn.parallel.DistributedDataParallel(make_model())  # broadcasts rank 0's weights
        shard = X.shape[0] // world_size
        rows = slice(rank * shard, (rank + 1) * shard)  # this process sees only its rows
        loss = nn.functional.cross_entropy(model(X[rows]), y[rows])
        loss.backward()  # DDP all-reduces (averages) the gradients during backward
        grads = {name: p.grad.detach().clone() for name, p in model.module.named_parameters()}
        torch.save(grads, Path(out_dir) / f"rank{rank}.pt")
        dist.barrier()
    finally:
        dist.destroy_process_group()


def ddp_gradients(make_model: ModelFactory, X: torch.Tensor, y: torch.Tensor, *, world_size: int = 2,
                  timeout_s: float = 300.0) -> list[dict[str, torch.Tensor]]:
    """Gradients after one DistributedDataParallel backward pass in ``world_size`` processes.

    Process ``r`` computes the mean cross-entropy on rows ``r*B/W .. (r+1)*B/W - 1`` of the
    batch; DDP averages the gradients over the processes with an all-reduce (gloo backend,
    CPU, a ``file://`` rendezvous in a temporary folder).

    Args:
        make_model: a picklable function (defined in a module, not a notebook) that builds
            the model; it must seed itself so that every process builds the same weights.
        X: inputs, shape ``(B, ...)`` with ``B`` divisible by ``world_size``.
        y: class labels, shape ``(B,)``, int64.
        world_size: number of processes.
        timeout_s: give up (kill the processes and raise ``TimeoutError``) after this many
            seconds.

    Returns:
        one ``{parameter name: gradient}`` dict per process, in rank order.

    Raises:
        RuntimeError: a process raised or died; the message names it and says why.
        TimeoutError: the processes had not finished after ``timeout_s`` seconds.
    """
    _check_inputs(make_model, X, y, world_size)
    with tempfile.TemporaryDirectory() as out_dir:
        context = mp.spawn(_worker, args=(world_size, make_model, X, y, out_dir, timeout_s),
                           nprocs=world_size, join=False, start_method="spawn")
        deadline = time.monotonic() + timeout_s
        try:
            while not context.join(timeout=1.0):  # True once every process has finished
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the {world_size} processes did not finish within {timeout_s} s "
                                       "(a worker hangs, or the machine is too busy: raise timeout_s)")
        except (mp.ProcessRaisedException, mp.ProcessExitedException) as e:  # join() stopped the others
            raise RuntimeError(f"data-parallel worker {e.error_index} of {world_size} failed: {e}") from None
        finally:
            for process in context.processes:  # never leave a worker behind
                if process.is_alive():
                    process.kill()
                    process.join()
        return [torch.load(Path(out_dir) / f"rank{r}.pt", weights_only=True) for r in range(world_size)]


def digits_mlp() -> nn.Module:
    """A small float64 MLP for 64-pixel digits, always with the same initial weights.

    The weights come from a private generator seeded with 0 (``fork_rng``), so building the
    model leaves the caller's random-number stream as it was.

    Returns:
        ``nn.Sequential(Linear(64, 32), ReLU, Linear(32, 10))`` in float64.
    """
    with torch.random.fork_rng(devices=[]):  # CPU only; restores the global state on exit
        torch.manual_seed(0)
        return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)).double()

