"""The grader's helper inside a student's kernel: it answers the grader's requests with data.

``tools.grading`` runs every check cell *outside* the notebook's kernel; whenever the check
needs a name of the notebook (``square``, ``mean_value``), it asks the kernel through this
module, which ``tools.kernel_rpc`` sends to the kernel as source and runs there once.

Nothing here is trusted. The notebook's code runs in the same kernel and may replace this
module, so it only *produces* answers: numbers, strings, containers and arrays go back as
plain JSON (decoded by ``tools.kernel_rpc.decode``, which builds fresh objects in the
grader), everything else as a numbered handle the grader can call or ask about. A lie told
here can only change what the student's answer *is*, never how the grader compares it.

Standard library only; ``numpy`` and ``torch`` are used when the notebook imported them.
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import sys
import types
import warnings

HANDLES: dict[int, object] = {}  # objects the grader holds handles to, by number
NAMESPACE: dict | None = None  # where names are looked up; None: the IPython user namespace


def _array(a) -> dict:
    """A numeric numpy array as JSON: dtype string, shape and the raw bytes in base64."""
    import numpy as np

    a = np.array(a, order="C", copy=True)  # (np.ascontiguousarray would make a 0-d array 1-d)
    return {"dtype": a.dtype.str, "shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode("ascii")}


def encode(x: object) -> dict:
    """``x`` as JSON-ready data; objects that are not plain data become handles."""
    torch, np = sys.modules.get("torch"), sys.modules.get("numpy")
    if torch is not None and isinstance(x, torch.Tensor) and x.layout == torch.strided:
        t = x.detach().cpu().resolve_conj().resolve_neg()
        dtype = str(t.dtype).removeprefix("torch.")
        # requires_grad travels as a flag (the graph cannot), so a check can tell a detached result
        return {"t": "tensor", "torch_dtype": dtype, "requires_grad": bool(x.requires_grad),
                **_array((t.float() if dtype == "bfloat16" else t).numpy())}
    if np is not None and isinstance(x, np.ndarray) and x.dtype.kind in "biufc":
        return {"t": "ndarray", **_array(x)}
    if np is not None and isinstance(x, np.generic) and np.asarray(x).dtype.kind in "biufc":
        return {"t": "npscalar", **_array(np.asarray(x))}
    if x is None:
        return {"t": "none"}
    for kind in (bool, int, float, str):  # subclasses too (an IntEnum, a str subclass): as the value
        if isinstance(x, kind):
            return {"t": kind.__name__, "v": kind(x)}
    if isinstance(x, (list, tuple)):  # torch.Size and named tuples become tuples
        return {"t": "list" if isinstance(x, list) else "tuple", "v": [encode(item) for item in x]}
    if isinstance(x, dict):
        return {"t": "dict", "v": [[encode(k), encode(v)] for k, v in x.items()]}
    if isinstance(x, types.ModuleType):
        return {"t": "module", "name": x.__name__}
    HANDLES[len(HANDLES)] = x
    return {"t": "handle", "id": len(HANDLES) - 1, "callable": callable(x), "type": type(x).__qualname__}


def _user_namespace() -> dict:
    if NAMESPACE is not None:
        return NAMESPACE
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    return shell.user_ns if shell is not None else vars(sys.modules["__main__"])


def _lookup(name: str) -> object:
    namespace = _user_namespace()
    if name not in namespace:
        raise NameError(f"name {name!r} is not defined")
    return namespace[name]


OPERATIONS = {
    "lookup": _lookup,
    "call": lambda obj, args, kwargs: obj(*args, **kwargs),
    "getattr": getattr,
    "getitem": lambda obj, key: obj[key],
    "len": len,
    "list": list,
    "float": float,
    "int": int,
    "index": lambda obj: obj.__index__(),
    "bool": bool,
    "array": lambda obj: __import__("numpy").asarray(obj),
}


class _Unpickler(pickle.Unpickler):
    """Reads the grader's request; handles the grader passes back become the objects again."""

    def persistent_load(self, pid):
        return HANDLES[pid[1]]


def serve(request: str, response: str) -> None:
    """Answer one request: read ``(operation, args)`` from ``request``, write the result to ``response``."""
    with open(request, "rb") as file:
        operation, args = _Unpickler(file).load()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            answer = encode(OPERATIONS[operation](*args))
        except BaseException as error:  # the student's code raised (even SystemExit): report it
            answer = {"t": "raise", "ename": type(error).__name__, "evalue": str(error)[:2000]}
    with open(response + ".part", "w", encoding="utf-8") as file:
        json.dump(answer, file)
    os.replace(response + ".part", response)
