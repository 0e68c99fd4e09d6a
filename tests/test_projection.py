"""engine.small_umap against umap-learn (a test dependency): the same graph, maps as faithful, and deterministic."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.manifold import trustworthiness

from engine import small_umap
from engine.preset_store import PresetStore, preset_contexts
from engine.presets import load_presets
from engine.projection import project


def _clusters(n_clusters: int = 4, per_cluster: int = 25, dim: int = 64, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_clusters, dim)) * 3
    return np.concatenate([centre + rng.normal(size=(per_cluster, dim)) for centre in centres])


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_the_fuzzy_graph_is_umap_learns():
    from umap.umap_ import fuzzy_simplicial_set

    points = _unit(_clusters(per_cluster=20))
    distances = small_umap.cosine_distances(points)
    neighbours = np.argsort(distances, axis=1, kind="stable")[:, :15]  # exact, as umap-learn's fit for < 4,096 points
    theirs, _, _ = fuzzy_simplicial_set(points, 15, np.random.RandomState(0), "cosine", knn_indices=neighbours,
                                        knn_dists=np.take_along_axis(distances, neighbours, axis=1))
    ours = small_umap.fuzzy_graph(distances, 15)
    np.testing.assert_allclose(ours, theirs.toarray(), atol=2e-4)
    assert np.allclose(ours, ours.T) and ours.min() >= 0 and ours.max() <= 1


def _bank_bert() -> np.ndarray:
    stored = PresetStore().view("bert", preset_contexts(load_presets()["bank"]).key)
    return _unit(np.unique(stored.targets[-1], axis=0))


@pytest.mark.parametrize("points", [_unit(_clusters()), "bank"], ids=["clusters", "bank-bert-top"])
def test_maps_keep_neighbourhoods_as_well_as_umap_learn(points):
    import umap

    points = _bank_bert() if isinstance(points, str) else points
    ours = small_umap.fit_transform(points, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = umap.UMAP(n_neighbors=15, metric="cosine", random_state=42, n_jobs=1).fit_transform(points)
    k = min(10, len(points) // 3)
    score = trustworthiness(points, ours, n_neighbors=k, metric="cosine")
    reference = trustworthiness(points, theirs, n_neighbors=k, metric="cosine")
    assert score >= reference - 0.05, (score, reference)


def test_separate_clusters_stay_separate_in_2d_and_3d():
    points = _unit(_clusters())
    labels = np.repeat(np.arange(4), 25)
    for dims in (2, 3):
        coords = small_umap.fit_transform(points, dims)
        assert coords.shape == (100, dims) and np.isfinite(coords).all()
        distances = np.linalg.norm(coords[:, None] - coords[None], axis=-1)
        np.fill_diagonal(distances, np.inf)
        assert (labels[distances.argmin(axis=1)] == labels).mean() > 0.95


def test_the_same_seed_gives_the_same_map_and_projection_uses_it():
    points = _unit(_clusters(per_cluster=10))
    assert np.array_equal(small_umap.fit_transform(points, 2), small_umap.fit_transform(points, 2))
    assert not np.array_equal(small_umap.fit_transform(points, 2, seed=1), small_umap.fit_transform(points, 2))
    mapped = project(points, 2)
    assert mapped.method == "UMAP" and mapped.distinct == 40
