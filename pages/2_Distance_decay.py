"""Distance decay: how strongly each word shapes another word's vector, and how that falls with distance."""
from __future__ import annotations

import streamlit as st

from ui.page_setup import page_setup

page_setup("Distance decay", "📉", heading="Distance decay")
# The page's own imports after its heading: see page_setup.
from engine import ENCODER_NAMES  # noqa: E402 (and below)
from ui.common import (
    ENCODER_TITLES,
    available_encoders,
    escape_markdown,
    get_encoder,
)
from ui.decay.corpus import corpus_view
from ui.decay.sentence import sentence_view
from ui.decay.state import STATE

STATE.restore()
STATE.reset_button()
st.markdown(
    "How much does each word shape the vector of every other word, and does that fade with distance? "
    "The course notes say that in a BiLSTM *the more distance between two words, the less effect on each other*. "
    "This page measures it, on one sentence and then on hundreds of real ones, and compares ELMo and BERT."
)
available = available_encoders()
for missing in (name for name in ENCODER_NAMES if name not in available):
    st.caption(f"{ENCODER_TITLES[missing]} is not shown: {escape_markdown(get_encoder(missing)[1] or 'unavailable')}")
if not available:
    st.error("No encoder could be loaded; the sidebar says why.")
    st.stop()
sentence_view(available)
corpus_view(available)
