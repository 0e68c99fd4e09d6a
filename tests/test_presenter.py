"""Presenter mode (``?present=1``): kept across page switches and in the URL, big chart text, two panels side by side.

The browser checks (20 px text, nothing wider than a 1024-pixel projector) are in ``tests/test_browser_presenter.py``.
"""
from __future__ import annotations

import json

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tests.test_interaction import PAGES, assert_fine, panel_titles, start, widget
from tests.test_interaction import go as switch
from ui.charts import NORMAL_CHART_TEXT, kept_figures, style_figure


def _font_sizes(figure: dict) -> list[float]:
    """Every explicit font size of a figure's layout (axes, legend, annotations, title, hover labels)."""
    layout = figure["layout"]
    sizes = [note["font"]["size"] for note in layout.get("annotations", [])]
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")):
            sizes += [axis["tickfont"]["size"], axis["title"]["font"]["size"]]
    return sizes + [layout["font"]["size"], layout["legend"]["font"]["size"], layout["hoverlabel"]["font"]["size"]]


def test_a_presenter_link_survives_every_page_switch_and_is_written_back():
    app = start("home", present="1")
    for page in [name for name in PAGES if name != "home"] + ["home"]:
        switch(app, page)  # a sidebar link: the query is emptied
        assert app.query_params.get("present") == "1", page
        assert app.toggle(key="presenter.on:widget").value is True
    app.toggle(key="presenter.on:widget").set_value(False).run()
    assert_fine(app)
    assert "present" not in app.query_params
    switch(app, "decay")
    assert "present" not in app.query_params, "leaving presenter mode sticks across a page switch"


def test_presenter_mode_shows_two_chosen_encoders_with_big_chart_text():
    app = start("wic", present="1", word="bank")
    titles = panel_titles(app)
    assert len(titles) == 2 and titles[0].startswith(" Static (GloVe)") and " BERT" in titles[1], titles
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert min(_font_sizes(figure)) >= 20
    app.multiselect(key=widget("wic", "pair")).set_value(["bilstm", "elmo"]).run()
    assert_fine(app)
    titles = panel_titles(app)
    assert [title.split("·")[0].strip() for title in titles] == ["BiLSTM", "ELMo"]
    assert app.query_params.get("pair") == "bilstm,elmo" and app.query_params.get("present") == "1"
    switch(app, "decay")
    switch(app, "wic")
    assert len(panel_titles(app)) == 2 and app.multiselect(key=widget("wic", "pair")).value == ["bilstm", "elmo"]


def test_normal_mode_shows_every_encoder_with_plain_layer_names():
    app = start("wic", word="bank")
    titles = panel_titles(app)
    assert len(titles) == 4
    assert any("layer 6 of 6" in title for title in titles) and any("mix of all layers" in title for title in titles)
    assert not any("layer-6" in title or "scalar-mix" in title for title in titles), "technical names stay out"
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert min(_font_sizes(figure)) >= NORMAL_CHART_TEXT


def test_style_figure_raises_small_text_and_never_lowers_big_text():
    figure = make_subplots(rows=1, cols=2, subplot_titles=("a", "b"))
    figure.add_trace(go.Heatmap(z=[[1, 2], [3, 4]]), row=1, col=1)
    figure.add_trace(go.Scatter(x=[1, 2], y=[1, 2], mode="lines+markers+text", text=["x", "y"],
                                textfont={"size": 9}), row=1, col=2)
    figure.add_annotation(text="big", font={"size": 40})
    figure.update_layout(font={"size": 11})
    styled = style_figure(figure)  # outside a session: normal mode
    sizes = _font_sizes(json.loads(styled.to_json()))
    assert min(sizes) >= NORMAL_CHART_TEXT and max(sizes) == 40
    assert styled.data[0].colorbar.tickfont.size >= NORMAL_CHART_TEXT
    assert styled.data[1].textfont.size >= NORMAL_CHART_TEXT
    assert figure.layout.font.size == 11, "the figure given is left as it was (a kept one is shared)"


def test_a_kept_figure_is_built_once_per_arguments_and_styled():
    calls = []

    def line(points: int) -> go.Figure:
        calls.append(points)
        return go.Figure(go.Scatter(x=list(range(points)), y=list(range(points))))

    kept = kept_figures(line)
    first, again, other = kept(3), kept(3), kept(4)
    assert first is again and first is not other and calls == [3, 4], "built once per arguments"
    assert first.layout.font.size >= NORMAL_CHART_TEXT, "and styled when built"


def test_kept_figures_follow_presenter_mode_both_ways():
    app = start("wic", word="bank")
    for on, smallest in ((True, 20), (False, NORMAL_CHART_TEXT)):
        app.toggle(key="presenter.on:widget").set_value(on).run()
        assert_fine(app)
        sizes = _font_sizes(json.loads(app.get("plotly_chart")[0].proto.spec))
        assert min(sizes) >= smallest and (on or min(sizes) < 20), "a figure kept for one mode is not shown in the other"
