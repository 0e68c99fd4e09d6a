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


def _bert_top_layer(words: list[str]) -> np.ndarray:
    store, presets = PresetStore(), load_presets()
    vectors = [store.view("bert", preset_contexts(presets[word]).key).targets[-1] for word in words]
    return _unit(np.unique(np.concatenate(vectors), axis=0))


def _trustworthiness(points: np.ndarray, seeds: range) -> tuple[float, float]:
    """Mean trustworthiness of our maps and of umap-learn's over the same seeds."""
    import umap

    k = min(10, len(points) // 3)
    ours, theirs = [], []
    for seed in seeds:
        ours.append(trustworthiness(points, small_umap.fit_transform(points, 2, seed=seed), n_neighbors=k,
                                    metric="cosine"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = umap.UMAP(n_neighbors=15, metric="cosine", random_state=seed, n_jobs=1).fit_transform(points)
        theirs.append(trustworthiness(points, reference, n_neighbors=k, metric="cosine"))
    return float(np.mean(ours)), float(np.mean(theirs))


@pytest.mark.parametrize("dataset, seeds, tolerance", [
    ("clusters", range(1), 0.05),
    ("bank", range(5), 0.05),  # 28 points: single maps vary by +-0.07 with the seed, so compare means
    ("every preset", range(1), 0.01),  # 403 points
])
def test_maps_keep_neighbourhoods_as_well_as_umap_learn(dataset, seeds, tolerance):
    points = {"clusters": lambda: _unit(_clusters()), "bank": lambda: _bert_top_layer(["bank"]),
              "every preset": lambda: _bert_top_layer(list(load_presets()))}[dataset]()
    score, reference = _trustworthiness(points, seeds)
    assert score >= reference - tolerance, (score, reference)


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
