"""Shared pytest set-up: a non-interactive matplotlib backend and the `html` and `notebooks` markers."""

import matplotlib
import pytest

matplotlib.use("Agg")


def pytest_configure(config):
    config.addinivalue_line("markers", "html: checks on the built book (run after `make book`)")
    config.addinivalue_line(
        "markers", "notebooks: executes every chapter notebook (slow); runs only when selected with -m notebooks"
    )


def pytest_collection_modifyitems(config, items):
    """Skip the slow `notebooks` tests unless the -m expression names them (make test-notebooks)."""
    if "notebooks" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="executes every notebook; run with `make test-notebooks` or `pytest -m notebooks`")
    for item in items:
        if "notebooks" in item.keywords:
            item.add_marker(skip)
