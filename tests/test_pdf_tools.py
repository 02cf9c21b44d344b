"""The PDF build's pieces that need no TeX: the LaTeX-only fixes of book/_ext/pdf_book.py
and the one-line message of `python -m tools.pdf check` (the PDF itself: tests/test_pdf.py)."""

from __future__ import annotations

import importlib.util

import pytest

import tools.pdf
from tools.chapter_format import ROOT

# Loaded from its file: book/_ext is put on sys.path only by Jupyter Book, during a build.
_spec = importlib.util.spec_from_file_location("pdf_book", ROOT / "book" / "_ext" / "pdf_book.py")
pdf_book = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pdf_book)


@pytest.mark.parametrize("tex, braced", [
    (r"\eta < 2/\lambda_\max", r"\eta < 2/\lambda_{\max}"),
    (r"1 - 2\lambda_\min/\lambda_\max", r"1 - 2\lambda_{\min}/\lambda_{\max}"),
    (r"g_\mathcal{B} = 1", r"g_{\mathcal{B}} = 1"),
    (r"x_\frac{1}{2} + y", r"x_{\frac{1}{2}} + y"),
    (r"W^\top x", r"W^{\top} x"),
])
def test_command_scripts_get_their_braces(tex, braced):
    assert pdf_book.brace_scripts(tex) == braced


@pytest.mark.parametrize("tex", [r"x_{\max}", r"e^{-x}", r"x_i^2", r"x_\frac{1}{x_{i}}", r"\sum_{i=1}^N"])
def test_math_that_latex_reads_is_left_alone(tex):
    # The last but one has a nested group the pattern cannot match: better unchanged than broken.
    assert pdf_book.brace_scripts(tex) == tex


def test_long_outputs_keep_head_and_tail():
    text = "\n".join(f"epoch {i}" for i in range(1, 101))
    short = pdf_book.truncate_lines(text, 30).splitlines()
    assert len(short) == 30
    assert short[0] == "epoch 1" and short[-1] == "epoch 100"
    assert "(71 lines left out in the PDF)" in short[23]
    assert pdf_book.truncate_lines("a\nb", 30) == "a\nb"


def test_check_says_in_one_line_what_is_missing_and_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setattr(tools.pdf.shutil, "which", lambda name: None if name in ("xelatex", "kpsewhich") else f"/usr/bin/{name}")
    monkeypatch.setattr(tools.pdf, "missing_fonts", lambda: ["a CJK font (Noto Serif CJK SC or WenQuanYi Micro Hei)"])
    assert tools.pdf.check() == 1
    message = capsys.readouterr().err
    assert message.count("\n") == 1
    assert "missing: xelatex, kpsewhich, a CJK font" in message
    assert "apt-get install --no-install-recommends texlive-xetex" in message and "texlive-lang-chinese" in message


def test_check_passes_quietly_when_all_is_there(monkeypatch, capsys):
    monkeypatch.setattr(tools.pdf, "missing_tools", lambda: [])
    assert tools.pdf.check() == 0
    assert capsys.readouterr().err == ""


def test_the_pdf_is_named_in_the_config():
    assert tools.pdf.pdf_name(ROOT) == "deep-learning-executed.pdf"
