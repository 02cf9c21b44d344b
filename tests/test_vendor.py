"""The vendored web assets are complete, unmodified and the ones the book is configured to load."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from tools.chapter_format import ROOT

VENDOR = ROOT / "book" / "_vendor"


def sphinx_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]


def listed() -> dict[str, str]:
    """``SHA256SUMS`` as {path relative to static/: sha256}."""
    lines = (VENDOR / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name.removeprefix("./"): digest for digest, name in (line.split(maxsplit=1) for line in lines)}


def test_vendored_files_match_their_checksums():
    static = VENDOR / "static"
    on_disk = {p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file()}
    sums = listed()
    assert on_disk == set(sums), f"not in SHA256SUMS: {on_disk - set(sums)}; missing: {set(sums) - on_disk}"
    changed = [n for n, d in sums.items() if hashlib.sha256((static / n).read_bytes()).hexdigest() != d]
    assert not changed, f"edited by hand? {changed}; refresh with `make vendor`"


def test_every_vendored_package_ships_its_licence():
    for package in ("mathjax", "jupyter-widgets"):
        assert (VENDOR / "static" / package / "LICENSE").stat().st_size > 500


def test_book_loads_math_and_widgets_from_the_vendored_copies():
    config = sphinx_config()
    static = [ROOT / path for path in config["html_static_path"]]
    assert VENDOR / "static" in static
    scripts = [config["mathjax_path"], *config["nb_ipywidgets_js"]]
    for script in scripts:
        assert "://" not in script and not script.startswith("/"), f"{script} is not a local path"
        assert any((folder / script).is_file() for folder in static), f"{script} is in no html_static_path folder"
