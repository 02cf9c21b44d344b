"""MyST Markdown -> plain Markdown that reads well in Jupyter and Colab.

Used by :mod:`tools.assign` (introduced with the instructor tools). The book's markdown
uses MyST roles and directives that only Sphinx understands; in a plain notebook they show
up as raw ```` ```{note} ```` fences and ``{term}`...` `` noise. :func:`render` turns

- roles into their text: ``{term}`loss <loss function>` `` -> ``loss``, ``{doc}`../book/notation` ``
  -> the page's title, ``{cite:p}`key` `` -> ``(Author, 1986)`` from ``book/references.bib``,
  ``{math}`x` `` -> ``$x$``, ``{ref}`label` `` -> the label's title (an exercise's number);
  with :attr:`Context.link`, terms, citations, documents and references become Markdown
  links (to the HTML book, say: ``tools.plain_notebooks``);
- admonitions into block quotes with a bold title, ``{math}`` blocks into ``$$...$$``,
  ``{figure}``/``{image}`` into images, ``{code-cell}``/``{code-block}`` into code fences;
- ``{exercise}`` into ``**Exercise N.k** (title)`` followed by the prompt;
- ``(label)=`` targets, ``% comments`` and ``+++`` breaks into nothing.

Fenced code blocks are copied verbatim. Unknown directives keep their body.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Context", "render", "read_bibliography"]

ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger",
               "error", "seealso", "admonition"}
DROPPED = {"solution-start", "solution-end", "solution", "bibliography", "glossary", "tableofcontents"}
ROLE = re.compile(r"\{([a-z][\w:-]*)\}`([^`]*)`")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|:{3,})\s*(?P<rest>.*)$")
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*)$")
TEXT_AND_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


@dataclass
class Context:
    """What rendering needs to know besides the text.

    Attributes:
        bibliography: citation key -> ``(authors, year)``, see :func:`read_bibliography`.
        doc_title: maps a ``{doc}`` target to a readable title (default: its last part).
        exercise_number: maps an exercise label to its number, e.g. ``"1.3"``.
        exercise_word: what an exercise is called in the notebook's language.
        ref_title: maps a ``{ref}`` target to its text (default: the target itself).
        link: ``link(role, target)`` -> a URL for the rendered text, or ``None`` for plain
            text (the default); ``role`` is ``"term"``, ``"cite"``, ``"doc"`` or ``"ref"``,
            ``target`` a glossary term, a citation key, a document or a label.
    """

    bibliography: dict[str, tuple[str, str]] = field(default_factory=dict)
    doc_title: Callable[[str], str] = lambda target: Path(target).name.replace("_", " ")
    exercise_number: Callable[[str], str] = lambda label: label
    ref_title: Callable[[str], str] = lambda target: target
    link: Callable[[str, str], str | None] = lambda role, target: None
    exercise_word: str = "Exercise"  # "练习" for a Chinese notebook (tools.translate_notebooks)


def _linked(text: str, url: str | None) -> str:
    """``[text](url)``, or just ``text`` without a URL."""
    return f"[{text}]({url})" if url else text


def read_bibliography(path: Path) -> dict[str, tuple[str, str]]:
    """Citation key -> (short author list, year) from a BibTeX file (a small, forgiving reader)."""
    entries = {}
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    for match in re.finditer(r"@\w+\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", text, re.S):
        key, body = match.groups()
        fields = dict(
            (name.lower(), re.sub(r"[{}]", "", value).strip())
            for name, value in re.findall(r"(\w+)\s*=\s*[{\"](.*?)[}\"]\s*,?\s*$", body, re.M)
        )
        names = [n.strip() for n in fields.get("author", key).split(" and ")]
        last = [n.split(",")[0].strip() if "," in n else n.split()[-1] for n in names if n]
        authors = last[0] if len(last) == 1 else " and ".join(last) if len(last) == 2 else f"{last[0]} et al."
        entries[key] = (authors, fields.get("year", "n.d."))
    return entries


def _role(name: str, content: str, ctx: Context) -> str:
    """The readable text of one role (a Markdown link where ``ctx.link`` gives a URL)."""
    match = TEXT_AND_TARGET.match(content)
    text, target = (match["text"], match["target"]) if match else (None, content)
    if name.startswith("cite"):
        keys = [k.strip() for k in content.split(",") if k.strip()]
        found = [(ctx.bibliography.get(k, (k, "")), ctx.link("cite", k)) for k in keys]
        if name in ("cite:t", "cite:ts"):
            return "; ".join(_linked(f"{a} ({y})" if y else a, url) for (a, y), url in found)
        if name == "cite:year":
            return "; ".join(_linked(y, url) for (_, y), url in found)
        return "(" + "; ".join(_linked(f"{a}, {y}" if y else a, url) for (a, y), url in found) + ")"
    if name == "math":
        return text or f"${content}$"
    if name in ("eq", "numref"):
        return text or f"({target})"
    if name == "doc":
        return _linked(text or ctx.doc_title(target), ctx.link("doc", target))
    if name == "ref":
        return _linked(text or ctx.ref_title(target), ctx.link("ref", target))
    if name == "term":
        return _linked(text or target, ctx.link("term", target))
    return text or target  # abbr, sub, sup, ...


def _inline(line: str, ctx: Context) -> str:
    text = ROLE.sub(lambda m: _role(m[1], m[2], ctx), line)
    # "exercise {ref}`ex-ch04-zero-init`" would read "exercise Exercise 4.4": say it once.
    word = re.escape(ctx.exercise_word)
    return re.sub(rf"(?i:{word})\s+(?={word} )", "", text)


def _directive(name: str, arg: str, options: dict[str, str], body: str, ctx: Context) -> str:
    """Plain markdown for one directive whose body is already rendered."""
    if name in DROPPED:
        return ""
    if name == "exercise":
        head = f"**{ctx.exercise_word} {ctx.exercise_number(options.get('label', ''))}**"
        return head + (f" ({_inline(arg, ctx)})" if arg else "") + "\n\n" + body
    if name in ADMONITIONS:
        title = _inline(arg, ctx) if name == "admonition" and arg else name.capitalize()
        quoted = "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
        return f"> **{title}.**\n>\n{quoted}"
    if name == "math":
        return f"$$\n{body}\n$$"
    if name in ("figure", "image"):
        alt = options.get("alt", "figure")
        return f"![{alt}]({arg})" + (f"\n\n*{body}*" if body else "")
    if name in ("code-cell", "code-block", "code", "sourcecode"):
        return f"```{arg}\n{body}\n```"
    return body


def render(text: str, ctx: Context | None = None) -> str:
    """Render MyST markdown ``text`` as plain Markdown; see the module docstring."""
    ctx = ctx or Context()
    lines, out, prose, i = text.splitlines(), [], [], 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        if not fence:
            if not re.match(r"^\s*(\([\w:.-]+\)=|%|\+\+\+)", line):  # targets, comments, breaks
                prose.append(line)
            i += 1
            continue
        if prose:  # roles may span lines: render the prose before the fence as one block
            out.append(_inline("\n".join(prose), ctx))
            prose = []
        # Find the closing fence: same character, at least as long (MyST's rule).
        char, width = fence["fence"][0], len(fence["fence"])
        end = next((j for j in range(i + 1, len(lines))
                    if re.match(rf"^\s*{re.escape(char)}{{{width},}}\s*$", lines[j])), len(lines))
        inner = lines[i + 1:end]
        directive = DIRECTIVE.match(fence["rest"])
        if not directive:  # an ordinary code block: verbatim
            out.extend(lines[i:end + 1])
        else:
            options = {}
            while inner and OPTION.match(inner[0]):
                option = OPTION.match(inner.pop(0))
                options[option["key"]] = option["value"].strip()
            body = "\n".join(inner).strip("\n")
            name = directive["name"]
            if name not in ("math", "code-cell", "code-block", "code", "sourcecode"):
                body = render(body, ctx)
            out.append(_directive(name, directive["arg"].strip(), options, body, ctx))
        i = end + 1
    if prose:
        out.append(_inline("\n".join(prose), ctx))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")
