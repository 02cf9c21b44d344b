"""The rules every chapter notebook follows, shared by the lint tests and the tools.

The canonical Colab bootstrap cell is rendered from the repository URL in
``_config.yml``, the only place the URL is written down.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
EXERCISE_ID = re.compile(r"^ex-ch(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*$")
EXERCISE_DIRECTIVE = re.compile(r"^```+\s*\{exercise\}[^\n]*\n(?::[^\n]*\n)*?:label:\s*(\S+)", re.M)
SOLUTION_START = re.compile(r"^```+\s*\{solution-start\}\s*(\S+)", re.M)
SOLUTION_END = re.compile(r"^```+\s*\{solution-end\}", re.M)
CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](ex-[a-z0-9-]+)["']""")
NBGRADER_FIELDS = {"grade", "grade_id", "locked", "schema_version", "solution", "task"}
DOWNLOAD_PATTERNS = [
    r"urlopen", r"urlretrieve", r"\brequests\.", r"\bwget\b", r"\bcurl\b", r"download\s*=\s*True",
    r"torch\.hub", r"load_dataset\(", r"fetch_[a-z0-9_]+\(", r"hf_hub", r"from_pretrained\(",
    r"^\s*[!%]pip\b",
]
BOOTSTRAP_TEMPLATE = '''\
# Colab setup: install the book's `utils` package there (locally, `make lab` already did).
import sys

if "google.colab" in sys.modules:
    %pip install --quiet "dlbook-utils @ git+{url}"'''


def repository_url() -> str:
    """The repository URL from ``_config.yml``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"]


def bootstrap_source() -> str:
    """The exact source every chapter's first code cell must have."""
    return BOOTSTRAP_TEMPLATE.format(url=repository_url())


def read(path: Path) -> nbformat.NotebookNode:
    """Read a notebook as nbformat v4."""
    return nbformat.read(path, as_version=4)


def chapter_number(path: Path) -> int:
    """``chapters/04_backprop.ipynb`` -> 4."""
    return int(path.name[:2])


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def nbgrader(cell) -> dict:
    return dict(cell.get("metadata", {}).get("nbgrader", {}))
