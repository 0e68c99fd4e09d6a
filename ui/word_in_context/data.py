"""Cached computations behind the Word-in-context page: encodings, projections and measures.

Each encoder's vectors of an input come with their measures, in one shared ``st.cache_resource`` entry keyed by
encoder and ``Contexts.key`` (computed together, so the sample of other words the measures need is dropped at once);
PCA maps are ``st.cache_data`` entries keyed by encoder, layer and ``Contexts.key``. UMAP maps come from one
``BackgroundProjector`` per server (``st.cache_resource``). A preset is read from
``engine.word_in_context.preset_store`` (vectors, measures and UMAP maps computed ahead, the maps handed to the
projector), so a fresh server draws it before any model has loaded.

Sentences that are not a preset's (Find contexts, typed or pasted) are computed in two stages, each reporting its
progress: ``first_maps`` encodes the encoders the view shows (measures included) and maps each one's shown layer as
soon as its vectors are ready (the next encoder is encoded meanwhile), so the page can draw its maps; ``fill_in``
then maps every other layer, so that moving the layer slider afterwards finds everything ready. Both fill the same
caches the page reads, with the same functions, so the staged path gives exactly what computing everything at once
gives.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import streamlit as st

from engine import EncoderUnavailable, InputTooLong
from engine.encoders.base import layer_title
from engine.word_in_context.context_vectors import context_vectors
from engine.word_in_context.measures import LayerMeasures, layer_measures
from engine.word_in_context.occurrences import Contexts
from engine.word_in_context.preset_store import StoredView, preset_store
from engine.word_in_context.projection import (
    MIN_UMAP_POINTS,
    BackgroundProjector,
    Projection,
    distinct_rows,
    project,
)
from ui.common import ENCODER_TITLES, get_encoder
from ui.serving import compact_allocations
from ui.word_in_context.figures import Panel

Progress = Callable[[float, str], None]  # (share done, what is being done)


@dataclass(frozen=True)
class PanelMap:
    projection: Projection
    note: str  # why this method, when it is not UMAP
    waiting: bool  # True while a UMAP map for this view is still being computed


@st.cache_data(max_entries=64, show_spinner=False)
def stored_view(encoder: str, key: str) -> StoredView | None:
    """The precomputed results of a preset, when the store holds this input for this encoder's weights; its UMAP
    maps go to the projector, which then has them ready like any map it computed."""
    stored = preset_store().view(encoder, key)
    if stored is not None:
        projector = umap_projector()
        distinct = [distinct_rows(targets) for targets in stored.targets]
        for dims, layers in stored.maps.items():
            for targets, coords, count in zip(stored.targets, layers, distinct):
                if not np.isnan(coords).any():
                    projector.put(targets, dims, Projection(coords, "UMAP", count))
    return stored


def stored_layer_names(encoder: str, key: str) -> list[str] | None:
    """The encoder's layer names if the store can draw this input without the model."""
    return preset_store().layer_names(encoder, key)


@dataclass(frozen=True)
class Encoding:
    targets: np.ndarray  # the target's vectors (n_layers, n_occurrences, dim), read-only
    measures: list[LayerMeasures]  # one per layer


@st.cache_resource(max_entries=64, show_spinner=False)
def _encoding(encoder: str, key: str, _contexts: Contexts) -> Encoding:
    """The target's vectors and every layer's measures: a preset's from the store, others encoded now.

    The measures are computed as soon as the vectors are, so the other words' vectors the anisotropy baseline needs
    (up to 400 per layer, 4 MB for BERT) are dropped at once. Kept as a resource, shared and not copied: every rerun
    reads the vectors several times (a copy of 300 occurrences' BERT vectors is 3 MB), and a data cache's pickled copy
    of the vectors and that sample was 14 of the 21 MB a 300-sentence search kept."""
    stored = stored_view(encoder, key)
    if stored is not None:
        targets, measures = np.asarray(stored.targets), stored.measures
    else:
        model, _ = get_encoder(encoder)
        with compact_allocations():
            vectors = context_vectors(model, [list(words) for words in _contexts.sentences], _contexts.occurrences())
            targets, measures = vectors.targets, layer_measures(vectors, list(_contexts.labels))
    targets.flags.writeable = False
    return Encoding(targets, measures)


def cached_targets(encoder: str, key: str, _contexts: Contexts) -> np.ndarray:
    """The target's vectors (n_layers, n_occurrences, dim), read-only."""
    return _encoding(encoder, key, _contexts).targets


