"""The grader's side of the conversation with a student's kernel: data in, data out.

The grader (``tools.grading``) runs check cells in its own process. A name of the notebook
that a check cell uses is fetched from the kernel through a :class:`KernelChannel`:

- plain data -- ``None``, ``bool``, ``int``, ``float``, ``str``, lists, tuples, dicts,
  numeric NumPy arrays and scalars, PyTorch tensors -- comes back as JSON and is rebuilt
  here by :func:`decode` as fresh objects of exactly those types (never unpickled, so the
  kernel cannot make the grader run code);
- anything else (the student's functions, models, generators) stays in the kernel and is
  represented here by a :class:`RemoteObject`: calling it, indexing it, iterating it or
  converting it with ``float``/``int``/``bool``/``np.asarray`` asks the kernel, and the
  result is again decoded as data. Comparisons are *not* forwarded: ``==`` on a remote
  object is identity, so an object whose ``__eq__`` always says yes cannot pass a check.

Arguments go the other way pickled (the grader's objects are trusted; the kernel unpickles
them). Every request is one ``execute`` message to the kernel (``tools/kernel_side.py``
does the work there); its result is read from a file in the grader's temporary directory.
Anything unexpected -- no answer, a malformed one, a dead kernel -- raises
:class:`GraderError`, and the check fails: the grader fails closed.
"""

from __future__ import annotations

import base64
import builtins
import io
import json
import math
import pickle
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

KERNEL_SIDE = Path(__file__).with_name("kernel_side.py")
TORCH_DTYPES = {"float16", "bfloat16", "float32", "float64", "complex64", "complex128",
                "int8", "int16", "int32", "int64", "uint8", "bool"}
MAX_ITEMS = 1_000_000  # a remote iterable longer than this is not an answer


class GraderError(BaseException):
    """The kernel did not answer the grader as it should; the check cannot be verified.

    A ``BaseException``, like ``KeyboardInterrupt``: a checker's ``except Exception`` (which
    turns the student's errors into hints) must not take it for the student's error.
    """


class RemoteError(Exception):
    """Base of the exceptions the student's code raised in the kernel (named as they were there)."""


class RemoteModule:
    """A module the kernel holds under a name; the grader imports its own copy, or refuses."""

    def __init__(self, name: str):
        self.name = name


class RemoteObject:
    """An object that lives in the student's kernel: data-producing operations are forwarded."""

    def __init__(self, channel: KernelChannel, handle: int, type_name: str):
        object.__setattr__(self, "_channel", channel)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_type_name", type_name)

    def _ask(self, operation: str, *args):
        return self._channel.request(operation, self, *args)

    def __getattr__(self, name: str):
        if name.startswith("__"):  # protocol probes (numpy, pickle, copy) are not the answer's data
            raise AttributeError(name)
        return self._ask("getattr", name)

    def __getitem__(self, key):
        return self._ask("getitem", key)

    def __len__(self) -> int:
        return _expect(self._ask("len"), int, "len()")

    def __iter__(self):
        items = self._ask("list")
        return iter(_expect(items, list, "list()"))

    def __float__(self) -> float:
        return _expect(self._ask("float"), float, "float()")

    def __int__(self) -> int:
        return _expect(self._ask("int"), int, "int()")

    def __index__(self) -> int:
        return _expect(self._ask("index"), int, "__index__()")

    def __bool__(self) -> bool:
        return _expect(self._ask("bool"), bool, "bool()")

    def __array__(self, dtype=None, copy=None):
        array = _expect(self._ask("array"), np.ndarray, "np.asarray()")
        return array.astype(dtype) if dtype is not None else array

    def __repr__(self) -> str:
        return f"<{self._type_name} from the notebook>"


class RemoteCallable(RemoteObject):
    """A function, class or other callable of the notebook; calling it runs it in the kernel."""

    def __call__(self, *args, **kwargs):
        return self._ask("call", args, kwargs)


def _expect(value, kind: type, what: str):
    if type(value) is not kind:
        raise TypeError(f"{what} of the notebook's object gave {type(value).__name__}, not {kind.__name__}")
    return value


def _array(d: dict) -> np.ndarray:
    dtype = np.dtype(d["dtype"])
    if dtype.kind not in "biufc" or dtype.hasobject:
        raise GraderError(f"the kernel sent an array of dtype {dtype}")
    shape = tuple(d["shape"])
    if not all(type(n) is int and n >= 0 for n in shape):
        raise GraderError(f"the kernel sent an array of shape {shape}")
    data = base64.b64decode(d["data"], validate=True)
    if len(data) != math.prod(shape) * dtype.itemsize:
        raise GraderError("the kernel sent an array whose size does not match its shape")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


