"""Cached data of the Inputs page: the spelling space (built once per server) and the measured encode times."""
from __future__ import annotations

import streamlit as st

from engine.inputs.spelling import SpellingSpace, spelling_space
from ui.common import available_encoders


@st.cache_resource(show_spinner=False)
def shared_spelling_space() -> SpellingSpace:
    """GloVe's 50k most frequent words under the character model and under GloVe (about 10-20 s, once)."""
    character_model = next(e for e in available_encoders().values() if e.reads_characters)
    return spelling_space(character_model.token_vectors)


@st.cache_data(show_spinner=False)
def spelling_summary() -> tuple[float, float]:
    """(ELMo, GloVe): how often a word's nearest neighbour is spelt within two edits of it."""
    return shared_spelling_space().summary()
