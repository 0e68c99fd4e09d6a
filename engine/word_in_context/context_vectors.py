"""One encoder's vectors for every occurrence of the target, layer by layer, plus a sample of other words.

The sample of other words is what the anisotropy baseline of ``engine.word_in_context.measures`` is computed from: Ethayarajh (2019)
compares a word's self-similarity with the mean cosine between random words of the same layer.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.encoders.base import MAX_BATCH_TOKENS, Encoder
from engine.split_work import run_split, split_ways
from engine.tokenize import is_punctuation
from engine.word_in_context.occurrences import Occurrence

BASELINE_WORDS = 400  # other words sampled for the anisotropy baseline (400 words = 79,800 pairs)
MIN_SPLIT = 32  # sentences: fewer are encoded on one thread (two would save less than they cost to start)


@dataclass
class ContextVectors:
    """The target's vectors (n_layers, n_occurrences, dim) and other words' vectors (n_layers, n_sample, dim)."""

    encoder: str
    layer_names: list[str]
    targets: np.ndarray
    others: np.ndarray


def context_vectors(encoder: Encoder, words: list[list[str]], occurrences: list[Occurrence],
                    baseline_words: int = BASELINE_WORDS, seed: int = 0) -> ContextVectors:
    """Encode the sentences that hold an occurrence and gather the vectors (same order as ``occurrences``).

    The sample of other words is drawn from the words alone, before encoding, so each batch's vectors are gathered
    as it comes and dropped (``Encoder.encode_batches``): 300 sentences never sit in memory at every layer at once.
    """
    numbers = sorted({occurrence.sentence for occurrence in occurrences})
    taken = {(o.sentence, o.position) for o in occurrences}
    candidates = [(n, i) for n in numbers for i, word in enumerate(words[n])
                  if (n, i) not in taken and not is_punctuation(word)]
    rng = np.random.default_rng(seed)
    chosen = sorted(rng.choice(len(candidates), size=min(baseline_words, len(candidates)), replace=False)) \
        if candidates else []
    wanted: dict[int, list[tuple[int, int]]] = {}  # sentence -> (row in targets or -1 - row in others, position)
    for row, o in enumerate(occurrences):
        wanted.setdefault(o.sentence, []).append((row, o.position))
    for row, c in enumerate(chosen):
        wanted.setdefault(candidates[c][0], []).append((-1 - row, candidates[c][1]))
    n_layers = len(encoder.layer_names)
    targets = np.zeros((n_layers, len(occurrences), encoder.dim), dtype=np.float32)
    others = np.zeros((n_layers, len(chosen), encoder.dim), dtype=np.float32)

    def gather(part: list[int], max_tokens: int) -> None:
        """Encode the sentences ``numbers[i]`` for i in ``part`` and copy out the vectors wanted (each sentence's
        rows are its own, so two parts write without a lock)."""
        for chunk, encoded in encoder.encode_batches([words[numbers[i]] for i in part], max_tokens=max_tokens):
            for index, sentence in zip(chunk, encoded):
                for row, position in wanted.get(numbers[part[index]], []):
                    if row >= 0:
                        targets[:, row] = sentence.vectors[:, position]
                    else:
                        others[:, -1 - row] = sentence.vectors[:, position]

    # In two parts where the server has a core to spare (``engine.split_work``): each takes every other sentence, so
    # both hold every length and finish together, in batches of half the padded tokens, so that the two hold no more
    # activations at once than one pass would.
    ways = split_ways() if len(numbers) >= MIN_SPLIT else 1
    parts = [list(range(start, len(numbers), ways)) for start in range(ways)]
    run_split(lambda part: gather(part, MAX_BATCH_TOKENS // ways), parts)
    return ContextVectors(encoder.name, list(encoder.layer_names), targets, others)
