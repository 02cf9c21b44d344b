"""Shared pytest set-up: a non-interactive matplotlib backend and the `html` marker."""

import matplotlib

matplotlib.use("Agg")


def pytest_configure(config):
    config.addinivalue_line("markers", "html: checks on the built book (run after `make book`)")
