"""The precomputed presets: current for the bundled weights, like a live computation, ignored when stale."""
from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.manifold import trustworthiness

from engine import ENCODER_NAMES, load_encoder
from engine.word_in_context.context_vectors import context_vectors
from engine.word_in_context.measures import layer_measures, unit_rows
from engine.word_in_context.occurrences import ContextLine, Contexts, find_occurrences
from engine.word_in_context.preset_store import (
    MAP_DIMS,
    STORE_VERSION,
    PresetStore,
    preset_contexts,
)
from engine.word_in_context.presets import load_presets
from engine.word_in_context.projection import MIN_UMAP_POINTS, distinct_rows, project


@pytest.fixture(scope="module")
def store() -> PresetStore:
    return PresetStore()


def test_the_shipped_store_covers_every_preset_for_the_bundled_weights(store):
    # Fails after retraining a model without `python -m engine.word_in_context.preset_store build`.
    assert set(store.encoders) == set(ENCODER_NAMES)
    for word, preset in load_presets().items():
        key = preset_contexts(preset).key
        for name in ENCODER_NAMES:
            assert store.layer_names(name, key) == list(load_encoder(name).layer_names), (word, name)


@pytest.mark.parametrize("name", ENCODER_NAMES)
def test_stored_vectors_and_measures_equal_a_live_computation(store, name):
    contexts = preset_contexts(load_presets()["bank"])
    stored = store.view(name, contexts.key)
    assert stored is not None, "the store is stale: run `python -m engine.word_in_context.preset_store build`"
    live = context_vectors(load_encoder(name), [list(s) for s in contexts.sentences], contexts.occurrences())
    scale = np.abs(live.targets).max()
    np.testing.assert_allclose(stored.targets, live.targets, atol=2e-3 * scale)  # float16 rounding only
    for kept, fresh in zip(stored.measures, layer_measures(live, list(contexts.labels))):
        assert kept.layer == fresh.layer
        assert kept.centroid.accuracy == pytest.approx(fresh.centroid.accuracy, abs=0.04)  # one flip of ~28 at most
        assert kept.adjusted_self_similarity == pytest.approx(fresh.adjusted_self_similarity, abs=0.01)


def _trustworthiness(vectors: np.ndarray, coords: np.ndarray) -> float:
    """How well a map keeps the cosine neighbours of the distinct vectors it was drawn from."""
    distinct, first = np.unique(vectors, axis=0, return_index=True)
    return trustworthiness(unit_rows(distinct), coords[first], n_neighbors=min(10, len(distinct) // 3),
                           metric="cosine")


def test_stored_maps_are_drawn_for_every_layer_with_enough_points(store):
    contexts = preset_contexts(load_presets()["bank"])
    for name in ENCODER_NAMES:
        stored = store.view(name, contexts.key)
        for layer, targets in enumerate(stored.targets):
            mapped = len(np.unique(targets, axis=0)) >= MIN_UMAP_POINTS
            for dims in MAP_DIMS:
                coords = stored.maps[dims][layer]
                assert coords.shape == (len(targets), dims)
                assert np.isfinite(coords).all() if mapped else np.isnan(coords).all(), (name, layer, dims)
    assert np.isnan(store.view("static", contexts.key).maps[2]).all()  # one vector per word form: the page draws forms


def test_stored_maps_keep_the_neighbourhoods_of_the_stored_vectors(store):
    # Not compared number for number with a live map: CPUs round differently, and 500 epochs of SGD can turn a
    # last-bit difference into another map (engine/word_in_context/small_umap.py makes that rare). Here the stored maps score 0.81 at
    # least and 0.89 on average; the maps of the middle layers 0.86 on average, maps of other points about 0.55.
    stored, live = [], []
    for preset in load_presets().values():
        key = preset_contexts(preset).key
        for name in ("bilstm", "elmo", "bert"):
            view = store.view(name, key)
            top = view.targets[-1]
            assert _trustworthiness(top, view.maps[3][-1]) >= 0.7, (preset.word, name)
            stored.append(_trustworthiness(top, view.maps[2][-1]))
            live.append(_trustworthiness(top, project(top, 2, method="umap").coords))
    assert min(stored) >= 0.7
    assert np.mean(stored) >= np.mean(live) - 0.015, (np.mean(stored), np.mean(live))


def test_distinct_rows_counts_every_stored_layer_as_numpy_unique_does(store):
    # The page counts distinct vectors from their bytes (fast); the maps count them with np.unique (by value).
    for preset in load_presets().values():
        key = preset_contexts(preset).key
        for name in ENCODER_NAMES:
            for targets in store.view(name, key).targets:
                assert distinct_rows(targets) == len(np.unique(targets, axis=0)), (preset.word, name)
    assert distinct_rows(np.zeros((3, 0), dtype=np.float32)) == 1


def test_a_store_made_with_other_weights_or_another_version_is_ignored(tmp_path):
    contexts = preset_contexts(load_presets()["bank"])
    for version, identity in ((STORE_VERSION, "other-weights"), (STORE_VERSION + 1, None)):
        meta = {"version": version, "entries": {contexts.key: {"preset": "bank", "measures": {}}},
                "encoders": {"static": {"identity": identity or PresetStore().encoders["static"]["identity"],
                                        "layer_names": ["glove"]}}}
        path = tmp_path / "store.npz"
        np.savez(path, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
        assert PresetStore(path).view("static", contexts.key) is None
    (tmp_path / "broken.npz").write_bytes(b"not a zip file")
    assert PresetStore(tmp_path / "broken.npz").encoders == {}
    assert PresetStore(tmp_path / "missing.npz").layer_names("static", contexts.key) is None


def test_the_contexts_key_changes_with_labels_positions_and_text():
    def key(*lines: tuple[str, str], inflections: bool = True) -> str:
        found = find_occurrences("bank", [ContextLine(label, text) for label, text in lines], inflections)
        return Contexts.of(found).key

    base = key(("river", "The bank was muddy."), ("money", "Two banks merged."))
    assert base == key(("river", "The bank was muddy."), ("money", "Two banks merged."))
    assert base != key(("money", "The bank was muddy."), ("money", "Two banks merged."))
    assert base != key(("river", "The bank was muddy."), ("money", "Two banks merged."), inflections=False)
    assert base != key(("river", "The bank was wet."), ("money", "Two banks merged."))
