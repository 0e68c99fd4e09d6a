"""UMAP (McInnes, Healy & Melville 2018) in NumPy, for the few hundred points of one view.

umap-learn is built for millions of points: numba-compiled code (10-27 s to compile in every process, and about
250 MB of memory with numba, pynndescent and scikit-learn) and approximate nearest neighbours. A view here maps at
most 300 occurrences, where the exact algorithm takes a few array operations per epoch. This module follows
umap-learn's defaults and steps:

1. exact k nearest neighbours (k = 15, the point itself included, as umap-learn counts it);
2. the fuzzy simplicial set: per point, ``rho`` (distance to the nearest neighbour) and ``sigma`` (binary search so
   the memberships sum to log2 k), memberships exp(-(d - rho) / sigma), then the fuzzy union A + Aᵀ - A∘Aᵀ, less
   the edges too weak to be sampled once in 500 epochs;
3. spectral initialisation (eigenvectors of the normalised graph Laplacian), scaled to [0, 10];
4. 500 epochs of stochastic gradient descent on the cross-entropy with negative sampling (5 per edge), edges
   sampled in proportion to their membership, both ends of an edge pulled together, the low-dimensional curve
   1 / (1 + a d^2b) with umap-learn's a, b for min_dist = 0.1 and spread = 1, steps clipped at 4, and a learning
   rate falling linearly to 0.

Two differences, one for speed and one for reproducibility:

* umap-learn applies an epoch's edges one after another, each from the positions the previous one left. Here an
  epoch's edges are computed together from the same positions, and each point moves by the *mean* of the steps of
  the edges it is an end of. Summing them instead (as GPU implementations do) moves a point with 30 edges up to
  30 steps towards where it was pulled, past its neighbours; a sequential pass stops near them, and so does the mean.
  ``benchmarks/umap_fidelity.py`` compares the maps' trustworthiness with umap-learn's over the 39 top-layer preset
  maps: 0.892 against 0.882 (0.870 when the steps were summed).
* Distances, memberships and positions are rounded to multiples of 2^-24 at every stage, and each eigenvector's sign
  is fixed. CPUs and BLAS libraries differ in the last bits of matrix products, eigenvectors and powers (and in the
  sign of an eigenvector); rounded, such differences almost always vanish instead of growing through 500 epochs.
  The same seed gives the same map on one machine, and almost always on another, but not bit for bit by promise.
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
GRID = 2.0 ** -24  # every stage's output is rounded to multiples of this (far below float32's 2^-20 at 10)
SIGN_TIE = 1e-9  # eigenvector entries this close to the largest magnitude count as tied for fixing the sign


def on_grid(values: np.ndarray) -> np.ndarray:
    """Values rounded to multiples of GRID (exact: GRID is a power of two), erasing last-bit differences."""
    return np.round(values / GRID) * GRID


def cosine_distances(vectors: np.ndarray) -> np.ndarray:
    """All pairwise cosine distances (1 - cosine), clipped at 0 against rounding."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return on_grid(np.maximum(1.0 - unit @ unit.T, 0.0))


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
    return on_grid(membership + membership.T - membership * membership.T)


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


def sampled_edges(graph: np.ndarray, n_epochs: int = N_EPOCHS) -> np.ndarray:
    """The graph less the edges that would be sampled less than once in ``n_epochs`` (as umap-learn drops them)."""
    return np.where(graph < graph.max() / n_epochs, 0.0, graph)


def spectral_layout(graph: np.ndarray, dims: int, rng: np.random.Generator) -> np.ndarray:
    """Eigenvectors 2..dims+1 of the normalised Laplacian, scaled to [0, 10] with a little noise (as umap-learn)."""
    degree = graph.sum(axis=1)
    scale = 1.0 / np.sqrt(np.maximum(degree, 1e-12))
    laplacian = np.eye(len(graph)) - scale[:, None] * graph * scale[None, :]
    _, vectors = np.linalg.eigh(laplacian)
    layout = fixed_signs(vectors[:, 1:dims + 1])
    layout = layout * (10.0 / np.maximum(np.abs(layout).max(), 1e-12))
    layout = layout + rng.normal(scale=1e-4, size=layout.shape)
    span = np.maximum(layout.max(axis=0) - layout.min(axis=0), 1e-12)
    return on_grid(10.0 * (layout - layout.min(axis=0)) / span)


