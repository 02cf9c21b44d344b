import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from torch import nn

from utils.check import Mismatch, check, expect_close, expect_equal, register, registered_ids


@register("ex-ch99-square")
def _check_square(square):
    for x in (0.0, 1.5, -2.0):
        expect_close(square(x), x * x, f"square({x})")


def test_right_answer_prints_tick(capsys):
    assert check("ex-ch99-square", lambda x: x * x) is None
    assert capsys.readouterr().out.startswith("✓ ex-ch99-square")


def test_wrong_answer_prints_hint_and_raises(capsys):
    with pytest.raises(AssertionError, match=r"square\(1.5\) should be about 2.25"):
        check("ex-ch99-square", lambda x: 2 * x)
    assert "✗" in capsys.readouterr().out


def test_missing_answer_is_not_attempted(capsys):
    def placeholder(x):
        raise NotImplementedError()

    for answer in (None, placeholder):
        with pytest.raises(AssertionError, match="not attempted yet"):
            check("ex-ch99-square", answer)


def test_crash_in_student_code_becomes_a_hint_and_stderr_stays_clean(capsys):
    def noisy(x):
        warnings.warn("a warning from student code")
        return 1 / 0

    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        check("ex-ch99-square", noisy)
    assert capsys.readouterr().err == ""


def test_unknown_id_says_so():
    with pytest.raises(AssertionError, match="No check is registered"):
        check("ex-ch99-nope", 1)


def test_register_rejects_bad_ids_and_duplicates():
    with pytest.raises(ValueError):
        register("ch99-square")
    with pytest.raises(ValueError, match="two checkers"):
        register("ex-ch99-square")(lambda a: None)


def test_expect_helpers():
    expect_close(torch.ones(2, 2), np.ones((2, 2)), "x")
    with pytest.raises(Mismatch, match="shape"):
        expect_close(np.ones(3), np.ones(2), "x")
    with pytest.raises(Mismatch, match=r"index \(1,\)"):
        expect_close([1.0, 5.0], [1.0, 2.0], "x")
    with pytest.raises(Mismatch, match="number"):
        expect_close("abc", 1.0, "x")
    with pytest.raises(Mismatch, match="should be 3"):
        expect_equal(2, 3, "n")


def test_every_chapter_has_its_checkers_registered_under_its_own_prefix():
    """Each chapter with check cells has a checks module, which registers exactly the ids that
    the chapter's check cells call (the lint checks the converse for every notebook)."""
    from tools.chapter_format import CHAPTERS, CHECK_CALL, chapter_number, read

    ids = set(registered_ids())
    assert CHAPTERS
    for chapter in CHAPTERS:
        prefix = f"ex-ch{chapter_number(chapter):02d}-"
        called = {label for c in read(chapter).cells if c.cell_type == "code" for label in CHECK_CALL.findall(c.source)}
        assert len(called) >= 2, f"{chapter.name} has fewer than two auto-checked exercises"
        assert called == {i for i in ids if i.startswith(prefix)}, (
            f"{chapter.name}: check cells call {sorted(called)}, registered are "
            f"{sorted(i for i in ids if i.startswith(prefix))}"
        )


def test_check_imports_only_the_exercises_chapter():
    code = ("import sys; from utils.check import check\n"
            "try: check('ex-ch06-output-size', None)\nexcept AssertionError: pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('utils.checks.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "['utils.checks.ch06']"


def test_unknown_id_suggests_the_nearest(capsys):
    with pytest.raises(AssertionError, match="Did you mean 'ex-ch06-output-size'"):
        check("ex-ch06-output-sise", 1)
    with pytest.raises(AssertionError, match="must be a string"):
        check(6, 1)


# Chapter 1's checkers: the right answer passes, typical wrong answers get a hint.
def test_ch01_paradigms():
    right = {"a": "supervised", "b": "unsupervised", "c": "reinforcement",
             "d": "supervised", "e": "unsupervised", "f": "reinforcement"}
    check("ex-ch01-paradigms", right)
    with pytest.raises(AssertionError, match="scenario e .*labelled"):
        check("ex-ch01-paradigms", {**right, "e": "supervised"})
    with pytest.raises(AssertionError, match="one of"):
        check("ex-ch01-paradigms", {**right, "a": "semi"})
    with pytest.raises(AssertionError, match="no answer"):
        check("ex-ch01-paradigms", {"a": "supervised"})


def test_ch01_count_params():
    check("ex-ch01-count-params", lambda m: sum(p.numel() for p in m.parameters() if p.requires_grad))
    with pytest.raises(AssertionError, match="requires_grad"):
        check("ex-ch01-count-params", lambda m: sum(p.numel() for p in m.parameters()))
    with pytest.raises(AssertionError, match="9610"):
        check("ex-ch01-count-params", lambda m: len(list(m.parameters())))


def test_ch01_timeline():
    check("ex-ch01-timeline", ["f", "b", "c", "e", "g", "d", "a"])
    with pytest.raises(AssertionError, match="first 2 are in the right order"):
        check("ex-ch01-timeline", ["f", "b", "e", "c", "g", "d", "a"])
    with pytest.raises(AssertionError, match="exactly once"):
        check("ex-ch01-timeline", ["f", "b"])
