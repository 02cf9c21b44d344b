"""The chapters as plain notebooks, for Colab and any Jupyter without MyST (``make plain``).

::

    python -m tools.plain_notebooks [chapters ...] [--out DIR] [--branch NAME]

A chapter's markdown is MyST, which only the book (and JupyterLab with ``jupyterlab-myst``)
renders; Colab and a plain Jupyter show it as source. This tool writes, for each chapter,
the notebook a learner there should get:

- markdown rendered to plain Markdown by :mod:`tools.plainmd` (exercises read
  ``**Exercise 2.3**``, admonitions become block quotes), with glossary terms linked to the
  HTML book's glossary and citations as author-year text linked to its bibliography;
- every solution folded: its written parts inside ``<details>``, its code cells collapsed by
  the front end's own cell metadata (``jupyter.source_hidden``/``outputs_hidden`` for
  JupyterLab and Notebook, ``cellView: form`` for Colab), each under a one-line title;
- the code cells exactly the chapter's, in the same order (the chapter's own run is
  their test), the Colab bootstrap included: it installs ``utils`` from the branch in
  ``_config.yml`` (``repository.branch``), not from the generated branch.

``--out DIR`` (default ``_build/plain``) writes ``DIR/chapters/NN_name.ipynb``.
``--branch NAME`` also commits them onto the local branch ``NAME``: the committed tree of
``HEAD`` with ``chapters/`` replaced, so the paths are the book's. The book's Colab launch
buttons open that branch (``launch_buttons.colab_branch`` in ``_config.yml``); a fork
publishes it with ``git push origin NAME`` after each change to the chapters.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import nbformat

from tools import ROOT, plainmd, require_checkout
from tools.assign import find_exercises, plain_context
from tools.chapter_format import (CHAPTERS, FOLDED as JUPYTER_FOLDED, SOLUTION_END, SOLUTION_START,
                                  chapter_number, html_base_url, read)

__all__ = ["plain_notebook", "book_links", "glossary_anchors", "myst_left", "write", "commit_branch", "main"]

OUT = ROOT / "_build" / "plain"
# A collapsed code cell: JupyterLab and Notebook 7 read ``jupyter`` (the chapters carry it
# already), Colab reads ``cellView``.
FOLDED = {"jupyter": JUPYTER_FOLDED, "cellView": "form"}
UNFOLD_HINT = "folded: try the exercise first, then click the cell (in Colab: *Show code*) to unfold it"
# MyST that a plain Markdown renderer would show as source (checked outside code blocks).
MYST_SYNTAX = {
    "directive": re.compile(r"^\s*(?:`{3,}|:{3,})\s*\{[\w:-]+\}", re.M),
    "role": re.compile(r"\{[a-z][\w:-]*\}`"),
    "directive option": re.compile(r"^\s*:(?:label|class|name|alt|width|align|dropdown):", re.M),
    "target": re.compile(r"^\s*\([\w:.-]+\)=\s*$", re.M),
    "block break": re.compile(r"^\+\+\+\s*$", re.M),
}
CODE_BLOCK = re.compile(r"^(\s*)(`{3,}|~{3,})(?!\s*\{)[^\n]*\n.*?^\1\2\s*$", re.M | re.S)  # not a directive


def _sphinx_id(text: str) -> str:
    """The HTML id Sphinx gives the glossary term ``text``: what ``sphinx.util.nodes.make_id``
    makes of ``"term-" + text`` (case kept). The html tier checks them on the built glossary."""
    ascii_text = unicodedata.normalize("NFKD", f"term-{text}").encode("ascii", "ignore").decode("ascii")
    return re.sub(r"^[-0-9._]+|-+$", "", re.sub(r"[^a-zA-Z0-9._]+", "-", " ".join(ascii_text.split())))


def glossary_anchors(path: Path = ROOT / "book" / "glossary.md") -> dict[str, str]:
    """Glossary term (lower case) -> its anchor on the HTML glossary page, from ``book/glossary.md``.

    A term is a line at the left margin inside the ``{glossary}`` block whose next line is
    an indented definition.
    """
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next((i for i, line in enumerate(lines) if re.match(r"^(`{3,}|:{3,})\{glossary\}", line)), len(lines))
    anchors = {}
    for line, following in zip(lines[start + 1:], lines[start + 2:] + [""]):
        if re.match(r"^(`{3,}|:{3,})\s*$", line):
            break
        if line.strip() and not line[0].isspace() and not line.startswith(":") and following.startswith((" ", "\t")):
            anchors[line.strip().lower()] = _sphinx_id(line.strip())
    return anchors


def book_links(chapter_stem: str, base_url: str | None = None, anchors: dict[str, str] | None = None):
    """``link(role, target)`` for :class:`tools.plainmd.Context`: URLs into the HTML book.

    Terms go to their glossary entry, citations to the bibliography page (its entries have
    no stable ids), ``{doc}`` targets to their page, ``{ref}`` labels to their anchor on
    this chapter's page. A term missing from the glossary raises ``ValueError`` (the book
    build would warn about it too).
    """
    base = (base_url or html_base_url()).rstrip("/") + "/"
    anchors = glossary_anchors() if anchors is None else anchors

    def link(role: str, target: str) -> str | None:
        if role == "term":
            term = " ".join(target.split()).lower()  # a term may wrap across lines
            if term not in anchors:
                raise ValueError(f"{chapter_stem}: {{term}}`{target}` is not in book/glossary.md")
            return f"{base}book/glossary.html#{anchors[term]}"
        if role == "cite":
            return f"{base}book/bibliography.html"
        if role == "doc":  # relative to chapters/, e.g. ../book/notation
            return base + os.path.normpath(f"chapters/{target}").replace(os.sep, "/") + ".html"
        if role == "ref":
            return f"{base}chapters/{chapter_stem}.html#{target}"
        return None

    return link


def _title_cell(text: str, cell_id: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = cell_id[:64]  # deterministic, so a regenerated branch changes only what changed
    return cell


def plain_notebook(nb: nbformat.NotebookNode, path: Path, base_url: str | None = None,
                   anchors: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The plain notebook of the chapter ``nb`` read from ``path`` (see the module docstring).

    ``nb`` is not changed. ``base_url`` is the HTML book's address (default: ``html.baseurl``
    in ``_config.yml``); ``anchors`` the glossary's (default: from ``book/glossary.md``).
    """
    path = Path(path)
    base = (base_url or html_base_url()).rstrip("/") + "/"
    exercises = find_exercises(nb, chapter_number(path))
    numbers = {e.label: e.number for e in exercises}
    ctx = plain_context(exercises, link=book_links(path.stem, base, anchors))
    out = copy.deepcopy(nb)
    out.cells = []
    solution, parts = None, 0  # the exercise whose solution is open, its cells so far
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (start := SOLUTION_START.search(cell.source)):
            solution, parts = start["label"], 0
            continue
        if cell.cell_type == "markdown" and SOLUTION_END.search(cell.source):
            solution = None
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "markdown":
            cell.source = plainmd.render(cell.source, ctx)
        if solution is not None:
            title = f"Solution to Exercise {numbers.get(solution, '?')}" + (", continued" if parts else "")
            if cell.cell_type == "markdown":  # <details> folds it everywhere; a folded cell on top would hide its title
                cell.metadata.pop("jupyter", None)
                cell.source = f"<details>\n<summary><b>{title}</b></summary>\n\n{cell.source}\n\n</details>"
            else:
                out.cells.append(_title_cell(f"**{title}**: the code cell below is {UNFOLD_HINT}.",
                                             f"{solution}-{parts}"))
                cell.metadata.update(copy.deepcopy(FOLDED))
            parts += 1
        out.cells.append(cell)
    out.cells[0].source += (
        f"\n\n*This is the plain-Markdown edition of the chapter, for Colab and any Jupyter; "
        f"[the book]({base}chapters/{path.stem}.html) shows it best.*")
    return out


