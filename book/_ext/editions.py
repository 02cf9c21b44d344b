"""The English and the Chinese edition link to each other, page for page.

Every page gets a link to the same page in the other edition, at the top of the article,
and a ``<link rel="alternate" hreflang=...>`` for search engines. ``edition_other_root`` is
the other edition's root, relative to this one's: the two are built side by side,
``_build/html`` and ``_build/html-zh`` (``make book``, ``make book-zh``; published the
same way, as sibling folders), so the link works offline and from a file system.

On the Chinese edition the extension also sets the tag ``edition_zh``, for text only that
edition shows (``{only} edition_zh`` on the landing page), and translates the captions of
the table of contents (sphinx-external-toc adds them after Sphinx has translated the page)
and the exercise titles that solutions repeat (sphinx-exercise copies them before).
In both editions it gives sphinx-exercise's titles ("Exercise (Why not start from zero?)")
the source position Sphinx needs to extract and translate them.
"""

from __future__ import annotations

import html
from pathlib import Path

from sphinx import addnodes
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain

# language -> (the other edition's language, hreflang, the link's text in that language)
OTHER_EDITION = {
    "en": ("zh-Hans", "中文版"),
    "zh_CN": ("en", "English edition"),
}


def _is_chinese(app) -> bool:
    return (app.config.language or "en").startswith("zh")


def _tag_edition(app, config) -> None:
    if _is_chinese(app):
        app.tags.add("edition_zh")


class TranslatableExerciseTitles(SphinxTransform):
    """An exercise's own title (the directive's argument) as a message to translate.

    sphinx-exercise builds the title node without a source position, and Sphinx extracts
    and translates only nodes that have one; this gives it the document's, before Sphinx's
    translation transform (priority 20) runs.
    """

    default_priority = 10

    def apply(self, **kwargs) -> None:
        from sphinx_exercise.nodes import exercise_subtitle

        for node in self.document.findall(exercise_subtitle):
            if not node.source:
                node.source = self.document["source"]
                node.line = next((a.line for a in _ancestors(node) if a.line), 1)
                node.rawsource = node.rawsource or node.astext()


def _extract_exercise_titles(app, doctree, docname) -> None:
    """Add the exercises' titles to a page's messages in the gettext build.

    The gettext builder reads pages with their references resolved, and resolving moves
    an exercise's title into its solutions' titles: it would never see one. The page as
    read still has them, with the source position the transform above gave them.
    """
    if app.builder.name != "gettext":
        return
    from sphinx.builders.gettext import MsgOrigin
    from sphinx_exercise.nodes import exercise_subtitle

    catalog = app.builder.catalogs[docname_to_domain(docname, app.config.gettext_compact)]
    for node in app.env.get_doctree(docname).findall(exercise_subtitle):
        catalog.add(node.rawsource, MsgOrigin(node.source, node.line))


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def _translate_captions(app, doctree) -> None:
    if not _is_chinese(app):
        return
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    dirs = [str(Path(app.srcdir, d)) for d in app.config.locale_dirs]
    catalog, _ = init_locale(dirs, app.config.language, domain)
    for toctree in doctree.findall(addnodes.toctree):
        if toctree.get("caption"):
            toctree["caption"] = catalog.gettext(toctree["caption"])
    _refresh_exercise_registry(app, doctree)


def _refresh_exercise_registry(app, doctree) -> None:
    """Solutions take their exercise's title from sphinx-exercise's registry, a copy made
    before Sphinx translated the page: copy the translated exercises in again."""
    from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node

    registry = getattr(app.env, "sphinx_exercise_registry", {})
    for node in doctree.findall(lambda n: isinstance(n, (exercise_enumerable_node, exercise_node))):
        entry = registry.get(node.get("label", ""))
        if entry is not None and entry["docname"] == app.env.docname:
            entry["node"] = node.deepcopy()


def _link(app, pagename, templatename, context, doctree) -> None:
    if app.builder.format != "html" or "body" not in context:
        return  # the search page draws its own body
    hreflang, text = OTHER_EDITION["zh_CN" if _is_chinese(app) else "en"]
    href = "../" * pagename.count("/") + app.config.edition_other_root + pagename + ".html"
    href = html.escape(href, quote=True)
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{hreflang}" href="{href}">')
    context["body"] = (f'<p class="edition-link"><a href="{href}" hreflang="{hreflang}" '
                       f'lang="{hreflang}">{text}</a></p>\n' + context.get("body", ""))


def setup(app):
    app.add_config_value("edition_other_root", "../html-zh/", "html", types=[str])
    app.connect("config-inited", _tag_edition)
    app.add_transform(TranslatableExerciseTitles)
    app.connect("doctree-read", _translate_captions)
    app.connect("doctree-resolved", _extract_exercise_titles)
    app.connect("html-page-context", _link)
    app.add_css_file("editions.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
