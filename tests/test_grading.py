"""tools.grading and tools.kernel_rpc without a kernel: the grader's side of trusted grading.

The kernel's side (tools/kernel_side.py) is loaded into this process and talks to the
grader through the same files and JSON as in a kernel ("loopback"), so these tests run in
the fast tier. tests/test_grading_tamper.py does the same through nbgrader and real kernels.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
import types

import numpy as np
import pytest
import torch
from torch import nn

from tools.grading import run_check_cell
from tools.kernel_rpc import KERNEL_SIDE, GraderError, KernelChannel, RemoteCallable, RemoteObject, decode
from tools.chapter_format import ROOT


def kernel_side(namespace: dict) -> types.ModuleType:
    """tools/kernel_side.py loaded as the kernel would load it, looking names up in ``namespace``."""
    module = types.ModuleType("_dlb_grader")
    exec(KERNEL_SIDE.read_text(encoding="utf-8"), module.__dict__)
    module.NAMESPACE = namespace
    sys.modules["_dlb_grader"] = module
    return module


@pytest.fixture
def notebook(tmp_path):
    """A notebook's namespace, and a channel from the grader to it."""
    namespace: dict = {}
    kernel_side(namespace)
    return namespace, KernelChannel(lambda code: exec(code, {}), tmp_path)


def loopback_check(exercise_id: str, answer: object, tmp_path) -> None:
    """``check(exercise_id, answer)`` as the trusted grader runs it, with ``answer`` in the "kernel"."""
    kernel_side({"answer": answer})
    channel = KernelChannel(lambda code: exec(code, {}), tmp_path)
    error, out, err = run_check_cell(f"check({exercise_id!r}, answer)", channel)
    sys.stdout.write(out)
    sys.stderr.write(err)
    if error is not None:
        raise error


# --- every chapter's checkers work through the grader --------------------------------------

def _checker_tests():
    """Every test of the chapters' checkers (tests/test_checks_chNN.py, and ch01's in test_check.py),
    one case per parametrization."""
    modules = [f"tests.{p.stem}" for p in sorted((ROOT / "tests").glob("test_checks_ch*.py"))] + ["tests.test_check"]
    for module_name in modules:
        module = importlib.import_module(module_name)
        for name, function in vars(module).items():
            if not name.startswith("test_") or (module_name == "tests.test_check" and not name.startswith("test_ch0")):
                continue
            marks = [m for m in getattr(function, "pytestmark", []) if m.name == "parametrize"]
            if not marks:
                yield pytest.param(module, function, {}, id=f"{module_name[6:]}::{name}")
                continue
            argnames, values = marks[0].args[:2]
            argnames = [a.strip() for a in argnames.split(",")] if isinstance(argnames, str) else list(argnames)
            for k, value in enumerate(values):
                value = value.values if hasattr(value, "values") else value
                value = value if len(argnames) > 1 else (value,)
                yield pytest.param(module, function, dict(zip(argnames, value)), id=f"{module_name[6:]}::{name}[{k}]")


@pytest.mark.parametrize("module, function, kwargs", list(_checker_tests()))
def test_every_checker_test_passes_through_the_grader(module, function, kwargs, monkeypatch, capsys, tmp_path):
    """The checkers' own tests, with ``check`` replaced by the grader's: right answers still pass,
    wrong ones fail with the same hints -- so trusted grading changes no honest student's score."""
    assert hasattr(module, "check"), f"{module.__name__} does not call check()"
    monkeypatch.setattr(module, "check",
                        lambda exercise_id, answer: loopback_check(exercise_id, answer, tmp_path / "rpc"))
    (tmp_path / "rpc").mkdir()
    fixtures = {"capsys": capsys, "monkeypatch": monkeypatch, "tmp_path": tmp_path}
    wanted = [p for p in inspect.signature(function).parameters if p not in kwargs]
    assert set(wanted) <= set(fixtures), f"{function.__name__} needs fixtures this runner does not pass: {wanted}"
    function(**kwargs, **{name: fixtures[name] for name in wanted})


def test_the_checker_tests_were_found():
    cases = list(_checker_tests())
    assert len(cases) >= 40, len(cases)
    assert {p.values[0].__name__ for p in cases} >= {"tests.test_checks_ch04", "tests.test_check"}


# --- data only, in both directions ---------------------------------------------------------

def test_data_comes_back_as_fresh_objects_of_the_same_types(notebook):
    namespace, channel = notebook
    values = {
        "none": None, "flag": True, "n": 3, "big": 2**80, "x": 1.5, "nan": float("nan"), "s": "a",
        "nested": [1, (2.0, "b"), {"k": [None]}], "size": torch.Size([2, 3]),
        "array": np.arange(6, dtype=np.int16).reshape(2, 3), "scalar": np.float32(2.5),
        "tensor": torch.linspace(0, 1, 5, dtype=torch.float64, requires_grad=True),
        "half": torch.ones(2, dtype=torch.bfloat16),
    }
    namespace.update(values)
    for name, value in values.items():
        got = channel.lookup(name)
        assert type(got) is (tuple if name == "size" else type(value)), name
        if isinstance(value, torch.Tensor):
            # a fresh leaf: the values and the requires_grad flag come back, the kernel's graph does not
            assert got.dtype == value.dtype and torch.equal(got.detach(), value.detach())
            assert got.requires_grad == value.requires_grad and got.is_leaf and got is not value
        elif isinstance(value, np.ndarray):
            assert got.dtype == value.dtype and np.array_equal(got, value)
        elif name == "nan":
            assert got != got
        else:
            assert got == value
    assert got is not values["half"]


