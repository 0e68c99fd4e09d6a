"""Guided tour: the course notes step by step (``/Tour?step=N``), each with a live view, a question and the answer.

A thin view over ``ui.tour``: the steps are data in ``ui/tour/steps.py``, their views in ``ui/tour/views.py``.
"""
from __future__ import annotations

import streamlit as st

from ui.page_setup import page_setup

page_setup("Guided tour", "🧭")
# The page's own imports after its heading: see page_setup.
from ui.tour.handout import handout_bytes  # noqa: E402 (and below)
from ui.tour.render import navigation, render_step
from ui.tour.state import STATE
from ui.tour.steps import STEPS

state = STATE.restore()
navigation("top")
render_step(STEPS[state["step"] - 1])
st.divider()
navigation("bottom")
left, right = st.columns(2)
with left:
    STATE.reset_button()
right.download_button(
    "Download the handout (one HTML file)", data=handout_bytes, file_name="contextual-embeddings-tour.html",
    mime="text/html", help="Every step's claim, question, answer and figure (default sentences), for students to "
                          "keep; it opens offline.")
state.write_url()
