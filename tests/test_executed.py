"""tools.executed: a chapter's kept execution is reused only while it is fresh, the book's
jupyter-cache finds it by the chapter, and the round trip's source validation on kept
outputs still fails a solution whose check raised."""

from __future__ import annotations

import nbformat
import pytest

from tests.roundtrip import validate
from tools import assign, executed
from tools.executed import with_outputs

FIXTURE = executed.ROOT / "tests" / "fixtures" / "00_fixture.ipynb"


@pytest.fixture
def kept(tmp_path):
    """A chapter, its utils/ and a fake kept execution of it (one output per code cell)."""
    chapter, utils, folder = tmp_path / "01_a.ipynb", tmp_path / "utils", tmp_path / "executed"
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_markdown_cell("# 1. A"), nbformat.v4.new_code_cell("print(42)")]
    nbformat.write(nb, chapter)
    utils.mkdir()
    (utils / "seed.py").write_text("SEED = 0\n")
    stamp = executed.stamp_of(chapter, utils)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    nb.cells[1].metadata["execution"] = {"shell.execute_reply": "2026-11-30T23:59:00Z"}  # hashed by jupyter-cache
    folder.mkdir()
    nbformat.write(nb, folder / chapter.name)
    executed.keep(folder / chapter.name, stamp)
    return chapter, utils, folder


def test_a_kept_execution_is_fresh_until_the_chapter_or_utils_change(kept):
    chapter, utils, folder = kept
    assert executed.fresh(chapter, folder, utils).cells[1].outputs[0].text == "42\n"
    (utils / "seed.py").write_text("SEED = 1\n")
    assert executed.fresh(chapter, folder, utils) is None
    (utils / "seed.py").write_text("SEED = 0\n")
    nb = nbformat.read(chapter, as_version=4)
    nb.cells[0].source = "# 1. A, edited"
    nbformat.write(nb, chapter)
    assert executed.fresh(chapter, folder, utils) is None


def test_the_book_cache_gives_the_kept_outputs_for_the_chapter(kept, tmp_path):
    from jupyter_cache import get_cache

    chapter, utils, folder = kept
    assert executed.add_to_cache(tmp_path / "cache", [chapter], folder, utils) == ["01_a.ipynb"]
    _, merged = get_cache(str(tmp_path / "cache")).merge_match_into_notebook(nbformat.read(chapter, as_version=4))
    assert merged.cells[1].outputs[0].text == "42\n"
    (utils / "seed.py").write_text("SEED = 1\n")  # stale now: not added
    assert executed.add_to_cache(tmp_path / "cache2", [chapter], folder, utils) == []


def _check_cell(nb, grade_id):
    return next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def test_source_validation_on_kept_outputs_fails_a_check_that_raised(tmp_path):
    assert assign.main([str(FIXTURE), "--course", str(tmp_path), "--assignment", "a"]) == 0
    source = nbformat.read(tmp_path / "source" / "a" / FIXTURE.name, as_version=4)
    run = nbformat.read(FIXTURE, as_version=4)  # the chapter "executed": every check printed ✓
    for cell in run.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="✓\n")]
    passing = with_outputs(source, run)
    nbformat.write(passing, tmp_path / "passing.ipynb")
    assert validate(tmp_path / "passing.ipynb", execute=False)[0] == {}

    _check_cell(run, "ex-ch00-mean-check").outputs = [nbformat.v4.new_output(
        "error", ename="AssertionError", evalue="ex-ch00-mean: should be about 1.5", traceback=[])]
    nbformat.write(with_outputs(source, run), tmp_path / "failing.ipynb")
    results, judged = validate(tmp_path / "failing.ipynb", execute=False)
    assert [f["source"] for f in results["failed"]] == ['check("ex-ch00-mean", mean_value)']
    assert _check_cell(judged, "ex-ch00-mean-check").outputs[0].output_type == "error"  # not executed again

    _check_cell(run, "ex-ch00-mean-check").source += "\n"  # another chapter version: not reused
    assert with_outputs(source, run) is None