def cached_measures(encoder: str, key: str, _contexts: Contexts) -> list[LayerMeasures]:
    """Every layer's measures, computed with the vectors."""
    return _encoding(encoder, key, _contexts).measures


@st.cache_data(max_entries=1024, show_spinner=False)
def distinct_points(encoder: str, layer: int, key: str, _contexts: Contexts) -> int:
    """How many distinct vectors the layer holds (fewer than MIN_UMAP_POINTS: no UMAP map)."""
    return distinct_rows(cached_targets(encoder, key, _contexts)[layer])


@st.cache_data(max_entries=256, show_spinner=False)
def cached_pca(encoder: str, layer: int, key: str, _contexts: Contexts, dims: int) -> Projection:
    return project(cached_targets(encoder, key, _contexts)[layer], dims, method="pca")


@st.cache_resource(show_spinner=False)
def umap_projector() -> BackgroundProjector:
    """The server's one UMAP worker and its cache of finished maps."""
    return BackgroundProjector()


def panel_map(encoder: str, layer: int, contexts: Contexts, dims: int) -> PanelMap:
    """UMAP if it is ready for this view, else PCA with the reason (and the UMAP job queued)."""
    vectors = cached_targets(encoder, contexts.key, contexts)[layer]
    distinct = distinct_points(encoder, layer, contexts.key, contexts)
    if distinct < MIN_UMAP_POINTS:
        fallback = cached_pca(encoder, layer, contexts.key, contexts, dims)
        note = "" if distinct == 1 else f"PCA (only {distinct} points; UMAP needs {MIN_UMAP_POINTS})"
        return PanelMap(fallback, note, False)
    ready = umap_projector().get(vectors, dims)
    if ready is not None:
        return PanelMap(ready, "", False)
    return PanelMap(cached_pca(encoder, layer, contexts.key, contexts, dims), "PCA for now (UMAP on its way)", True)


def prefetch_umap(encoders: list[str], contexts: Contexts, dims: int) -> None:
    """Queue UMAP maps of every layer, so moving the layer slider finds them ready."""
    projector = umap_projector()
    for encoder in encoders:
        targets = cached_targets(encoder, contexts.key, contexts)
        for layer in range(len(targets)):
            if distinct_points(encoder, layer, contexts.key, contexts) >= MIN_UMAP_POINTS:
                projector.get(targets[layer], dims, urgent=False)


def _in_this_run(function: Callable) -> Callable:
    """``function`` for a worker thread, with this script run's context (Streamlit's caches and stop requests)."""
    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    context = get_script_run_ctx()

    def run(*args):
        if context is not None:
            add_script_run_ctx(threading.current_thread(), context)
        return function(*args)
    return run


def _mapped_layer(encoder: str, layer: int, contexts: Contexts, dims: int) -> None:
    """The encoder's vectors (encoded if need be) and the UMAP map of one layer, both into the page's caches."""
    vectors = cached_targets(encoder, contexts.key, contexts)[layer]
    if distinct_points(encoder, layer, contexts.key, contexts) >= MIN_UMAP_POINTS:
        umap_projector().compute(vectors, dims)


def _ready(encoder: str, layers: list[int], contexts: Contexts, dims: int) -> bool:
    """Whether the vectors and the UMAP maps of ``layers`` are cached (a cheap look, computing nothing)."""
    if not _encoded(encoder, contexts):
        return False
    targets = cached_targets(encoder, contexts.key, contexts)
    projector = umap_projector()
    return all(distinct_points(encoder, layer, contexts.key, contexts) < MIN_UMAP_POINTS
               or projector.ready(targets[layer], dims) for layer in layers)


def _encoded(encoder: str, contexts: Contexts) -> bool:
    """Whether the encoder's vectors of these sentences are cached (or stored with a preset)."""
    return (encoder, contexts.key) in _encoded_keys() or stored_layer_names(encoder, contexts.key) is not None


@st.cache_resource(show_spinner=False)
def _encoded_keys() -> set[tuple[str, str]]:
    """(encoder, Contexts.key) of every input whose target vectors this server has cached."""
    return set()


@st.cache_resource(show_spinner=False)
def _filled_in() -> set[tuple[str, str, int]]:
    """(encoder, Contexts.key, dims) of every input ``fill_in`` has completed: a rerun skips them at once. (Should
    the projector drop one of their maps later, ``first_maps`` makes the shown layer's again.)"""
    return set()


