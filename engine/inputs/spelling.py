"""Spelling neighbours against meaning neighbours: nearest words by a character model's vectors and by GloVe's.

A character CNN builds a word's vector from its letters, so words that look alike land close together whether or not
they mean the same (bank, banks, bunk, tank); GloVe learns from contexts, so its neighbours share meaning (bank,
banks, banking, lender). ``spelling_share`` measures it: how often a word's nearest neighbour is within a small edit
distance of it, under each vector table.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.encoders.glove import glove_table
from engine.word_in_context.measures import unit_rows

CLOSE_SPELLING = 2  # edits (insert, delete, substitute) within which two words count as spelt alike
VOCABULARY_SIZE = 50_000  # GloVe's most frequent words (letters only) are the candidates for neighbours
BUILD_BLOCK = 1024  # words encoded at a time while the space is built
SUMMARY_WORDS = 500  # words whose nearest neighbours the summary checks, evenly spaced over the vocabulary


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: the fewest single-character inserts, deletes and substitutions from ``a`` to ``b``."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class Neighbour:
    word: str
    cosine: float
    edits: int  # edit distance to the query word


def nearest_words(query: str, vector: np.ndarray, words: list[str], unit_table: np.ndarray,
                  k: int = 8) -> list[Neighbour]:
    """The ``k`` words of ``words`` whose vectors are closest to ``vector`` by cosine, the query excluded.

    ``unit_table`` holds the words' vectors scaled to length 1 (``engine.word_in_context.measures.unit_rows``).
    """
    cosines = unit_table @ (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)
    order = np.argsort(-cosines, kind="stable")
    folded = query.casefold()
    chosen = [i for i in order[: k + 1] if words[i] != folded][:k]
    return [Neighbour(words[i], float(cosines[i]), edit_distance(folded, words[i])) for i in chosen]


def spelling_share(words: list[str], unit_table: np.ndarray, sample: list[int]) -> float:
    """The share of the sampled words whose nearest other word (by this table) is within CLOSE_SPELLING edits."""
    close = 0
    for i in sample:
        cosines = (unit_table @ unit_table[i]).astype(np.float32)
        cosines[i] = -np.inf
        close += edit_distance(words[i], words[int(np.argmax(cosines))]) <= CLOSE_SPELLING
    return close / max(len(sample), 1)


@dataclass(frozen=True)
class SpellingSpace:
    """The same vocabulary under two vector tables: the character CNN's (spelling) and GloVe's (meaning)."""

    words: list[str]
    characters: np.ndarray  # unit rows, float16 (cosines need no more; half the memory on a 690 MB server)
    glove: np.ndarray  # unit rows, float16

    def summary(self) -> tuple[float, float]:
        """(character model, GloVe): the share of evenly spaced vocabulary words whose nearest other word is within
        CLOSE_SPELLING edits of it."""
        sample = list(np.linspace(0, len(self.words) - 1, min(SUMMARY_WORDS, len(self.words))).astype(int))
        return spelling_share(self.words, self.characters, sample), spelling_share(self.words, self.glove, sample)


def spelling_space(character_vectors: Callable[[list[str]], np.ndarray],
                   size: int = VOCABULARY_SIZE) -> SpellingSpace:
    """GloVe's ``size`` most frequent words made of letters, with their character-model and GloVe vectors.

    Built a block of words at a time and kept as float16, so that the server's memory grows by the 16 MB the two
    tables need and not by the float32/float64 copies on the way.
    """
    table = glove_table()
    words = [word for word in table.most_frequent(size) if word.isalpha()]
    blocks = [words[start : start + BUILD_BLOCK] for start in range(0, len(words), BUILD_BLOCK)]
    return SpellingSpace(words, np.concatenate([_unit16(character_vectors(block)) for block in blocks]),
                         np.concatenate([_unit16(table.vectors(block)[0]) for block in blocks]))


def _unit16(vectors: np.ndarray) -> np.ndarray:
    return unit_rows(vectors).astype(np.float16)
