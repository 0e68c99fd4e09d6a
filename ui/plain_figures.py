"""Plotly figures from plain dicts: no validation while a page runs, a grid of panels without ``make_subplots``.

Plotly checks every property it is given against its schema, which made most of a figure's building time: the four
maps of Word in context took 100 ms to build and style, 30 ms of them in ``make_subplots`` alone. Figures here are
dicts handed over as they are; ``tests/test_figures.py`` validates every builder's figures instead, so a misspelt
property fails a test rather than being dropped by the browser.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import plotly.colors
import plotly.graph_objects as go

# Plotly's "Blues" spelled out: an unvalidated figure hands a colour scale's name to plotly.js, whose "Blues" runs
# dark to light
BLUES = [[i / 8, colour] for i, colour in enumerate(plotly.colors.sequential.Blues)]  # its 9 colours
SHADES = 250  # the charts the browser draws itself (``ui.components``) shade a value in [0, 1] in 251 steps


@lru_cache(maxsize=1)
def blues_palette() -> list[int]:
    """``BLUES`` at each of the ``SHADES + 1`` shades, as flat r, g, b bytes: the browser-drawn charts' colours are
    the Plotly charts' colours."""
    colours = plotly.colors.sample_colorscale(BLUES, [i / SHADES for i in range(SHADES + 1)])
    return [round(channel) for colour in colours for channel in plotly.colors.unlabel_rgb(colour)]


def unvalidated(data: list[dict], layout: dict) -> go.Figure:
    """The figure of these traces and layout, as given (see the module's docstring)."""
    return go.Figure(data=data, layout=layout, _validate=False)


@dataclass(frozen=True)
class Cell:
    """One panel of a ``subplot_grid``: what its traces name (``refs``), its layout keys and its paper domain."""

    refs: dict[str, str]  # {"xaxis": "x2", "yaxis": "y2"} or {"scene": "scene2"}
    keys: tuple[str, ...]  # ("xaxis2", "yaxis2") or ("scene2",)
    x: tuple[float, float]
    y: tuple[float, float]


def subplot_grid(rows: int, columns: int, titles: list[str], *, scenes: bool = False,
                 horizontal_spacing: float = 0.2, vertical_spacing: float = 0.3) -> tuple[dict, list[Cell]]:
    """The layout of a ``rows`` x ``columns`` grid of panels (2-D axes or 3-D scenes) with a title above each, as
    plain dicts, and its cells in reading order: what ``plotly.subplots.make_subplots`` lays out, without its 30 ms
    of validation per figure."""
    width = (1 - horizontal_spacing * (columns - 1)) / columns
    height = (1 - vertical_spacing * (rows - 1)) / rows
    layout: dict = {"annotations": []}
    cells = []
    for index in range(rows * columns):
        row, column = divmod(index, columns)
        x = (column * (width + horizontal_spacing), column * (width + horizontal_spacing) + width)
        top = 1 - row * (height + vertical_spacing)
        y = (max(0.0, top - height), top)
        suffix = str(index + 1) if index else ""
        if scenes:
            cell = Cell({"scene": f"scene{suffix}"}, (f"scene{suffix}",), x, y)
            layout[f"scene{suffix}"] = {"domain": {"x": list(x), "y": list(y)}}
        else:
            cell = Cell({"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}, (f"xaxis{suffix}", f"yaxis{suffix}"), x, y)
            layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": list(x)}
            layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": list(y)}
        cells.append(cell)
        if index < len(titles):
            layout["annotations"].append({"text": titles[index], "x": (x[0] + x[1]) / 2, "y": top, "xref": "paper",
                                          "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                                          "showarrow": False, "font": {"size": 16}})
    return layout, cells
