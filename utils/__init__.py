"""Shared helpers of the executable deep-learning textbook.

Import what you need from the topic modules, e.g. ``from utils.device import set_seed``.
Each module is small and readable in one sitting:

- ``utils.device``  -- seeding and device choice
- ``utils.data``    -- offline data sets (scikit-learn digits, sample photos) and loaders
- ``utils.plot``    -- the book's plotting style, learning curves, image grids, heatmaps
- ``utils.train``   -- a training loop with a progress bar, and ``evaluate``
- ``utils.widgets`` -- an ipywidget paired with its static fallback figure
- ``utils.check``   -- the exercise-check registry used by ``check("ex-...", answer)``
- ``utils.judge``   -- scoring generated digits with a fixed classifier (the digit score)
- ``utils.scratch`` -- from-scratch implementations, each tested against PyTorch
- ``utils.checks``  -- the checkers of each chapter's exercises (``chNN.py``)

Tools for maintainers and instructors (run with ``python -m``):

- ``utils.bench``   -- time every notebook and measure its peak memory (``make bench``)
- ``utils.assign``  -- chapters to nbgrader source and student notebooks (``make assign``)
- ``utils.student_edition`` -- the book's sources without solutions (``make book-student``)
"""

__version__ = "0.1.0"
