"""Shared helpers of the executable deep-learning textbook.

Import what you need from the topic modules, e.g. ``from utils.device import set_seed``.
Each module is small and readable in one sitting:

- ``utils.device``  -- seeding and device choice
- ``utils.data``    -- offline data sets (scikit-learn digits, sample photos, MNIST-1D) and loaders
- ``utils.text``    -- an offline text corpus (standard-library docstrings) and a character vocabulary
- ``utils.plot``    -- the book's plotting style, learning curves, image grids, heatmaps
- ``utils.train``   -- a training loop with a progress bar, and ``evaluate``
- ``utils.widgets`` -- an ipywidget paired with its static fallback figure
- ``utils.check``   -- the exercise-check registry used by ``check("ex-...", answer)``
- ``utils.judge``   -- scoring generated digits with a fixed classifier (the digit score)
- ``utils.scratch`` -- from-scratch implementations, each tested against PyTorch
- ``utils.checks``  -- the checkers of each chapter's exercises (``chNN.py``)

The book's own tools (instructor assignments, the student edition, the benchmark, the
chapter-format rules) are not part of this package: they live in ``tools/`` in the
repository and run from a checkout (``python -m tools.assign``).
"""

__version__ = "0.1.0"  # the one place the version is written (pyproject.toml reads it)
