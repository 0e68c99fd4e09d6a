"""Plotly figures of the Word-in-context page: the small multiples of projections and the layer-by-layer measures.

Only plotly here (no Streamlit), so the figures can be built and checked anywhere. All user text reaching a figure
goes through ``hover_html`` or ``plotly_text``: plotly renders a subset of HTML in labels and hover text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import plotly.graph_objects as go

from ui.common import ENCODER_COLOURS, ENCODER_TITLES, plotly_text
from ui.plain_figures import Cell, subplot_grid, unvalidated

# Okabe-Ito colours (safe for colour-blind readers and projectors), then Plotly's dark palette for more senses.
SENSE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
                 "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF", "#9467BD")
SENSE_SYMBOLS = ("circle", "diamond", "square", "triangle-up", "cross", "x", "triangle-down", "star",
                 "pentagon", "hexagon", "circle-open", "diamond-open")
SYMBOLS_3D = {"triangle-up": "cross", "triangle-down": "x", "star": "square-open", "pentagon": "circle-open",
              "hexagon": "diamond-open"}  # 3-D scatter knows only eight symbols
UNLABELLED = "(no label)"
UNLABELLED_COLOUR = "#9A9A9A"
HOVER_LINE_CHARS = 48  # a hover label must fit inside one of two panels on a projector, at 20 px
HOVER_MAX_CHARS = 320


@dataclass
class Panel:
    """One encoder's map: its coordinates and how they were made, or why there is none."""

    encoder: str
    layer: str = ""
    coords: object = None  # (n, dims) array, or None when the encoder is unavailable
    method: str = ""  # second title line: "UMAP", "PCA for now: UMAP is compiling", "not available"...
    annotation: str = ""  # text written inside the panel (static collapse, unavailable encoder)
    collapsed: bool = False  # few distinct vectors: points of different senses share positions
    score: str = ""  # third title line: how well this layer tells the senses apart


@dataclass
class Points:
    """What every point shows: its group label, hover text and row in the exported table."""

    labels: list[str]
    hovers: list[str]
    forms: list[str]  # the word as written, lower-cased (names the shared points of a collapsed panel)
    legend_order: list[str] = field(default_factory=list)


def sense_styles(labels: list[str]) -> dict[str, tuple[str, str]]:
    """Label -> (colour, symbol), fixed by the order labels first appear; unlabelled points are grey."""
    styles, index = {}, 0
    for label in labels:
        if label in styles:
            continue
        if label == UNLABELLED:
            styles[label] = (UNLABELLED_COLOUR, "circle-open")
        else:
            styles[label] = (SENSE_COLOURS[index % len(SENSE_COLOURS)], SENSE_SYMBOLS[index % len(SENSE_SYMBOLS)])
            index += 1
    return styles


