"""How well one layer's vectors of a word separate its senses, and how context-specific they are.

* Leave-one-out nearest-sense-centroid accuracy: each labelled occurrence is assigned the sense whose centroid (the
  mean of that sense's vectors, computed without it) has the highest cosine with it. Only senses with at least two
  labelled occurrences take part (a sense seen once has no centroid once its only point is left out). Ties (exactly
  what a static encoder produces: every centroid is the same vector) go to the sense most frequent among the other
  points, so a static encoder scores the majority baseline. The baseline is the share of the most frequent sense.
* Self-similarity (Ethayarajh 2019): the mean cosine between all pairs of the word's occurrences, minus the
  anisotropy baseline, the mean cosine between pairs of other words of the same layer. 0 means "as similar as any two
  words"; a static encoder gives 1 minus its baseline.
* Nearest neighbours: the occurrences closest to one occurrence by cosine, in the layer's full space.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from engine.encoders.base import relative_depths
from engine.word_in_context.context_vectors import ContextVectors

TIE_TOLERANCE = 1e-6  # cosines closer than this count as equal (centroids of identical vectors differ by rounding)


@dataclass(frozen=True)
class CentroidAccuracy:
    accuracy: float
    baseline: float  # share of the most frequent sense among the evaluated occurrences
    evaluated: int
    senses: int


@dataclass(frozen=True)
class LayerMeasures:
    layer: str
    depth: float  # 0 = input layer, 1 = top layer
    centroid: CentroidAccuracy | None  # None without two senses of at least two labelled occurrences each
    self_similarity: float | None  # None with fewer than two occurrences
    anisotropy: float | None  # None with fewer than two other words
    adjusted_self_similarity: float | None


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (all-zero rows, such as unknown GloVe words, stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def mean_pairwise_cosine(vectors: np.ndarray) -> float | None:
    """Mean cosine over all unordered pairs of distinct rows; None with fewer than two rows."""
    n = len(vectors)
    if n < 2:
        return None
    unit = unit_rows(vectors)
    total = unit.sum(axis=0)
    pair_sum = (total @ total - np.einsum("ij,ij->", unit, unit)) / 2
    return float(pair_sum / (n * (n - 1) / 2))


def centroid_accuracy(vectors: np.ndarray, labels: list[str]) -> CentroidAccuracy | None:
    """Leave-one-out nearest-sense-centroid accuracy over the labelled occurrences ("" = unlabelled)."""
    counts = Counter(label for label in labels if label)
    senses = sorted(sense for sense, count in counts.items() if count >= 2)
    if len(senses) < 2:
        return None
    rows = [i for i, label in enumerate(labels) if label in senses]
    points = np.asarray(vectors, dtype=np.float64)[rows]
    unit = unit_rows(points)
    member = np.array([[labels[i] == sense for sense in senses] for i in rows], dtype=np.float64)  # (n, S)
    sums = member.T @ points  # (S, d)
    sizes = member.sum(axis=0)  # (S,)
    correct = 0
    for row, i in enumerate(rows):
        own = member[row]
        centroids = (sums - own[:, None] * points[row]) / (sizes - own)[:, None]
        scores = unit_rows(centroids) @ unit[row]
        tied = np.flatnonzero(scores >= scores.max() - TIE_TOLERANCE)
        others = sizes - own
        guess = max(tied, key=lambda s: (others[s], -s))
        correct += senses[guess] == labels[i]
    return CentroidAccuracy(correct / len(rows), max(sizes) / len(rows), len(rows), len(senses))


def layer_measures(vectors: ContextVectors, labels: list[str]) -> list[LayerMeasures]:
    """Every measure for every layer of one encoder."""
    depths = relative_depths(len(vectors.layer_names))
    results = []
    for layer, name in enumerate(vectors.layer_names):
        self_similarity = mean_pairwise_cosine(vectors.targets[layer])
        anisotropy = mean_pairwise_cosine(vectors.others[layer])
        adjusted = None if self_similarity is None or anisotropy is None else self_similarity - anisotropy
        results.append(LayerMeasures(name, depths[layer], centroid_accuracy(vectors.targets[layer], labels),
                                     self_similarity, anisotropy, adjusted))
    return results


def nearest_neighbours(vectors: np.ndarray, index: int, k: int = 5) -> list[tuple[int, float]]:
    """The ``k`` rows most cosine-similar to row ``index`` (itself excluded), as (row, cosine), best first."""
    unit = unit_rows(vectors)
    scores = unit @ unit[index]
    order = [j for j in np.argsort(-scores, kind="stable") if j != index]
    return [(int(j), float(scores[j])) for j in order[:k]]
