"""Sphinx extension: the Colab launch buttons open the plain notebooks' branch.

Chapters are MyST notebooks, which Colab shows as source; ``tools/plain_notebooks.py``
commits plain versions of them, at the same paths, onto a generated branch. Setting
``colab_branch`` (``sphinx: config:`` in ``_config.yml``) points the launch buttons there,
while ``repository.branch`` stays the branch everything else uses (the Colab bootstrap
cell installs ``utils`` from it). sphinx-book-theme builds every launch URL from the
theme option ``repository_branch``; of its launch buttons the book enables only Colab's.
"""

from __future__ import annotations


def _on_config_inited(app, config):
    if config.colab_branch:
        config.html_theme_options["repository_branch"] = config.colab_branch


def setup(app):
    app.add_config_value("colab_branch", "", "html", types=[str])
    app.connect("config-inited", _on_config_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
