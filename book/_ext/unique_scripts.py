"""Sphinx extension: write each ``<script>`` into a page once.

Sphinx 7.4 adds a script registered after the builder starts (``app.add_js_file(None,
body=...)``) twice: once under the name ``None`` straight away and once under ``''`` when
it prepares writing, and the two do not compare equal. sphinx-thebe registers its settings
this way, so every page declared ``const THEBE_JS_URL`` twice and the browser reported
"Identifier 'THEBE_JS_URL' has already been declared". This drops such repeats.
"""

from __future__ import annotations


def script_key(script) -> tuple:
    """What makes two scripts the same: file (``None`` and ``''`` alike), priority, attributes."""
    attributes = getattr(script, "attributes", {})
    return (getattr(script, "filename", script) or "", getattr(script, "priority", 500),
            tuple(sorted(attributes.items())))


def unique_scripts(scripts) -> list:
    """``scripts`` in order, without repeats (by :func:`script_key`)."""
    seen, unique = set(), []
    for script in scripts:
        if (key := script_key(script)) not in seen:
            seen.add(key)
            unique.append(script)
    return unique


def _on_page_context(app, pagename, templatename, context, doctree):
    if "script_files" in context:
        context["script_files"] = unique_scripts(context["script_files"])


def setup(app):
    app.connect("html-page-context", _on_page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
