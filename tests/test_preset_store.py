"""The precomputed presets: current for the bundled weights, equal to a live computation, ignored when stale."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine import ENCODER_NAMES, load_encoder
from engine.context_vectors import context_vectors
from engine.measures import layer_measures
from engine.occurrences import Contexts, ContextLine, find_occurrences
from engine.preset_store import STORE_VERSION, PresetStore, preset_contexts
from engine.presets import load_presets
from engine.projection import MIN_UMAP_POINTS, project


@pytest.fixture(scope="module")
def store() -> PresetStore:
    return PresetStore()


def test_the_shipped_store_covers_every_preset_for_the_bundled_weights(store):
    # Fails after retraining a model without `python -m engine.preset_store build`.
    assert set(store.encoders) == set(ENCODER_NAMES)
    for word, preset in load_presets().items():
        key = preset_contexts(preset).key
        for name in ENCODER_NAMES:
            assert store.layer_names(name, key) == list(load_encoder(name).layer_names), (word, name)


@pytest.mark.parametrize("name", ENCODER_NAMES)
def test_stored_vectors_and_measures_equal_a_live_computation(store, name):
    contexts = preset_contexts(load_presets()["bank"])
    stored = store.view(name, contexts.key)
    assert stored is not None, "the store is stale: run `python -m engine.preset_store build`"
    live = context_vectors(load_encoder(name), [list(s) for s in contexts.sentences], contexts.occurrences())
    scale = np.abs(live.targets).max()
    np.testing.assert_allclose(stored.targets, live.targets, atol=2e-3 * scale)  # float16 rounding only
    for kept, fresh in zip(stored.measures, layer_measures(live, list(contexts.labels))):
        assert kept.layer == fresh.layer
        assert kept.centroid.accuracy == pytest.approx(fresh.centroid.accuracy, abs=0.04)  # one flip of ~28 at most
        assert kept.adjusted_self_similarity == pytest.approx(fresh.adjusted_self_similarity, abs=0.01)


def test_stored_maps_are_the_umap_maps_of_the_stored_vectors(store):
    contexts = preset_contexts(load_presets()["bank"])
    stored = store.view("bert", contexts.key)
    top = stored.targets[-1]
    assert len(np.unique(top, axis=0)) >= MIN_UMAP_POINTS
    np.testing.assert_allclose(stored.maps[2][-1], project(top, 2, method="umap").coords, atol=1e-3)
    static = store.view("static", contexts.key)
    assert np.isnan(static.maps[2]).all()  # one vector per word form: no UMAP map, the page draws the forms


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
