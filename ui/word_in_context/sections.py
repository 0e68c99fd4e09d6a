"""The parts of the Word-in-context page below its inputs: the maps and their download, the nearest neighbours, and
the measurements across layers.

Each ``render_*`` function draws one section from a ``ContextView``, the page's already validated state.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from engine import ENCODER_NAMES, InputTooLong
from engine.encoders.base import layer_title, relative_depths
from engine.word_in_context.measures import nearest_neighbours
from engine.word_in_context.occurrences import Contexts, FoundOccurrences, word_spans
from engine.word_in_context.presets import Preset
from ui.chart_slot import first_chart_drawn, show_after_first_chart
from ui.charts import kept_figures, show_chart
from ui.common import ENCODER_TITLES, escape_markdown
from ui.expanders import lazy_expander
from ui.presenter import big_caption, presenting
from ui.word_in_context.data import (
    cached_measures,
    cached_targets,
    fill_in,
    first_maps,
    map_panel,
    panel_map,
)
from ui.word_in_context.figures import (
    UNLABELLED,
    Panel,
    Points,
    hover_html,
    measures_figure,
    projection_figure,
)
from ui.word_in_context.state import PAIR, STATE, nearest_depth, save_to_url

DEFAULT_DEPTHS = (0.0, 0.167, 0.333, 0.5, 0.667, 0.833, 1.0)  # every layer of the default encoders (1, 3, 4, 7)
POLL_SECONDS = 0.5
KEEP_MAX_POINTS = 120  # larger maps are rebuilt on every rerun rather than kept (about 1 MB per 120 points)


@dataclass
class ContextView:
    """Everything the sections need: the occurrences, the encoders by state, the chosen layer depth and 2-D/3-D."""

    found: FoundOccurrences
    contexts: Contexts
    sources: list[str]  # per input line
    ready: dict[str, list[str]]  # encoders that can be drawn (model loaded, or the preset precomputed): layer names
    loading: list[str]
    unavailable: dict[str, str]  # encoder -> reason
    depth: float
    dims: int
    waiting: bool = False  # some panel shows PCA until its UMAP map is ready (set by ``render_maps``)
    progress: object = None  # below the maps: progress while new sentences are encoded and mapped (``render_maps``)
    labels: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.labels = [label or UNLABELLED for label in self.contexts.labels]

    def layer_at(self, name: str) -> int:
        """The encoder's layer nearest to the chosen relative depth (0 = input layer, 1 = top layer)."""
        return int(np.floor(self.depth * (len(self.ready[name]) - 1) + 0.5))


def depth_options(ready: dict[str, list[str]]) -> list[float]:
    """Relative depths the layer slider offers: every layer of every drawable encoder, and the default grid."""
    layer_depths = {round(depth, 3) for names in ready.values() for depth in relative_depths(len(names))}
    return sorted(set(DEFAULT_DEPTHS) | layer_depths)


# Plain digits: the slider's font has no ⅙ or ⅚, which Chromium drew as "% up".
DEPTH_NAMES = {0.0: "input", 0.167: "1/6 up", 0.333: "1/3 up", 0.5: "halfway", 0.667: "2/3 up", 0.833: "5/6 up",
               1.0: "top"}


def depth_name(depth: float) -> str:
    """The layer slider's plain words for a relative depth ("input", "1/3 up", "top")."""
    return DEPTH_NAMES.get(round(depth, 3), f"{depth:.0%} up")


VIEW_DRAWN = "wic.view_drawn"  # session state: whether the page's last full run drew the view


def forget_view() -> None:
    """Called at the top of every full run of the page: no view is drawn until ``show_view`` is called.

    The view's fragment can be asked to rerun (its chart's first paint, the poll below, a widget) just as a full run
    starts that stops before the view (a word not found): that rerun would write into the top row's boxes, which
    that full run left to others, and Streamlit raises an error on the page. ``render_view`` ignores such a rerun.
    """
    st.session_state[VIEW_DRAWN] = False


def show_view(*args: Any) -> None:
    """``render_view(*args)`` in this full run (a rerun of its fragment then redraws it with these arguments)."""
    st.session_state[VIEW_DRAWN] = True
    render_view(*args)


