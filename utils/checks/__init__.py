"""Exercise checkers, one module per chapter (``ch01.py``, ``ch02.py``, ...).

Each module registers its checkers with :func:`utils.check.register`; ``check()``
imports them all on first use.
"""
