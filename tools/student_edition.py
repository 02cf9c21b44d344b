"""The student edition of the book: the same pages with every solution left out.

Used by ``make book-student`` (see ``book/instructors.md``)::

    python -m tools.student_edition _build/student-src
    jupyter-book build _build/student-src

writes a copy of the book's sources to the target directory: ``_config.yml`` (titled
"student edition"), ``_toc.yml``, ``book/`` and every chapter with its solutions dropped by
:func:`tools.assign.drop_solutions` -- the cells are removed, not collapsed (sphinx-exercise's
``hide_solutions`` would only hide them, and it crashes on gated solutions). The chapters
are executed again when the edition is built, which also proves that they run without
their solutions.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat

from tools import ROOT, require_checkout
from tools.assign import drop_solutions, read_chapter

__all__ = ["write_student_sources"]


def write_student_sources(target: Path, root: Path = ROOT, *, execute: bool = True) -> list[Path]:
    """Write the student edition's sources into ``target``; returns the chapter notebooks written.

    With ``execute=False`` the edition's config turns notebook execution off: a build then
    shows the text and code without outputs, in seconds -- enough to prove that no solution
    reaches the pages (the leak test does this on every ``make test``).

    Files are rewritten only when their content changed, so that rebuilding the edition
    re-executes only what changed (Jupyter Book caches executed notebooks by content).
    """
    target.mkdir(parents=True, exist_ok=True)
    config = (root / "_config.yml").read_text(encoding="utf-8")
    config = re.sub(r'^title:\s*"?(.*?)"?\s*$', r'title: "\1 (student edition)"', config, count=1, flags=re.M)
    if not execute:
        config = re.sub(r"^(\s*execute_notebooks:).*$", r'\1 "off"', config, count=1, flags=re.M)
    _write_text(target / "_config.yml", config)
    _write_text(target / "_toc.yml", (root / "_toc.yml").read_text(encoding="utf-8"))
    shutil.copytree(root / "book", target / "book", dirs_exist_ok=True)
    chapters = []
    (target / "chapters").mkdir(exist_ok=True)
    for path in sorted((root / "chapters").glob("*.ipynb")):
        out = target / "chapters" / path.name
        _write_text(out, nbformat.writes(drop_solutions(read_chapter(path))) + "\n")
        chapters.append(out)
    for stale in set((target / "chapters").glob("*.ipynb")) - set(chapters):
        stale.unlink()  # a chapter that was renamed or removed in the book
    return chapters


def _write_text(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.student_edition", description=__doc__.split("\n")[0])
    parser.add_argument("target", type=Path, help="where to write the sources, e.g. _build/student-src")
    args = parser.parse_args(argv)
    require_checkout()
    written = write_student_sources(args.target)
    print(f"wrote the student edition's sources to {args.target} ({len(written)} chapters, solutions left out)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
