"""Plotly figures of attention: every head of a model as one tiled heatmap, and one head large.

The grid is a single heatmap trace (tiles separated by empty cells) rather than one subplot per head: with 72 or
144 heads that is what keeps it fast to build and to draw. Each tile is scaled to its own maximum so that faint
heads still show their pattern; the hover gives the real weight. Tokens are HTML-escaped in hover text.

The figure goes to the browser as JSON on every new sentence, so it is kept small: values rounded (3 decimals for the
shading, 4 for the weights shown), the head in the hover as "L3 H1" (its label is the tile's frame), the weight a
number the hover formats: about a quarter of the bytes of full-precision values and spelled-out hovers.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.common import plotly_text

LABEL_COLOURS = {"coreference": "#d62728", "syntax": "#1f77b4", "meaning": "#2ca02c", "topic": "#ff7f0e",
                 "other": "#9e9e9e"}
LABEL_BADGES = {"coreference": "red", "syntax": "blue", "meaning": "green", "topic": "orange", "other": "gray"}
MAX_HOVER_TOKENS = 40  # beyond this the grid drops per-cell hover text (72 x n² strings get slow)
GAP = 1  # empty cells between tiles
MAX_GRID_CELLS = 1_000_000  # heads x n²: 117 tokens for 72 heads, 83 for 144; more would freeze the browser


def attention_grid(attention: np.ndarray, tokens: list[str], labels: dict[tuple[int, int], str],
                   shown: set[str], selected: tuple[int, int] | None = None) -> go.Figure:
    """All heads as tiles: row = layer, column = head (1-based in the labels), each framed in its label's colour.

    ``attention`` (layers, heads, n, n); heads whose label is not in ``shown`` are left blank;
    ``selected`` (layer, head), 1-based, gets a thick frame.
    """
    n_layers, n_heads, n = attention.shape[:3]
    step = n + GAP
    scaled = attention / np.maximum(attention.max(axis=(-1, -2), keepdims=True), 1e-9)
    canvas = np.full((n_layers * step - GAP, n_heads * step - GAP), np.nan)
    weights = np.full(canvas.shape, np.nan)
    hover, pair = None, None
    if n <= MAX_HOVER_TOKENS:
        hover = np.full(canvas.shape, "", dtype=object)
        safe = [plotly_text(t) for t in tokens]
        pair = np.array([[f"{safe[i]} → {safe[j]}" for j in range(n)] for i in range(n)], dtype=object)
    shapes = []
    for layer in range(n_layers):
        for head in range(n_heads):
            label = labels.get((layer + 1, head + 1), "other")
            if label not in shown:
                continue
            top, left = layer * step, head * step
            canvas[top:top + n, left:left + n] = scaled[layer, head]
            weights[top:top + n, left:left + n] = attention[layer, head]
            if hover is not None:
                hover[top:top + n, left:left + n] = f"L{layer + 1} H{head + 1}: " + pair
            is_selected = selected == (layer + 1, head + 1)
            shapes.append({
                "type": "rect", "x0": left - 0.5, "x1": left + n - 0.5, "y0": top - 0.5, "y1": top + n - 0.5,
                "line": {"color": "black" if is_selected else LABEL_COLOURS[label], "width": 5 if is_selected else 3},
            })
    figure = go.Figure(go.Heatmap(
        z=np.round(canvas, 3), colorscale="Blues", zmin=0, zmax=1, showscale=False, xgap=0, ygap=0,
        text=hover, customdata=None if hover is None else np.round(weights, 4),
        hovertemplate="%{text}<br>weight %{customdata:.3f}<extra></extra>" if hover is not None else None,
        hoverinfo=None if hover is not None else "skip",
    ))
    centres_x = [h * step + (n - 1) / 2 for h in range(n_heads)]
    centres_y = [layer * step + (n - 1) / 2 for layer in range(n_layers)]
    figure.update_layout(
        shapes=shapes, height=80 * n_layers + 50, margin={"l": 70, "r": 10, "t": 40, "b": 10},
        xaxis={"tickvals": centres_x, "ticktext": [f"head {h + 1}" for h in range(n_heads)], "side": "top",
               "showgrid": False, "zeroline": False},
        yaxis={"tickvals": centres_y, "ticktext": [f"layer {x + 1}" for x in range(n_layers)], "autorange": "reversed",
               "showgrid": False, "zeroline": False},
        plot_bgcolor="white",
    )
    return figure


def head_heatmap(attention: np.ndarray, tokens: list[str], title: str) -> go.Figure:
    """One head's (n, n) attention with its tokens on both axes: rows attend (from), columns are attended (to)."""
    safe = [plotly_text(t) for t in tokens]
    positions = list(range(len(tokens)))
    figure = go.Figure(go.Heatmap(
        z=attention, x=positions, y=positions, colorscale="Blues", zmin=0,
        customdata=np.array([[f"{safe[i]} → {safe[j]}" for j in positions] for i in positions], dtype=object),
        hovertemplate="%{customdata}: %{z:.3f}<extra></extra>", colorbar={"title": "weight"},
    ))
    figure.update_layout(
        title=plotly_text(title), height=min(900, 220 + 22 * len(tokens)), margin={"t": 50},
        xaxis={"tickvals": positions, "ticktext": safe, "title": "attended word (to)", "side": "bottom"},
        yaxis={"tickvals": positions, "ticktext": safe, "title": "attending word (from)", "autorange": "reversed"},
    )
    return figure
