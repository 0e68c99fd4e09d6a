"""Every head of a model on one sentence as a grid of tiles, and one head large.

``GridParts`` is the grid's data: each tile scaled to its own maximum (so that faint heads still show their pattern),
the heads drawn, their labels and tooltip lines. The page draws it in the browser (``ui.heads.live_grid``); the tour
and its handout, a stand-alone HTML file, draw it as a Plotly figure (``grid_figure``): one heatmap trace (tiles
separated by empty cells) rather than one subplot per head, each head's frame a shape in its label's colour, the
letter of its label above it, and one invisible marker per tile that carries its tooltip.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ui.common import plotly_text
from ui.heads.names import LABEL_INITIALS, label_name, layer_name
from ui.plain_figures import BLUES, unvalidated

LABEL_COLOURS = {"coreference": "#d62728", "syntax": "#1f77b4", "meaning": "#2ca02c", "topic": "#ff7f0e",
                 "other": "#9e9e9e"}
LABEL_BADGES = {"coreference": "red", "syntax": "blue", "meaning": "green", "topic": "orange", "other": "gray"}
GAP = 1  # empty cells between tiles, across
BAND = 0.4  # the band above each tile for its badge, as a share of the tile's height
LAYER_PX = 80  # figure pixels per layer of tiles
MAX_GRID_CELLS = 1_000_000  # heads x n²: 117 tokens for 72 heads, 83 for 144 (a byte each, sent to the browser)


@dataclass(frozen=True)
class GridParts:
    """The grid for one sentence, units and filter (plain arrays, cheap to cache)."""

    canvas: np.ndarray  # the tiles' shading, NaN between tiles and for the heads filtered out
    n_layers: int
    n_heads: int
    n: int  # tokens per side of a tile
    band: int  # rows above each tile for its badge
    labels: dict[tuple[int, int], str]  # every head's label, 1-based keys
    tiles: list[tuple[int, int]]  # the heads drawn (their label is shown), with a hover each
    hovers: list[tuple[str, ...]]  # plain text lines (the sentence's words unescaped): each renderer escapes them

    @property
    def step(self) -> tuple[int, int]:
        """(rows, columns) from one tile to the next."""
        return self.n + self.band, self.n + GAP

    def corner(self, layer: int, head: int) -> tuple[int, int]:
        """(top row, left column) of a tile (1-based layer and head)."""
        return (layer - 1) * self.step[0] + self.band, (head - 1) * self.step[1]

    def centre(self, layer: int, head: int) -> tuple[float, float]:
        """(x, y) of a tile's centre in the heatmap's cell coordinates."""
        top, left = self.corner(layer, head)
        return left + (self.n - 1) / 2, top + (self.n - 1) / 2

    def frame(self, layer: int, head: int) -> dict[str, float]:
        """The corners (``x0``, ``x1``, ``y0``, ``y1``) of the frame around a tile."""
        top, left = self.corner(layer, head)
        return {"x0": left - 0.5, "x1": left + self.n - 0.5, "y0": top - 0.5, "y1": top + self.n - 0.5}


def grid_parts(attention: np.ndarray, tokens: list[str], labels: dict[tuple[int, int], str], shown: set[str],
               links: np.ndarray) -> GridParts:
    """Tiles for ``attention`` (layers, heads, n, n) with the heads whose label is in ``shown``; ``links``
    (layers, heads, 2) is each head's strongest (from, to) pair, named in its hover."""
    n_layers, n_heads, n = attention.shape[:3]
    band = max(1, round(BAND * n))
    step_y, step_x = n + band, n + GAP
    scaled = np.round(attention / np.maximum(attention.max(axis=(-1, -2), keepdims=True), 1e-9), 3)
    canvas = np.full((n_layers * step_y, n_heads * step_x - GAP), np.nan, dtype=np.float32)
    every = {(layer + 1, head + 1): labels.get((layer + 1, head + 1), "other")
             for layer in range(n_layers) for head in range(n_heads)}
    tiles, hovers = [], []
    for (layer, head), label in every.items():
        if label not in shown:
            continue
        top, left = (layer - 1) * step_y + band, (head - 1) * step_x
        canvas[top:top + n, left:left + n] = scaled[layer - 1, head - 1]
        source, target = links[layer - 1, head - 1]
        link = (f"strongest link here: {tokens[source]} → {tokens[target]} "
                f"({attention[layer - 1, head - 1, source, target]:.0%})" if n > 1 else "")
        tiles.append((layer, head))
        hovers.append(tuple(line for line in (f"{layer_name(layer, n_layers)}, head {head}",
                                              f"{label_name(label)} ({label})", link, "click to choose it") if line))
    return GridParts(canvas, n_layers, n_heads, n, band, every, tiles, hovers)


