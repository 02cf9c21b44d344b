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