@st.cache_resource(show_spinner=False)
def _encoding_thread() -> ThreadPoolExecutor:
    """The server's one thread for encoding new sentences, whichever session asks: one encoder at a time (each splits
    its sentences between two threads, ``engine.word_in_context.context_vectors``; two encoders at once would hold
    their batches' activations too). A rerun that leaves ``first_maps`` early lets the job running finish and drops
    the rest, so the next search's encodings wait for it instead of joining it."""
    return ThreadPoolExecutor(1, thread_name_prefix="wic-encode")


def first_maps(layers: dict[str, int], contexts: Contexts, dims: int, progress: Progress) -> None:
    """Encode every encoder in ``layers`` (encoder -> the layer the view shows) that is not cached yet, and make the
    UMAP map of its shown layer: one encoder at a time in the encoding thread, each one mapped here while the next is
    encoded (UMAP and encoding overlap). The deepest (slowest) go first, so the one map still to make once every
    encoder is done is the cheapest: GloVe's few distinct points rather than BERT's 300 (about 1 s). ``progress``
    before the first and after each encoder."""
    pending = [name for name in layers if not _ready(name, [layers[name]], contexts, dims)]
    if not pending:
        return
    pending.sort(key=lambda name: -len(get_encoder(name)[0].layer_names))
    doing = "Encoding" if any(not _encoded(name, contexts) for name in pending) else "Mapping"
    progress(0.0, f"{doing} {len(contexts.sentences)} sentences with "
                  f"{', '.join(ENCODER_TITLES[name] for name in pending)}…")
    encode = _in_this_run(cached_targets)
    jobs = [_encoding_thread().submit(encode, name, contexts.key, contexts) for name in pending]
    try:
        for done, (name, job) in enumerate(zip(pending, jobs), start=1):
            try:
                job.result()
                _encoded_keys().add((name, contexts.key))
                _mapped_layer(name, layers[name], contexts, dims)
            except (InputTooLong, EncoderUnavailable):
                pass  # the panel asks again and shows the reason
            progress(done / len(pending), f"{ENCODER_TITLES[name]} ready ({done} of {len(pending)} encoders)…")
    finally:
        for job in jobs:  # a rerun need not wait: the job running goes on and fills the cache, the rest are dropped
            job.cancel()


def fill_in(layers: dict[str, int], contexts: Contexts, dims: int, progress: Progress) -> None:
    """Every other layer's UMAP map of the encoders in ``layers`` (encoder -> the layer shown), ``progress`` before
    each map. Run once the first maps are drawn; afterwards the layer slider finds every map."""
    todo, complete = [], []
    for name, shown in layers.items():
        if (name, contexts.key, dims) in _filled_in():
            continue
        try:
            n_layers = len(cached_targets(name, contexts.key, contexts))
        except (InputTooLong, EncoderUnavailable):
            continue  # the panel shows why this encoder has no map
        others = [layer for layer in range(n_layers) if layer != shown]
        if not _ready(name, others, contexts, dims):
            todo += [(name, layer) for layer in others]
        complete.append(name)
    started = time.monotonic()
    for done, (name, layer) in enumerate(todo):
        progress(done / len(todo), f"Mapping the other layers: {ENCODER_TITLES[name]} "
                                   f"{get_encoder(name)[0].layer_names[layer]} ({done + 1} of {len(todo)}, "
                                   f"{time.monotonic() - started:.0f} s)…")
        _mapped_layer(name, layer, contexts, dims)
    _filled_in().update((name, contexts.key, dims) for name in complete)


def map_panel(encoder: str, layer_names: list[str], layer: int, contexts: Contexts, forms: int,
              mapped: PanelMap) -> Panel:
    """One encoder's panel of the map (the page's and the tour's): the layer in plain words, how the map was made and
    how well the layer tells the senses apart. No more distinct points than word forms (``forms``) means the encoder
    sees the word, not its context: the panel says so."""
    projection = mapped.projection
    collapsed = projection.distinct < len(contexts.positions) and projection.distinct <= forms
    method = "one vector per form" if collapsed else mapped.note or projection.method
    centroid = cached_measures(encoder, contexts.key, contexts)[layer].centroid
    score = f"senses told apart: {centroid.accuracy:.0%}" if centroid is not None and not mapped.waiting else ""
    return Panel(encoder, layer_title(layer_names, layer), projection.coords, method,
                 "all senses share these points:\ncontext cannot move them" if collapsed else "", collapsed, score)