def grid_figure(parts: GridParts, chosen: tuple[int, int] | None = None) -> go.Figure:
    """The grid as a Plotly figure, ``chosen`` (1-based) framed in black; each tile's marker carries (layer, head)
    as ``customdata``. Built from plain dicts without Plotly's validation (its 72 frames would cost more to validate
    than the rest of a run)."""
    shown = set(parts.tiles)
    traces: list[dict] = [{"type": "heatmap", "z": parts.canvas, "colorscale": BLUES, "zmin": 0, "zmax": 1,
                           "showscale": False, "hoverinfo": "skip"}]
    for label, colour in LABEL_COLOURS.items():
        keys = [key for key in parts.tiles if parts.labels[key] == label]
        if keys and LABEL_INITIALS[label]:  # drawn just above the tile's top edge
            above = [parts.centre(*key) for key in keys]
            traces.append({"type": "scatter", "x": [x for x, _ in above], "y": [y - parts.n / 2 for _, y in above],
                           "mode": "text", "textposition": "top center",
                           "text": [f"<b>{LABEL_INITIALS[label]}</b>"] * len(keys),
                           "textfont": {"color": colour, "size": 14}, "hoverinfo": "skip", "showlegend": False,
                           "unselected": {"textfont": {"color": colour}}})
    centres = [parts.centre(*key) for key in parts.tiles]
    traces.append({  # last, so that it lies on top
        "type": "scatter", "x": [x for x, _ in centres], "y": [y for _, y in centres], "mode": "markers",
        "customdata": [list(key) for key in parts.tiles],
        "hovertext": ["<br>".join(plotly_text(line) for line in lines) for lines in parts.hovers],
        "hovertemplate": "%{hovertext}<extra></extra>", "showlegend": False,
        "marker": {"symbol": "square", "size": 36, "opacity": 0},
        "selected": {"marker": {"opacity": 0}}, "unselected": {"marker": {"opacity": 0}},
    })
    layout = {
        "height": LAYER_PX * parts.n_layers + 60, "margin": {"l": 60, "r": 10, "t": 60, "b": 10},
        "xaxis": {"tickvals": [parts.centre(1, h)[0] for h in range(1, parts.n_heads + 1)],
                  "ticktext": [str(h) for h in range(1, parts.n_heads + 1)], "side": "top", "title": {"text": "head"},
                  "showgrid": False, "zeroline": False, "fixedrange": True},
        "yaxis": {"tickvals": [parts.centre(x, 1)[1] for x in range(1, parts.n_layers + 1)],
                  "ticktext": [str(x) for x in range(1, parts.n_layers + 1)], "title": {"text": "layer"},
                  "autorange": "reversed", "showgrid": False, "zeroline": False, "fixedrange": True},
        "plot_bgcolor": "white", "hoverdistance": 60, "dragmode": False,
        "shapes": [{"type": "rect", **parts.frame(*key), "opacity": 1 if key in shown or key == chosen else 0,
                    "line": {"color": "black", "width": 6} if key == chosen else
                    {"color": LABEL_COLOURS[label], "width": 3}} for key, label in parts.labels.items()],  # by head
    }
    return unvalidated(traces, layout)


def head_heatmap(attention: np.ndarray, tokens: list[str], title: str) -> go.Figure:
    """One head's (n, n) attention with its tokens on both axes: rows attend (from), columns are attended (to)."""
    safe = [plotly_text(t) for t in tokens]
    positions = list(range(len(tokens)))
    heatmap = {
        "type": "heatmap", "z": attention, "x": positions, "y": positions, "colorscale": BLUES, "zmin": 0,
        "customdata": [[f"{safe[i]} → {safe[j]}" for j in positions] for i in positions],
        "hovertemplate": "%{customdata}: %{z:.3f}<extra></extra>", "colorbar": {"title": {"text": "weight"}},
    }
    return unvalidated([heatmap], {
        "title": {"text": plotly_text(title)}, "height": min(900, 220 + 22 * len(tokens)), "margin": {"t": 50},
        "xaxis": {"tickvals": positions, "ticktext": safe, "title": {"text": "attended word (to)"}, "side": "bottom"},
        "yaxis": {"tickvals": positions, "ticktext": safe, "title": {"text": "attending word (from)"},
                  "autorange": "reversed"},
    })
