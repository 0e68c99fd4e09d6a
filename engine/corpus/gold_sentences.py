"""Sentences of the gold corpora, read uniformly: SemCor brown1 (with WordNet sense keys) and EWT train/dev.

Only the build scripts of ``engine.word_in_context.presets`` and ``engine.word_in_context.corpus_index`` read these files; the app reads the small
derived files they write to ``engine/data/``.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.corpus.sources import SEMCOR
from engine.settings import EWT_DEV, EWT_TRAIN

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


def semcor_sentences(path: Path = SEMCOR) -> Iterator[GoldSentence]:
    """SemCor brown1 in corpus order; multiword tokens (``took_place``) stay single gold tokens."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                yield GoldSentence(
                    source=f"SemCor {record['doc']} s{record['sent']}",
                    text=detokenize(record["tokens"]),
                    tokens=tuple(record["tokens"]),
                    lemmas=tuple((lemma or token).lower() for token, lemma in zip(record["tokens"], record["lemmas"])),
                    senses=tuple(record["senses"]),
                )


def ewt_sentences(split: str) -> Iterator[GoldSentence]:
    """EWT ``train`` or ``dev`` sentences with their gold lemmas (multiword-token lines such as ``3-4`` skipped)."""
    sent_id, text, tokens, lemmas = "", "", [], []
    with EWT_SPLITS[split].open(encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if line.startswith("# sent_id = "):
                sent_id = line.removeprefix("# sent_id = ").strip()
            elif line.startswith("# text = "):
                text = line.removeprefix("# text = ").strip()
            elif line and line[0].isdigit():
                columns = line.split("\t")
                if columns[0].isdigit():
                    tokens.append(columns[1])
                    lemmas.append(columns[2].lower())
            elif not line and tokens:
                yield GoldSentence(f"EWT {split} {sent_id}", text, tuple(tokens), tuple(lemmas), (None,) * len(tokens))
                tokens, lemmas = [], []


def all_gold_sentences() -> Iterator[GoldSentence]:
    """SemCor brown1, then EWT train, then EWT dev."""
    yield from semcor_sentences()
    yield from ewt_sentences("train")
    yield from ewt_sentences("dev")


def detokenize(tokens: list[str]) -> str:
    """Readable text from Penn-Treebank-style tokens: ``took_place`` -> ``took place``, quotes made plain."""
    out, glue_next = "", True
    for token in tokens:
        word = {"``": '"', "''": '"'}.get(token, token.replace("_", " "))
        out += word if glue_next or token in _NO_SPACE_BEFORE else f" {word}"
        glue_next = token in _NO_SPACE_AFTER
    return out
