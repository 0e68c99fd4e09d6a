"""engine.word_in_context.small_umap against umap-learn (a test dependency): the same graph, maps as faithful, and deterministic.

No test here compares maps number for number across machines: CPUs round differently, and SGD can turn a last-bit
difference into another map, as another seed would.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.manifold import trustworthiness

from engine.word_in_context import small_umap
from engine.word_in_context.preset_store import PresetStore, preset_contexts
from engine.word_in_context.presets import load_presets
from engine.word_in_context.projection import project


def _clusters(n_clusters: int = 4, per_cluster: int = 25, dim: int = 64, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_clusters, dim)) * 3
    return np.concatenate([centre + rng.normal(size=(per_cluster, dim)) for centre in centres])


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.slow
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


def _top_layers(encoders: tuple[str, ...], words: list[str]) -> dict[tuple[str, str], np.ndarray]:
    """(encoder, preset) -> the preset's distinct top-layer vectors, as unit rows."""
    store, presets = PresetStore(), load_presets()
    return {(name, word): _unit(np.unique(store.view(name, preset_contexts(presets[word]).key).targets[-1], axis=0))
            for name in encoders for word in words}


def _trustworthiness(points: np.ndarray, coords: np.ndarray) -> float:
    return trustworthiness(points, coords, n_neighbors=min(10, len(points) // 3), metric="cosine")


def _umap_learn(points: np.ndarray, seed: int) -> np.ndarray:
    import umap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return umap.UMAP(n_neighbors=15, metric="cosine", random_state=seed, n_jobs=1).fit_transform(points)


@pytest.mark.slow
def test_preset_maps_keep_neighbourhoods_as_well_as_umap_learn():
    # One map of ~30 points varies by +-0.07 with the seed (and so between CPUs, whose last-bit differences act like
    # another seed in umap-learn), the mean over all 39 top-layer preset maps by about +-0.003 (here 0.892 against
    # 0.882; benchmarks/umap_fidelity.py measures the same over 3 seeds). Summed SGD steps scored 0.869.
    maps = _top_layers(("bilstm", "elmo", "bert"), list(load_presets()))
    ours = [_trustworthiness(points, small_umap.fit_transform(points, 2, seed=0)) for points in maps.values()]
    theirs = [_trustworthiness(points, _umap_learn(points, seed=0)) for points in maps.values()]
    assert np.mean(ours) >= np.mean(theirs) - 0.005, (np.mean(ours), np.mean(theirs))


@pytest.mark.parametrize("dataset, tolerance", [("clusters", 0.05), ("every preset", 0.01)])
def test_larger_maps_keep_neighbourhoods_as_well_as_umap_learn(dataset, tolerance):
    # 100 points in 4 clusters; the 403 BERT top-layer vectors of all presets, where maps vary little with the seed
    points = _unit(_clusters()) if dataset == "clusters" else \
        _unit(np.concatenate(list(_top_layers(("bert",), list(load_presets())).values())))
    score = _trustworthiness(points, small_umap.fit_transform(points, 2, seed=0))
    reference = _trustworthiness(points, _umap_learn(points, seed=0))
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


def test_last_bit_differences_do_not_change_the_map(monkeypatch):
    # What another CPU or BLAS changes: an eigenvector's sign, and the last bits of products and eigenvectors.
    # Values are rounded to a grid at every stage, so the map stays the same; unless a value falls within a last
    # bit of a rounding boundary, which is rare but possible, hence "most".
    points = _unit(_clusters(per_cluster=10))
    reference = small_umap.fit_transform(points, 2)
    eigh = np.linalg.eigh

    def eigh_with_other_signs(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values, vectors = eigh(matrix)
        return values, -vectors

    monkeypatch.setattr(np.linalg, "eigh", eigh_with_other_signs)
    assert np.array_equal(small_umap.fit_transform(points, 2), reference)
    noisy = [points * (1 + np.random.default_rng(seed).normal(scale=2e-16, size=points.shape)) for seed in range(5)]
    assert sum(np.array_equal(small_umap.fit_transform(x, 2), reference) for x in noisy) >= 4


def test_eigenvector_signs_are_fixed_by_the_largest_entry():
    vectors = np.array([[0.5, 0.1], [-0.5 + 1e-12, -0.7], [0.1, 0.2]])  # column 0: a near-tie, the first one wins
    assert np.array_equal(small_umap.fixed_signs(vectors), vectors * [1, -1])
    assert np.array_equal(small_umap.fixed_signs(-vectors), small_umap.fixed_signs(vectors))
