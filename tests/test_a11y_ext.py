"""The local Sphinx extension book/_ext/a11y.py gives bibliography entries a role a list accepts
and turns the empty corner cells of pandas tables into plain cells."""

from __future__ import annotations

import importlib.util

from tools.chapter_format import ROOT

# Loaded from its file: book/_ext is put on sys.path only by Jupyter Book, during a build.
_spec = importlib.util.spec_from_file_location("a11y", ROOT / "book" / "_ext" / "a11y.py")
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)


def test_bibliography_entries_become_list_items():
    # What docutils writes for a bibliography (docutils/writers/_html_base.py, visit_citation).
    body = ('<div role="list" class="citation-list">\n'
            '<div class="citation" id="id5" role="doc-biblioentry">\n<span class="label">Goo16</span>\n'
            '<p>Goodfellow, I. (2016).</p></div>\n</div>\n<p role="doc-biblioentry">not a citation</p>')
    fixed = _module.citation_roles(body)
    assert fixed.count('role="listitem"') == 1 and '<div class="citation" id="id5" role="listitem">' in fixed
    assert '<p role="doc-biblioentry">' in fixed  # only citations inside the list change


def test_empty_header_cells_of_a_table_head_become_plain_cells():
    # What pandas writes for a DataFrame (an empty corner) and a Styler (a blank, &nbsp;).
    body = ('<table><thead><tr><th></th><th>n</th></tr><tr><th>k</th>\n<th> </th></tr></thead>'
            '<tbody><tr><th></th><td>1</td></tr></tbody></table>'
            '<table><thead><tr><th class="blank level0" >&nbsp;</th><th class="col_heading">a</th></tr></thead></table>')
    fixed = _module.empty_header_cells(body)
    assert fixed.count("<td></td>") == 2 and '<td class="blank level0" ></td>' in fixed
    assert "<th>n</th>" in fixed and "<th>k</th>" in fixed and '<th class="col_heading">a</th>' in fixed
    assert "<tbody><tr><th></th>" in fixed  # only a table's head changes
