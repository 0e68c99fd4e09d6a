"""Presenter mode (``?present=1``): text, lines and points big enough for the back of a classroom.

It is kept like every page's state: read from the address bar (a link that says ``present=1`` or ``present=0``
wins), kept in session state across page switches (a sidebar link carries no query), and written back to the
address bar so the link a teacher copies opens the same way. ``PageState.write_url`` leaves the parameter alone.

Charts are styled for the mode in ``ui.charts``.
"""
from __future__ import annotations

import html
from typing import Any

import streamlit as st

PARAM = "present"
_KEY = "presenter.on"
_TOGGLE = "presenter.on:widget"

PRESENTER_TEXT = 20  # px: body and chart text in presenter mode

_CSS = f"""
<style>
.stApp p, .stApp li, .stApp label, .stApp td, .stApp th, .stApp input, .stApp textarea, .stApp button,
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stWidgetLabel"] p,
.stApp [data-baseweb="select"] div, .stApp [data-baseweb="tag"], .stApp [data-baseweb="tag"] *,
.stApp [data-testid="stMarkdownContainer"] span {{
  font-size: max({PRESENTER_TEXT}px, 1em) !important; line-height: 1.45;
}}
.stApp h1 {{ font-size: 2.1rem !important; }}
.stApp h2 {{ font-size: 1.7rem !important; }}
.stApp h3 {{ font-size: 1.45rem !important; }}
.stApp .block-container {{ padding-left: 1.5rem; padding-right: 1.5rem; max-width: 100%; }}
</style>
"""

_CAPTION_STYLE = ("font-size: {size}px; line-height: 1.3; font-weight: 600; padding: 0.4em 0.7em; margin: 0.3em 0; "
                  "border-left: 6px solid #0072B2; background: #F0F6FB; color: #1F2430; border-radius: 4px;")


def presenting() -> bool:
    """Whether this session is in presenter mode: the address bar decides when it says, else the session keeps it."""
    asked = st.query_params.get(PARAM)
    if asked is not None:
        st.session_state[_KEY] = asked == "1"
    return bool(st.session_state.get(_KEY, False))


def sidebar_state() -> str:
    """``st.set_page_config``'s ``initial_sidebar_state``: collapsed while presenting, so the body has the width."""
    return "collapsed" if presenting() else "auto"


def apply() -> None:
    """Once per run (``page_setup``): the presenter's style sheet and the URL parameter, and the toggle in the sidebar."""
    on = presenting()
    if on:
        st.markdown(_CSS, unsafe_allow_html=True)
        st.query_params[PARAM] = "1"
    else:
        st.query_params.pop(PARAM, None)
    st.session_state[_TOGGLE] = on
    st.sidebar.toggle("Presenter mode", key=_TOGGLE, on_change=_keep_toggle,
                      help="Big text, thick lines and big points for a projector; the link keeps it (present=1).")


def exit_button() -> None:
    """In presenter mode the sidebar is collapsed: a button in the page itself turns the mode off."""
    if presenting():
        st.button("Leave presenter mode", key="presenter:leave", on_click=_set, args=(False,))


def _keep_toggle() -> None:
    _set(st.session_state[_TOGGLE])


def _set(on: bool) -> None:
    st.session_state[_KEY] = on
    if on:
        st.query_params[PARAM] = "1"
    else:
        st.query_params.pop(PARAM, None)


def big_caption(text: str, container: Any = None) -> None:
    """A large caption a room can read: the selected point, head or word (the text is escaped here)."""
    size = 26 if presenting() else 19
    box = f'<div class="big-caption" style="{_CAPTION_STYLE.format(size=size)}">{html.escape(text)}</div>'
    (container or st).markdown(box, unsafe_allow_html=True)
