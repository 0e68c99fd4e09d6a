"""engine.word_in_context.small_umap against umap-learn over every preset map: trustworthiness, and the time a map takes.

``python -m benchmarks.umap_fidelity`` maps the top layer of each preset with each contextual encoder (13 presets ×
bilstm/elmo/bert = 39 maps) with both, for 3 seeds each, and prints the mean trustworthiness (k = min(10, n // 3),
cosine, as ``tests/test_projection.py``) per encoder and overall, and how many maps (means over the seeds) small_umap
draws worse by more than 0.02. Then timings on one thread: small_umap for 30 and 300 points, umap-learn's first call
in this process (import and numba compilation) and its later calls. About 1-2 minutes on one core.
"""
from __future__ import annotations

import argparse
import importlib
import time
import warnings
from collections.abc import Callable

import numpy as np
from sklearn.manifold import trustworthiness
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from engine.word_in_context import small_umap
from engine.word_in_context.measures import unit_rows
from engine.word_in_context.preset_store import PresetStore, preset_contexts
from engine.word_in_context.presets import load_presets

ENCODERS = ("bilstm", "elmo", "bert")
WORSE_BY = 0.02
Mapper = Callable[[np.ndarray, int], np.ndarray]


def preset_maps() -> dict[tuple[str, str], np.ndarray]:
    """(encoder, preset) -> the distinct top-layer vectors of the preset's occurrences, as unit rows."""
    store, presets = PresetStore(), load_presets()
    return {(encoder, word): unit_rows(np.unique(store.view(encoder, preset_contexts(preset).key).targets[-1], axis=0))
            for encoder in ENCODERS for word, preset in presets.items()}


def map_trustworthiness(points: np.ndarray, coords: np.ndarray) -> float:
    """How well the map keeps each point's cosine neighbours (1 = no false neighbours in the map)."""
    return float(trustworthiness(points, coords, n_neighbors=min(10, len(points) // 3), metric="cosine"))


def small_umap_map(points: np.ndarray, seed: int) -> np.ndarray:
    return small_umap.fit_transform(points, 2, seed=seed)


def umap_learn_map(points: np.ndarray, seed: int) -> np.ndarray:
    import umap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "n_jobs overridden by setting random_state"
        return umap.UMAP(n_neighbors=15, metric="cosine", random_state=seed, n_jobs=1).fit_transform(points)


def timed_scores(mapper: Mapper, maps: dict, seeds: range, desc: str) -> tuple[dict, list[float]]:
    """Per map, the trustworthiness for each seed; and the seconds of every call."""
    scores, seconds = {}, []
    for key, points in tqdm(maps.items(), desc=desc, unit="map"):
        scores[key] = []
        for seed in seeds:
            start = time.perf_counter()
            coords = mapper(points, seed)
            seconds.append(time.perf_counter() - start)
            scores[key].append(map_trustworthiness(points, coords))
    return scores, seconds


def fidelity_table(ours: dict, theirs: dict) -> list[str]:
    """Rows: per encoder and overall, both means and the number of maps where small_umap is worse by > WORSE_BY."""
    rows = [f"{'maps':<10}{'n':>4}{'small_umap':>12}{'umap-learn':>12}{f'worse >{WORSE_BY}':>12}"]
    for group in (*ENCODERS, "all"):
        keys = [key for key in ours if group in (key[0], "all")]
        mine = np.array([np.mean(ours[key]) for key in keys])
        reference = np.array([np.mean(theirs[key]) for key in keys])
        rows.append(f"{group:<10}{len(keys):>4}{mine.mean():>12.4f}{reference.mean():>12.4f}"
                    f"{int((mine < reference - WORSE_BY).sum()):>12}")
    return rows


def small_umap_seconds(maps: dict, sizes: tuple[int, ...] = (30, 300), repeats: int = 3) -> dict[int, float]:
    """Best-of-``repeats`` seconds of small_umap on ``size`` of the 403 distinct BERT vectors of all presets."""
    pool = np.concatenate([points for (encoder, _), points in maps.items() if encoder == "bert"])
    result = {}
    for size in sizes:
        points = pool[np.random.default_rng(size).choice(len(pool), size, replace=False)]
        result[size] = min(_seconds(small_umap.fit_transform, points, 2) for _ in range(repeats))
    return result


def _seconds(call: Callable, *args: object) -> float:
    start = time.perf_counter()
    call(*args)
    return time.perf_counter() - start


def report(maps: dict, seeds: range) -> None:
    """Measure both mappers on ``maps`` and print the table and the timings."""
    import_seconds = _seconds(importlib.import_module, "umap")
    theirs, their_seconds = timed_scores(umap_learn_map, maps, seeds, "umap-learn")
    ours, our_seconds = timed_scores(small_umap_map, maps, seeds, "small_umap")
    print("\nmean trustworthiness of the top-layer maps (k = min(10, n // 3), cosine), "
          f"{len(seeds)} seeds per map, {min(map(len, maps.values()))}-{max(map(len, maps.values()))} points")
    print("\n".join(fidelity_table(ours, theirs)))
    print(f"\nsmall_umap: {np.median(our_seconds) * 1000:.0f} ms per preset map (median)")
    for size, seconds in small_umap_seconds(maps).items():
        print(f"small_umap, {size} points: {seconds * 1000:.0f} ms")
    print(f"umap-learn: import {import_seconds:.1f} s, first call {their_seconds[0]:.1f} s (numba compilation), "
          f"then {np.median(their_seconds[1:]) * 1000:.0f} ms per preset map (median)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds per map (default 3)")
    seeds = range(parser.parse_args().seeds)
    with threadpool_limits(1):
        report(preset_maps(), seeds)


if __name__ == "__main__":
    main()
