"""The sidebar every page shares: links to the pages, presenter mode, and each encoder's status."""
from __future__ import annotations

import threading

import streamlit as st

from engine import ENCODER_NAMES
from engine.encoders.registry import ENCODER_TITLES
from ui import presenter
from ui.navigation import pages
from ui.warmup import encoder_status

_this_run = threading.local()  # per script run (one thread per session): the sidebar's status placeholder


def render_sidebar() -> None:
    """Links to every page, then every encoder's status (``refresh_encoder_status``)."""
    with st.sidebar:
        for page in pages():
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
