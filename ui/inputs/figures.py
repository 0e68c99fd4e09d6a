"""Plotly figures of the Inputs page: position tables as heatmaps, similarity against offset, the input sum's parts,
the order experiment and encoding time against length. Words shown come from the user, so they are escaped."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.common import ENCODER_COLOURS, ENCODER_TITLES, plotly_text

MARGIN = {"t": 40, "l": 10, "r": 10, "b": 10}


def position_heatmap(table: np.ndarray, title: str, colour_title: str) -> go.Figure:
    """Positions down, vector dimensions across: each row is the vector added at that position. The colour range is
    the 99th percentile of the values, so a few large weights do not wash the rest out."""
    limit = float(np.percentile(np.abs(table), 99)) or 1.0
    figure = go.Figure(go.Heatmap(z=table, colorscale="RdBu", zmin=-limit, zmax=limit,
                                  colorbar={"title": {"text": colour_title}},
                                  hovertemplate="position %{y}, dimension %{x}: %{z:.3f}<extra></extra>"))
    figure.update_layout(title=title, height=360, margin=MARGIN, xaxis={"title": "dimension"},
                         yaxis={"title": "position", "autorange": "reversed"})
    return figure


def by_offset(values: np.ndarray, title: str, y_title: str) -> go.Figure:
    """A curve of similarity against the offset between two positions."""
    figure = go.Figure(go.Scatter(x=np.arange(len(values)), y=values, mode="lines+markers",
                                  hovertemplate="offset %{x}: %{y:.3f}<extra></extra>"))
    figure.update_layout(title=title, height=300, margin=MARGIN, xaxis={"title": "offset between the two positions"},
                         yaxis={"title": y_title})
    return figure


def input_sum(pieces: list[str], parts: dict[str, np.ndarray]) -> go.Figure:
    """Per piece, the length of each part of BERT's input and of their sum after LayerNorm (grouped bars)."""
    labels = [f"{i} · {plotly_text(piece)}" for i, piece in enumerate(pieces)]
    figure = go.Figure([go.Bar(name=name, x=labels, y=np.linalg.norm(vectors, axis=1),
                               hovertemplate="%{x}: length %{y:.2f}<extra>" + plotly_text(name) + "</extra>")
                        for name, vectors in parts.items()])
    figure.update_layout(barmode="group", height=360, margin=MARGIN, legend={"orientation": "h", "y": 1.12},
                         xaxis={"title": "WordPiece piece (position · piece)", "tickangle": -45},
                         yaxis={"title": "vector length"})
    return figure


def order_change(rows: list[dict]) -> go.Figure:
    """Per encoder (and BERT without positions), how far shuffling the words moves each word's vector."""
    figure = go.Figure(go.Bar(
        x=[row["label"] for row in rows], y=[row["change"] for row in rows],
        marker_color=[ENCODER_COLOURS.get(row["encoder"], "#555") for row in rows],
        text=[f"{row['change']:.3f}" for row in rows], textposition="outside",
        hovertemplate="%{x}: mean 1 − cosine %{y:.4f}<extra></extra>",
    ))
    figure.update_layout(height=340, margin=MARGIN, yaxis={"title": "mean 1 − cosine, same word, shuffled"})
    return figure


def timing_chart(timings: dict[str, list[tuple[int, float]]]) -> go.Figure:
    """Milliseconds to encode one sentence against its length, one line per encoder."""
    figure = go.Figure([go.Scatter(x=[n for n, _ in points], y=[1000 * s for _, s in points], mode="lines+markers",
                                   name=ENCODER_TITLES[name], line={"color": ENCODER_COLOURS[name], "width": 3},
                                   hovertemplate="%{x} words: %{y:.1f} ms<extra>" + ENCODER_TITLES[name] + "</extra>")
                        for name, points in timings.items()])
    figure.update_layout(height=360, margin=MARGIN, legend={"orientation": "h", "y": 1.12},
                         xaxis={"title": "words in the sentence", "type": "log"},
                         yaxis={"title": "ms per sentence (one CPU thread)", "type": "log"})
    return figure
