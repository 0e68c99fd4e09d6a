"""The figures built from plain dicts (``ui.plain_figures``): Plotly does not validate them while a page runs, so
every builder's figures are validated here, as built and as styled for both modes, and the panel grid is checked
against ``make_subplots``. Every chart the pages send is validated too (Home's figure is built in the page)."""
from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from tests.test_interaction import PAGES, start, widget
from tests.test_interaction import go as switch
from ui.charts import _style
from ui.decay.figures import influence_heatmap
from ui.heads.grid import grid_figure, grid_parts, head_heatmap
from ui.plain_figures import subplot_grid
from ui.word_in_context.figures import Panel, Points, measures_figure, projection_figure

WORDS = ["The", "<b>bank</b>", "raised", "its", "rates"]  # user text: escaped on the way in


def _projection(dims: int) -> go.Figure:
    rng = np.random.default_rng(0)
    points = Points(["money", "river", "money", "(no label)"], ["h1", "h2", "h3", "h4"],
                    ["bank", "banks", "bank", "bank"])
    return projection_figure([Panel("static", "glove", np.zeros((4, dims)), "one vector per word form", collapsed=True),
                              Panel("bilstm", method="not available", annotation="weights missing"),
                              Panel("elmo", "lstm-1", rng.normal(size=(4, dims)), "PCA"),
                              Panel("bert", "layer-6", rng.normal(size=(4, dims)), "UMAP", score="75% told apart")],
                             points, dims)


def _measures(baseline: float | None) -> go.Figure:
    rows = [{"depth": d, "layer": f"layer-{i}", "accuracy": 0.5 + d / 4, "adjusted": 0.3 - d / 10}
            for i, d in enumerate((0.0, 0.5, 1.0))]
    return measures_figure({"static": rows[:1], "bert": rows}, baseline)


def _grid() -> go.Figure:
    attention = np.random.default_rng(1).random((2, 3, 4, 4))
    parts = grid_parts(attention, ["[CLS]", "a", "<i>b", "[SEP]"], {(1, 1): "syntax", (2, 3): "coreference"},
                       {"syntax", "coreference", "other"}, np.zeros((2, 3, 2), dtype=int))
    return grid_figure(parts, (2, 3))


BUILDERS = {
    "decay heatmap": lambda: influence_heatmap(np.random.default_rng(2).random((5, 5)), WORDS, 1),
    "maps 2-D": lambda: _projection(2),
    "maps 3-D": lambda: _projection(3),
    "measures": lambda: _measures(0.5),
    "measures without a baseline": lambda: _measures(None),
    "head grid": _grid,
    "one head": lambda: head_heatmap(np.eye(4), ["[CLS]", "a", "<i>b", "[SEP]"], "layer 1, head <2>"),
}


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("big", [False, True])
def test_every_plain_figure_is_a_valid_plotly_figure_as_built_and_as_styled(name, big):
    figure = BUILDERS[name]()
    for form in (figure, _style(figure, big)):
        go.Figure(form.to_dict())  # validating: raises on any property Plotly does not know or any bad value


def test_user_text_in_plain_figures_is_escaped():
    for name, build in BUILDERS.items():
        text = build().to_json()
        assert "<b>bank</b>" not in text and "<i>b" not in text and "head <2>" not in text, name


@pytest.mark.parametrize("rows, columns, h, v, scenes", [(2, 2, 0.04, 0.2, False), (2, 2, 0.01, 0.2, True),
                                                         (1, 2, 0.12, 0.3, False), (1, 1, 0.2, 0.0, False),
                                                         (3, 2, 0.04, 0.2, True)])
def test_the_panel_grid_matches_make_subplots(rows, columns, h, v, scenes):
    titles = [f"panel {i}" for i in range(rows * columns)]
    ours, cells = subplot_grid(rows, columns, titles, scenes=scenes, horizontal_spacing=h, vertical_spacing=v)
    specs = [[{"type": "scene" if scenes else "xy"}] * columns for _ in range(rows)]
    theirs = make_subplots(rows=rows, cols=columns, subplot_titles=titles, specs=specs, horizontal_spacing=h,
                           vertical_spacing=v).to_dict()["layout"]
    theirs.pop("template")
    assert ours.keys() == theirs.keys()
    for key, value in theirs.items():
        if key == "annotations":
            assert [note["text"] for note in ours[key]] == titles
            for mine, plotly_note in zip(ours[key], value):
                assert mine.keys() == plotly_note.keys()
                assert mine["x"] == pytest.approx(plotly_note["x"]) and mine["y"] == pytest.approx(plotly_note["y"])
        else:
            assert ours[key].keys() == value.keys()
            domain = value["domain"]
            pairs = zip(ours[key]["domain"].values(), domain.values()) if scenes else [(ours[key]["domain"], domain)]
            for mine, expected in pairs:
                assert mine == pytest.approx(expected)
    assert [cell.keys[0] for cell in cells] == [key for key in theirs if key.startswith(("scene", "xaxis"))]


@pytest.mark.slow
def test_every_chart_the_pages_send_is_a_valid_plotly_figure():
    app = start("home")
    for page in PAGES:
        if page != "home":
            switch(app, page)
        if page == "wic":  # the 3-D maps too
            app.toggle(key=widget("wic", "dims")).set_value(True).run()
        if page == "heads":  # its grid is a component (ui.heads.live_grid): the chosen head's heatmap
            app.segmented_control(key=widget("heads", "view")).set_value("Heatmap").run()
        charts = app.get("plotly_chart")
        assert charts or page == "inputs", f"{page} sent no chart"
        for chart in charts:
            go.Figure(json.loads(chart.proto.spec))  # validating


def test_a_long_decay_heatmap_stays_small_and_each_cell_hovers_its_offset():
    """A hover text per cell made a 100-word sentence's figure about 1 MB; the browser puts the hover together from
    the labels, the value and each cell's offset."""
    n = 100
    figure = influence_heatmap(np.random.default_rng(3).random((n, n)), [f"w{i}" for i in range(n)], 7)
    heatmap = figure.data[0]
    assert np.array_equal(np.asarray(heatmap.customdata)[2], np.arange(n) - 2), "offset j - i of row 2"
    assert "%{customdata:+d}" in heatmap.hovertemplate and "%{x}" in heatmap.hovertemplate
    assert len(_style(figure, False).to_json()) < 300_000
