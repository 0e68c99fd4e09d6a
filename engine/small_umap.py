"""UMAP (McInnes, Healy & Melville 2018) in NumPy, for the few hundred points of one view.

umap-learn is built for millions of points: numba-compiled code (10-27 s to compile in every process, and about
250 MB of memory with numba, pynndescent and scikit-learn) and approximate nearest neighbours. A view here maps at
most 300 occurrences, where the exact algorithm takes a few array operations per epoch. This module follows
umap-learn's defaults and steps:

1. exact k nearest neighbours (k = 15, the point itself included, as umap-learn counts it);
2. the fuzzy simplicial set: per point, ``rho`` (distance to the nearest neighbour) and ``sigma`` (binary search so
   the memberships sum to log2 k), memberships exp(-(d - rho) / sigma), then the fuzzy union A + Aᵀ - A∘Aᵀ;
3. spectral initialisation (eigenvectors of the normalised graph Laplacian), scaled to [0, 10];
4. 500 epochs of stochastic gradient descent on the cross-entropy with negative sampling (5 per edge), edges
   sampled in proportion to their membership, the low-dimensional curve 1 / (1 + a d^2b) with umap-learn's
   a, b for min_dist = 0.1 and spread = 1, gradients clipped at 4, and a learning rate falling linearly to 0.

One difference: each epoch's edges are updated together from the same positions (summed gradients, as GPU UMAP
implementations do) rather than one after another. ``tests/test_projection.py`` compares the maps' neighbourhood
preservation (trustworthiness) with umap-learn's on the same data.
"""
from __future__ import annotations

import numpy as np

N_NEIGHBOURS = 15
N_EPOCHS = 500  # umap-learn's choice for fewer than 10,000 points
NEGATIVE_SAMPLE_RATE = 5
CURVE_A, CURVE_B = 1.5769434604035877, 0.8950608781227859  # umap-learn's fit for min_dist=0.1, spread=1.0
GRADIENT_CLIP = 4.0
SIGMA_SEARCH_STEPS = 64
MIN_SIGMA_SCALE = 1e-3  # sigma is at least this share of the mean neighbour distance (umap-learn's MIN_K_DIST_SCALE)


