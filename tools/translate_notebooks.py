"""Chinese chapter notebooks from the Chinese edition's catalogues (no second translation).

::

    python -m tools.translate_notebooks                      # every chapter -> _build/notebooks-zh/
    python -m tools.translate_notebooks chapters/04_*.ipynb --out DIR

The catalogues (``locales/zh_CN/LC_MESSAGES/chapters/*.po``) already hold the Chinese of
every paragraph, title, list item and table cell of a chapter's Markdown, each with where it
came from (cell and line, as myst-nb numbers them). This puts each translation back in its
place in the notebook's Markdown cells: the result is the same notebook, code and outputs
untouched, with Chinese prose, which Jupyter, Colab and ``tools.assign`` read like any
chapter (``python -m tools.assign _build/notebooks-zh/04_backpropagation.ipynb --course DIR
--assignment NAME --release`` writes Chinese student notebooks, their exercises titled 练习).

What stays English is what stays English in the Chinese book: code and its comments, printed
outputs and figures, display mathematics; and in these notebooks also the checkers' messages,
which ``utils`` prints. A message is placed only where it stands as a whole block -- a
paragraph, title, list item, table cell or directive title -- so a short one ("step") never
replaces a word inside a longer one; :func:`translate` returns the messages it could not
place, and the tests require that there are none.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

from tools import ROOT
from tools.assign import EDITION_KEY  # tools.assign titles the exercises in this edition's language
from tools.chapter_format import CHAPTERS
from tools.i18n import LANGUAGE, _read, catalogue_path, messages

__all__ = ["EDITION_KEY", "translate", "translate_chapter", "main"]

OUT = ROOT / "_build" / "notebooks-zh"
# What may stand before a block's text on its first line: a heading's #s, list markers,
# block quotes, a definition's colon (each followed by spaces), or a table cell's bar, or a
# directive's opening fence and name (its argument is the title).
_BEFORE = (r"(?:(?<=\n)|^)[ \t]*(?:(?:#{1,6}|[-*+]|\d+[.)]|>|:)[ \t]+)*"
           r"|\|[ \t]*"
           r"|(?:`{3,}|:{3,})\{[\w:-]+\}[ \t]+")
# What may follow a block's text: the end of its line (or of the cell), or a table cell's bar.
_AFTER = r"(?=[ \t]*(?:\n|$|\|))"
# Between two words of one block: spaces, or a line break with the next line's indentation
# or block-quote marker.
_BETWEEN = r"(?:[ \t]*\n[ \t>]*|[ \t]+)"


def _pattern(msgid: str) -> re.Pattern:
    """Where ``msgid`` stands as a whole block, its own line breaks and indentation allowed."""
    words = _BETWEEN.join(re.escape(word) for word in msgid.split())
    return re.compile(f"({_BEFORE})({words}){_AFTER}")


def _cell(location: str | int | None) -> int | None:
    """The cell index a catalogue location names (myst-nb: ``(cell + 1) * 10000 + line``)."""
    try:
        return int(location) // 10000 - 1
    except (TypeError, ValueError):
        return None


def _translatable(message) -> bool:
    # Display math (a message that starts on a new line) stays as it is in both editions.
    return bool(message.string) and not message.fuzzy and not message.id.startswith("\n")


def _place(nb: nbformat.NotebookNode, cells: list[int], msgid: str, msgstr: str) -> bool:
    """Replace ``msgid`` by ``msgstr`` wherever it stands as a block in ``cells``; any found?"""
    pattern, placed = _pattern(msgid), False
    for i in cells:
        # A function, not a string: the translation's backslashes are text, not escapes.
        source, n = pattern.subn(lambda m: m[1] + msgstr, nb.cells[i].source)
        if n:
            nb.cells[i].source, placed = source, True
    return placed


def translate(nb: nbformat.NotebookNode, catalog) -> tuple[nbformat.NotebookNode, list[str]]:
    """``nb`` with its Markdown in the catalogue's language, and the messages left unplaced.

    A message is put first in the cell its location names; failing that (tables and some
    directive titles carry no or a shifted location) wherever in the notebook it stands as
    a whole block. Longer messages go first, so none is cut into by a shorter one.
    """
    nb = copy.deepcopy(nb)
    markdown = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown"]
    unplaced = []
    for message in sorted(filter(_translatable, messages(catalog)), key=lambda m: -len(m.id)):
        named = [c for c in (_cell(loc) for _, loc in message.locations) if c in markdown]
        # Where the location names no cell, or names one without the message: everywhere.
        if not (named and _place(nb, named, message.id, message.string)) \
                and not _place(nb, markdown, message.id, message.string):
            unplaced.append(message.id)
    nb.metadata[EDITION_KEY] = LANGUAGE
    return nb, unplaced


def translate_chapter(path: Path) -> tuple[nbformat.NotebookNode, list[str]]:
    """One chapter notebook in Chinese, and its unplaced messages (see :func:`translate`)."""
    path = Path(path)
    catalogue = catalogue_path(f"chapters/{path.stem}")
    if not catalogue.is_file():
        raise SystemExit(f"{path}: no catalogue {catalogue.relative_to(ROOT)} (run `make i18n-update`)")
    return translate(nbformat.read(path, as_version=4), _read(catalogue))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.translate_notebooks",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("chapters", nargs="*", type=Path, help="chapter notebooks (default: all)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write them (default {OUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    status = 0
    for path in args.chapters or CHAPTERS:
        nb, unplaced = translate_chapter(path)
        nbformat.write(nb, args.out / Path(path).name)
        print(f"{args.out / Path(path).name}: {len(unplaced)} messages not placed")
        for msgid in unplaced:
            print(f"  {msgid[:100]!r}")
        status = status or bool(unplaced)
    return status


if __name__ == "__main__":
    sys.exit(main())
