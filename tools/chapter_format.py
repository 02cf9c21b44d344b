"""The rules of a chapter notebook, in one place: the tools and the tests both import them.

- exercise markup: the ``{exercise}`` directive with its ``:label:``, ``{solution-start}``
  and ``{solution-end}``, in backtick or colon fences;
- nbgrader metadata: :func:`nbgrader`, :func:`is_check_cell`, :func:`is_solution_cell`;
- the canonical Colab bootstrap cell, rendered from the repository URL and the branch in
  ``_config.yml``, the only place either is written down.
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


def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def repository_url() -> str:
    """The repository URL from ``_config.yml``."""
    return _config()["repository"]["url"]


def repository_branch() -> str:
    """The branch or tag that launch buttons and the Colab bootstrap use (``_config.yml``)."""
    return _config()["repository"].get("branch", "main")


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
