"""Sphinx extension: ARIA roles that assistive technology (and axe-core) accept.

Docutils writes a bibliography as ``<div role="list">`` whose entries have
``role="doc-biblioentry"``, a role that DPUB-ARIA 1.1 deprecated; a list must hold list
items, so axe-core reports "aria-required-children" (serious) on every page that cites.
The entries become plain list items, which is what a screen reader announced anyway.

pandas writes a table's top-left corner (above the index) as an empty ``<th>``; a header
cell without text names nothing (axe-core "empty-table-header"). In a table's head an empty
header cell becomes a plain empty cell, ``<td>``, which is what the corner is.
"""

from __future__ import annotations

import re

_BIBLIOENTRY = re.compile(r'(<div class="citation"[^>]*\brole=")doc-biblioentry(")')


def citation_roles(body: str) -> str:
    """``body`` with each bibliography entry's role ``doc-biblioentry`` made ``listitem``."""
    return _BIBLIOENTRY.sub(r"\1listitem\2", body)


_THEAD = re.compile(r"<thead>.*?</thead>", re.S)
_EMPTY_TH = re.compile(r"<th(\s[^>]*)?>\s*(?:&nbsp;)?\s*</th>")


def empty_header_cells(body: str) -> str:
    """``body`` with every empty ``<th>`` of a ``<thead>`` made an empty ``<td>``."""
    return _THEAD.sub(lambda head: _EMPTY_TH.sub(r"<td\1></td>", head[0]), body)


def _on_page_context(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = empty_header_cells(citation_roles(context["body"]))


def setup(app):
    app.connect("html-page-context", _on_page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
