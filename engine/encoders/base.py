"""The encoder interface every model implements, and what encoding a sentence returns."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Sequence, Union

import numpy as np

from engine.tokenize import tokenize

SentenceInput = Union[str, Sequence[str]]


class EncoderUnavailable(RuntimeError):
    """An encoder cannot be loaded; the message says what is missing and how to fix it."""


@dataclass
class Encoded:
    """One sentence encoded: one vector per word and layer, plus BERT's attention when available."""

    words: list[str]
    vectors: np.ndarray  # float32, (n_layers, n_words, dim)
    unknown: list[bool] = field(default_factory=list)  # words the encoder had no entry for (static only)
    attentions: np.ndarray | None = None  # word level, (n_layers, n_heads, n_words, n_words)
    pieces: list[str] | None = None  # WordPiece tokens with [CLS]/[SEP]
    piece_attentions: np.ndarray | None = None  # (n_layers, n_heads, n_pieces, n_pieces)
    piece_to_word: list[int] | None = None  # word index of each piece, -1 for [CLS]/[SEP]
    truncated: bool = False  # True when the input was cut to fit the model's maximum length


class Encoder(ABC):
    """A word encoder: words in, one vector per word and layer out.

    Subclasses set ``name``, ``layer_names``, ``dim`` and ``description`` and implement
    ``encode_words``; ``encode`` handles raw strings and pre-tokenised input alike.
    """

    name: str
    layer_names: list[str]
    dim: int
    description: str

    def encode(self, sentences: Sequence[SentenceInput]) -> list[Encoded]:
        """Encode raw strings (split with ``engine.tokenize``) or lists of words (used as given)."""
        return self.encode_words(word_lists(sentences))

    @abstractmethod
    def encode_words(self, batch: list[list[str]]) -> list[Encoded]:
        """Encode already tokenised sentences."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}: {len(self.layer_names)} layers x {self.dim}>"


def word_lists(sentences: Sequence[SentenceInput]) -> list[list[str]]:
    """Raw strings split with ``engine.tokenize``; lists of words kept as given."""
    return [tokenize(s) if isinstance(s, str) else list(s) for s in sentences]


def pad_to_width(vectors: np.ndarray, dim: int) -> np.ndarray:
    """Zero-pad the last axis to ``dim``: norms and dot products, hence cosines, are unchanged."""
    width = vectors.shape[-1]
    if width == dim:
        return vectors
    padded = np.zeros(vectors.shape[:-1] + (dim,), dtype=np.float32)
    padded[..., :width] = vectors
    return padded