def cosine_distances(vectors: np.ndarray) -> np.ndarray:
    """All pairwise cosine distances (1 - cosine), clipped at 0 against rounding."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return np.maximum(1.0 - unit @ unit.T, 0.0)


def fuzzy_graph(distances: np.ndarray, k: int) -> np.ndarray:
    """The symmetric membership matrix of the fuzzy simplicial set built from the k nearest neighbours."""
    n = len(distances)
    order = np.argsort(distances, axis=1, kind="stable")
    neighbours = order[:, :k]  # the point itself first (distance 0), as umap-learn includes it
    knn = np.take_along_axis(distances, neighbours, axis=1).astype(np.float64)
    rows = np.arange(n)
    positive = np.where(knn > 0, knn, np.inf)
    rho = np.where(np.isfinite(positive.min(axis=1)), positive.min(axis=1), 0.0)
    sigma = _sigmas(knn[:, 1:], rho, target=np.log2(k))
    floor = MIN_SIGMA_SCALE * np.where(rho > 0, knn.mean(axis=1), distances.mean())
    sigma = np.maximum(sigma, floor)
    strength = np.exp(-np.maximum(knn - rho[:, None], 0.0) / sigma[:, None])
    strength[neighbours == rows[:, None]] = 0.0
    membership = np.zeros((n, n))
    membership[rows[:, None], neighbours] = strength
    return membership + membership.T - membership * membership.T


def _sigmas(distances: np.ndarray, rho: np.ndarray, target: float) -> np.ndarray:
    """Per row, the sigma with sum exp(-(d - rho) / sigma) = target, by bisection (vectorised over rows)."""
    low, high = np.zeros(len(rho)), np.full(len(rho), np.inf)
    sigma = np.ones(len(rho))
    excess = np.maximum(distances - rho[:, None], 0.0)
    for _ in range(SIGMA_SEARCH_STEPS):
        total = np.exp(-excess / sigma[:, None]).sum(axis=1)
        too_big = total > target
        high = np.where(too_big, sigma, high)
        low = np.where(too_big, low, sigma)
        sigma = np.where(np.isinf(high), sigma * 2, (low + high) / 2)
    return sigma


def spectral_layout(graph: np.ndarray, dims: int, rng: np.random.Generator) -> np.ndarray:
    """Eigenvectors 2..dims+1 of the normalised Laplacian, scaled to [0, 10] with a little noise (as umap-learn)."""
    degree = graph.sum(axis=1)
    scale = 1.0 / np.sqrt(np.maximum(degree, 1e-12))
    laplacian = np.eye(len(graph)) - scale[:, None] * graph * scale[None, :]
    _, vectors = np.linalg.eigh(laplacian)
    layout = vectors[:, 1:dims + 1]
    layout = layout * (10.0 / np.maximum(np.abs(layout).max(), 1e-12))
    layout = layout + rng.normal(scale=1e-4, size=layout.shape)
    span = np.maximum(layout.max(axis=0) - layout.min(axis=0), 1e-12)
    return 10.0 * (layout - layout.min(axis=0)) / span


def optimise_layout(layout: np.ndarray, graph: np.ndarray, rng: np.random.Generator,
                    n_epochs: int = N_EPOCHS) -> np.ndarray:
    """Negative-sampling SGD of the layout against the graph's memberships (all of an epoch's edges at once)."""
    graph = np.where(graph < graph.max() / n_epochs, 0.0, graph)  # umap-learn drops edges sampled less than once
    heads, tails = np.nonzero(graph)
    epochs_per_sample = graph.max() / graph[heads, tails]
    epochs_per_negative = epochs_per_sample / NEGATIVE_SAMPLE_RATE
    next_sample = epochs_per_sample.copy()
    next_negative = epochs_per_negative.copy()
    n = len(layout)
    a, b = CURVE_A, CURVE_B
    for epoch in range(n_epochs):
        alpha = 1.0 - epoch / n_epochs
        due = np.nonzero(next_sample <= epoch)[0]
        if len(due) == 0:
            continue
        i, j = heads[due], tails[due]
        delta = layout[i] - layout[j]
        d2 = (delta ** 2).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            attract = np.where(d2 > 0, -2 * a * b * d2 ** (b - 1) / (1 + a * d2 ** b), 0.0)
        step = np.clip(attract[:, None] * delta, -GRADIENT_CLIP, GRADIENT_CLIP) * alpha
        update = _summed(i, step, n) - _summed(j, step, n)
        next_sample[due] += epochs_per_sample[due]

        n_negative = ((epoch - next_negative[due]) / epochs_per_negative[due]).astype(int).clip(min=0)
        next_negative[due] += n_negative * epochs_per_negative[due]
        source = np.repeat(i, n_negative)
        target = rng.integers(0, n, size=len(source))
        keep = source != target
        source, target = source[keep], target[keep]
        delta = layout[source] - layout[target]
        d2 = (delta ** 2).sum(axis=1)
        repel = 2 * b / ((0.001 + d2) * (1 + a * d2 ** b))
        step = np.where(d2[:, None] > 0, np.clip(repel[:, None] * delta, -GRADIENT_CLIP, GRADIENT_CLIP),
                        GRADIENT_CLIP) * alpha
        layout = layout + update + _summed(source, step, n)
    return layout


def _summed(rows: np.ndarray, steps: np.ndarray, n: int) -> np.ndarray:
    """(n, dims): the steps added up per row index (``np.add.at``, several times faster with ``bincount``)."""
    return np.stack([np.bincount(rows, weights=steps[:, d], minlength=n) for d in range(steps.shape[1])], axis=1)


def fit_transform(vectors: np.ndarray, dims: int = 2, n_neighbours: int = N_NEIGHBOURS,
                  seed: int = 42) -> np.ndarray:
    """UMAP coordinates (n, dims) of the rows of ``vectors`` under cosine distance; the same seed, the same map."""
    vectors = np.asarray(vectors, dtype=np.float64)
    rng = np.random.default_rng(seed)
    k = min(n_neighbours, len(vectors) - 1)
    graph = fuzzy_graph(cosine_distances(vectors), k)
    return optimise_layout(spectral_layout(graph, dims, rng), graph, rng).astype(np.float32)
