"""Plotly figures of the Inputs page: position tables as heatmaps, similarity against offset, the input sum's parts,
the order experiment and encoding time against length. Words shown come from the user, so they are escaped."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.common import ENCODER_COLOURS, ENCODER_TITLES, plotly_text

MARGIN = {"t": 40, "l": 10, "r": 10, "b": 10}


def position_heatmap(table: np.ndarray) -> go.Figure:
    """Positions down, vector dimensions across: each row is the vector added at that position. The colour range is
    the 99th percentile of the values, so a few large weights do not wash the rest out. The dimensions are on top and
    the colour bar lies under the map, so the map keeps the width."""
    limit = float(np.percentile(np.abs(table), 99)) or 1.0
    figure = go.Figure(go.Heatmap(z=table, colorscale="RdBu", zmin=-limit, zmax=limit,
                                  colorbar={"orientation": "h", "y": -0.03, "yanchor": "top", "thickness": 12,
                                            "title": {"text": "value", "side": "top"}},
                                  hovertemplate="position %{y}, dimension %{x}: %{z:.3f}<extra></extra>"))
    figure.update_layout(height=400, margin={"t": 10, "l": 10, "r": 10, "b": 10},
                         xaxis={"title": f"dimension (d = {table.shape[1]})", "side": "top"},
                         yaxis={"title": "position", "autorange": "reversed"})
    return figure


def by_offset(curves: dict[str, np.ndarray]) -> go.Figure:
    """Cosine of two positions against their offset, one line per table (fixed sinusoids, learned positions)."""
    figure = go.Figure([go.Scatter(x=np.arange(len(values)), y=values, mode="lines+markers", name=name,
                                   hovertemplate="offset %{x}: cosine %{y:.3f}<extra>" + name + "</extra>")
                        for name, values in curves.items()])
    figure.update_layout(height=380, margin=MARGIN, legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
                         xaxis={"title": "how far apart the two positions are"},
                         yaxis={"title": "mean cosine"})
    return figure


def input_sum(pieces: list[str], parts: dict[str, np.ndarray]) -> go.Figure:
    """Per piece, the length of each part of BERT's input and of their sum after LayerNorm (grouped bars)."""
    labels = [f"{i} · {plotly_text(piece)}" for i, piece in enumerate(pieces)]
    figure = go.Figure([go.Bar(name=name, x=labels, y=np.linalg.norm(vectors, axis=1),
                               hovertemplate="%{x}: length %{y:.2f}<extra>" + plotly_text(name) + "</extra>")
                        for name, vectors in parts.items()])
    figure.update_layout(barmode="group", height=420, margin=MARGIN,
                         legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
                         xaxis={"title": "WordPiece piece (position · piece)", "tickangle": -45},
                         yaxis={"title": "vector length"})
    return figure


def order_change(rows: list[dict]) -> go.Figure:
    """Per encoder (and BERT without positions), how far shuffling the words moves each word's vector."""
    figure = go.Figure(go.Bar(
        x=[row["label"] for row in rows], y=[row["change"] for row in rows],
        marker_color=[ENCODER_COLOURS.get(row["encoder"], "#555") for row in rows],
        text=[f"{row['change']:.3f}" for row in rows], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: mean 1 − cosine %{y:.4f}<extra></extra>",
    ))
    figure.update_layout(height=380, margin=MARGIN, yaxis={"title": "how far each word moved (1 − cosine)"})
    return figure


def timing_chart(timings: dict[str, list[tuple[int, float]]]) -> go.Figure:
    """Milliseconds to encode one sentence against its length, one line per encoder."""
    figure = go.Figure([go.Scatter(x=[n for n, _ in points], y=[1000 * s for _, s in points], mode="lines+markers",
                                   name=ENCODER_TITLES[name], line={"color": ENCODER_COLOURS[name], "width": 3},
                                   hovertemplate="%{x} words: %{y:.1f} ms<extra>" + ENCODER_TITLES[name] + "</extra>")
                        for name, points in timings.items()])
    figure.update_layout(height=400, margin=MARGIN, legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
                         xaxis={"title": "words in the sentence", "type": "log"},
                         yaxis={"title": "ms per sentence (one CPU thread)", "type": "log"})
    return figure
