r"""What the LaTeX (PDF) edition of the book does differently from the HTML one.

Loaded by ``_config.yml`` for every build, it acts only when the builder writes LaTeX
(``make pdf``), on the doctree Sphinx assembles from the same sources as the web book -- no
second copy of any text:

- **Solutions at the end of each chapter.** sphinx-exercise puts each worked solution right
  under its exercise (a collapsed dropdown on the web). On paper that gives the answer
  away, so every solution moves into a section "Solutions to the exercises" at the end of
  its chapter (before the chapter's references), and each exercise ends with a link to
  its solution's page. The student PDF (``make pdf-student``) is built from the student
  edition's sources, which have no solutions to move.
- **Math that MathJax reads and LaTeX does not.** A sub- or superscript that is a command
  (``\lambda_\max``, ``g_\mathcal{B}``) gets the braces LaTeX needs (``\lambda_{\max}``).
- **Long outputs truncated.** A cell output longer than ``pdf_output_max_lines`` lines
  keeps its first and last lines and says how many were left out.

The widgets' own outputs are dropped by ``nb_mime_priority_overrides`` in ``_config.yml``
(a widget's text fallback is its Python repr); the static figure next to each widget stays.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

SOLUTIONS_TITLE = "Solutions to the exercises"


class CollectSolutions(SphinxPostTransform):
    """Move every chapter's solutions into a section at the end of that chapter."""

    builders = ("latex",)
    # After sphinx-exercise has given the solutions their titles (priority 20-22) and
    # before sphinx-jupyterbook-latex rearranges the root document (700).
    default_priority = 600

    def run(self, **kwargs) -> None:
        from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node, solution_node

        found: dict[nodes.Element, list[tuple[nodes.Element, nodes.Element]]] = {}
        _collect(self.document, None, (solution_node, exercise_node, exercise_enumerable_node), found)
        for chapter, pairs in found.items():
            exercises = {n["label"]: n for _, n in pairs if not isinstance(n, solution_node)}
            solutions = [(parent, n) for parent, n in pairs if isinstance(n, solution_node)]
            if chapter is None or not solutions:
                continue
            section = nodes.section("", nodes.title(text=SOLUTIONS_TITLE), ids=["pdf-solutions"])
            section += nodes.paragraph(text=(
                "The worked solutions to this chapter's exercises. Try each exercise before "
                "you read its solution; each title links back to its exercise."))
            for parent, solution in solutions:
                parent.remove(solution)
                section += solution
                exercise = exercises.get(solution.get("target_label"))
                if exercise is not None:
                    exercise += _link_to(chapter["docname"], solution["label"])
            top = next(c for c in chapter.children if isinstance(c, nodes.section))
            references = [c for c in top.children if isinstance(c, nodes.section)
                          and c.children and c[0].astext().strip().lower() == "references"]
            top.insert(top.index(references[0]) if references else len(top.children), section)


def _collect(node: nodes.Element, chapter, kinds: tuple, found: dict) -> None:
    """Nodes of ``kinds`` under ``node`` with their parents, by source document (chapter).

    Walks down from the root: sphinx-exercise's transforms leave some ``parent`` links
    unset, so walking up from a solution does not reliably reach its document.
    """
    for child in node.children:
        if isinstance(child, addnodes.start_of_file):
            _collect(child, child, kinds, found)
        elif isinstance(child, kinds):
            found.setdefault(chapter, []).append((node, child))
            _collect(child, chapter, kinds, found)
        elif isinstance(child, nodes.Element):
            _collect(child, chapter, kinds, found)


def _link_to(docname: str, label: str) -> nodes.paragraph:
    """"Solution on page N", linked to the label sphinx-exercise writes for a solution."""
    target = f"{docname}:{label}"
    raw = rf"\hfill\hyperref[{target}]{{\emph{{Solution on page~\pageref*{{{target}}}}}}}"
    return nodes.paragraph("", "", nodes.raw("", raw, format="latex"))


OUTPUT_MAX_LINES = 30  # the default of the config value pdf_output_max_lines


def truncate_lines(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` lines; else its head and tail, ``limit`` lines in all."""
    lines = text.splitlines()
    if len(lines) <= limit:
        return text
    tail = max(3, limit // 5)
    head = limit - tail - 1
    left_out = len(lines) - head - tail
    return "\n".join(lines[:head] + [f"... ({left_out} lines left out in the PDF) ..."] + lines[-tail:])


class TruncateLongOutputs(SphinxPostTransform):
    """Keep the head and tail of a cell output that would fill pages of the PDF."""

    builders = ("latex",)
    default_priority = 601

    def run(self, **kwargs) -> None:
        for block in list(self.document.findall(nodes.literal_block)):
            if "output" in block.get("classes", []):
                text = block.astext()
                short = truncate_lines(text, self.config.pdf_output_max_lines)
                if short != text:
                    block.children = []
                    block += nodes.Text(short)
                    block.rawsource = short


# `_\cmd` or `^\cmd` with the brace groups that follow it, when no further `{` follows
# (a nested group, which this cannot match, leaves the text as it is).
_BARE_SCRIPT = re.compile(r"([_^])\s*(\\[A-Za-z]+(?:\{[^{}]*\})*)(?![{A-Za-z])")


def brace_scripts(tex: str) -> str:
    r"""``x_\max`` -> ``x_{\max}``: MathJax accepts a bare command as a script, LaTeX may not."""
    return _BARE_SCRIPT.sub(r"\1{\2}", tex)


class BraceMathScripts(SphinxPostTransform):
    """Give every command-valued sub- or superscript in the book's math its braces."""

    builders = ("latex",)
    default_priority = 602

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))):
            tex = node.astext()
            fixed = brace_scripts(tex)
            if fixed != tex:
                node.children = []
                node += nodes.Text(fixed)


def setup(app: Sphinx) -> dict:
    app.add_config_value("pdf_output_max_lines", OUTPUT_MAX_LINES, "env", [int])
    app.add_post_transform(CollectSolutions)
    app.add_post_transform(TruncateLongOutputs)
    app.add_post_transform(BraceMathScripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