@st.fragment
def render_view(found: FoundOccurrences, contexts: Contexts, sources: list[str], ready: dict[str, list[str]],
                loading: list[str], unavailable: dict[str, str], controls: tuple[Any, Any],
                presets: dict[str, Preset]) -> None:
    """Every section below the inputs; called through ``show_view``.

    A fragment holding another: the layer slider, the 3-D switch, a click on a point and the neighbours' choices
    rerun only ``render_layer_view`` (what the layer changes), so the measures across layers below it are not sent
    again: sent again unchanged, the browser still rendered them, a third of a layer change. This one reruns when
    the measures' chart is first drawn or their numbers are opened.
    """
    if not st.session_state.get(VIEW_DRAWN):
        return  # a rerun of a view the last full run did not draw (see ``forget_view``): nothing to redraw
    view = render_layer_view(found, contexts, sources, ready, loading, unavailable, controls, presets)
    render_measures(view)
    render_refresh(view)


@st.fragment
def render_layer_view(found: FoundOccurrences, contexts: Contexts, sources: list[str], ready: dict[str, list[str]],
                      loading: list[str], unavailable: dict[str, str], controls: tuple[Any, Any],
                      presets: dict[str, Preset]) -> ContextView | None:
    """The layer slider and 3-D switch (drawn in ``controls``, two boxes of the page's top row), the maps with their
    download, and the nearest neighbours: everything the chosen layer changes. Returns the view it drew, for the
    sections after it."""
    if not st.session_state.get(VIEW_DRAWN):
        return None  # as in ``render_view``
    depth_box, dims_box = controls
    depths = depth_options(ready)
    depth = nearest_depth(depths)
    depth_box.select_slider("Layer (how far up)", depths, **STATE.widget("layer"),
                            format_func=depth_name,
                            help="Relative depth: 0 is the input layer, 1 the top layer. Each encoder shows its layer "
                                 "nearest this depth; the maps name it.")
    dims_box.toggle("3-D", **STATE.widget("dims"))
    save_to_url(presets)
    view = ContextView(found, contexts, sources, ready, loading, unavailable, depth, 3 if STATE["dims"] else 2)
    render_maps(view)
    if first_chart_drawn():  # sent with the measures' chart, once the maps are on the screen
        render_download(view)
        render_neighbours(view)
    return view


def render_maps(view: ContextView) -> None:
    """The small multiples (one chart, a panel per encoder), their caption and notes; a clicked point is named in
    large type and chosen for the neighbours below.

    In presenter mode two chosen encoders sit side by side, so each map is big enough for a room.
    """
    panels, waiting = [], False
    shown = _shown_encoders()
    # Sentences no one has computed yet (Find contexts, typed): each shown encoder's layer first, with progress;
    # ``render_refresh`` fills in the other layers and the measures once the page is drawn.
    view.progress = st.empty()
    first_maps(_drawable(view, shown), view.contexts, view.dims, _progress_bar(view))
    for name in shown:
        panel, panel_waiting = _panel(view, name)
        panels.append(panel)
        waiting |= panel_waiting
    found = view.found
    points = Points(view.labels, _hovers(view), [o.form.casefold() for o in found.occurrences],
                    legend_order=[label for label in view.labels if label != UNLABELLED] + [UNLABELLED])
    build = kept_figures(projection_figure) if len(points.labels) <= KEEP_MAX_POINTS else projection_figure
    event = show_chart(
        build(panels, points, view.dims, panel_height=460 if presenting() else 330),
        key="wic_chart",
        on_select="rerun", selection_mode="points", config={"displaylogo": False, "toImageButtonOptions": {
            "format": "png", "filename": f"word-in-context-{found.target.casefold()}", "scale": 2}},
    )
    _keep_click(event, [panel.encoder for panel in panels])
    if STATE["last_click"] is not None:
        focus = STATE.keep_in("focus", range(len(found.occurrences)))
        big_caption(f"#{focus + 1} · {view.labels[focus]} · {_plain_sentence(found, focus)}")
    sentences = len({o.sentence for o in found.occurrences})
    st.caption(
        f"{len(found.occurrences)} occurrences of “{escape_markdown(found.target)}” in {sentences} sentences "
        "(every occurrence is a point). Hover a point to read its sentence; click one to name it in large type and "
        "list its nearest neighbours below; click a sense in the legend to hide it. The axes have no units: only "
        "closeness matters. *Senses told apart* under a panel's title is how often an occurrence lies nearest the "
        "average of its own sense (leave-one-out nearest-centroid accuracy; measurements below). "
        "**Static (GloVe)** has one vector per word form, so context cannot move its points: however many sentences, "
        "they pile up on one point per form."
    )
    view.waiting = waiting
    if view.loading:
        st.caption(f"Loading {', '.join(ENCODER_TITLES[name] for name in view.loading)}: the first visit after the "
                   "server started loads the models (a few seconds); the panels fill in by themselves.")
    if waiting:
        st.caption("Some panels show PCA for now: their UMAP maps are being computed (under a second each for a few "
                   "dozen points, a few seconds for 300) and replace them by themselves.")
    for name, reason in view.unavailable.items():
        st.warning(f"**{ENCODER_TITLES[name]}** is not shown: {escape_markdown(reason)}")
    _skipped_notice(found)


