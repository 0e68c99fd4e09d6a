"""Cached data of the Inputs page: the spelling space (built once per server) and the measured encode times."""
from __future__ import annotations

import numpy as np
import streamlit as st

from engine.inputs.order import OrderChange, order_experiment
from engine.inputs.positions import cosine_by_offset, sinusoidal_positions
from engine.inputs.scripts import pieces_per_script
from engine.inputs.spelling import SpellingSpace, spelling_space
from ui.common import available_encoders
from ui.serving import freeze_long_lived


@st.cache_resource(show_spinner=False)
def shared_spelling_space() -> SpellingSpace:
    """GloVe's 50k most frequent words under the character model and under GloVe (about 10-20 s, once), then frozen
    out of the garbage collector's sight like the warm-up's lookups (``ui.serving``)."""
    character_model = next(e for e in available_encoders().values() if e.reads_characters)
    space = spelling_space(character_model.token_vectors)
    freeze_long_lived()
    return space


@st.cache_data(show_spinner=False)
def spelling_summary() -> tuple[float, float]:
    """(ELMo, GloVe): how often a word's nearest neighbour is spelt within two edits of it."""
    return shared_spelling_space().summary()


@st.cache_data(show_spinner=False, max_entries=32)
def order_changes(words: tuple[str, ...]) -> list[OrderChange]:
    """The word-order experiment on one sentence (two encodings per encoder): once per sentence, not per rerun."""
    return order_experiment(list(available_encoders().values()), list(words), seed=0)


@st.cache_data(show_spinner=False)
def sinusoid_curve(dim: int, max_offset: int) -> np.ndarray:
    """Mean cosine of two sinusoidal positions against their offset, over 512 positions (every one has the same
    length, so this is their dot product divided by d/2)."""
    return cosine_by_offset(sinusoidal_positions(512, dim), max_offset)


@st.cache_data(show_spinner=False)
def learned_curve(fingerprint: str, max_offset: int) -> np.ndarray:
    """Mean cosine of two of BERT's learned positions against their offset (``fingerprint`` keys its weights)."""
    model = next(e for e in available_encoders().values() if e.position_embeddings_optional)
    return cosine_by_offset(model.position_embeddings(), max_offset)


@st.cache_data(show_spinner=False)
def script_counts(fingerprint: str) -> dict[str, int]:
    """Single-character pieces per script in the WordPiece vocabulary (``fingerprint`` keys the model)."""
    model = next(e for e in available_encoders().values() if e.reads_wordpieces)
    return pieces_per_script(model.vocabulary())
