"""The PDF edition of the book: Jupyter Book's LaTeX builder and XeLaTeX (``make pdf``).

::

    python -m tools.pdf check              # is the TeX toolchain there? (one line if not)
    python -m tools.pdf build .            # _build/latex/deep-learning-executed.pdf
    python -m tools.pdf build _build/student-src --publish-to _build/student/html

The PDF is built from the same sources as the web book; what the LaTeX build does
differently (solutions at each chapter's end, long outputs truncated, widgets left out)
lives in ``book/_ext/pdf_book.py`` and the ``latex`` settings of ``_config.yml``. The
notebooks' outputs come from the same jupyter-cache as ``make book``, so after it nothing is
executed again. ``build`` writes the build time next to the PDF (``pdf-build.json``), for the
PDF test to report, and copies the PDF into the built web book (``_build/html``), where the
landing page's "Download the PDF" link points.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tools import ROOT, require_checkout

# Debian/Ubuntu packages: XeLaTeX and the LaTeX packages Sphinx uses, xeCJK (in
# texlive-lang-cjk, which needs ctexhook.sty from texlive-lang-chinese) and a CJK font for
# the glossary's Chinese terms, Sphinx's default
# XeLaTeX fonts (FreeSerif/FreeSans/FreeMono), and pdftotext/pdfinfo for the PDF test.
APT_PACKAGES = ("texlive-xetex texlive-latex-extra texlive-fonts-recommended texlive-lang-chinese "
                "lmodern fonts-freefont-otf fonts-wqy-microhei latexmk poppler-utils")
INSTALL_HINT = f"sudo apt-get install --no-install-recommends {APT_PACKAGES}"
PROGRAMS = ("xelatex", "latexmk", "kpsewhich", "fc-list", "pdftotext", "pdfinfo")
# Packages Sphinx's LaTeX, sphinx-jupyterbook-latex and the preamble in _config.yml load
# that the packages above bring (a sample: missing ones mean a package is missing).
STYLES = ("xeCJK.sty", "ctexhook.sty", "fncychap.sty", "tabulary.sty", "capt-of.sty", "needspace.sty",
          "polyglossia.sty", "ucharclasses.sty", "unicode-math.sty", "pgfplots.sty",
          "wrapfig.sty", "changepage.sty")
FONTS = ("FreeSerif", "FreeSans", "FreeMono")
CJK_FONTS = ("Noto Serif CJK SC", "WenQuanYi Micro Hei")  # the preamble's choice, in order


def missing_tools() -> list[str]:
    """What the PDF build needs and this machine lacks (empty when all is there)."""
    missing = [p for p in PROGRAMS if shutil.which(p) is None]
    if "kpsewhich" not in missing:
        found = subprocess.run(["kpsewhich", *STYLES], capture_output=True, text=True).stdout
        missing += [s for s in STYLES if not any(line.endswith("/" + s) for line in found.splitlines())]
    if "fc-list" not in missing:
        missing += missing_fonts()
    return missing


def missing_fonts() -> list[str]:
    """The fonts of FONTS and CJK_FONTS that fontconfig (which XeLaTeX asks) does not know."""
    families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    missing = [f"the {f} font" for f in FONTS if f not in families]
    if not any(f in families for f in CJK_FONTS):
        missing.append("a CJK font (" + " or ".join(CJK_FONTS) + ")")
    return missing


def check() -> int:
    """0 when the toolchain is there; else 1, with one line: what is missing and how to install it."""
    missing = missing_tools()
    if missing:
        print(f"make pdf needs XeLaTeX with xeCJK, a CJK font and poppler-utils; missing: {', '.join(missing)}. "
              f"On Debian/Ubuntu: {INSTALL_HINT}", file=sys.stderr)
        return 1
    return 0


def pdf_name(source: Path) -> str:
    """The PDF's file name, from ``latex.latex_documents.targetname`` in the source's config."""
    import yaml  # here, not at the top: `check` runs before the venv exists (.ci/run)

    config = yaml.safe_load((source / "_config.yml").read_text(encoding="utf-8"))
    return Path(config["latex"]["latex_documents"]["targetname"]).with_suffix(".pdf").name


def build(source: Path, *, publish_to: Path | None) -> Path:
    """Build the PDF of the book in ``source``; returns its path.

    Warnings fail the build as they do for the web book (``-W -n``); LaTeX runs through
    Sphinx's Makefile (latexmk, quiet) until the cross-references settle.
    """
    out = source / "_build" / "latex"
    start = time.monotonic()
    env = {**os.environ, "LATEXMKOPTS": os.environ.get("LATEXMKOPTS", "-silent")}
    done = subprocess.run([Path(sys.executable).with_name("jupyter-book"), "build", "-W", "-n", "--keep-going",
                           "--builder", "pdflatex", str(source)], env=env)
    pdf = out / pdf_name(source)
    if done.returncode != 0 or not pdf.exists():
        raise SystemExit(f"the PDF build failed (exit status {done.returncode}); the LaTeX log is "
                         f"{out / pdf.with_suffix('.log').name}")
    seconds = time.monotonic() - start
    (out / "pdf-build.json").write_text(json.dumps({"pdf": pdf.name, "seconds": round(seconds, 1)}) + "\n")
    if publish_to is not None and publish_to.is_dir():
        shutil.copy2(pdf, publish_to / pdf.name)
    print(f"built {pdf.relative_to(ROOT) if pdf.is_relative_to(ROOT) else pdf} in {seconds:.0f} s")
    return pdf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.pdf", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="say what the PDF build needs and this machine lacks")
    build_parser = sub.add_parser("build", help="build the PDF")
    build_parser.add_argument("source", type=Path, help="the book's root: . or _build/student-src")
    build_parser.add_argument("--publish-to", type=Path,
                              help="a built web book to copy the PDF into (default: the source's _build/html)")
    args = parser.parse_args(argv)
    require_checkout()
    status = check()
    if args.command == "check" or status:
        return status
    source = args.source.resolve()
    build(source, publish_to=args.publish_to or source / "_build" / "html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
