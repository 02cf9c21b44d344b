"""Shared pytest set-up: a non-interactive matplotlib backend.

The markers are declared once, in pyproject.toml. A bare ``pytest`` runs the fast tier
(unit tests and the notebook lint, under a minute); the slow tiers run when selected with
``-m`` (the last ``-m`` on the command line wins over the default in pyproject.toml), as the
Makefile's targets do.
"""

import matplotlib

matplotlib.use("Agg")
