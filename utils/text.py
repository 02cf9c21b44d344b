"""An offline text corpus and a character vocabulary. Introduced in chapter 7.

The corpus is the documentation that every Python installation carries: the docstrings of
a fixed list of standard-library modules, collected with ``inspect``. Nothing is
downloaded, and chapters 7 and 8 build exactly the same text with :func:`stdlib_corpus`,
so their language models are compared on the same held-out characters. (The text depends
a little on the Python version; within one installation it is always the same.)
"""

from __future__ import annotations

import importlib
import inspect
import warnings
from collections.abc import Sequence

import torch

__all__ = ["CORPUS_MODULES", "stdlib_corpus", "split_text", "CharVocab"]

# Well-documented modules whose docstrings read as English prose about programming.
CORPUS_MODULES: tuple[str, ...] = (
    "argparse", "base64", "bisect", "calendar", "collections", "contextlib", "csv",
    "datetime", "decimal", "difflib", "email.message", "fractions", "functools",
    "heapq", "inspect", "ipaddress", "itertools", "json", "logging", "pathlib",
    "pickle", "pprint", "queue", "random", "re", "shutil", "statistics", "string",
    "subprocess", "tempfile", "textwrap", "threading", "typing", "unittest.case",
    "urllib.parse", "uuid", "zipfile",
)  # fmt: skip


def _docstrings(module_name: str) -> list[str]:
    """The module's docstring, then those of its public classes, functions and methods."""
    module = importlib.import_module(module_name)
    docs = [inspect.getdoc(module) or ""]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # typing.io and typing.re say they are
        docs += _member_docstrings(module)
    return [doc for doc in docs if doc.strip()]


def _member_docstrings(module: object) -> list[str]:
    docs = []
    for name, obj in sorted(vars(module).items()):
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(obj):
            docs.append(inspect.getdoc(obj) or "")
            for _, member in sorted(vars(obj).items()):
                if inspect.isfunction(member) and not member.__name__.startswith("_"):
                    docs.append(inspect.getdoc(member) or "")
        elif inspect.isfunction(obj):
            docs.append(inspect.getdoc(obj) or "")
    return docs


def stdlib_corpus(modules: Sequence[str] = CORPUS_MODULES, *, ascii_only: bool = True) -> str:
    """The docstrings of ``modules``, joined by blank lines, in a fixed order.

    Args:
        modules: importable module names; the default gives about 0.5 million characters.
        ascii_only: replace every non-ASCII character (and tabs) by a space, which keeps the
            vocabulary to about 95 characters.

    Returns:
        the corpus as one string.
    """
    if isinstance(modules, str) or not all(isinstance(m, str) for m in modules):
        raise TypeError(f"modules must be a sequence of module names, got {modules!r}")
    if len(modules) == 0:
        raise ValueError("modules must name at least one module")
    text = "\n\n".join(doc for name in modules for doc in _docstrings(name))
    if ascii_only:
        text = "".join(ch if (" " <= ch <= "~" or ch == "\n") else " " for ch in text)
    return text


def split_text(text: str, *, val_fraction: float = 0.1, test_fraction: float = 0.1) -> tuple[str, str, str]:
    """Split ``text`` into contiguous train, validation and test parts, in that order.

    Contiguous, not shuffled: a language model is judged on text it has never seen a
    neighbouring window of.
    """
    if not isinstance(text, str) or not text:
        raise ValueError("text must be a non-empty string")
    if not (0 < val_fraction < 1 and 0 < test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError(
            f"fractions must be in (0, 1) and sum below 1, got val {val_fraction}, test {test_fraction}"
        )
    n_val, n_test = int(len(text) * val_fraction), int(len(text) * test_fraction)
    n_train = len(text) - n_val - n_test
    return text[:n_train], text[n_train : n_train + n_val], text[n_train + n_val :]


class CharVocab:
    """A character vocabulary: characters to integer ids and back.

    Args:
        text: the characters the vocabulary knows are those of ``text``, sorted.
    """

    def __init__(self, text: str) -> None:
        if not isinstance(text, str) or not text:
            raise ValueError("CharVocab needs a non-empty string")
        self.chars: list[str] = sorted(set(text))
        self.index: dict[str, int] = {ch: i for i, ch in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> torch.Tensor:
        """``(len(text),)`` int64 ids; a character not in the vocabulary is an error."""
        unknown = sorted(set(text) - self.index.keys())
        if unknown:
            raise ValueError(f"characters not in the vocabulary: {unknown[:10]!r}")
        return torch.tensor([self.index[ch] for ch in text], dtype=torch.long)

    def decode(self, ids: torch.Tensor | Sequence[int]) -> str:
        """The string whose ids are ``ids`` (a tensor of shape ``(n,)`` or a sequence of ints)."""
        values = ids.tolist() if isinstance(ids, torch.Tensor) else list(ids)
        if any(not 0 <= i < len(self.chars) for i in values):
            raise ValueError(f"ids must lie in 0..{len(self.chars) - 1}")
        return "".join(self.chars[i] for i in values)
