"""Shared pytest set-up: a non-interactive matplotlib backend, and the headless Chromium
of the browser tests (``tests/test_browser.py``, ``tests/test_lab.py``).

The markers are declared once, in pyproject.toml. A bare ``pytest`` runs the fast tier
(unit tests and the notebook lint, under a minute); the slow tiers run when selected with
``-m`` (the last ``-m`` on the command line wins over the default in pyproject.toml), as the
Makefile's targets do.
"""

import os

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's, or ``$CHROMIUM``): skipped without one, failed instead
    with ``BOOK_REQUIRE_BROWSER=1`` (CI)."""
    from playwright.sync_api import Error, sync_playwright

    from tests.browser import CHROMIUM_ARGS, INSTALL_HINT, chromium_executable

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        except Error as error:
            if os.environ.get("BOOK_REQUIRE_BROWSER") == "1":
                pytest.fail(f"cannot start Chromium ({error}); {INSTALL_HINT}")
            pytest.skip(INSTALL_HINT)
        yield browser
        browser.close()
