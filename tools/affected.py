"""The chapters that a change to ``utils`` can affect, for ``make quick``.

    python -m tools.affected [BASE]      # BASE defaults to main

prints the chapter notebooks (space-separated) that import, directly or through another
``utils`` module, a module changed since ``BASE`` (committed or not, and new files), and
every chapter whose own notebook changed. A change to ``utils/checks/chNN.py`` affects
chapter NN, whose check cells load it by exercise id. The import lines say which modules a
file uses; nothing is executed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tools import ROOT, require_checkout
from tools.chapter_format import CHAPTERS, chapter_number, read

IMPORT = re.compile(r"^[ \t]*(?:from\s+(utils(?:\.\w+)*)\s+import\s+(\([^)]*\)|[\w \t,]+)|import\s+(utils(?:\.\w+)*))", re.M)


def changed_files(base: str) -> list[Path]:
    """Files changed since ``base``: committed, staged, unstaged, and untracked."""
    def git(*args: str) -> list[str]:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"tools.affected: git {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout.split()

    names = git("diff", "--name-only", base) + git("ls-files", "--others", "--exclude-standard")
    return sorted({ROOT / name for name in names})


def module_name(path: Path) -> str | None:
    """``utils/scratch/conv.py`` -> ``utils.scratch.conv``; ``None`` outside ``utils``."""
    relative = path.relative_to(ROOT)
    if relative.parts[0] != "utils" or relative.suffix != ".py":
        return None
    parts = relative.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str) -> set[str]:
    """The ``utils`` modules an import line names, including ``from utils.x import y`` -> ``utils.x.y``."""
    found = set()
    for match in IMPORT.finditer(source):
        if match[3]:
            found.add(match[3])
            continue
        found.add(match[1])
        for name in re.split(r"[\s,()]+", match[2]):
            if name:
                found.add(f"{match[1]}.{name}")  # may be a module (from utils.scratch import conv)
    return found


def _utils_imports() -> dict[str, set[str]]:
    """Each utils module -> the utils modules it imports."""
    return {module_name(p): imported_modules(p.read_text(encoding="utf-8"))
            for p in (ROOT / "utils").rglob("*.py")}


def _closure(modules: set[str], graph: dict[str, set[str]]) -> set[str]:
    seen, todo = set(), list(modules)
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph.get(module, ()))
    return seen


def affected_chapters(changed: list[Path]) -> list[Path]:
    """The chapters whose code uses a changed utils module, or that changed themselves."""
    changed_modules = {m for m in map(module_name, changed) if m}
    graph = _utils_imports()
    result = []
    for chapter in CHAPTERS:
        code = "\n".join(c.source for c in read(chapter).cells if c.cell_type == "code")
        uses = _closure(imported_modules(code), graph)
        uses |= _closure({f"utils.checks.ch{chapter_number(chapter):02d}"}, graph)
        if chapter in changed or uses & changed_modules:
            result.append(chapter)
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    require_checkout()
    base = argv[0] if argv else "main"
    print(" ".join(str(p.relative_to(ROOT)) for p in affected_chapters(changed_files(base))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
