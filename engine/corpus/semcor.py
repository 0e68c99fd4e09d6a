"""The one reader of SemCor in its JSON-lines form (``engine.settings.SEMCOR_BROWN1``, see ../shared/README.md).

One JSON object per sentence: ``doc``, ``sent``, and per token its ``tokens``, ``lemmas``, ``pos`` (Penn Treebank
tag) and ``senses`` (WordNet 3.0 sense key) lists, null where the corpus gives none. A multiword expression is one
token whose words are joined by ``_`` (``took_place``); ``token_words`` opens it up.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SemcorSentence:
    """One sentence of a SemCor document, token by token."""

    doc: str  # "br-a01"
    sent: int  # the sentence's number in its document, from 1
    tokens: tuple[str, ...]
    lemmas: tuple[str | None, ...]  # a named entity's lemma is its class ("person", "group")
    pos: tuple[str | None, ...]
    senses: tuple[str | None, ...]  # "bank%1:17:01::"; a few tokens carry two keys joined by ";"


def read_semcor(path: Path) -> Iterator[SemcorSentence]:
    """The sentences of a SemCor JSON-lines file, in corpus order (documents one after another)."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                yield SemcorSentence(record["doc"], record["sent"], tuple(record["tokens"]),
                                     tuple(record["lemmas"]), tuple(record["pos"]), tuple(record["senses"]))


def token_words(token: str) -> list[str]:
    """The words of a token: a multiword expression (``took_place``) opened at ``_``, any other token itself."""
    return [word for word in token.split("_") if word] or [token]
