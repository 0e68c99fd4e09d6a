"""Distance decay over a corpus: mean normalised influence against signed distance, per encoder, layer and direction.

The sample: the first ``SAMPLE_SIZE`` sentences of EWT dev with ``SAMPLE_MIN_WORDS``..``SAMPLE_MAX_WORDS`` gold
tokens, in the order of the SHA-256 of their ``sent_id`` (a fixed shuffle). EWT dev is not in the BiLSTM/ELMo
training text.

For every sentence, layer and direction, the influence matrix (``engine.influence``, occlusion unless asked
otherwise) has each row divided by its largest entry from another word (``normalise_rows``); the curve at offset
d = j - i (d != 0) is the mean of entry [i, i + d] over every sentence and word i that has a word at that offset.
The 95% band is a percentile bootstrap over sentences (``BOOTSTRAP`` resamples). The half-life of one side is the
distance at which the mean falls below half its value at distance 1, interpolated linearly between the two whole
distances around the crossing (``inf`` if it never does within 30); ``both`` applies that to the curve that pools
left and right.

Curves are computed once per model and cached as CSV. Computing them takes minutes on a 2-core server (every
sentence costs n + 1 passes of the model), so ``engine/data/decay/`` ships the curves of the bundled models and the
first view is instant; curves of other weights are computed by the command line or the page and kept in
``.cache/decay/``. A file's name carries the encoder, the method, the fingerprint of its weights
(``Encoder.fingerprint``) and the sample, so retrained weights never reuse stale curves.

Command line: ``python -m engine.decay.curves curves [--encoders ...] [--method occlusion] [--ship] [--threads 1]`` and
``python -m engine.decay.curves time`` (how long one sentence takes, per encoder and method).
"""
from __future__ import annotations

import argparse
import hashlib
import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from engine.decay.influence import (
    METHODS,
    combine,
    directions,
    normalise_rows,
    squared_influence,
)
from engine.encoders.base import Encoder
from engine.settings import CACHE_DIR as CACHE_ROOT
from engine.settings import DATA_DIR, stored_files

SAMPLE_SIZE = 300
SAMPLE_MIN_WORDS = 5
SAMPLE_MAX_WORDS = 60
MAX_OFFSET = 30
BOOTSTRAP = 1000
VERSION = 1  # bump on any change of what the curves mean, so caches computed before are not reused
SAMPLE_KEY = f"v{VERSION}-ewt-dev-{SAMPLE_SIZE}x{SAMPLE_MIN_WORDS}-{SAMPLE_MAX_WORDS}w-d{MAX_OFFSET}-b{BOOTSTRAP}"
SHIPPED_DIR = DATA_DIR / "decay"
CACHE_DIR = CACHE_ROOT / "decay"
OFFSETS = np.concatenate([np.arange(-MAX_OFFSET, 0), np.arange(1, MAX_OFFSET + 1)])  # the word itself is left out
SentenceProgress = Callable[[int, int], None]  # (sentences done, sentences in all)


def sample_sentences() -> list[list[str]]:
    """The fixed EWT dev sample, as gold token lists (FileNotFoundError naming the file when it is missing)."""
    from engine.corpus.gold_sentences import EWT_SPLITS, ewt_sentences

    if not EWT_SPLITS["dev"].is_file():
        raise FileNotFoundError(f"EWT dev is needed to compute decay curves and is missing: {EWT_SPLITS['dev']}")
    kept = [s for s in ewt_sentences("dev") if SAMPLE_MIN_WORDS <= len(s.tokens) <= SAMPLE_MAX_WORDS]
    kept.sort(key=lambda s: hashlib.sha256(s.source.encode()).digest())
    return [list(s.tokens) for s in kept[:SAMPLE_SIZE]]


