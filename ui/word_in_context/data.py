"""Cached computations behind the Word-in-context page: encodings, projections and measures.

Encodings, PCA maps and measures are ``st.cache_data`` entries keyed by encoder, layer and ``Contexts.key``. UMAP maps
come from one ``BackgroundProjector`` per server (``st.cache_resource``): the page never waits for UMAP, it shows PCA
and says so until the UMAP map is ready. A preset is read from ``engine.word_in_context.preset_store`` (vectors, measures and UMAP
maps computed ahead, the maps handed to the projector), so a fresh server draws it before any model has loaded.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from engine.word_in_context.context_vectors import ContextVectors, context_vectors
from engine.word_in_context.measures import LayerMeasures, layer_measures
from engine.word_in_context.occurrences import Contexts
from engine.word_in_context.preset_store import StoredView, preset_store
from engine.word_in_context.projection import MIN_UMAP_POINTS, BackgroundProjector, Projection, project
from ui.common import get_encoder


@dataclass(frozen=True)
class PanelMap:
    projection: Projection
    note: str  # why this method, when it is not UMAP
    waiting: bool  # True while a UMAP map for this view is still being computed


@st.cache_data(max_entries=8, show_spinner=False)  # large (the anisotropy sample) and only read on a measures miss
def _encoded(encoder: str, key: str, _contexts: Contexts) -> ContextVectors:
    """The target's vectors in every layer of ``encoder``, plus the other words the anisotropy baseline needs."""
    model, _ = get_encoder(encoder)
    return context_vectors(model, [list(words) for words in _contexts.sentences], _contexts.occurrences())


@st.cache_data(max_entries=64, show_spinner=False)
def stored_view(encoder: str, key: str) -> StoredView | None:
    """The precomputed results of a preset, when the store holds this input for this encoder's weights; its UMAP
    maps go to the projector, which then has them ready like any map it computed."""
    stored = preset_store().view(encoder, key)
    if stored is not None:
        projector = umap_projector()
        for dims, layers in stored.maps.items():
            for targets, coords in zip(stored.targets, layers):
                if not np.isnan(coords).any():
                    projector.put(targets, dims, Projection(coords, "UMAP", len(np.unique(targets, axis=0))))
    return stored


def stored_layer_names(encoder: str, key: str) -> list[str] | None:
    """The encoder's layer names if the store can draw this input without the model."""
    return preset_store().layer_names(encoder, key)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_targets(encoder: str, key: str, _contexts: Contexts) -> np.ndarray:
    """Just the target's vectors (n_layers, n_occurrences, dim): small, so every rerun reads it quickly."""
    stored = stored_view(encoder, key)
    return stored.targets if stored else _encoded(encoder, key, _contexts).targets


@st.cache_data(max_entries=256, show_spinner=False)
def cached_pca(encoder: str, layer: int, key: str, _contexts: Contexts, dims: int) -> Projection:
    return project(cached_targets(encoder, key, _contexts)[layer], dims, method="pca")


@st.cache_data(max_entries=64, show_spinner=False)
def cached_measures(encoder: str, key: str, _contexts: Contexts) -> list[LayerMeasures]:
    stored = stored_view(encoder, key)
    return stored.measures if stored else layer_measures(_encoded(encoder, key, _contexts), list(_contexts.labels))


@st.cache_resource(show_spinner=False)
def umap_projector() -> BackgroundProjector:
    """The server's one UMAP worker and its cache of finished maps."""
    return BackgroundProjector()


def panel_map(encoder: str, layer: int, contexts: Contexts, dims: int) -> PanelMap:
    """UMAP if it is ready for this view, else PCA with the reason (and the UMAP job queued)."""
    vectors = cached_targets(encoder, contexts.key, contexts)[layer]
    distinct = len(np.unique(vectors, axis=0))
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
            if len(np.unique(targets[layer], axis=0)) >= MIN_UMAP_POINTS:
                projector.get(targets[layer], dims, urgent=False)
