"""The book's own tools, run from a checkout of the repository (not installed with ``utils``).

- ``tools.chapter_format``  -- the rules of a chapter notebook (exercise markup, nbgrader
  metadata, the Colab bootstrap), shared by the tools and the tests
- ``tools.plainmd``         -- MyST to plain Markdown
- ``tools.assign``          -- chapters to nbgrader source and student notebooks (``make assign``)
- ``tools.grading``         -- autograde that re-runs check cells in the grader (``tools.kernel_rpc``
  and ``tools/kernel_side.py`` carry the students' answers out of their kernels as data)
- ``tools.student_edition`` -- the book's sources without solutions (``make book-student``)
- ``tools.pdf``             -- the PDF edition: checks the TeX toolchain, builds (``make pdf``)
- ``tools.bench``           -- time every notebook and measure its peak memory (``make bench``)
- ``tools.figure_audit``    -- the width of every figure a notebook shows and its overlapping
  titles, measured in the kernel while ``tools.bench`` runs it (loaded by path, so it
  imports nothing from here)

They find the book's files relative to this folder, so they work only inside a checkout:
:func:`require_checkout` stops with a message that says so anywhere else.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def require_checkout(root: Path = ROOT) -> Path:
    """``root`` if it is a checkout of the book (it has ``_toc.yml`` and ``chapters/``).

    Raises:
        SystemExit: with a message naming what is missing and what to do.
    """
    missing = [name for name in ("_toc.yml", "chapters", "book/references.bib") if not (root / name).exists()]
    if missing:
        raise SystemExit(
            f"the book's tools run from a checkout of the repository, but {root} has no "
            f"{', '.join(missing)}; clone the repository and run them there (python -m tools.<name>)"
        )
    return root
