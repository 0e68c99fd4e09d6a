"""The presets' vectors, measures and UMAP maps, computed ahead, so a fresh server draws a preset before its models load.

Opening ``/Word_in_context?word=bank`` on a server that has just started would otherwise wait for four models to
load (about 7 s, most of it importing torch and transformers) and for the UMAP maps.
``python -m engine.word_in_context.preset_store build`` runs the page's own computations for every preset with every bundled encoder
and writes ``engine/data/preset_store.npz``: per preset and encoder, the target's vectors in every layer (float16),
the measures of every layer and the UMAP maps (2-D and 3-D) of every layer; per encoder, its layer names and the
fingerprint of the weights it was computed from (``engine.encoders.registry.bundled_fingerprint``).

The page uses an encoder's part only while that fingerprint matches the server's: other weights, or a model setting,
and it computes live as usual. The measures and maps were computed from the float16-rounded vectors, so the page is
consistent whichever way a number reached it. ``tests/test_preset_store.py`` compares the file with a live
computation, so retraining a model without rebuilding the store fails the tests.
"""
from __future__ import annotations

import argparse
import io
import json
import zipfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from tqdm import tqdm

from engine.encoders.registry import ENCODER_NAMES, bundled_fingerprint, load_encoder
from engine.settings import DATA_DIR
from engine.word_in_context.context_vectors import ContextVectors, context_vectors
from engine.word_in_context.measures import (
    CentroidAccuracy,
    LayerMeasures,
    layer_measures,
)
from engine.word_in_context.occurrences import (
    Contexts,
    find_occurrences,
    format_lines,
    parse_lines,
)
from engine.word_in_context.presets import Preset, load_presets
from engine.word_in_context.projection import MIN_UMAP_POINTS, project

STORE_FILE = DATA_DIR / "preset_store.npz"
STORE_VERSION = 1
MAP_DIMS = (2, 3)


@dataclass(frozen=True)
class StoredView:
    """One encoder's precomputed results for one preset."""

    layer_names: list[str]
    targets: np.ndarray  # (n_layers, n_occurrences, dim) float32, rounded through float16
    measures: list[LayerMeasures]
    maps: dict[int, np.ndarray]  # dims -> (n_layers, n_occurrences, dims); NaN rows where a layer has no UMAP map


def preset_contexts(preset: Preset, inflections: bool = True) -> Contexts:
    """The preset's input exactly as the page builds it from the preset's text (inflections matched by default)."""
    lines = parse_lines(format_lines(preset.lines()))
    return Contexts.of(find_occurrences(preset.word, lines, inflections))


class PresetStore:
    """Read access to the file: ``view(encoder, key)`` loads one entry's arrays on demand."""

    def __init__(self, path: Path = STORE_FILE) -> None:
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
            self.meta = json.loads(self._array("meta").tobytes().decode())
        except (OSError, KeyError, ValueError, zipfile.BadZipFile):
            self.meta = {"version": None}
        usable = self.meta.get("version") == STORE_VERSION
        self.encoders = {name: info for name, info in self.meta.get("encoders", {}).items()
                         if usable and info["identity"] == bundled_fingerprint(name)}

    def _array(self, name: str) -> np.ndarray:
        with self._zip.open(f"{name}.npy") as handle:
            return np.load(io.BytesIO(handle.read()))

    def layer_names(self, encoder: str, key: str) -> list[str] | None:
        """The encoder's layer names when the store holds this input for it (without loading any array)."""
        info = self.encoders.get(encoder)
        return info["layer_names"] if info and key in self.meta["entries"] else None

    def view(self, encoder: str, key: str) -> StoredView | None:
        """The stored results of ``encoder`` for the input with this ``Contexts.key``, or None."""
        if self.layer_names(encoder, key) is None:
            return None
        entry = self.meta["entries"][key]
        maps = {dims: self._array(f"{key}/{encoder}/umap{dims}") for dims in MAP_DIMS}
        return StoredView(self.encoders[encoder]["layer_names"],
                          self._array(f"{key}/{encoder}/targets").astype(np.float32),
                          [_measures_from_json(m) for m in entry["measures"][encoder]], maps)


@lru_cache(maxsize=1)
def preset_store() -> PresetStore:
    """The bundled store (opened once per process; arrays are read per lookup)."""
    return PresetStore()


def _measures_from_json(data: dict) -> LayerMeasures:
    centroid = data["centroid"]
    return LayerMeasures(**{**data, "centroid": CentroidAccuracy(**centroid) if centroid else None})


def stored_results(vectors: ContextVectors, labels: list[str]) -> tuple[np.ndarray, list[LayerMeasures],
                                                                        dict[int, np.ndarray]]:
    """What the store keeps of one encoder's vectors: rounded targets, and the measures and maps computed from them."""
    rounded = ContextVectors(vectors.encoder, vectors.layer_names,
                             vectors.targets.astype(np.float16).astype(np.float32),
                             vectors.others.astype(np.float16).astype(np.float32))
    maps = {}
    for dims in MAP_DIMS:
        layers = np.full((len(rounded.targets), rounded.targets.shape[1], dims), np.nan, dtype=np.float32)
        for layer, targets in enumerate(rounded.targets):
            if len(np.unique(targets, axis=0)) >= MIN_UMAP_POINTS:
                layers[layer] = project(targets, dims, method="umap").coords
        maps[dims] = layers
    return rounded.targets, layer_measures(rounded, labels), maps


def build(path: Path = STORE_FILE) -> dict[str, int]:
    """Encode every preset with every bundled encoder and write the store; returns occurrences per preset."""
    presets = load_presets()
    contexts = {word: preset_contexts(preset) for word, preset in presets.items()}
    arrays: dict[str, np.ndarray] = {}
    meta: dict = {"version": STORE_VERSION, "encoders": {}, "entries": {}}
    for word, context in contexts.items():
        meta["entries"][context.key] = {"preset": word, "measures": {}}
    for name in ENCODER_NAMES:
        fingerprint = bundled_fingerprint(name)
        if fingerprint is None:
            print(f"{name}: not the bundled weights (a model setting is set): left out")
            continue
        encoder = load_encoder(name)
        meta["encoders"][name] = {"identity": fingerprint, "layer_names": list(encoder.layer_names)}
        for word, context in tqdm(contexts.items(), desc=name, unit="preset"):
            words = [list(sentence) for sentence in context.sentences]
            vectors = context_vectors(encoder, words, context.occurrences())
            targets, measures, maps = stored_results(vectors, list(context.labels))
            arrays[f"{context.key}/{name}/targets"] = targets.astype(np.float16)
            for dims, coords in maps.items():
                arrays[f"{context.key}/{name}/umap{dims}"] = coords
            meta["entries"][context.key]["measures"][name] = [asdict(m) for m in measures]
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez_compressed(path, **arrays)
    return {word: len(context.positions) for word, context in contexts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build"])
    parser.parse_args()
    counts = build()
    size = STORE_FILE.stat().st_size / 2**20
    print(f"wrote {STORE_FILE} ({size:.1f} MB): {len(counts)} presets, {sum(counts.values())} occurrences")


if __name__ == "__main__":
    main()
