"""Streamlit helpers shared by every page: cached encoders, the sidebar and safe text.

Pages stay thin views over ``engine``; anything that needs Streamlit and is used by more than one
page lives here.
"""
from __future__ import annotations

import html
import re
import threading
from typing import Iterable

import streamlit as st

import engine
from engine import ENCODER_NAMES, Encoder, EncoderUnavailable
from engine.encoders.registry import ENCODER_COLOURS, ENCODER_TITLES  # noqa: F401  the pages' names and colours
from ui import presenter
from ui.chart_library import load_chart_library
from ui.serving import tune_for_serving

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$:])")
_this_run = threading.local()  # per script run (one thread per session): the sidebar's status placeholder


def page_setup(title: str, icon: str = "🔎", heading: str | None = None) -> None:
    """Page config, the page's ``heading`` (drawn first), the shared sidebar and the background warm-up of the models.

    Every page calls it before its own imports, and the heading comes first, so after a cold start the first paint
    waits for none of them (a fresh server takes about 1 s for pandas, plotly and the engine). Next the browser is
    told to load its chart code (``load_chart_library``) while the server imports and computes.
    pandas is imported next, before the page builds a figure: plotly looks pandas up in ``sys.modules`` without
    importing it, and a pandas half-imported by another thread broke figures; a thread importing it here waits until
    it is complete.
    """
    st.set_page_config(page_title=f"{title} · Contextual Embeddings Explorer", page_icon=icon, layout="wide",
                       initial_sidebar_state=presenter.sidebar_state())
    if heading:
        st.title(heading)
    load_chart_library()
    import pandas  # noqa: F401

    tune_for_serving()
    from ui.warmup import start_warmup

    start_warmup()
    render_sidebar()


def get_encoder(name: str) -> tuple[Encoder | None, str | None]:
    """(encoder, None) when it loads, (None, reason) when its weights are missing or broken."""
    try:
        return engine.load_encoder(name), None  # the registry keeps one of each per process
    except EncoderUnavailable as error:
        return None, str(error)


def available_encoders(names: Iterable[str] = ENCODER_NAMES) -> dict[str, Encoder]:
    """The encoders that load, by name; the sidebar explains the others."""
    return {name: encoder for name in names if (encoder := get_encoder(name)[0]) is not None}


def render_sidebar() -> None:
    """Links to every page, then every encoder's status (``refresh_encoder_status``)."""
    from ui.navigation import PAGES

    with st.sidebar:
        for page in PAGES:
            st.page_link(page)
    presenter.apply()
    with st.sidebar:
        st.divider()
        _this_run.status_slot, _this_run.statuses = st.empty(), None
    refresh_encoder_status()
    presenter.exit_button()


def refresh_encoder_status() -> None:
    """(Re)draw every encoder with its one-line description, or why it is unavailable (no model is loaded for this).

    ``app.py`` calls it again once the page has run, so the models that page has just loaded show as ready.
    """
    from ui.warmup import encoder_status

    slot = getattr(_this_run, "status_slot", None)
    statuses = [encoder_status(name) for name in ENCODER_NAMES]
    if slot is None or statuses == getattr(_this_run, "statuses", None):
        return  # unchanged since drawn: sending it again would only make the browser redraw it
    _this_run.statuses = statuses
    with slot.container():
        st.markdown("### Encoders")
        for name, (status, detail) in zip(ENCODER_NAMES, statuses):
            # shapes as well as colours (colour-blind readers), from fonts every browser has (not emoji)
            icon = {"ready": ":green[●]", "loading": ":orange[○]", "unavailable": ":red[×]"}[status]
            with st.expander(f"{icon} {ENCODER_TITLES[name]}", expanded=False):
                if status == "unavailable":
                    st.error(detail)
                elif status == "loading":
                    st.caption("Loading in the background…")
                else:
                    st.caption(detail)


def escape_markdown(text: str) -> str:
    """User text made inert for ``st.markdown``: HTML escaped and Markdown syntax backslashed."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))


def plotly_text(text: str) -> str:
    """User text made inert for Plotly's labels and hover text (a subset of HTML): ``&``, ``<`` and ``>`` escaped.

    Quotes stay as they are: they are harmless outside a tag, and Plotly would show ``&quot;`` literally.
    """
    return html.escape(text, quote=False)
