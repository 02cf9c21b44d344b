"""The book's tools: they refuse to run outside a checkout, and `make quick` picks chapters right."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tools import ROOT, require_checkout
from tools.affected import affected_chapters, imported_modules, module_name


def test_tools_run_only_from_a_checkout(tmp_path):
    assert require_checkout() == ROOT
    with pytest.raises(SystemExit, match=r"run from a checkout .* no _toc.yml, chapters, book/references.bib"):
        require_checkout(tmp_path)


def test_tools_are_not_in_the_readers_package():
    # What a reader installs (the wheel) holds utils only; the tools stay in the repository.
    import utils

    assert not any((ROOT / "utils" / name).exists() for name in ("assign.py", "bench.py", "plainmd.py"))
    done = subprocess.run([sys.executable, "-c", "import utils.assign"], capture_output=True, text=True)
    assert done.returncode != 0 and utils.__version__


def test_import_lines_name_the_modules():
    code = ("from utils.scratch.conv import conv2d, im2col\n"
            "from utils.scratch import (activations,\n    mlp)\n"
            "import utils.device\nfrom torch import nn\n")
    assert imported_modules(code) == {
        "utils.scratch.conv", "utils.scratch.conv.conv2d", "utils.scratch.conv.im2col",
        "utils.scratch", "utils.scratch.activations", "utils.scratch.mlp", "utils.device",
    }
    assert module_name(ROOT / "utils" / "scratch" / "__init__.py") == "utils.scratch"
    assert module_name(ROOT / "tests" / "test_tools.py") is None


def test_a_change_reaches_the_chapters_that_import_it_directly_or_not():
    chapters = lambda *paths: {p.name[:2] for p in affected_chapters([ROOT / p for p in paths])}  # noqa: E731
    assert chapters("utils/scratch/conv.py") == {"06"}
    assert chapters("utils/checks/ch04.py") == {"04"}  # loaded by the check cells' ids
    assert chapters("README.md") == set()
    assert chapters("utils/device.py") >= {"01", "02", "03", "04", "05", "06"}


def test_fold_solutions_folds_exactly_the_cells_between_the_solution_markers(tmp_path):
    import nbformat

    from tools.chapter_format import FOLDED, main, read, solution_cells

    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(cells=[
        md("```{exercise}\n:label: ex-ch00-a\n\nDo it.\n```"), code("x = 1"),
        md("```{solution-start} ex-ch00-a\n:class: dropdown\n```"), code("answer = 2"), md("Because."),
        md("```{solution-end}\n```"), code("check('ex-ch00-a', answer)"),
    ])
    path = tmp_path / "00_x.ipynb"
    nbformat.write(nb, path)
    assert solution_cells(nb) == [3, 4]
    assert main(["--fold", str(path)]) == 0
    cells = read(path).cells
    assert cells[3].metadata["jupyter"] == FOLDED and cells[4].metadata["jupyter"] == {"source_hidden": True}
    assert [i for i, c in enumerate(cells) if "jupyter" in c.metadata] == [3, 4]
