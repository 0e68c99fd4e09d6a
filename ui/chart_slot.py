"""A page's later charts, sent once the browser has drawn its first one.

On a fresh browser tab, Streamlit's front end starts Plotly (about a second of the browser's time) and then draws
every chart that arrived meanwhile in one pass: on Word in context the measures chart, drawn with the maps, held them
back by about 0.2 s. ``show_after_first_chart`` sends a box of the chart's height instead (``chart_slot.js``), which
tells the server once a Plotly chart is on the page; from then on, for the rest of the session, charts are sent
straight away. A page can hold back what lies below such a box too (``first_chart_drawn``): Word in context's
neighbours and export, and the measures' notes, cost its first view 65 ms more when sent with the maps.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from ui.charts import show_chart
from ui.components import component

NAME = "chart_slot"
DRAWN = "charts.first_drawn"  # session state: this tab's browser has drawn a chart
TIMEOUT_MS = 5000  # the box asks for its chart after this long whatever happened (no chart on the page, a slow start)
SOURCES = Path(__file__).with_suffix("")  # chart_slot.js and chart_slot.css


def first_chart_drawn() -> bool:
    """Whether this session's browser has drawn a chart (or a box has stopped waiting for one)."""
    return bool(st.session_state.get(DRAWN))


def show_after_first_chart(figure: go.Figure, key: str, **kwargs: Any) -> None:
    """``show_chart(figure, key=key, **kwargs)`` once the page's first chart is drawn; until then a box as tall as
    the figure, which reruns the page (or its fragment) when that chart is on the screen."""
    if first_chart_drawn():
        show_chart(figure, key=key, **kwargs)
        return
    mount = component(NAME, SOURCES)
    height = int(figure.layout.height or 450)
    mount(key=f"{key}.slot", data={"height": height, "text": "Drawing the chart…", "timeout_ms": TIMEOUT_MS},
          on_drawn_change=_drawn, height=height)


def _drawn() -> None:
    st.session_state[DRAWN] = True
