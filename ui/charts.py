"""Every chart goes through here: styled for the room, and built once when a page shows it again.

One place decides how big chart text is: at least ``NORMAL_CHART_TEXT`` px normally, ``PRESENTER_TEXT`` px with
thicker lines and bigger points when presenting (``ui.presenter``).

Plotly validates every property it sets, so building and styling a figure through its objects took 30-150 ms of a
rerun whose own cost is a few tens. The app's figures are built from plain dicts (``ui.plain_figures``) and styled in
that plain form; tests validate them. A builder wrapped in ``kept_figures`` keeps its finished figures
(``st.cache_resource``, per arguments and presenter mode): moving the layer slider back, or picking an encoder again,
sends the figure without building it. Kept figures are shared by every session, so nothing changes them once made:
``show_chart`` styles a copy of any other figure. Callers keep only figures of a bounded size (a 300-point map is
2.5 MB: it is built each time instead).
"""
from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import plotly.graph_objects as go
import streamlit as st

from ui.presenter import PRESENTER_TEXT, presenting

NORMAL_CHART_TEXT = 14  # px: chart text outside presenter mode (Plotly's 12 px is unreadable on a projector)
PRESENTER_LINE = 4  # px
PRESENTER_MARKER_SCALE = 1.6
KEPT = 48  # finished figures kept, all builders together (a few hundred KB each at most: see the callers)

Builder = TypeVar("Builder", bound=Callable[..., go.Figure])
_kept: weakref.WeakValueDictionary[int, go.Figure] = weakref.WeakValueDictionary()  # id -> every kept figure


def show_chart(figure: go.Figure, container: Any = None, **kwargs: Any) -> Any:
    """``st.plotly_chart`` (in ``container``, default the page) of the styled figure, stretched to the width."""
    kwargs.setdefault("width", "stretch")
    if _kept.get(id(figure)) is not figure:  # a kept figure is styled for this mode already
        figure = style_figure(figure)
    return (container or st).plotly_chart(figure, **kwargs)


def kept_figures(builder: Builder) -> Builder:
    """``builder``, with its styled figures kept per arguments and presenter mode (see the module's docstring)."""
    name = f"{builder.__module__}.{builder.__qualname__}"

    @functools.wraps(builder)
    def kept(*args: Any, **kwargs: Any) -> go.Figure:
        return _built(name, presenting(), builder, args, kwargs)

    return kept  # type: ignore[return-value]


@st.cache_resource(max_entries=KEPT, show_spinner=False)
def _built(name: str, big: bool, _builder: Callable[..., go.Figure], args: tuple, kwargs: dict) -> go.Figure:
    figure = _style(_builder(*args, **kwargs), big)
    _kept[id(figure)] = figure
    return figure


def style_figure(figure: go.Figure) -> go.Figure:
    """A copy of the figure with readable text everywhere; when presenting, 20 px text, thick lines and bigger points.

    Explicit font sizes set by a figure (titles, annotations, legends) are raised to the floor, never lowered.
    """
    return _style(figure, presenting())


TEXT_OWNERS = (["font"], ["hoverlabel", "font"], ["legend", "font"])  # the layout's fonts raised to the size
COLOUR_BAR_TRACES = {"heatmap", "contour", "histogram2d"}  # a colour bar unless told otherwise
LINE_TRACES = {"scatter", "scattergl", "scatter3d"}  # the trace types whose line and markers presenting thickens


def chart_text(big: bool | None = None) -> int:
    """Chart text in px: presenter mode's size when ``big`` (default: when presenting), else the normal floor."""
    return PRESENTER_TEXT if (presenting() if big is None else big) else NORMAL_CHART_TEXT


def _style(figure: go.Figure, big: bool) -> go.Figure:
    """Styled on the figure's plain form (setting validated properties one by one cost 10-20 ms a figure)."""
    text = chart_text(big)
    spec = figure.to_dict()
    layout = spec.setdefault("layout", {})
    # Streamlit's chart theme sets its own small tick, legend and title sizes: every one is set here explicitly
    for path in TEXT_OWNERS:
        _raise_font(layout, path, text)
    _raise_font(layout, ["title", "font"], text + 2)
    for note in layout.get("annotations", []):
        _raise_font(note, ["font"], text)
    for axis in ("xaxis", "yaxis", *(key for key in layout if re.fullmatch(r"[xy]axis\d+", key))):
        _raise_font(layout, [axis, "tickfont"], text)
        _raise_font(layout, [axis, "title", "font"], text)
    for trace in spec.get("data", []):
        if isinstance(trace.get("textfont", {}).get("size"), (int, float)):
            _raise_font(trace, ["textfont"], text)
        if "colorbar" in trace or trace.get("type") in COLOUR_BAR_TRACES:
            _raise_font(trace, ["colorbar", "tickfont"], text)
            _raise_font(trace, ["colorbar", "title", "font"], text)
        if big and trace.get("type", "scatter") in LINE_TRACES:
            _thicken(trace)
    return go.Figure(spec, _validate=False)


def _raise_font(owner: dict, path: list[str], size: int) -> None:
    """``owner``'s font at ``path`` (``["legend", "font"]``) to at least ``size`` px. A title given as plain text
    becomes ``{"text": ...}`` on the way, as Plotly itself reads it."""
    for key in path[:-1]:
        if isinstance(owner.get(key), str):
            owner[key] = {"text": owner[key]}
        owner = owner.setdefault(key, {})
    font = owner.setdefault(path[-1], {})
    font["size"] = max(size, font.get("size") or 0)


def _thicken(trace: dict) -> None:
    line = trace.setdefault("line", {})
    if line.get("width") != 0:  # 0: no line (a band's edge), kept so
        line["width"] = max(PRESENTER_LINE, line.get("width") or 2)
    marker = trace.setdefault("marker", {})
    size = marker.get("size")
    if isinstance(size, (int, float)) and marker.get("opacity") != 0:
        marker["size"] = size * PRESENTER_MARKER_SCALE
    elif size is None and trace.get("type", "scatter") != "scatter3d":
        marker["size"] = 6 * PRESENTER_MARKER_SCALE
