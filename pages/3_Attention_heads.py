"""Attention heads: every BERT head, labelled by function from measured evidence, and what it does in a sentence."""
from __future__ import annotations

import streamlit as st

from ui.page_setup import page_setup

page_setup("Attention heads", "🎯", heading="Attention heads")
# The page's own imports after its heading: see page_setup.
from engine import InputTooLong  # noqa: E402 (and below)
from engine.tokenize import tokenize
from ui.common import get_encoder
from ui.heads.chosen import chosen_head
from ui.heads.data import encode, report_of
from ui.heads.sections import grid, head_controls, sentence_input, token_view
from ui.heads.state import STATE
from ui.heads.view import HeadsView

state = STATE.restore()
STATE.reset_button()
st.markdown(
    "BERT reads a sentence with **attention heads**: in every layer, each head lets every word look at every other "
    "word and take in some of it. Papers report heads that track **grammar** (a verb's object), **pronouns** "
    "(what *it* refers to), **related meaning** and **topic**. Here every head of the model is labelled from "
    "*measured* evidence on gold-annotated text, and you can watch any head at work on your own sentence."
)

encoder, reason = get_encoder("bert")
if encoder is None:
    st.error(f"The BERT encoder is unavailable, so there are no attention heads to show. {reason}")
    st.stop()
report = report_of(encoder)


@st.fragment
def heads_view() -> None:
    """Everything below the introduction, as a fragment: a new sentence, head, label or units reruns only this part
    (not the sidebar and the text above)."""
    sentence_input(report)
    head_controls(report, encoder.n_layers, encoder.n_heads)
    if not tokenize(state["sentence"]):
        st.warning("Type a sentence (at least one word) to see the heads at work.")
        return
    try:
        encoded = encode(report.fingerprint, state["sentence"])
    except InputTooLong as error:
        st.error(f"This sentence is too long for the model: {error}")
        return
    view = HeadsView(report, encoder.n_layers, encoder.n_heads, encoded, pieces=state["units"] == "pieces")
    grid(view)
    chosen_head(view)
    token_view(view)


heads_view()
