"""Expanders whose content is built only while they are open.

A closed ``st.expander`` still receives its content on every rerun, and the browser renders it: on Attention heads
the chosen head's score tables (two data grids and a page of text) were a sixth of a head change's time in the
browser. A lazy expander reruns the page (or its fragment) when it is opened or closed, and sends its content only
while it is open. Its open state lives in the session under ``key`` while the page runs; like any expander it is
closed again on coming back to the page.
"""
from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator


def lazy_expander(label: str, key: str) -> DeltaGenerator | None:
    """The expander, to write into, while it is open; ``None`` (nothing to build) while it is closed."""
    box = st.expander(label, key=key, on_change="rerun")
    return box if box.open else None