def test_functions_and_objects_stay_in_the_kernel(notebook):
    namespace, channel = notebook

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = nn.Linear(2, 1)

        def forward(self, x):
            return self.layer(x)

    namespace.update(model=Model(), count=lambda m: sum(p.numel() for p in m.parameters()), boom=lambda: 1 / 0)
    model, count = channel.lookup("model"), channel.lookup("count")
    assert isinstance(model, RemoteCallable) and isinstance(count, RemoteCallable)
    assert count(nn.Linear(3, 4)) == 16                       # a grader object goes over pickled
    assert count(model) == 3                                   # a remote object goes back as itself
    assert model(torch.ones(1, 2)).shape == (1, 1)
    assert [p.shape for p in model.parameters()] == [(1, 2), (1,)]
    with pytest.raises(ZeroDivisionError):                     # the student's exception, by name
        channel.lookup("boom")()
    with pytest.raises(NameError):
        channel.lookup("missing")


def test_comparisons_are_not_forwarded(notebook):
    """An answer that claims to equal everything does not equal the grader's expected value."""
    namespace, channel = notebook

    class Agreeable:
        def __eq__(self, other):
            return True

        __hash__ = object.__hash__

    namespace["answer"] = Agreeable()
    answer = channel.lookup("answer")
    assert type(answer) is RemoteObject
    assert answer != (5, 2) and not answer == 1.5
    error, out, _ = run_check_cell("check('ex-ch05-early-stopping', lambda *a: answer)", channel)
    assert error is not None


@pytest.mark.parametrize("payload", [
    {"t": "ndarray", "dtype": "|O", "shape": [1], "data": ""},            # object arrays would unpickle
    {"t": "ndarray", "dtype": "<f8", "shape": [3], "data": "AAAAAAAAAAA="},  # size does not match the shape
    {"t": "tensor", "torch_dtype": "nn.Module", "dtype": "<f8", "shape": [], "data": "AAAAAAAAAAA="},
    {"t": "int", "v": "1"}, {"t": "pickle", "v": "gASV"}, {"t": "list", "v": {}}, ["t"], {"t": "dict", "v": [[1]]},
])
def test_malformed_answers_fail_closed(payload):
    with pytest.raises(GraderError):
        decode(json.loads(json.dumps(payload)), channel=None)


def test_no_answer_fails_closed(tmp_path):
    channel = KernelChannel(lambda code: None, tmp_path)  # a kernel that does nothing
    error, _, _ = run_check_cell("check('ex-ch04-mse-grad', mse_grad)", channel)
    assert isinstance(error, GraderError)


# --- the grader's names win -----------------------------------------------------------------

def test_the_notebook_cannot_rebind_the_names_a_check_cell_uses(notebook):
    namespace, channel = notebook
    namespace.update(check=lambda *a: None, float=lambda x: 9.0, np=types.SimpleNamespace(allclose=lambda *a: True),
                     expect_close=lambda *a, **k: None, square=lambda x: 2 * x)
    error, out, _ = run_check_cell(
        "assert float(square(3.0)) == 9.0, 'square(3.0) should be 9'", channel)
    assert isinstance(error, AssertionError) and "should be 9" in str(error)
    error, _, _ = run_check_cell("assert np.allclose(square(np.ones(2)), np.ones(2))", channel)
    assert isinstance(error, AssertionError)
    error, out, _ = run_check_cell("check('ex-ch04-mse-grad', square)", channel)
    assert isinstance(error, AssertionError) and "✗ ex-ch04-mse-grad" in out


def test_modules_are_the_graders_own_and_only_known_ones(notebook):
    namespace, channel = notebook
    namespace.update(tnn=nn, sp=types.ModuleType("subprocess"))
    assert run_check_cell("assert tnn is __import__('torch').nn", channel)[0] is None
    error, _, _ = run_check_cell("sp", channel)
    assert isinstance(error, GraderError) and "does not import" in str(error)


# --- the course's configuration ---------------------------------------------------------------

def test_assign_writes_a_config_that_grades_in_the_grader(tmp_path):
    """`python -m tools.assign` gives a new course an nbgrader_config.py that nbgrader can load:
    autograde then runs TrustedExecute instead of Execute, and re-adds deleted check cells."""
    from nbgrader.preprocessors import Execute
    from traitlets.config import Config

    from tools import assign
    from tools.grading import TrustedExecute

    path = assign.write_config(tmp_path / "course")
    config = Config()
    exec(path.read_text(), {"get_config": lambda: config})
    preprocessors = config.Autograde.autograde_preprocessors
    assert TrustedExecute in preprocessors and Execute not in preprocessors
    assert config.Execute.timeout == 600 and config.OverwriteCells.add_missing_cells is True
    path.write_text("# the instructor's own\n")
    assert assign.write_config(tmp_path / "course") is None and path.read_text() == "# the instructor's own\n"
