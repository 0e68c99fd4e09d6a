"""The one reader of CoNLL-U treebanks (UD English EWT): every sentence with its id, text and gold syntactic words.

Multiword-token lines (``3-4`` over "don't") and empty nodes (``8.1``) are left out, so a sentence's words are the
ones its dependency tree is built over, word i having the id i + 1. The columns are kept as one tuple each (one entry
per word), the shape every user zips them in; it is also the cheap one (a treebank has 200,000 words).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ConlluSentence:
    """A sentence as the treebank gives it: ``sent_id`` (``<document>-<number>`` in EWT), raw text, and the ten
    CoNLL-U columns of its words (``_`` where a column is empty)."""

    sent_id: str
    text: str
    forms: tuple[str, ...]
    lemmas: tuple[str, ...]
    upos: tuple[str, ...]  # universal part of speech (NOUN, VERB...)
    xpos: tuple[str, ...]  # Penn Treebank tag
    feats: tuple[str, ...]
    heads: tuple[int, ...]  # id of the word each word depends on, 0 for the root
    deprels: tuple[str, ...]  # universal dependency relation (nsubj, obj...)
    deps: tuple[str, ...]
    misc: tuple[str, ...]
    offset: int = 0  # where the sentence's first line starts in its file, in bytes (``read_conllu(path, offset)``)

    @property
    def document(self) -> str:
        """The EWT document the sentence belongs to: its ``sent_id`` without the sentence number."""
        return self.sent_id.rsplit("-", 1)[0]


def read_conllu(path: Path, start: int = 0) -> Iterator[ConlluSentence]:
    """The sentences of a CoNLL-U file, in file order, from byte ``start`` on (0, or a sentence's ``offset``)."""
    sent_id, text, rows, offset = "", "", [], start
    with path.open("rb") as lines:
        lines.seek(start)
        for raw in lines:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line.startswith("# sent_id = "):
                sent_id = line.removeprefix("# sent_id = ").strip()
            elif line.startswith("# text = "):
                text = line.removeprefix("# text = ").strip()
            elif not line:
                if rows:
                    yield _sentence(sent_id, text, rows, offset)
                sent_id, text, rows = "", "", []
                offset = lines.tell()
            elif not line.startswith("#"):
                columns = line.split("\t")
                if columns[0].isdigit():
                    rows.append(columns)
    if rows:
        yield _sentence(sent_id, text, rows, offset)


def _sentence(sent_id: str, text: str, rows: list[list[str]], offset: int) -> ConlluSentence:
    """A sentence from its word lines, column by column (the ids are implied by the order)."""
    _, forms, lemmas, upos, xpos, feats, heads, deprels, deps, misc = zip(*rows)
    return ConlluSentence(sent_id, text, forms, lemmas, upos, xpos, feats, tuple(map(int, heads)), deprels, deps,
                          misc, offset)
