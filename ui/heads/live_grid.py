"""The Attention-heads page's grid of every head, drawn in the browser by a small Streamlit component
(``live_grid.js``): the tiles as one image on a canvas, frames and label letters over it, a button per tile.

Drawn as a Plotly chart, the grid took most of a new sentence's time in the browser: a new figure is a new chart
element, which Streamlit's front end mounts afresh (Plotly's whole plot built again, then updated once more), about
130 ms for 72 heads. The component keeps its element (its key is its identity), receives the new tiles and draws
them in a few milliseconds; a click on a tile sends (layer, head) as a trigger, so clicking the same tile twice
chooses it twice (a Plotly selection toggled off on the second click). The tour keeps the Plotly figure
(``ui.heads.grid.grid_figure``): its handout is a stand-alone HTML file.
"""
from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import numpy as np
import streamlit as st

from ui.charts import chart_text
from ui.components import component
from ui.heads.grid import LABEL_COLOURS, LAYER_PX, GridParts
from ui.heads.names import LABEL_INITIALS
from ui.plain_figures import SHADES, blues_palette

NAME = "heads_grid"
KEY = "heads.grid"
SOURCES = Path(__file__).with_suffix("")  # live_grid.js and live_grid.css
EMPTY = 255  # an empty cell (a tile's weights are shades 0-250)


def margins(text_px: int) -> dict[str, int]:
    """Room for the head numbers and title above the tiles, the layer numbers and title on their left."""
    return {"l": 3 * text_px + 12, "t": 2 * text_px + 16, "r": 10, "b": 10}


def grid_data(parts: GridParts, chosen: tuple[int, int], text_px: int) -> dict:
    """What ``live_grid.js`` draws: the cells (one byte each, base64; ``EMPTY`` between tiles), the drawn tiles with
    their tooltip lines, the chosen head (framed black, even when its label is filtered out) and the sizes."""
    shades = np.where(np.isnan(parts.canvas), EMPTY, np.round(np.nan_to_num(parts.canvas) * SHADES))
    margin = margins(text_px)
    return {
        "rows": parts.canvas.shape[0], "columns": parts.canvas.shape[1], "n": parts.n, "band": parts.band,
        "layers": parts.n_layers, "heads": parts.n_heads,
        "cells": base64.b64encode(shades.astype(np.uint8).tobytes()).decode("ascii"), "empty": EMPTY,
        "palette": blues_palette(),
        "tiles": [{"layer": layer, "head": head, "label": parts.labels[(layer, head)], "lines": list(lines)}
                  for (layer, head), lines in zip(parts.tiles, parts.hovers)],
        "colours": LABEL_COLOURS, "initials": LABEL_INITIALS, "chosen": list(chosen), "text_px": text_px,
        "margin": margin, "height": LAYER_PX * parts.n_layers + margin["t"] + margin["b"],
        "description": f"Every head's attention on this sentence: {parts.n_layers} layers by {parts.n_heads} heads; "
                       "a button on each tile chooses its head (the head list above does the same).",
    }


def show_grid(parts: GridParts, chosen: tuple[int, int], on_choose: Callable[[], None]) -> None:
    """The grid, its text sized as the charts' (``ui.charts.chart_text``); a click on a tile calls ``on_choose``,
    which reads the tile from ``clicked_tile()``."""
    mount = component(NAME, SOURCES)
    data = grid_data(parts, chosen, chart_text())
    mount(key=KEY, data=data, on_tile_change=on_choose, height=data["height"])


def clicked_tile() -> tuple[int, int] | None:
    """(layer, head) of the tile clicked in this rerun, in a callback of ``show_grid``."""
    tile = st.session_state[KEY].get("tile")
    return (int(tile[0]), int(tile[1])) if tile else None