def hover_html(text: str, start: int, end: int, label: str, source: str) -> str:
    """The sentence, escaped and wrapped, with characters ``start:end`` (the target) in bold, then label and source.

    A sentence longer than HOVER_MAX_CHARS is cut to whole words around the target, with "…" where it was cut.
    """
    left = max(0, start - HOVER_MAX_CHARS // 2) if len(text) > HOVER_MAX_CHARS else 0
    right = min(len(text), left + HOVER_MAX_CHARS)
    words = [(m.start() + left, m.end() + left) for m in re.finditer(r"\S+", text[left:right])]
    if left > 0 and len(words) > 1:
        words = words[1:]  # the first word may be cut
    if right < len(text) and len(words) > 1:
        words = words[:-1]
    lines, line, width = [], [], 0
    for a, b in words:
        if line and width + 1 + (b - a) > HOVER_LINE_CHARS:
            lines.append(" ".join(line))
            line, width = [], 0
        line.append(_escaped_with_bold(text, a, b, start, end))
        width += (b - a) + (1 if width else 0)
    lines.append(" ".join(line))
    sentence = ("…" if words and words[0][0] > 0 else "") + "<br>".join(lines) + \
        ("…" if words and words[-1][1] < len(text.rstrip()) else "")
    extra = ([f"<i>{plotly_text(label)}</i>"] if label else []) + \
        ([f"<span style='color:#666'>{plotly_text(_shortened(source))}</span>"] if source else [])
    return "<br>".join([sentence, *extra])


def _shortened(source: str) -> str:
    """A source name (a corpus file and document id can be 80 characters) cut to a hover line's width."""
    return source if len(source) <= HOVER_LINE_CHARS else source[: HOVER_LINE_CHARS - 1] + "…"


def _escaped_with_bold(text: str, a: int, b: int, start: int, end: int) -> str:
    """``text[a:b]`` HTML-escaped, with the part inside ``start:end`` in bold."""
    bold_start, bold_end = max(a, start), min(b, end)
    if bold_start >= bold_end:
        return plotly_text(text[a:b])
    return (plotly_text(text[a:bold_start]) + "<b>" + plotly_text(text[bold_start:bold_end]) + "</b>"
            + plotly_text(text[bold_end:b]))


GRID_COLUMNS = 2  # panels per row: four in a row are unreadable on a 1024-pixel projector


def projection_figure(panels: list[Panel], points: Points, dims: int, panel_height: int = 330) -> go.Figure:
    """Small multiples: one map per encoder, two to a row, same colours and symbols, one shared legend by sense."""
    columns = min(GRID_COLUMNS, len(panels))
    rows = -(-len(panels) // columns)
    layout, cells = subplot_grid(rows, columns, [_panel_title(panel) for panel in panels], scenes=dims == 3,
                                 horizontal_spacing=0.04 if dims == 2 else 0.01,
                                 vertical_spacing=0.2 if rows > 1 else 0)
    styles = sense_styles(points.legend_order or points.labels)
    traces: list[dict] = []
    shown: set[str] = set()
    for panel, cell in zip(panels, cells):
        if panel.coords is not None:
            for rank, (label, (colour, symbol)) in enumerate(styles.items()):
                members = [i for i, point_label in enumerate(points.labels) if point_label == label]
                if members:
                    # on a collapsed panel every sense sits on the same few points: nest them, largest first
                    size = 8 + 6 * (len(styles) - rank) if panel.collapsed else 9
                    traces.append({**_scatter(panel, members, points, label, colour, symbol, size, dims,
                                              showlegend=label not in shown), **cell.refs})
                    shown.add(label)
            if panel.collapsed and dims == 2:  # 3-D text is not clipped to its scene: it would spill over
                traces.append({**_shared_point_labels(panel, points), **cell.refs})
        if panel.annotation:
            layout["annotations"].append(_foot_note(cell, panel.annotation))
    _style_axes(layout, panels, cells, dims)
    for note in layout["annotations"]:  # titles and foot notes clear of the panel's edge
        note["yshift"] = 6
    top = 150
    layout.update(
        height=rows * panel_height + top, margin={"l": 10, "r": 10, "t": top, "b": 10}, plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1 + 80 / (rows * panel_height), "xanchor": "left",
                "x": 0, "font": {"size": 14}, "itemsizing": "constant", "title": {"text": ""}},
        hoverlabel={"bgcolor": "white", "font": {"size": 13}, "align": "left"},
        font={"size": 13}, dragmode="pan" if dims == 2 else "orbit",
    )
    return unvalidated(traces, layout)


def _scatter(panel: Panel, rows: list[int], points: Points, label: str, colour: str, symbol: str, size: float,
             dims: int, showlegend: bool) -> dict:
    coords = panel.coords[rows]
    trace = {
        "type": "scatter3d" if dims == 3 else "scatter", "x": coords[:, 0], "y": coords[:, 1],
        "name": label, "legendgroup": label, "showlegend": showlegend, "mode": "markers",
        "marker": {"color": colour, "symbol": symbol if dims == 2 else SYMBOLS_3D.get(symbol, symbol),
                   "size": size if dims == 2 else size * 0.6,
                   "line": {"width": 0.8, "color": "white"}, "opacity": 1 if panel.collapsed else 0.85},
        "hovertext": [points.hovers[i] for i in rows], "hoverinfo": "text",
        "customdata": [[i, panel.encoder] for i in rows],
    }
    if dims == 3:
        trace["z"] = coords[:, 2]
    return trace


def _shared_point_labels(panel: Panel, points: Points) -> dict:
    """A label over each shared point of a collapsed panel: the word form(s) and how many occurrences sit there."""
    groups: dict[tuple, list[int]] = {}
    for i, position in enumerate(map(tuple, panel.coords)):
        groups.setdefault(position, []).append(i)
    texts = [f"{plotly_text(' / '.join(sorted({points.forms[i] for i in rows})))} ×{len(rows)}"
             for rows in groups.values()]
    # an invisible marker as large as the nested ones lifts the text clear of them
    return {"type": "scatter", "x": [c[0] for c in groups], "y": [c[1] for c in groups], "mode": "markers+text",
            "text": texts, "textposition": "top center", "showlegend": False, "hoverinfo": "skip",
            "textfont": {"size": 13, "color": "#222"}, "marker": {"size": 40, "opacity": 0}}


def _panel_title(panel: Panel) -> str:
    """Three short lines (a panel is a quarter of a projector's width): encoder and layer, how the map was made, how
    well the layer tells the senses apart; the same height for every panel."""
    name = f"<b>{plotly_text(ENCODER_TITLES[panel.encoder])}</b>"
    layer = f" · {plotly_text(panel.layer)}" if panel.layer else ""
    return (f"{name}{layer}<br><span style='color:#555'>{plotly_text(panel.method)}</span>"
            f"<br><span style='color:#555'>{plotly_text(panel.score) or '&nbsp;'}</span>")


def _foot_note(cell: Cell, text: str) -> dict:
    """Text at the foot of a panel: an unavailable encoder, or the static collapse."""
    return {"text": plotly_text(text).replace("\n", "<br>"), "xref": "paper", "yref": "paper",
            "x": (cell.x[0] + cell.x[1]) / 2, "y": cell.y[0] + 0.04 * (cell.y[1] - cell.y[0]),
            "xanchor": "center", "yanchor": "bottom", "showarrow": False, "align": "center",
            "font": {"size": 12, "color": "#444"}, "bgcolor": "rgba(255,255,255,0.85)"}


def _style_axes(layout: dict, panels: list[Panel], cells: list[Cell], dims: int) -> None:
    """Projection axes carry no units: hide ticks, keep a thin frame so panels read as separate maps.

    2-D ranges get a margin so points on the edge stay whole, and a wide one on collapsed panels (PCA puts two
    distinct vectors at the very ends of the axis) so their labels fit.
    """
    if dims == 3:
        hidden = {"showticklabels": False, "title": {"text": ""}, "showbackground": True,
                  "backgroundcolor": "#f7f7f7", "gridcolor": "#e5e5e5", "zeroline": False}
        for cell in cells:
            layout[cell.keys[0]].update(xaxis=hidden, yaxis=hidden, zaxis=hidden, aspectmode="cube")
        return
    for cell in cells:  # an empty cell (an odd number of panels) gets the same frame
        for key in cell.keys:
            layout[key].update(showticklabels=False, showgrid=False, zeroline=False, showline=True, mirror=True,
                               linecolor="#cccccc")
        layout[cell.keys[0]]["fixedrange"] = False
    for panel, cell in zip(panels, cells):
        margin = 0.6 if panel.collapsed else 0.12
        for axis, key in enumerate(cell.keys):
            layout[key]["range"] = _padded_range(panel.coords[:, axis], margin) if panel.coords is not None else [-1, 1]


def _padded_range(values, share: float) -> list[float]:
    low, high = float(min(values)), float(max(values))
    margin = share * (high - low) if high > low else 1.0
    return [low - margin, high + margin]


def measures_figure(series: dict[str, list[dict]], baseline: float | None) -> go.Figure:
    """Two line charts across relative depth, one line per encoder: centroid accuracy, adjusted self-similarity.

    ``series[encoder]`` is a list of {"depth", "layer", "accuracy", "adjusted"} rows (values may be None).
    """
    layout, cells = subplot_grid(1, 2, ["<b>Do senses separate?</b>", "<b>Does context move the word?</b>"],
                                 horizontal_spacing=0.12)
    traces = []
    for encoder, rows in series.items():
        single = len(rows) == 1  # static: one layer, the same at every depth, drawn as a flat dotted line
        name = ENCODER_TITLES[encoder] + (" (one layer)" if single else "")
        for cell, key in zip(cells, ("accuracy", "adjusted")):
            kept = [row for row in rows if row[key] is not None]
            if not kept:
                continue
            if single:
                kept = [{**kept[0], "depth": 0.0}, {**kept[0], "depth": 1.0}]
            traces.append({
                "type": "scatter", "x": [row["depth"] for row in kept], "y": [row[key] for row in kept],
                "mode": "lines" if single else "lines+markers", "name": name, "legendgroup": encoder,
                "showlegend": key == "accuracy", "line": {"color": ENCODER_COLOURS[encoder], "width": 3,
                                                          "dash": "dot" if single else "solid"},
                "marker": {"size": 8}, "text": [row["layer"] for row in kept],
                "hovertemplate": "%{text}: %{y:.3f}<extra>" + plotly_text(name) + "</extra>", **cell.refs,
            })
    for note in layout["annotations"]:
        note["yshift"] = 8
    if baseline is not None:
        layout["shapes"] = [{"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": baseline,
                             "y1": baseline, "line": {"dash": "dash", "color": "#555"}}]
        layout["annotations"].append({"text": f"guessing the commonest sense: {baseline:.0%}", "showarrow": False,
                                      "xref": "x domain", "x": 1, "xanchor": "right", "yref": "y", "y": baseline,
                                      "yanchor": "top"})
    for cell in cells:
        layout[cell.keys[0]].update(title={"text": "layer: input → top"}, range=[-0.04, 1.04], gridcolor="#eeeeee",
                                    tickvals=[0, 0.5, 1], ticktext=["input", "halfway", "top"])
        layout[cell.keys[1]]["gridcolor"] = "#eeeeee"
    layout[cells[0].keys[1]].update(title={"text": "senses told apart"}, range=[0, 1.04], tickformat=".0%")
    layout[cells[1].keys[1]]["title"] = {"text": "occurrences alike"}
    layout.update(height=440, margin={"l": 10, "r": 10, "t": 60, "b": 10}, plot_bgcolor="white",
                  legend={"orientation": "h", "y": -0.3, "x": 0}, font={"size": 13})
    return unvalidated(traces, layout)
