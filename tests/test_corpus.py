"""The language-model corpus: deterministic, split by document, tokenized, and cleaned of dictionary markup."""
from __future__ import annotations

from itertools import islice
from pathlib import Path

import pytest

from engine.corpus.lm_corpus import (
    MAX_TOKENS,
    MIN_TOKENS,
    QUICK_DEV_SHARE,
    QUICK_DOCUMENTS,
    build_corpus,
    document_split,
    read_sentences,
    sentence_tokens,
    split_sentences,
)
from engine.corpus.sources import ewt_documents, fortune_paragraphs, gcide_paragraphs
from engine.tokenize import tokenize

FILES = ("train.txt", "dev.txt", "sources.json")


@pytest.fixture(scope="module")
def quick_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("corpus")
    return out, build_corpus(out, quick=True)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_two_builds_are_byte_identical(quick_corpus: tuple[Path, dict], tmp_path: Path) -> None:
    first, _ = quick_corpus
    build_corpus(tmp_path, quick=True)
    for name in FILES:
        assert (first / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_summary_counts_match_the_files(quick_corpus: tuple[Path, dict]) -> None:
    out, summary = quick_corpus
    for split in ("train", "dev"):
        sentences = list(read_sentences(out / f"{split}.txt"))
        assert sentences, f"{split}.txt is empty"
        assert len(sentences) == sum(row[split]["sentences"] for row in summary["sources"])
        assert sum(map(len, sentences)) == sum(row[split]["tokens"] for row in summary["sources"])
    assert {row["name"] for row in summary["sources"]} == {"ewt-train", "semcor-brown1"}
    assert all(row["licence"] for row in summary["sources"])


def test_dev_and_train_share_no_document(quick_corpus: tuple[Path, dict]) -> None:
    out, _ = quick_corpus
    files = {split: set(_lines(out / f"{split}.txt")) for split in ("train", "dev")}
    assert not files["train"] & files["dev"]
    splits_seen = set()
    for document in islice(ewt_documents(), QUICK_DOCUMENTS):
        split = document_split(document.doc_id, QUICK_DEV_SHARE)
        other = files["dev" if split == "train" else "train"]
        lines = [" ".join(tokens) for paragraph in document.paragraphs for tokens in sentence_tokens(paragraph)]
        assert not other.intersection(lines), document.doc_id
        splits_seen.add(split)
    assert splits_seen == {"train", "dev"}


def test_lines_are_tokenized_sentences_of_bounded_length(quick_corpus: tuple[Path, dict]) -> None:
    out, _ = quick_corpus
    for line in _lines(out / "train.txt") + _lines(out / "dev.txt"):
        tokens = line.split(" ")
        assert MIN_TOKENS <= len(tokens) <= MAX_TOKENS, line
        assert tokenize(line) == tokens, line  # tokenizing again changes nothing: clitics and punctuation split
    assert "n't" in " ".join(_lines(out / "train.txt")).split(" ")


def test_sentences_split_at_full_stops_but_not_after_abbreviations() -> None:
    text = "Mr. Smith met J. Q. Adams in Boston. They talked, e.g. about banks! Did it rain? No."
    assert split_sentences(text) == [
        "Mr. Smith met J. Q. Adams in Boston.", "They talked, e.g. about banks!", "Did it rain?", "No."
    ]


def test_long_sentences_are_cut_at_clause_boundaries() -> None:
    clause = "the river ran past the old mill and the bank ;"
    sentence = " ".join([clause] * 12)  # 132 tokens, 11 per clause
    pieces = list(sentence_tokens(sentence))
    assert sum(map(len, pieces)) == 132
    assert all(len(piece) <= MAX_TOKENS and piece[-1] == ";" for piece in pieces)


def test_non_text_lines_are_dropped() -> None:
    assert list(sentence_tokens("|  +--+--+  | 12 34 56 | ~~~ |")) == []
    assert list(sentence_tokens("See http://example.com/a/b now.")) == [["See", "now", "."]]


GCIDE_ENTRY = r"""Bank \Bank\ (b[a^][ng]k), n. [OE. banke; akin to E. bench, and
   prob. of Scand. origin. See {Bench}.]
   1. A mound, pile, or ridge of earth; as, a bank of clouds.
      [1913 Webster]

            They cast up a bank against the city. --2 Sam. xx.
                                                  15.
      [1913 Webster]

   2. (Mining) The face of the a["e]rial coal. [Obs.] See {Banc}.
      [1913 Webster]

   3. a place where something is stored; as, a blood bank.
      [PJC]

   Syn: bank building, depository.
        [WordNet 1.5]

   {Bank swallow} (Zool.), a small swallow ({Clivicola riparia})
      that nests in a bank.
      [1913 Webster]
"""


def test_gcide_keeps_webster_prose_and_drops_markup_and_wordnet() -> None:
    assert list(gcide_paragraphs(GCIDE_ENTRY)) == [
        "A mound, pile, or ridge of earth; as, a bank of clouds.",
        "They cast up a bank against the city.",
        "The face of the aërial coal.",
        "Bank swallow, a small swallow (Clivicola riparia) that nests in a bank.",
    ]


def test_fortunes_lose_attributions_and_overstrikes() -> None:
    cookie = "Logic is a _\b_\b_\bbird,\n\tsitting in a tree.\n\n\t\t-- Anonymous\n"
    assert fortune_paragraphs(cookie) == ("Logic is a bird, sitting in a tree.",)
