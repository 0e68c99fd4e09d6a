"""What every page does first: its configuration and heading, then the shared sidebar and the models' warm-up.

The heading is the first paint of a page opened on a fresh server, so nothing heavy is imported before it: this
module needs only Streamlit, and the page's favicon (Streamlit looks an emoji up in a table it imports on first use)
and the engine (numpy, the encoders' code) come after the heading. Every page calls ``page_setup`` before its own
imports.
"""
from __future__ import annotations

import streamlit as st

from ui import presenter
from ui.chart_library import load_chart_library
from ui.serving import tune_for_serving

APP_NAME = "Contextual Embeddings Explorer"


def page_setup(title: str, icon: str = "🔎", heading: str | None = None) -> None:
    """The page's configuration and ``heading``, the chart code's early loading, the sidebar and the warm-up.

    pandas is imported before the page builds a figure: plotly looks pandas up in ``sys.modules`` without importing
    it, and a pandas half-imported by another thread broke figures; a thread importing it here waits until it is
    complete.
    """
    st.set_page_config(page_title=f"{title} · {APP_NAME}", layout="wide",
                       initial_sidebar_state=presenter.sidebar_state())
    if heading:
        st.title(heading)
    load_chart_library()
    st.set_page_config(page_icon=icon)
    import pandas  # noqa: F401

    from ui.sidebar import render_sidebar
    from ui.warmup import start_warmup

    tune_for_serving()
    start_warmup()
    render_sidebar()
