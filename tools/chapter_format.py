"""The rules of a chapter notebook, in one place: the tools and the tests both import them.

- exercise markup: the ``{exercise}`` directive with its ``:label:``, ``{solution-start}``
  and ``{solution-end}``, in backtick or colon fences;
- nbgrader metadata: :func:`nbgrader`, :func:`is_check_cell`, :func:`is_solution_cell`;
- solutions folded in Jupyter: every cell between ``{solution-start}`` and ``{solution-end}``
  has ``metadata.jupyter`` :func:`folded` (:func:`solution_cells`; ``python -m
  tools.chapter_format --fold chapters/*.ipynb`` sets it), because JupyterLab-MyST renders
  the gated solution markers as an empty dropdown and leaves the cells between them open;
- the canonical Colab bootstrap cell, rendered from the repository URL and the branch in
  ``_config.yml``, the only place either is written down; the branch the Colab launch
  buttons open (:func:`colab_branch`) and the HTML book's address (:func:`html_base_url`).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import yaml

from tools import ROOT

CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
EXERCISE_ID = re.compile(r"^ex-ch(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*$")
_FENCE = r"(?:`{3,}|:{3,})"
EXERCISE = re.compile(rf"^{_FENCE}\s*\{{exercise\}}[^\n]*\n(?::[^\n]*\n)*?:label:\s*(?P<label>\S+)", re.M)
SOLUTION_START = re.compile(rf"^{_FENCE}\s*\{{solution-start\}}\s*(?P<label>\S+)", re.M)
SOLUTION_END = re.compile(rf"^{_FENCE}\s*\{{solution-end\}}", re.M)
CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](ex-[a-z0-9-]+)["']""")
NBGRADER_FIELDS = {"grade", "grade_id", "locked", "schema_version", "solution", "task"}
DOWNLOAD_PATTERNS = [
    r"urlopen", r"urlretrieve", r"\brequests\.", r"\bwget\b", r"\bcurl\b", r"download\s*=\s*True",
    r"torch\.hub", r"load_dataset\(", r"fetch_[a-z0-9_]+\(", r"hf_hub", r"from_pretrained\(",
    r"^\s*[!%]pip\b", r"get_dataset\(",
]
BOOTSTRAP_TEMPLATE = '''\
# Colab setup: install the book's `utils` package there (locally, `make lab` already did).
import sys

if "google.colab" in sys.modules:
    %pip install --quiet "dlbook-utils @ git+{url}@{branch}"'''


# JupyterLab and Notebook 7 open a cell with this ``metadata.jupyter`` collapsed (a "..." bar
# that unfolds on a click); the HTML book ignores it (its dropdown hides the solution).
FOLDED = {"source_hidden": True, "outputs_hidden": True}


def folded(cell) -> dict:
    """The ``metadata.jupyter`` that folds ``cell``: input and output, or a markdown cell's text."""
    return dict(FOLDED) if cell.cell_type == "code" else {"source_hidden": True}


def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def repository_url() -> str:
    """The repository URL from ``_config.yml``."""
    return _config()["repository"]["url"]


def repository_branch() -> str:
    """The branch or tag that launch buttons and the Colab bootstrap use (``_config.yml``)."""
    return _config()["repository"].get("branch", "main")


def colab_branch() -> str:
    """The branch the Colab launch buttons open: the plain notebooks' (``sphinx.config.colab_branch``
    in ``_config.yml``, made by ``tools/plain_notebooks.py``), else :func:`repository_branch`."""
    return _config().get("sphinx", {}).get("config", {}).get("colab_branch") or repository_branch()


def html_base_url() -> str:
    """Where the HTML book is published (``html.baseurl`` in ``_config.yml``), ending in ``/``."""
    url = _config().get("html", {}).get("baseurl")
    if not url:
        raise ValueError("_config.yml has no html.baseurl: the address of the published HTML book")
    return url.rstrip("/") + "/"


def bootstrap_source() -> str:
    """The exact source every chapter's first code cell must have."""
    return BOOTSTRAP_TEMPLATE.format(url=repository_url(), branch=repository_branch())


def read(path: Path) -> nbformat.NotebookNode:
    """Read a notebook as nbformat v4."""
    return nbformat.read(path, as_version=4)


def chapter_number(path: Path) -> int:
    """``chapters/04_backprop.ipynb`` -> 4; ``ValueError`` for a name not like ``NN_name``."""
    match = re.match(r"(\d+)_", Path(path).name)
    if not match:
        raise ValueError(f"{path}: chapter notebooks are named NN_name.ipynb, e.g. 04_backpropagation.ipynb")
    return int(match[1])


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def nbgrader(cell) -> dict:
    """The cell's nbgrader metadata (a copy; empty when it has none)."""
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def is_check_cell(cell) -> bool:
    """An auto-graded test cell: code, ``grade`` true and not a solution."""
    meta = nbgrader(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_solution_cell(cell) -> bool:
    """A cell the student writes in (code or a written answer)."""
    return bool(nbgrader(cell).get("solution"))


def exercise_labels(nb: nbformat.NotebookNode) -> list[str]:
    """The ``:label:`` of every exercise directive, in order."""
    return [m["label"] for c in nb.cells if c.cell_type == "markdown" for m in EXERCISE.finditer(c.source)]


def solution_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of the cells between each ``{solution-start}`` and its ``{solution-end}``."""
    inside, found = False, []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and SOLUTION_START.search(cell.source):
            inside = True
        elif cell.cell_type == "markdown" and SOLUTION_END.search(cell.source):
            inside = False
        elif inside:
            found.append(i)
    return found


def fold_solutions(nb: nbformat.NotebookNode) -> int:
    """Give every solution cell ``metadata.jupyter = folded(cell)``; returns how many changed."""
    changed = 0
    for cell in (nb.cells[i] for i in solution_cells(nb)):
        if cell.metadata.get("jupyter") != folded(cell):
            cell.metadata["jupyter"] = folded(cell)
            changed += 1
    return changed


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.chapter_format --fold NOTEBOOK...``: fold the solutions in place."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tools.chapter_format", description=main.__doc__)
    parser.add_argument("--fold", nargs="+", type=Path, required=True, metavar="NOTEBOOK")
    for path in parser.parse_args(argv).fold:
        nb = read(path)
        if changed := fold_solutions(nb):
            nbformat.write(nb, path)
        print(f"{path}: {changed} solution cells folded")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
