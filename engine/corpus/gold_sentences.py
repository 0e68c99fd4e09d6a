"""Sentences of the gold corpora in one shape: SemCor brown1 (with WordNet sense keys) and EWT train/dev.

Only the build of the "Word in context" files (``python -m engine.word_in_context.context_data build``) and the decay
curves read these; the app reads the small derived files they write to ``engine/data/``.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from engine.corpus.conllu import read_conllu
from engine.corpus.semcor import read_semcor, token_words
from engine.settings import EWT_DEV, EWT_TRAIN, SEMCOR_BROWN1

EWT_SPLITS = {"train": EWT_TRAIN, "dev": EWT_DEV}
_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "'", "n't", "'re", "'ve", "'ll", "'d",
                    "'m", "''"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "``"}


@dataclass(frozen=True)
class GoldSentence:
    """One sentence: where it comes from, its text, and its gold tokens with lemmas and (SemCor) sense keys."""

    source: str  # "SemCor br-a01 s12" or "EWT train <sent_id>"
    text: str
    tokens: tuple[str, ...]
    lemmas: tuple[str, ...]
    senses: tuple[str | None, ...]  # WordNet sense key per token; all None for EWT


def semcor_sentences() -> Iterator[GoldSentence]:
    """SemCor brown1 in corpus order; multiword tokens (``took_place``) stay single gold tokens."""
    for sentence in read_semcor(SEMCOR_BROWN1):
        yield GoldSentence(
            source=f"SemCor {sentence.doc} s{sentence.sent}",
            text=detokenize(sentence.tokens),
            tokens=sentence.tokens,
            lemmas=tuple((lemma or token).lower() for token, lemma in zip(sentence.tokens, sentence.lemmas)),
            senses=sentence.senses,
        )


def ewt_sentences(split: str) -> Iterator[GoldSentence]:
    """EWT ``train`` or ``dev`` sentences with their gold lemmas."""
    for sentence in read_conllu(EWT_SPLITS[split]):
        lemmas = tuple(lemma.lower() for lemma in sentence.lemmas)
        yield GoldSentence(f"EWT {split} {sentence.sent_id}", sentence.text, sentence.forms, lemmas,
                           (None,) * len(lemmas))


def all_gold_sentences() -> Iterator[GoldSentence]:
    """SemCor brown1, then EWT train, then EWT dev."""
    yield from semcor_sentences()
    yield from ewt_sentences("train")
    yield from ewt_sentences("dev")


def detokenize(tokens: Sequence[str]) -> str:
    """Readable text from Penn-Treebank-style tokens: ``took_place`` -> ``took place``, quotes made plain."""
    out, glue_next = "", True
    for token in tokens:
        word = {"``": '"', "''": '"'}.get(token) or " ".join(token_words(token))
        out += word if glue_next or token in _NO_SPACE_BEFORE else f" {word}"
        glue_next = token in _NO_SPACE_AFTER
    return out
