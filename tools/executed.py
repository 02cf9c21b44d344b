"""The executed chapters, kept so that each chapter executes once in ``make test``.

``make test-notebooks`` (``tests/test_standalone_notebooks.py``) executes every chapter
alone, from the installed package, and keeps each executed notebook in ``_build/executed/``,
stamped with what it was made from: the chapter file's SHA-256 and a hash of ``utils/``.
Later stages reuse those outputs instead of executing the chapter again:

- the book and the PDF (``make book``, ``make pdf``) run ::

      python -m tools.executed --cache _build/.jupyter_cache

  first, which puts them into Jupyter Book's execution cache; jupyter-cache finds a
  notebook there by its code cells, so the build then executes nothing it has;
- the nbgrader round trip (``tests/roundtrip.py``) validates the source notebook, whose
  code cells are the chapter's, on these outputs.

A kept notebook whose stamp does not match the chapter and ``utils/`` as they are now is
stale and ignored: whoever wanted it executes the chapter itself, as without this module.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import sys
from pathlib import Path

import nbformat

from tools import ROOT

__all__ = ["EXECUTED", "stamp_of", "keep", "fresh", "with_outputs", "add_to_cache", "main"]

EXECUTED = ROOT / "_build" / "executed"
STAMP_KEY = "executed_from"  # notebook metadata: the stamp


def _utils_hash(utils: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(utils.rglob("*.py")):
        digest.update(path.relative_to(utils).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stamp_of(chapter: Path, utils: Path = ROOT / "utils") -> dict:
    """What an execution of ``chapter`` made now would be made from."""
    return {"sha256": hashlib.sha256(Path(chapter).read_bytes()).hexdigest(), "utils": _utils_hash(utils)}


def keep(executed: Path, stamp: dict) -> None:
    """Stamp the executed notebook at ``executed`` with ``stamp`` (taken before it ran)."""
    nb = nbformat.read(executed, as_version=4)
    nb.metadata[STAMP_KEY] = stamp
    nbformat.write(nb, executed)


def fresh(chapter: Path, folder: Path = EXECUTED, utils: Path = ROOT / "utils") -> nbformat.NotebookNode | None:
    """The kept execution of ``chapter`` if it was made from the chapter and utils/ as they are now."""
    path = Path(folder) / Path(chapter).name
    if not path.is_file():
        return None
    nb = nbformat.read(path, as_version=4)
    return nb if nb.metadata.get(STAMP_KEY) == stamp_of(chapter, utils) else None


def with_outputs(nb: nbformat.NotebookNode, executed: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """A copy of ``nb`` with the outputs of ``executed``, or None unless their code cells are the same.

    Only the outputs, execution counts and the notebook's ``language_info`` and ``widgets``
    (the widget state) are taken; everything else stays ``nb``'s.
    """
    code = [c for c in nb.cells if c.cell_type == "code"]
    ran = [c for c in executed.cells if c.cell_type == "code"]
    if [c.source for c in code] != [c.source for c in ran]:
        return None
    nb = copy.deepcopy(nb)
    for cell, done in zip((c for c in nb.cells if c.cell_type == "code"), ran):
        cell.outputs, cell.execution_count = copy.deepcopy(done.outputs), done.execution_count
    for key in ("language_info", "widgets"):
        if key in executed.metadata:
            nb.metadata[key] = copy.deepcopy(executed.metadata[key])
    return nb


def add_to_cache(cache_path: Path, chapters: list[Path], folder: Path = EXECUTED,
                 utils: Path = ROOT / "utils") -> list[str]:
    """Put the fresh kept executions of ``chapters`` into the jupyter-cache at ``cache_path``.

    Returns the names of the chapters added. Raises ``RuntimeError`` when the cache would
    not give an added execution back for its chapter (so the book would execute it again).
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache, added = get_cache(str(cache_path)), []
    for chapter in chapters:
        kept = fresh(chapter, folder, utils)
        if kept is None:
            continue
        # The chapter with the kept outputs: jupyter-cache keys on the code cells and their metadata.
        nb = with_outputs(nbformat.read(chapter, as_version=4), kept)
        cache.cache_notebook_bundle(CacheBundleIn(nb, str(Path(chapter).resolve())), check_validity=False, overwrite=True)
        try:
            cache.match_cache_notebook(nbformat.read(chapter, as_version=4))
        except KeyError:
            raise RuntimeError(f"jupyter-cache does not match {chapter} to its kept execution") from None
        added.append(Path(chapter).name)
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.executed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, required=True, help="the jupyter-cache folder, e.g. _build/.jupyter_cache")
    args = parser.parse_args(argv)
    from tools.chapter_format import CHAPTERS

    added = add_to_cache(args.cache, CHAPTERS)
    print(f"executed chapters reused from {EXECUTED.relative_to(ROOT)}: {len(added)} of {len(CHAPTERS)}"
          + (f" ({', '.join(added)})" if added else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
