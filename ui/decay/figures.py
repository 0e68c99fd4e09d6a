"""Plotly figures of distance decay: one sentence's influence heatmap (the tour; the page draws its own, see
``ui.decay.sentence_chart``) and the corpus curves.

Every word shown comes from the user, so tick labels and hover text are HTML-escaped (Plotly renders a few tags).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.common import plotly_text
from ui.plain_figures import BLUES, unvalidated


def word_labels(words: list[str]) -> list[str]:
    """Unique, escaped axis labels "3 · bank" (a word can occur twice in a sentence)."""
    return [f"{i + 1} · {plotly_text(word)}" for i, word in enumerate(words)]


HEATMAP_BACKGROUND = "#c8c8c8"  # shows through the left-out diagonal
LABELS = 260  # px: room for the tick labels above the heatmap and the colour bar below it


def influence_heatmap(matrix: np.ndarray, words: list[str], chosen: int, row_height: int = 26) -> go.Figure:
    """Rows: whose vector (word i); columns: whose input (word j); colour: share of row i's strongest context word.

    The diagonal is NaN (left out) and shows a grey background; the chosen row is framed in red. Each row gets
    ``row_height`` px (more when the text is larger) and the colour bar lies under the map, so the map keeps the
    width on a narrow screen.
    """
    labels = word_labels(words)
    positions = np.arange(len(words), dtype=np.int16)
    heatmap = {  # the hover is put together in the browser: a text per cell made a 100-word sentence's figure 1 MB
        "type": "heatmap", "z": matrix, "x": labels, "y": labels, "zmin": 0, "zmax": 1, "colorscale": BLUES,
        "customdata": positions[None, :] - positions[:, None],  # offset j - i
        "hovertemplate": "“%{y}” ← “%{x}”, offset %{customdata:+d}: %{z:.2f}<extra></extra>",
        "hoverongaps": False,  # the diagonal: the caption under the chart says why it is left out
        "colorbar": {"orientation": "h", "thickness": 14,
                     "title": {"text": "influence (strongest other word = 1)", "side": "top"},
                     "y": -0.03, "yanchor": "top"},
    }
    layout = {
        "height": min(1000, LABELS + row_height * len(words)),
        "margin": {"t": 10, "l": 10, "r": 10, "b": 10},
        "xaxis": {"title": {"text": "the word changed (j)"}, "side": "top", "tickangle": -60, "showgrid": False},
        "yaxis": {"title": {"text": "the word measured (i)"}, "autorange": "reversed", "showgrid": False},
        "shapes": [
            {"type": "rect", "xref": "x domain", "yref": "y domain", "x0": 0, "x1": 1, "y0": 0, "y1": 1,
             "fillcolor": HEATMAP_BACKGROUND, "line": {"width": 0}, "layer": "below"},
            {"type": "rect", "x0": -0.5, "x1": len(words) - 0.5, "y0": chosen - 0.5, "y1": chosen + 0.5,
             "line": {"color": "#d62728", "width": 3}},
        ],
    }
    return unvalidated([heatmap], layout)


def corpus_chart(curves: list[tuple[str, str, pd.DataFrame]], log_scale: bool) -> go.Figure:
    """Mean normalised influence against signed distance with 95% bands; ``curves``: (label, colour, rows)."""
    figure = go.Figure()
    for label, colour, rows in curves:
        rows = rows.sort_values("offset")
        red, green, blue = (int(colour[k : k + 2], 16) for k in (1, 3, 5))
        for first, side in ((True, rows[rows["offset"] < 0]), (False, rows[rows["offset"] > 0])):
            figure.add_trace(go.Scatter(
                x=np.concatenate([side["offset"], side["offset"][::-1]]),
                y=np.concatenate([side["high"], side["low"][::-1]]),
                fill="toself", fillcolor=f"rgba({red},{green},{blue},0.18)",
                line={"width": 0, "color": "rgba(0,0,0,0)"},  # no outline, even where lines are thickened
                hoverinfo="skip", showlegend=False, legendgroup=label,
            ))
            figure.add_trace(go.Scatter(
                x=side["offset"], y=side["mean"], mode="lines+markers", marker={"size": 4},
                line={"color": colour, "width": 2}, name=label, legendgroup=label, showlegend=first,
                customdata=np.stack([side["low"], side["high"], side["pairs"]], axis=1),
                hovertemplate="offset %{x:+d}: %{y:.3f} (95%: %{customdata[0]:.3f}–%{customdata[1]:.3f}, "
                              "%{customdata[2]:,} pairs)<extra>" + plotly_text(label) + "</extra>",
            ))
    figure.update_layout(
        height=520, margin={"t": 10, "l": 10, "r": 10, "b": 10},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},  # above the plot, never over a curve
        xaxis={"title": "distance (− words before, + words after)", "dtick": 5},
        yaxis={"title": "mean influence (strongest = 1)", "type": "log" if log_scale else "linear"},
    )
    return figure