def _drawable(view: ContextView, names: list[str]) -> dict[str, int]:
    """Encoder -> the layer shown, for those of ``names`` that can be drawn."""
    return {name: view.layer_at(name) for name in names if name in view.ready and name not in view.unavailable}


def _progress_bar(view: ContextView):
    return lambda share, text: view.progress.progress(min(max(share, 0.0), 1.0), text=text)


def _shown_encoders() -> list[str]:
    """Every encoder; in presenter mode the two chosen in "Side by side" (a choice kept in the page's state)."""
    if not presenting():
        return list(ENCODER_NAMES)
    st.multiselect("Side by side", ENCODER_NAMES, max_selections=2, format_func=ENCODER_TITLES.get,
                   **STATE.widget("pair"), help="Presenter mode shows two encoders at a time, big enough for a room.")
    return [name for name in ENCODER_NAMES if name in STATE["pair"]] or list(PAIR)


def _keep_click(event: dict, encoders: list[str]) -> None:
    """A clicked point becomes the neighbours' occurrence and encoder (once: the selection stays in the chart)."""
    clicked = [point["customdata"] for point in (event.selection.points if event else []) if point.get("customdata")]
    if not clicked:
        STATE["last_click"] = None  # deselected, or a new figure (its selection starts empty)
    elif tuple(clicked[0]) != STATE["last_click"] and clicked[0][1] in encoders:
        STATE["last_click"] = tuple(clicked[0])
        STATE["focus"], STATE["encoder"] = int(clicked[0][0]), str(clicked[0][1])


def _plain_sentence(found: FoundOccurrences, index: int, limit: int = 140) -> str:
    """The occurrence's sentence as plain text, cut to ``limit`` characters."""
    text = found.lines[found.occurrences[index].sentence].text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _panel(view: ContextView, name: str) -> tuple[Panel, bool]:
    """One encoder's panel and whether it waits for a UMAP map."""
    if name in view.loading:
        return Panel(name, method="loading the model…", annotation="first visit since the server started"), False
    if name not in view.ready:
        return Panel(name, method="not available", annotation="see the note below the chart"), False
    layer = view.layer_at(name)
    try:
        mapped = panel_map(name, layer, view.contexts, view.dims)
    except InputTooLong as error:
        view.unavailable[name] = str(error)
        return Panel(name, method="not available", annotation="a sentence is too long:\nsee the note below"), False
    return map_panel(name, view.ready[name], layer, view.contexts, len(view.found.forms_seen), mapped), mapped.waiting


def _hovers(view: ContextView) -> list[str]:
    """Each point's hover: its sentence with this occurrence in bold, its label and its source."""
    hovers = []
    for occurrence in view.found.occurrences:
        line = view.found.lines[occurrence.sentence]
        text, spans = word_spans(line.text, view.found.words[occurrence.sentence])
        start, end = spans[occurrence.position]
        hovers.append(hover_html(text, start, end, line.label, view.sources[occurrence.sentence]))
    return hovers


