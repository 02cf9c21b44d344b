"""Exercise checkers, one module per chapter (``ch01.py``, ``ch02.py``, ...).

Each module registers its checkers with :func:`utils.check.register`; ``check()`` imports
a chapter's module the first time one of its exercises is checked (``ex-ch04-…`` ->
``ch04``), so a chapter never pays for another chapter's imports.
"""
