import pytest
import torch

from utils.text import CharVocab, split_text, stdlib_corpus


def test_corpus_is_fixed_ascii_prose():
    text = stdlib_corpus()
    assert text == stdlib_corpus()  # same text every call: chapters 7 and 8 compare on it
    assert 200_000 < len(text) < 1_000_000
    assert set(text) <= {chr(c) for c in range(32, 127)} | {"\n"}
    assert "command-line" in text.lower()


def test_corpus_rejects_bad_modules():
    with pytest.raises(TypeError, match="sequence of module names"):
        stdlib_corpus("json")
    with pytest.raises(ValueError, match="at least one"):
        stdlib_corpus(())


def test_split_is_contiguous_and_complete():
    text = "abcdefghij" * 10
    train, val, test = split_text(text, val_fraction=0.1, test_fraction=0.2)
    assert (len(train), len(val), len(test)) == (70, 10, 20)
    assert train + val + test == text
    with pytest.raises(ValueError, match="sum below 1"):
        split_text(text, val_fraction=0.5, test_fraction=0.5)


def test_vocab_round_trip_and_errors():
    vocab = CharVocab("hello world")
    ids = vocab.encode("low")
    assert ids.dtype == torch.long and ids.shape == (3,)
    assert vocab.decode(ids) == "low" and vocab.decode([0]) == " "
    assert len(vocab) == len(set("hello world"))
    with pytest.raises(ValueError, match="not in the vocabulary"):
        vocab.encode("xyz")
    with pytest.raises(ValueError, match="ids must lie"):
        vocab.decode([99])
