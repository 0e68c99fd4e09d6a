"""Presenter mode (``?present=1``): text, lines and points big enough for the back of a classroom.

It is kept like every page's state: read from the address bar (a link that says ``present=1`` or ``present=0``
wins), kept in session state across page switches (a sidebar link carries no query), and written back to the
address bar so the link a teacher copies opens the same way. ``PageState.write_url`` leaves the parameter alone.

Every chart goes through ``show_chart`` (or ``style_figure``), so one place decides how big chart text is: at least
``NORMAL_CHART_TEXT`` px normally, ``PRESENTER_TEXT`` px when presenting.
"""
from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go
import streamlit as st

PARAM = "present"
_KEY = "presenter.on"
_TOGGLE = "presenter.on:widget"

PRESENTER_TEXT = 20  # px: body and chart text in presenter mode
NORMAL_CHART_TEXT = 14  # px: chart text otherwise (Plotly's 12 px is unreadable on a projector)
PRESENTER_LINE = 4  # px
PRESENTER_MARKER_SCALE = 1.6

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
                  "border-left: 6px solid #0072B2; background: #F0F6FB; border-radius: 4px;")


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


def style_figure(figure: go.Figure) -> go.Figure:
    """The figure with readable text everywhere; when presenting, 20 px text, thick lines and bigger points.

    Explicit font sizes set by a figure (titles, annotations, legends) are raised to the floor, never lowered.
    """
    text = PRESENTER_TEXT if presenting() else NORMAL_CHART_TEXT
    layout = figure.layout
    # Streamlit's chart theme sets its own small tick, legend and title sizes: every one is set here explicitly
    figure.update_layout(font_size=max(text, layout.font.size or 0),
                         hoverlabel_font_size=max(text, layout.hoverlabel.font.size or 0),
                         legend_font_size=max(text, layout.legend.font.size or 0),
                         title_font_size=max(text + 2, layout.title.font.size or 0))
    figure.for_each_annotation(lambda note: note.update(font_size=max(text, note.font.size or 0)))
    figure.for_each_xaxis(lambda axis: _raise_axis(axis, text))
    figure.for_each_yaxis(lambda axis: _raise_axis(axis, text))
    for trace in figure.data:
        _raise_trace_text(trace, text)
    if presenting():
        figure.for_each_trace(_thicken)
    return figure


def _raise_axis(axis: Any, text: int) -> None:
    axis.tickfont.size = max(text, axis.tickfont.size or 0)
    axis.title.font.size = max(text, axis.title.font.size or 0)


def _raise_trace_text(trace: Any, text: int) -> None:
    font = getattr(trace, "textfont", None)
    if font is not None and isinstance(font.size, (int, float)):
        font.size = max(text, font.size)
    colorbar = getattr(trace, "colorbar", None)
    if colorbar is not None:
        colorbar.tickfont.size = max(text, colorbar.tickfont.size or 0)
        colorbar.title.font.size = max(text, colorbar.title.font.size or 0)


def _thicken(trace: Any) -> None:
    line = getattr(trace, "line", None)
    if line is not None and "width" in line and line.width != 0:  # 0: no line (a band's edge), kept so
        line.width = max(PRESENTER_LINE, line.width or 2)
    marker = getattr(trace, "marker", None)
    if marker is not None and "size" in marker and isinstance(marker.size, (int, float)) and marker.opacity != 0:
        marker.size = marker.size * PRESENTER_MARKER_SCALE
    elif marker is not None and "size" in marker and marker.size is None and trace.type in ("scatter", "scattergl"):
        marker.size = 6 * PRESENTER_MARKER_SCALE


def show_chart(figure: go.Figure, container: Any = None, **kwargs: Any) -> Any:
    """``st.plotly_chart`` (in ``container``, default the page) of the styled figure, stretched to the width."""
    kwargs.setdefault("width", "stretch")
    return (container or st).plotly_chart(style_figure(figure), **kwargs)


def big_caption(text: str, container: Any = None) -> None:
    """A large caption a room can read: the selected point, head or word (the text is escaped here)."""
    size = 26 if presenting() else 19
    box = f'<div class="big-caption" style="{_CAPTION_STYLE.format(size=size)}">{html.escape(text)}</div>'
    (container or st).markdown(box, unsafe_allow_html=True)