def render_refresh(view: ContextView) -> None:
    """Poll in a fragment; rerun the page when a model has loaded or every waiting UMAP map is ready.

    Called last on the page: a fragment that reruns before the browser has every widget of the full run would send
    their defaults back (a reset layer slider), so nothing may follow it. Before it, the other layers' maps and the
    measures of sentences computed live are filled in, the progress shown below the maps.
    """
    if view.progress is not None:
        fill_in(_drawable(view, list(view.ready)), view.contexts, view.dims, _progress_bar(view))
        view.progress.empty()
    if not (view.loading or view.waiting):
        return
    loading = tuple(view.loading)

    @st.fragment(run_every=POLL_SECONDS)
    def poll() -> None:
        from ui.warmup import encoder_status

        if any(encoder_status(name)[0] != "loading" for name in loading):
            st.rerun()
        shown = [name for name in view.ready if name not in view.unavailable]
        if view.waiting and not any(
                panel_map(name, view.layer_at(name), view.contexts, view.dims).waiting
                for name in shown):
            st.rerun()

    poll()


def _skipped_notice(found: FoundOccurrences) -> None:
    skipped = [(n, "no occurrence") for n in found.missing] + [(n, "too long") for n in found.too_long]
    if not skipped:
        return
    forms = " or its inflections" if len(found.forms) > 1 else ""
    st.info(f"{len(skipped)} of {len(found.lines)} sentences were skipped (listed below): {len(found.missing)} without "
            f"“{escape_markdown(found.target)}”{forms}"
            f"{f', {len(found.too_long)} over 150 words' if found.too_long else ''}.")
    with st.expander("Skipped sentences"):
        st.markdown("\n".join(f"{n + 1}. ({why}) {escape_markdown(found.lines[n].text)}" for n, why in skipped))


def render_measures(view: ContextView) -> None:
    """Line charts across layers, one line per encoder: sense separation and context-specificity."""
    st.header("Which layer separates the senses?", help="Left: leave-one-out nearest-sense-centroid accuracy. "
              "Right: self-similarity minus anisotropy (Ethayarajh 2019).")
    series, baseline = {}, None
    for name in view.ready:
        if name in view.unavailable:
            continue
        measures = cached_measures(name, view.contexts.key, view.contexts)
        series[name] = [{"depth": m.depth, "layer": m.layer, "accuracy": m.centroid and m.centroid.accuracy,
                         "adjusted": m.adjusted_self_similarity} for m in measures]
        baseline = next((m.centroid.baseline for m in measures if m.centroid), baseline)
    show_after_first_chart(kept_figures(measures_figure)(series, baseline), key="wic_measures",
                           config={"displaylogo": False})
    if not first_chart_drawn():
        return  # the rest comes with the chart
    if baseline is None:
        st.info("Sense separation needs at least two senses with two labelled occurrences each "
                "(`label | sentence`, one per line).")
    st.markdown(
        "**Left:** each labelled occurrence is given the sense whose average vector (computed without it) is closest "
        "by cosine; the line is the share it gets right, the dashed line what always guessing the most common sense "
        "gets. **Right:** self-similarity (Ethayarajh 2019) is the mean cosine between the word's occurrences, minus "
        "the layer's anisotropy (the mean cosine between other words of these sentences, up to 400 of them), so 0 "
        "means the occurrences are no more alike than unrelated words. GloVe's occurrences are identical up to the "
        "word form, which is all that keeps its line from 1 − anisotropy. The layer chosen with the slider is the "
        "one in the maps above, its share told apart in their titles."
    )
    numbers = lazy_expander("The numbers", key="wic.numbers_open")
    if numbers is None:
        return
    table = [{"encoder": ENCODER_TITLES[name], "layer": row["layer"], "relative depth": round(row["depth"], 2),
              "senses told apart": row["accuracy"], "likeness beyond unrelated words": row["adjusted"]}
             for name, rows in series.items() for row in rows]
    numbers.dataframe(pd.DataFrame(table), hide_index=True, width="stretch", column_config={
        "senses told apart": st.column_config.NumberColumn(
            format="percent", help="Leave-one-out nearest-sense-centroid accuracy"),
        "likeness beyond unrelated words": st.column_config.NumberColumn(
            format="%.3f", help="Self-similarity minus anisotropy (Ethayarajh 2019)"),
    })
    if baseline is not None:
        numbers.caption(f"Majority baseline: {baseline:.1%} of the labelled occurrences share the most common sense.")