def fixed_signs(vectors: np.ndarray) -> np.ndarray:
    """Columns signed so that the largest entry (the first of near-ties) is positive: LAPACK's sign varies by CPU."""
    magnitude = np.abs(vectors)
    largest = np.argmax(magnitude >= magnitude.max(axis=0) - SIGN_TIE, axis=0)
    return vectors * np.where(vectors[largest, np.arange(vectors.shape[1])] < 0, -1.0, 1.0)


def optimise_layout(layout: np.ndarray, graph: np.ndarray, rng: np.random.Generator,
                    n_epochs: int = N_EPOCHS) -> np.ndarray:
    """Negative-sampling SGD of the layout against the graph's memberships, each edge sampled every
    max/membership epochs; an epoch's edges are computed together (see the module docstring)."""
    heads, tails = np.nonzero(graph)
    epochs_per_sample = graph.max() / graph[heads, tails]
    epochs_per_negative = epochs_per_sample / NEGATIVE_SAMPLE_RATE
    next_sample = epochs_per_sample.copy()
    next_negative = epochs_per_negative.copy()
    for epoch in range(n_epochs):
        due = np.nonzero(next_sample <= epoch)[0]
        if len(due) == 0:
            continue
        n_negative = ((epoch - next_negative[due]) / epochs_per_negative[due]).astype(int).clip(min=0)
        next_sample[due] += epochs_per_sample[due]
        next_negative[due] += n_negative * epochs_per_negative[due]
        step = _mean_step(layout, heads[due], tails[due], n_negative, rng)
        layout = on_grid(layout + (1.0 - epoch / n_epochs) * step)
    return layout


def _mean_step(layout: np.ndarray, heads: np.ndarray, tails: np.ndarray, n_negative: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    """Per point, the mean step of this epoch's sampled edges that it is an end of: an edge pulls its two ends
    together and pushes its head away from ``n_negative`` random points."""
    n = len(layout)
    delta = layout[heads] - layout[tails]
    d2 = np.maximum((delta ** 2).sum(axis=1), 1e-12)  # a zero distance has a zero delta, so no step
    attract = -2 * CURVE_A * CURVE_B * d2 ** (CURVE_B - 1) / (1 + CURVE_A * d2 ** CURVE_B)
    pull = np.clip(attract[:, None] * delta, -GRADIENT_CLIP, GRADIENT_CLIP)

    sources = np.repeat(heads, n_negative)
    targets = rng.integers(0, n, size=len(sources))
    sources, targets = sources[sources != targets], targets[sources != targets]
    delta = layout[sources] - layout[targets]
    d2 = (delta ** 2).sum(axis=1)
    repel = 2 * CURVE_B / ((0.001 + d2) * (1 + CURVE_A * d2 ** CURVE_B))
    push = np.clip(repel[:, None] * delta, -GRADIENT_CLIP, GRADIENT_CLIP)

    total = _summed(heads, pull, n) - _summed(tails, pull, n) + _summed(sources, push, n)
    edges_per_point = np.bincount(heads, minlength=n) + np.bincount(tails, minlength=n)
    return total / np.maximum(edges_per_point, 1)[:, None]


def _summed(rows: np.ndarray, steps: np.ndarray, n: int) -> np.ndarray:
    """(n, dims): the steps added up per row index (``np.add.at``, several times faster with ``bincount``)."""
    return np.stack([np.bincount(rows, weights=steps[:, d], minlength=n) for d in range(steps.shape[1])], axis=1)


def fit_transform(vectors: np.ndarray, dims: int = 2, n_neighbours: int = N_NEIGHBOURS,
                  seed: int = 42) -> np.ndarray:
    """UMAP coordinates (n, dims) of the rows of ``vectors`` under cosine distance; the same seed, the same map."""
    vectors = np.asarray(vectors, dtype=np.float64)
    rng = np.random.default_rng(seed)
    k = min(n_neighbours, len(vectors) - 1)
    graph = sampled_edges(fuzzy_graph(cosine_distances(vectors), k))
    return optimise_layout(spectral_layout(graph, dims, rng), graph, rng).astype(np.float32)