def myst_left(nb: nbformat.NotebookNode) -> list[str]:
    """MyST syntax left in ``nb``'s markdown cells (outside code blocks), as ``"cell N: kind: text"``."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        prose = CODE_BLOCK.sub("", cell.source)
        found += [f"cell {i}: {kind}: {m.group(0).strip()}" for kind, pattern in MYST_SYNTAX.items()
                  for m in pattern.finditer(prose)]
    return found


def write(chapters: list[Path], out: Path) -> dict[Path, nbformat.NotebookNode]:
    """Write the plain notebook of each chapter to ``out/chapters/``; returns them by target path."""
    anchors = glossary_anchors()
    written = {}
    for path in chapters:
        plain = plain_notebook(read(path), path, anchors=anchors)
        if left := myst_left(plain):
            raise ValueError(f"{path}: MyST left in the plain notebook: {left}")
        target = out / "chapters" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(plain, target)
        written[target] = plain
    return written


def _git(*args: str, repo: Path = ROOT, env: dict | None = None, input: bytes | None = None,
         check: bool = True) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], input=input, capture_output=True,
                            env={**os.environ, **(env or {})})
    if check and result.returncode:
        raise SystemExit(f"git {' '.join(args)} failed: {result.stderr.decode().strip()}")
    return result.stdout.decode().strip() if result.returncode == 0 else ""


def commit_branch(files: dict[str, bytes], branch: str, repo: Path = ROOT) -> str | None:
    """Commit ``HEAD``'s tree with ``files`` (repository path -> content) replaced onto ``branch``.

    Uses a temporary index, so the working tree, the real index and the current branch are
    untouched. The branch's previous tip is the new commit's parent (a push needs no force).
    Returns the new commit, or ``None`` when the tree is the same as the branch's already.
    """
    head = _git("rev-parse", "HEAD", repo=repo)
    with tempfile.TemporaryDirectory() as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git("read-tree", "HEAD", repo=repo, env=env)
        for path, data in sorted(files.items()):
            blob = _git("hash-object", "-w", "--stdin", repo=repo, input=data)
            _git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", repo=repo, env=env)
        tree = _git("write-tree", repo=repo, env=env)
    parent = _git("rev-parse", "--verify", "-q", f"refs/heads/{branch}^{{commit}}", repo=repo, check=False)
    if parent and _git("rev-parse", f"{parent}^{{tree}}", repo=repo) == tree:
        return None
    message = f"Plain notebooks for Colab, generated from {head[:12]} by tools/plain_notebooks.py"
    commit = _git("commit-tree", tree, *(["-p", parent] if parent else []), "-m", message, repo=repo)
    _git("update-ref", f"refs/heads/{branch}", commit, repo=repo)
    return commit


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tools.plain_notebooks", description=__doc__.split("\n")[0])
    parser.add_argument("chapters", nargs="*", type=Path, help="chapter notebooks (default: every chapter)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default: {OUT.relative_to(ROOT)})")
    parser.add_argument("--branch", help="also commit them onto this local branch (e.g. colab)")
    args = parser.parse_args(argv)
    require_checkout()
    chapters = [p.resolve() for p in args.chapters] or CHAPTERS
    if args.branch and (dirty := _git("status", "--porcelain", "--", "chapters", "book")):
        raise SystemExit(f"commit the chapters first: the branch is made from HEAD, and these differ:\n{dirty}")
    try:
        written = write(chapters, args.out)
    except ValueError as error:
        print(f"tools.plain_notebooks: error: {error}", file=sys.stderr)
        return 1
    for target in written:
        print(f"wrote {target}")
    if args.branch:
        files = {f"chapters/{t.name}": t.read_bytes() for t in written}
        commit = commit_branch(files, args.branch)
        print(f"branch {args.branch}: " + (f"now at {commit[:12]}; publish it with "
                                          f"`git push origin {args.branch}`" if commit else "already up to date"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
