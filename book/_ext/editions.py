"""The English and the Chinese edition link to each other, page for page.

Every page gets a link to the same page in the other edition, at the top of the article,
and a ``<link rel="alternate" hreflang=...>`` for search engines. ``edition_other_root`` is
the other edition's root, relative to this one's: the two are built side by side,
``_build/html`` and ``_build/html-zh`` (``make book``, ``make book-zh``; published the
same way, as sibling folders), so the link works offline and from a file system.

On the Chinese edition the extension also sets the tag ``edition_zh``, for text only that
edition shows (``{only} edition_zh`` on the landing page), and translates the captions of
the table of contents: sphinx-external-toc adds them after Sphinx has translated the page.
"""

from __future__ import annotations

import html
from pathlib import Path

from sphinx import addnodes
from sphinx.locale import init as init_locale
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


def _translate_captions(app, doctree) -> None:
    if not _is_chinese(app):
        return
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    dirs = [str(Path(app.srcdir, d)) for d in app.config.locale_dirs]
    catalog, _ = init_locale(dirs, app.config.language, domain)
    for toctree in doctree.findall(addnodes.toctree):
        if toctree.get("caption"):
            toctree["caption"] = catalog.gettext(toctree["caption"])


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
    app.connect("doctree-read", _translate_captions)
    app.connect("html-page-context", _link)
    app.add_css_file("editions.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
