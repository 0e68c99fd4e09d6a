"""Background warm-up: load every encoder once per server process, then the indexes the pages look words up in: the
EWT treebank's (Attention heads, 0.2-0.6 s to read) and Word in context's presets, word forms and corpus (0.1 s).
Then everything alive is frozen out of the garbage collector's sight (``ui.serving.freeze_long_lived``; why and what
it saves: ``ui.serving``), so the lookups are loaded before it.

Created by the first page view, in a daemon thread, so users do not wait for model loading. It starts loading
once that page's script has finished (``app.py`` calls ``page_finished``; a page run on its own, as in tests,
starts it after ``FIRST_RUN_GRACE`` seconds), so importing torch and reading weights never slows the first page.
"""
from __future__ import annotations

import threading

import streamlit as st

import engine
from engine import EncoderUnavailable
from engine.encoders.registry import LOAD_ORDER, load_status
from ui.serving import freeze_long_lived

FIRST_RUN_GRACE = 3.0  # seconds

_page_finished = threading.Event()


def page_finished() -> None:
    """A page's script has run to its end: the warm-up may use the CPU now."""
    _page_finished.set()


class Warmup:
    """The thread that loads every encoder once; ``engine.encoders.registry`` keeps what it (or a page) found."""

    def __init__(self) -> None:
        self.thread = threading.Thread(target=self._run, name="warmup", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        _page_finished.wait(FIRST_RUN_GRACE)
        for name in LOAD_ORDER:
            try:
                engine.load_encoder(name)
            except EncoderUnavailable:
                pass  # recorded by the registry: the sidebar shows the reason
        # imported here, not at the top: the first page's imports stay as light as they were
        from engine.heads.behaviour import treebank_index
        from engine.heads.probe_data import ProbeDataMissing
        from engine.word_in_context.corpus_index import corpus_index
        from engine.word_in_context.preset_store import preset_store
        from engine.word_in_context.sense_labels import hand_labels
        from engine.word_in_context.word_forms import word_forms

        try:
            treebank_index()
        except ProbeDataMissing:
            pass  # the heads page then shows no gold arcs, as it would anyway
        for load in (preset_store, word_forms, corpus_index, hand_labels):  # shipped in engine/data
            load()
        freeze_long_lived()  # the models stay: Streamlit's collection after every run no longer scans them


@st.cache_resource(show_spinner=False)
def start_warmup() -> Warmup:
    """The one warm-up of this server process."""
    return Warmup()


def encoder_status(name: str) -> tuple[str, str]:
    """("ready", description) | ("unavailable", reason) | ("loading", ""): what the warm-up or a page has found."""
    return load_status(name) or ("loading", "")
