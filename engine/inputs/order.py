"""The order experiment: shuffle a sentence's words and measure how far each word's vector moves.

A static embedding ignores order, so nothing moves. A recurrent network reads in order, and self-attention sees order
only through the position embeddings added to its input: switch those off and BERT gives every word the same vector
in any order (to rounding), which is why a transformer needs positions at all.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from engine.encoders.base import Encoder


@dataclass(frozen=True)
class OrderChange:
    encoder: str
    positions: bool  # False: BERT run with its position embeddings left out
    layer: str
    change: float  # mean over words of 1 - cosine(vector in the sentence, vector of the same word shuffled)
    largest: float  # the largest such change over the words


def shuffled_order(n_words: int, seed: int = 0) -> list[int]:
    """A seeded permutation of 0..n-1 that moves at least one word (when there are two or more)."""
    order = list(range(n_words))
    rng = random.Random(seed)
    while n_words > 1 and order == sorted(order):
        rng.shuffle(order)
    return order


def order_change(encoder: Encoder, words: list[str], order: list[int], positions: bool = True) -> OrderChange:
    """How far word order moves each word's top-layer vector: the sentence against ``[words[i] for i in order]``."""
    shuffled = [words[i] for i in order]
    options = {} if positions else {"positions": False}
    top = encoder.layer_index()  # the network's own top layer, not a mix of layers
    original, moved = (encoded.vectors[top] for encoded in encoder.encode([words, shuffled], **options))
    before, after = original[order], moved  # row j: the word at position j of the shuffled sentence, both times
    norms = np.linalg.norm(before, axis=1) * np.linalg.norm(after, axis=1)
    cosines = np.where(norms > 0, (before * after).sum(axis=1) / np.maximum(norms, 1e-12), 1.0)
    changes = np.maximum(1.0 - cosines, 0.0)  # rounding can put an unmoved word a hair above cosine 1
    return OrderChange(encoder.name, positions, encoder.layer_names[top], float(changes.mean()), float(changes.max()))


def order_experiment(encoders: list[Encoder], words: list[str], seed: int = 0) -> list[OrderChange]:
    """Every encoder on the same shuffle, plus BERT (or any encoder that can) with its positions left out."""
    order = shuffled_order(len(words), seed)
    results = [order_change(encoder, words, order) for encoder in encoders]
    results += [order_change(encoder, words, order, positions=False)
                for encoder in encoders if encoder.position_embeddings_optional]
    return results