def offset_sums(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum and count of entries [i, i + d] for every offset d in OFFSETS, over the last two axes of ``matrix``."""
    n = matrix.shape[-1]
    sums = np.zeros(matrix.shape[:-2] + (len(OFFSETS),))
    counts = np.zeros(len(OFFSETS))
    for k, offset in enumerate(OFFSETS):
        if abs(offset) < n:
            diagonal = np.diagonal(matrix, offset=offset, axis1=-2, axis2=-1)
            sums[..., k] = diagonal.sum(-1)
            counts[k] = diagonal.shape[-1]
    return sums, counts


def compute_curves(encoder: Encoder, method: str = "occlusion", sentences: list[list[str]] | None = None,
                   progress: SentenceProgress | None = None) -> pd.DataFrame:
    """The decay curves of every layer and direction of ``encoder`` over ``sentences`` (default: the sample)."""
    sentences = sample_sentences() if sentences is None else sentences
    names = directions(encoder)
    all_sums, all_counts = [], []
    for done, words in enumerate(sentences, start=1):
        squared = squared_influence(encoder, words, method)  # (layers, n, n, halves)
        normalised = np.stack([normalise_rows(combine(squared, name)) for name in names], axis=1)
        sums, counts = offset_sums(normalised)  # (layers, directions, offsets), (offsets,)
        all_sums.append(sums)
        all_counts.append(counts)
        if progress:
            progress(done, len(sentences))
    return _curve_table(encoder, method, np.stack(all_sums), np.stack(all_counts), names)


def _curve_table(encoder: Encoder, method: str, sums: np.ndarray, counts: np.ndarray,
                 names: tuple[str, ...]) -> pd.DataFrame:
    """Means, bootstrap bands and pair counts as one long table (one row per layer, direction and offset)."""
    n_sentences = len(sums)
    total = counts.sum(0)
    mean = np.divide(sums.sum(0), total, out=np.full(sums.shape[1:], np.nan), where=total > 0)
    weights = np.random.default_rng(0).multinomial(n_sentences, np.full(n_sentences, 1 / n_sentences), BOOTSTRAP)
    boot_sums = np.einsum("bs,slko->blko", weights, sums)
    boot_counts = (weights @ counts)[:, None, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = np.nanpercentile(boot_sums / boot_counts, [2.5, 97.5], axis=0)
    depths = encoder.layer_depths()
    rows = []
    for layer, layer_name in enumerate(encoder.layer_names):
        for k, direction in enumerate(names):
            for o, offset in enumerate(OFFSETS):
                rows.append((encoder.name, layer_name, layer, depths[layer], direction, int(offset), mean[layer, k, o],
                             low[layer, k, o], high[layer, k, o], int(total[o]), n_sentences, method))
    return pd.DataFrame(rows, columns=["encoder", "layer", "layer_index", "depth", "direction", "offset", "mean",
                                       "low", "high", "pairs", "sentences", "method"])


def half_life(curve: pd.DataFrame, side: str = "both") -> float | None:
    """Distance at which the mean influence falls to half its distance-1 value, interpolated between whole distances.

    ``curve``: rows of one encoder, layer and direction; ``side``: "left" (d < 0), "right" (d > 0) or "both"
    (the two sides pooled, weighted by their pairs). ``inf`` if it stays above half out to MAX_OFFSET; None
    when there is no influence at distance 1 at all (no context, e.g. the static encoder).
    """
    by_offset = curve.set_index("offset")
    distances = np.arange(1, MAX_OFFSET + 1)
    if side == "both":
        left, right = by_offset.loc[-distances], by_offset.loc[distances]
        pairs = left["pairs"].to_numpy() + right["pairs"].to_numpy()
        values = (np.nan_to_num(left["mean"].to_numpy()) * left["pairs"].to_numpy()
                  + np.nan_to_num(right["mean"].to_numpy()) * right["pairs"].to_numpy()) / np.maximum(pairs, 1)
    else:
        values = by_offset.loc[distances if side == "right" else -distances, "mean"].to_numpy()
    if not np.isfinite(values[0]) or values[0] <= 0:
        return None
    half = values[0] / 2
    below = np.flatnonzero(values < half)
    if not len(below):
        return math.inf
    k = below[0]  # >= 1, since values[0] > half
    return float(distances[k - 1] + (values[k - 1] - half) / (values[k - 1] - values[k]))


def half_lives(curves: pd.DataFrame) -> pd.DataFrame:
    """Left, right and pooled half-life of every encoder, layer and direction in ``curves``."""
    rows = []
    for (encoder, layer, direction), curve in curves.groupby(["encoder", "layer", "direction"], sort=False):
        rows.append({"encoder": encoder, "layer": layer, "direction": direction,
                     **{side: half_life(curve, side) for side in ("left", "right", "both")}})
    return pd.DataFrame(rows)


def cache_name(encoder_name: str, fingerprint: str, method: str = "occlusion") -> str:
    return f"{encoder_name}-{method}-{fingerprint}-{SAMPLE_KEY}.csv"


def cached_curves(encoder: Encoder, method: str = "occlusion") -> pd.DataFrame | None:
    """The stored curves of exactly this model and method (shipped first, then computed here), or None."""
    return stored_curves(encoder.name, encoder.fingerprint(), method)


def stored_curves(encoder_name: str, fingerprint: str, method: str = "occlusion") -> pd.DataFrame | None:
    """The stored curves of the weights with this fingerprint (shipped first, then computed here), or None; no model
    needs to be loaded for it."""
    found = stored_files(cache_name(encoder_name, fingerprint, method), SHIPPED_DIR, CACHE_DIR)
    return pd.read_csv(found[0]) if found else None


def curves(encoder: Encoder, method: str = "occlusion", progress: SentenceProgress | None = None,
           folder: Path = CACHE_DIR) -> pd.DataFrame:
    """Stored curves, or computed now over the sample; either way saved in ``folder`` if not there yet."""
    table = cached_curves(encoder, method)
    if table is None:
        table = compute_curves(encoder, method, progress=progress)
    target = folder / cache_name(encoder.name, encoder.fingerprint(), method)
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        table.to_csv(temporary, index=False, float_format="%.6g")
        temporary.replace(target)
    return table


def _curves_command(args: argparse.Namespace) -> None:
    from tqdm import tqdm

    folder = SHIPPED_DIR if args.ship else CACHE_DIR
    tables = []
    for name, encoder in _load(args.encoders):
        started = time.perf_counter()
        with tqdm(total=SAMPLE_SIZE, desc=f"{name} {args.method}", unit="sentence") as bar:
            table = curves(encoder, args.method, progress=lambda done, total: bar.update(done - bar.n), folder=folder)
        written = folder / cache_name(encoder.name, encoder.fingerprint(), args.method)
        print(f"{name}: {time.perf_counter() - started:.1f} s -> {written}")
        tables.append(table)
    if tables:
        lives = half_lives(pd.concat(tables))
        print(lives[lives["direction"] == "both"].to_string(index=False))


def _time_command(args: argparse.Namespace) -> None:
    words = ("the old man who lived by the river bank said that the quick brown fox jumps over a lazy dog " * 4).split()
    for name, encoder in _load(args.encoders):
        for method in args.methods:
            squared_influence(encoder, words[:3], method)  # warm-up
            for n in args.words:
                started = time.perf_counter()
                squared_influence(encoder, words[:n], method)
                print(f"{name:7s} {method:10s} {n:3d} words: {time.perf_counter() - started:7.3f} s", flush=True)


def _load(names: Iterable[str]) -> Iterable[tuple[str, Encoder]]:
    from engine.encoders.base import EncoderUnavailable
    from engine.encoders.registry import load_encoder

    for name in names:
        try:
            yield name, load_encoder(name)
        except EncoderUnavailable as error:
            print(f"{name}: skipped, {error}")


def main(argv: list[str] | None = None) -> None:
    """Command line: ``curves`` (compute and cache) and ``time`` (one sentence per encoder and method)."""
    from engine.encoders.registry import ENCODER_NAMES

    parser = argparse.ArgumentParser(prog="python -m engine.decay.curves", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("curves", help="compute the corpus curves (once per model) and print half-lives")
    build.add_argument("--encoders", nargs="+", default=list(ENCODER_NAMES), choices=ENCODER_NAMES)
    build.add_argument("--method", default="occlusion", choices=METHODS)
    build.add_argument("--ship", action="store_true", help=f"write to {SHIPPED_DIR} (committed) instead of {CACHE_DIR}")
    timing = commands.add_parser("time", help="time one sentence of a few lengths per encoder and method")
    timing.add_argument("--encoders", nargs="+", default=list(ENCODER_NAMES), choices=ENCODER_NAMES)
    timing.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    timing.add_argument("--words", nargs="+", type=int, default=[12, 25, 60])
    for command in (build, timing):
        command.add_argument("--threads", type=int, default=1,
                             help="torch threads (default 1: fastest when the cores are shared with other work)")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    (_curves_command if args.command == "curves" else _time_command)(args)


if __name__ == "__main__":
    main()