def render_neighbours(view: ContextView) -> None:
    """The k nearest occurrences of one occurrence (chosen in a list or by clicking a point), by cosine."""
    st.header("Nearest neighbours")
    state, found, labels = STATE, view.found, view.labels
    options = [name for name in ENCODER_NAMES if name not in view.unavailable]  # stable while models load
    if not options:
        return
    name = state.keep_in("encoder", options, fallback="bert")
    focus = state.keep_in("focus", range(len(found.occurrences)))
    k = state.keep_in("k", range(1, 21))
    pick_encoder, pick_point, pick_k = st.columns([1, 4, 1])
    pick_encoder.selectbox("Encoder", options, format_func=ENCODER_TITLES.get, **state.widget("encoder"))

    names = [f"#{index + 1} · {labels[index]} · {text[:90]}{'…' if len(text) > 90 else ''}"
             for index, text in enumerate(found.lines[o.sentence].text for o in found.occurrences)]
    pick_point.selectbox("Occurrence (or click a point above)", range(len(found.occurrences)),
                         format_func=names.__getitem__, **state.widget("focus", labels=names))
    pick_k.number_input("How many", 1, 20, **state.widget("k"))
    if name not in view.ready:
        st.caption(f"{ENCODER_TITLES[name]} is still loading; its neighbours appear when it is ready.")
        return
    layer = view.layer_at(name)
    vectors = cached_targets(name, view.contexts.key, view.contexts)[layer]
    st.caption(f"Closest occurrences to #{focus + 1} by cosine in the full {vectors.shape[1]}-dimensional space of "
               f"{ENCODER_TITLES[name]}, {layer_title(view.ready[name], layer)} (not on the 2-D map).")
    rows = [f"**#{focus + 1}** *{escape_markdown(labels[focus])}* — {_highlighted(found, focus)}", ""]
    for j, similarity in nearest_neighbours(vectors, focus, int(k)):
        verdict = "" if UNLABELLED in (labels[j], labels[focus]) else \
            "✓ same sense · " if labels[j] == labels[focus] else "✗ other sense · "
        rows.append(f"1. cosine **{similarity:.3f}** {verdict}*{escape_markdown(labels[j])}* — "
                    f"{_highlighted(found, j)}")
    st.markdown("\n".join(rows))


def _highlighted(found: FoundOccurrences, index: int) -> str:
    """The occurrence's sentence as escaped Markdown with the occurrence in bold."""
    occurrence = found.occurrences[index]
    text, spans = word_spans(found.lines[occurrence.sentence].text, found.words[occurrence.sentence])
    start, end = spans[occurrence.position]
    return f"{escape_markdown(text[:start])}**{escape_markdown(text[start:end])}**{escape_markdown(text[end:])}"


def render_download(view: ContextView) -> None:
    """CSV of the drawn points, under the maps; the PNG comes from the chart's own camera button, the link from the
    address bar."""
    records = []
    for name in view.ready:
        if name in view.unavailable:
            continue
        layer = view.layer_at(name)
        projection = panel_map(name, layer, view.contexts, view.dims).projection
        for i, occurrence in enumerate(view.found.occurrences):
            record = {"sentence_no": occurrence.sentence + 1, "word": occurrence.form,
                      "label": view.found.label_of(occurrence), "source": view.sources[occurrence.sentence],
                      "sentence": view.found.lines[occurrence.sentence].text, "encoder": name,
                      "layer": view.ready[name][layer], "method": projection.method}
            record.update({axis: float(value) for axis, value in zip("xyz", projection.coords[i])})
            records.append(record)
    # deferred: the table is written when the button is clicked, not on every rerun
    st.download_button("Download the points (CSV)", lambda: pd.DataFrame(records).to_csv(index=False).encode(),
                       file_name=f"word-in-context-{view.found.target.casefold()}.csv", mime="text/csv")
    st.caption("The chart's camera icon saves it as a PNG (twice screen resolution, for slides). This page's address "
               "holds the whole view (word, sentences, layer, encoder): copy it to share the view.")
