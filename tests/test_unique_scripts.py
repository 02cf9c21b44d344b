"""The local Sphinx extension book/_ext/unique_scripts.py drops repeated <script> entries."""

from __future__ import annotations

import importlib.util

from sphinx.builders.html._assets import _JavaScript

from tools.chapter_format import ROOT

# Loaded from its file: book/_ext is put on sys.path only by Jupyter Book, during a build.
_spec = importlib.util.spec_from_file_location("unique_scripts", ROOT / "book" / "_ext" / "unique_scripts.py")
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
unique_scripts, _on_page_context = _module.unique_scripts, _module._on_page_context


def test_a_body_script_registered_as_none_and_as_empty_is_kept_once():
    # What Sphinx 7.4 does to a script added with app.add_js_file(None, body=...) late.
    early, late = _JavaScript(None, body="const A = 1"), _JavaScript("", body="const A = 1")
    other = _JavaScript("_static/x.js", defer="defer")
    assert unique_scripts([early, other, late]) == [early, other]


def test_scripts_that_differ_are_all_kept_in_order():
    scripts = [_JavaScript("_static/a.js"), _JavaScript("_static/a.js", defer="defer"),
               _JavaScript("_static/a.js", priority=200), _JavaScript(None, body="const B = 2")]
    assert unique_scripts(scripts) == scripts


def test_the_page_context_is_rewritten_and_a_context_without_scripts_left_alone():
    context = {"script_files": [_JavaScript(None, body="x"), _JavaScript("", body="x")]}
    _on_page_context(None, "page", "page.html", context, None)
    assert len(context["script_files"]) == 1
    empty = {}
    _on_page_context(None, "page", "page.html", empty, None)
    assert empty == {}
