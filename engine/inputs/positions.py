"""Position encodings: the fixed sinusoids of Vaswani et al. (2017), and how any position table relates offsets.

A transformer adds a position vector to each token's embedding; without it self-attention sees a bag of tokens. The
original transformer used fixed sinusoids, whose dot product depends only on the offset between two positions; BERT
learns its table instead (``BertEncoder.position_embeddings``), and ``cosine_by_offset`` shows what it learned.
"""
from __future__ import annotations

import numpy as np

SINUSOID_BASE = 10_000.0  # the wavelengths run from 2π to 10000·2π (Vaswani et al. 2017, section 3.5)


def sinusoidal_positions(n_positions: int, dim: int) -> np.ndarray:
    """(n_positions, dim) float32: PE[p, 2i] = sin(p / 10000^(2i/dim)), PE[p, 2i+1] = cos(p / 10000^(2i/dim))."""
    if n_positions < 0 or dim < 1:
        raise ValueError(f"need n_positions >= 0 and dim >= 1, got {n_positions} and {dim}")
    positions = np.arange(n_positions, dtype=np.float64)[:, None]
    even = np.arange(0, dim, 2, dtype=np.float64)
    angles = positions / SINUSOID_BASE ** (even / dim)
    table = np.zeros((n_positions, dim))
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles[:, : dim // 2])
    return table.astype(np.float32)


def mean_by_offset(similarity: np.ndarray, max_offset: int) -> np.ndarray:
    """(max_offset + 1,): the mean of ``similarity[p, p + k]`` over every p, for k = 0..max_offset."""
    n = len(similarity)
    return np.array([np.diagonal(similarity, offset=k).mean() for k in range(min(max_offset, n - 1) + 1)])


def dot_by_offset(table: np.ndarray, max_offset: int) -> np.ndarray:
    """Mean dot product of two positions' vectors against their offset (for sinusoids it depends on the offset only)."""
    table = np.asarray(table, dtype=np.float64)
    return mean_by_offset(table @ table.T, max_offset)


def cosine_by_offset(table: np.ndarray, max_offset: int) -> np.ndarray:
    """Mean cosine of two positions' vectors against their offset: how a table, fixed or learned, relates them."""
    table = np.asarray(table, dtype=np.float64)
    unit = table / np.maximum(np.linalg.norm(table, axis=1, keepdims=True), 1e-12)
    return mean_by_offset(unit @ unit.T, max_offset)