_SCALARS = {"bool": bool, "int": int, "float": (float, int), "str": str}


def decode(d: object, channel: KernelChannel):
    """Rebuild the data the kernel sent (see the module docstring); raise GraderError on anything else."""
    if not isinstance(d, dict) or not isinstance(d.get("t"), str):
        raise GraderError("the kernel sent a malformed answer")
    kind = d["t"]
    if kind == "none":
        return None
    if kind in _SCALARS:
        value = d.get("v")
        if not isinstance(value, _SCALARS[kind]) or (kind == "int" and type(value) is bool):
            raise GraderError(f"the kernel sent a malformed {kind}")
        return float(value) if kind == "float" else value
    if kind in ("list", "tuple"):
        items = [decode(item, channel) for item in _sequence(d)]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        return {decode(k, channel): decode(v, channel) for k, v in (_pair(p) for p in _sequence(d))}
    if kind == "ndarray":
        return _array(d)
    if kind == "npscalar":
        return _array(d)[()]
    if kind == "tensor":
        if d.get("torch_dtype") not in TORCH_DTYPES:
            raise GraderError(f"the kernel sent a tensor of dtype {d.get('torch_dtype')!r}")
        tensor = torch.from_numpy(_array(d)).to(getattr(torch, d["torch_dtype"]))
        if d.get("requires_grad") is True and (tensor.is_floating_point() or tensor.is_complex()):
            tensor.requires_grad_(True)  # a fresh leaf: the kernel's graph stays there
        return tensor
    if kind == "module" and isinstance(d.get("name"), str):
        return RemoteModule(d["name"])
    if kind == "handle" and type(d.get("id")) is int:
        cls = RemoteCallable if d.get("callable") is True else RemoteObject
        return cls(channel, d["id"], str(d.get("type", "object"))[:100])
    if kind == "raise":
        raise _remote_exception(str(d.get("ename", "Exception")), str(d.get("evalue", "")))
    raise GraderError(f"the kernel sent an answer of unknown kind {kind!r}")


def _sequence(d: dict) -> list:
    if not isinstance(d.get("v"), list) or len(d["v"]) > MAX_ITEMS:
        raise GraderError("the kernel sent a malformed sequence")
    return d["v"]


def _pair(p: object) -> list:
    if not isinstance(p, list) or len(p) != 2:
        raise GraderError("the kernel sent a malformed dict")
    return p


def _remote_exception(name: str, message: str) -> Exception:
    """The student's exception, re-raised in the grader: a built-in one as itself (so that
    ``NotImplementedError`` still reads "not attempted"), any other as a :class:`RemoteError`."""
    builtin = getattr(builtins, name, None)
    if isinstance(builtin, type) and issubclass(builtin, Exception):
        return builtin(message)
    safe = name if name.isidentifier() else "Exception"
    return type(safe, (RemoteError,), {})(message)


class _Pickler(pickle.Pickler):
    """Pickles the grader's arguments; a remote object travels back as its handle."""

    def persistent_id(self, obj):
        return ("handle", obj._handle) if isinstance(obj, RemoteObject) else None


class KernelChannel:
    """Requests to one kernel. ``run(code)`` executes code there and returns once it finished
    (``tools.grading`` sends it as an ``execute`` message); files go through ``workdir``."""

    def __init__(self, run: Callable[[str], None], workdir: Path):
        self._run, self._workdir, self._count = run, Path(workdir), 0

    def lookup(self, name: str):
        """The notebook's value of ``name``, decoded (a NameError if the notebook has none)."""
        return self.request("lookup", name)

    def request(self, operation: str, *args):
        self._count += 1
        request = self._workdir / f"request-{self._count}.pickle"
        response = self._workdir / f"response-{self._count}.json"
        buffer = io.BytesIO()
        _Pickler(buffer).dump((operation, args))
        request.write_bytes(buffer.getvalue())
        self._run(self._code(str(request), str(response)))
        try:
            answer = json.loads(response.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise GraderError(f"the notebook's kernel did not answer the grader ({type(error).__name__})") from None
        return decode(answer, self)

    @staticmethod
    def _code(request: str, response: str) -> str:
        """What the kernel runs: install ``kernel_side`` once (in its own module), then serve."""
        install = (
            "import sys, types\n"
            "if '_dlb_grader' not in sys.modules:\n"
            "    module = types.ModuleType('_dlb_grader')\n"
            f"    exec({KERNEL_SIDE.read_text(encoding='utf-8')!r}, module.__dict__)\n"
            "    sys.modules['_dlb_grader'] = module\n"
            f"sys.modules['_dlb_grader'].serve({request!r}, {response!r})\n"
        )
        return f"exec({install!r}, {{}})"  # a fresh namespace: the notebook's names stay untouched
