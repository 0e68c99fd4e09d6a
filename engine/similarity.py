"""The home page's demonstration: how similar is one word's vector in two different sentences?"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.encoders.base import Encoder
from engine.tokenize import is_punctuation, tokenize

DEMO_MAX_WORDS = 400  # per sentence: bounds the work of one request (BERT itself reads at most 512 pieces, ~384 words)


class DemoInputError(ValueError):
    """Input the demonstration cannot use; the message is meant for the user."""


@dataclass
class WordSimilarity:
    encoder: str
    layer_names: list[str]
    cosines: list[float]  # one per layer


def find_word(words: list[str], target: str) -> list[int]:
    """Positions of ``target`` among ``words`` (case-insensitive)."""
    target = target.casefold()
    return [i for i, word in enumerate(words) if word.casefold() == target]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity; NaN when either vector is all zeros (an unknown GloVe word): a zero vector has no direction,
    so there is nothing to compare, and the page says so rather than draw a 0."""
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b / norms) if norms > 0 else math.nan


def check_demo_input(first: str, second: str, word: str) -> tuple[list[str], list[str], int, int]:
    """Tokenise both sentences and locate the word in each, or raise DemoInputError saying what to fix."""
    target = tokenize(word)
    if len(target) != 1 or is_punctuation(target[0]):
        raise DemoInputError("Type one word (letters or digits, no spaces) that appears in both sentences.")
    sentences = [tokenize(first), tokenize(second)]
    positions = []
    for label, words in zip(("first", "second"), sentences):
        if not any(not is_punctuation(w) for w in words):
            raise DemoInputError(f"The {label} sentence has no words: type a sentence.")
        if len(words) > DEMO_MAX_WORDS:
            raise DemoInputError(f"The {label} sentence has {len(words):,} words; the demo reads at most "
                                 f"{DEMO_MAX_WORDS} per sentence (BERT reads at most 512 WordPiece pieces, about 384 "
                                 "words). Shorten it.")
        found = find_word(words, target[0])
        if not found:
            raise DemoInputError(f"The word is not in the {label} sentence (matching ignores case, not inflection).")
        positions.append(found[0])
    return sentences[0], sentences[1], positions[0], positions[1]


def word_similarity(encoder: Encoder, first: list[str], second: list[str], i: int, j: int) -> WordSimilarity:
    """Cosine between word ``i`` of ``first`` and word ``j`` of ``second``, layer by layer."""
    a, b = encoder.encode([first, second])
    cosines = [cosine(a.vectors[layer, i], b.vectors[layer, j]) for layer in range(len(encoder.layer_names))]
    return WordSimilarity(encoder.name, list(encoder.layer_names), cosines)
