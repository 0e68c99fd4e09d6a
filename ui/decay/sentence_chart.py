"""Distance decay's chart of one sentence, drawn in the browser by a small component (``sentence_chart.js``): the
influence heatmap with the chosen word's row framed, its colour bar, and that row as bars over signed offset.

As a Plotly chart it was about a quarter of a new sentence's time: Streamlit's front end mounts a changed chart afresh,
and the figure's JSON was built, sent and parsed each time (with no chart at all, a new sentence took 56 ms from the
key press to an idle page instead of 77; the floor's slider rerun: 54). The component keeps its element (its key is
its identity) and its canvas, receives the values and the words, and redraws in a few milliseconds: 70 ms against 81
(floor 62), four fresh servers each. A click on a row sends the row's word as a trigger. The tour keeps the Plotly
heatmap (``ui.decay.figures.influence_heatmap``): its handout is a stand-alone HTML file.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from ui.charts import chart_text
from ui.components import component
from ui.decay.figures import HEATMAP_BACKGROUND
from ui.decay.state import STATE
from ui.plain_figures import SHADES, blues_palette
from ui.presenter import presenting

NAME = "decay_sentence_chart"
KEY = "decay.chart"
SOURCES = Path(__file__).with_suffix("")  # sentence_chart.js and sentence_chart.css
MAP_MAX_PX = 740  # the heatmap's rows share at most this height (a 100-word sentence gets 7.4 px rows)
BARS_ROWS = 12  # the bars' plot is as tall as this many rows of a short sentence's heatmap
LABEL_CHARS = 24  # axis labels are cut to this many characters (the tooltip has the whole word)
SCALE_TITLE = "influence (strongest other word = 1)"


def chart_data(matrix: np.ndarray, words: list[str], chosen: int, description: str, text_px: int,
               row_px: int) -> dict:
    """What ``sentence_chart.js`` draws: the values (3 decimals; None where left out: the diagonal), the words as
    typed (drawn as text, never as HTML), the chosen row, the colours and the sizes."""
    values = np.round(matrix.astype(float), 3)
    return {
        "values": [[None if np.isnan(value) else value for value in row] for row in values.tolist()],
        "words": list(words), "chosen": int(chosen), "description": description,
        "palette": blues_palette(), "shades": SHADES,
        "colours": {"before": "#1f77b4", "after": "#ff7f0e", "frame": "#d62728", "left_out": HEATMAP_BACKGROUND},
        "titles": {"columns": "the word changed (j)", "rows": "the word measured (i)", "scale": SCALE_TITLE,
                   "bars_x": "words before “{word}” (blue) and after it (orange)",  # the chosen word, cut as labels
                   "bars_y": SCALE_TITLE},
        "text_px": text_px, "row_px": row_px, "map_max_px": MAP_MAX_PX, "bars_px": BARS_ROWS * row_px,
        "label_chars": LABEL_CHARS,
    }


def show_sentence_chart(matrix: np.ndarray, words: list[str], chosen: int, description: str) -> None:
    """The chart, its text sized as the charts' (``ui.charts.chart_text``; taller rows when presenting); a click on
    a row chooses its word."""
    data = chart_data(matrix, words, chosen, description, chart_text(), 34 if presenting() else 26)
    component(NAME, SOURCES)(key=KEY, data=data, on_word_change=_choose_clicked_word)


def _choose_clicked_word() -> None:
    """The chart's callback: the clicked row's word becomes the one looked at (the URL names it by its number)."""
    row = st.session_state[KEY].get("word")
    if row is not None:
        STATE["word"] = str(int(row) + 1)
