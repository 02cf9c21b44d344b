"""The API page documents every public module of ``utils``, and every public function has a docstring."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import utils
from tools import ROOT

API_PAGE = ROOT / "book" / "api.md"


def public_modules() -> list[str]:
    """Every module of ``utils`` a reader imports (not the private ones, not the exercise checkers)."""
    names = [m.name for m in pkgutil.walk_packages(utils.__path__, "utils.")]
    return sorted(n for n in names if not any(part.startswith("_") for part in n.split("."))
                  and not n.startswith("utils.checks"))


def test_every_public_module_is_on_the_api_page():
    documented = set(re.findall(r"^\.\. automodule:: (\S+)", API_PAGE.read_text(encoding="utf-8"), re.M))
    missing = [m for m in public_modules() if m not in documented and m != "utils.scratch" and m != "utils.checks"]
    assert not missing, f"book/api.md has no automodule block for {missing}"


@pytest.mark.parametrize("module", public_modules())
def test_public_functions_have_docstrings(module):
    mod = importlib.import_module(module)
    names = getattr(mod, "__all__", [n for n in vars(mod) if not n.startswith("_")])
    undocumented = [
        n for n in names
        if (inspect.isfunction(obj := getattr(mod, n)) or inspect.isclass(obj))
        and obj.__module__ == module and not inspect.getdoc(obj)
    ]
    assert not undocumented, f"{module}: public functions or classes without a docstring: {undocumented}"


def _automodule_members() -> dict[str, list[str] | None]:
    """Module -> the members its automodule block lists, or ``None`` for a bare ``:members:``."""
    blocks = re.findall(r"^\.\. automodule:: (\S+)\n((?:[ \t]+:[^\n]*\n)*)", API_PAGE.read_text(encoding="utf-8"), re.M)
    listed = {}
    for module, options in blocks:
        members = re.search(r":members:(.*)", options)
        assert members, f"book/api.md: the automodule block of {module} has no :members: option"
        names = [n.strip() for n in members.group(1).split(",") if n.strip()]
        listed[module] = names or None
    return listed


def _public_objects(module: str) -> dict[str, object]:
    mod = importlib.import_module(module)
    names = getattr(mod, "__all__", [n for n in vars(mod) if not n.startswith("_")])
    return {n: obj for n in names
            if (inspect.isfunction(obj := getattr(mod, n)) or inspect.isclass(obj)) and obj.__module__ == module}


@pytest.mark.parametrize("module", public_modules())
def test_an_explicit_members_list_names_every_public_function(module):
    """A block that lists its members (to fix their order or leave helpers out) must not drop a new function."""
    listed = _automodule_members().get(module)
    if listed is None:  # a bare :members: documents __all__ (or every public name)
        return
    missing = sorted(set(_public_objects(module)) - set(listed))
    assert not missing, f"book/api.md lists members of {module} but not {missing}"


ARRAY_ANNOTATION = re.compile(r"Tensor|ndarray|ArrayLike")
# A shape in a docstring: a tuple such as ``(B, C)``, ``(C,)``, ``(..., d)`` or ``(len(text),)``,
# the word "shape", or a pointer to the function whose arguments it shares.
SHAPE = re.compile(r"\((?:[^()]|\([^()]*\))*,(?:[^()]|\([^()]*\))*\)|shape|[Ss]ame arguments")


def _array_functions(module: str):
    for name, obj in _public_objects(module).items():
        members = [(name, obj)]
        if inspect.isclass(obj):
            members += [(f"{name}.{m}", f) for m, f in vars(obj).items()
                        if inspect.isfunction(f) and (not m.startswith("_") or m in ("__call__", "__init__"))]
        for qualname, func in members:
            if not inspect.isfunction(func) and not inspect.isclass(func):
                continue
            try:
                signature = inspect.signature(func)
            except (TypeError, ValueError):
                continue
            annotations = " ".join(str(p.annotation) for p in signature.parameters.values()) + str(signature.return_annotation)
            if ARRAY_ANNOTATION.search(annotations):
                yield qualname, func


@pytest.mark.parametrize("module", public_modules())
def test_functions_on_arrays_give_shapes(module):
    """Every public function that takes or returns an array or tensor says what shapes (or that any shape goes)."""
    module_doc = inspect.getdoc(importlib.import_module(module)) or ""
    elementwise = re.search(r"element-?wise", module_doc) and "any shape" in module_doc
    silent = [
        name for name, func in _array_functions(module)
        if not elementwise and not SHAPE.search(inspect.getdoc(func) or "")
        and not SHAPE.search(inspect.getdoc(_public_objects(module).get(name.split(".")[0])) or "")
    ]
    assert not silent, f"{module}: docstrings without shapes: {silent}"
