"""Distance decay across the corpus: mean influence against signed distance, per encoder, with half-lives."""
from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from engine import Encoder
from engine.decay.curves import (
    MAX_OFFSET,
    SAMPLE_SIZE,
    cached_curves,
    curves,
    half_life,
)
from engine.encoders.base import layer_title
from ui.charts import kept_figures, show_chart
from ui.common import ENCODER_COLOURS, ENCODER_TITLES, get_encoder
from ui.decay.figures import corpus_chart
from ui.decay.state import STATE


@st.cache_resource(show_spinner=False)
def model_key(encoder_name: str) -> str:
    return get_encoder(encoder_name)[0].fingerprint()


@st.cache_resource(show_spinner=False)  # read only: shared, not copied on every rerun as cache_data would
def stored_curves(encoder_name: str, key: str) -> pd.DataFrame | None:
    """The cached corpus curves of these weights (``key`` is their fingerprint), or None."""
    return cached_curves(get_encoder(encoder_name)[0])


@st.cache_resource(show_spinner=False)
def layer_curve(encoder_name: str, key: str, layer: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """One layer's pooled curve and its half-lives before, after and on both sides (computed once per weights)."""
    table = stored_curves(encoder_name, key)
    rows = table[(table["layer"] == layer) & (table["direction"] == "both")]
    return rows, {side: format_half_life(half_life(rows, side)) for side in ("left", "right", "both")}


@st.cache_resource(show_spinner=False)
def curves_csv(keys: tuple[tuple[str, str], ...]) -> str:
    """Every curve of these (encoder, weights) pairs as one CSV, built once rather than on every rerun."""
    return pd.concat([stored_curves(name, key) for name, key in keys], ignore_index=True).to_csv(index=False)


def format_half_life(value: float | None) -> str:
    """A half-life in words, "over 30" when influence never halves, "no context" for a static encoder (words, not
    "> 30": a table cell is Markdown, where ">" starts a quotation)."""
    if value is None:
        return "no context"
    return f"over {MAX_OFFSET}" if math.isinf(value) else f"{value:.1f}"


@st.fragment
def corpus_view(encoders: dict[str, Encoder]) -> None:
    """Mean influence against signed distance over the EWT dev sample, one curve per encoder, with half-lives (a
    fragment, like ``sentence_view``)."""
    st.header(f"Across {SAMPLE_SIZE} sentences of real English")
    st.markdown(
        f"Each curve averages, over every word of {SAMPLE_SIZE} sentences of the English Web Treebank (its dev part, "
        "which none of these models was trained on), how much the word *d* places away changes it when occluded, "
        "relative to the context word that changes it most. "
        "A recurrent network carries context along one word at a time and squeezes all it remembers through its "
        "forget and input gates at every step, so a word's trace fades step by step: the BiLSTM and ELMo curves "
        "halve within a few words. Self-attention links every pair of words directly, so nothing forces BERT to "
        "forget: its lower layers learned to favour neighbours, but in its top layers far words keep much of "
        "their weight (slide the depth to compare)."
    )
    tables = _curve_tables(encoders)
    if tables:
        depth, log_scale = _depth_controls(encoders, tables)
        _curves_and_half_lives(encoders, tables, depth, log_scale)


def _curve_tables(encoders: dict[str, Encoder]) -> dict[str, pd.DataFrame]:
    """The corpus curves computed for each encoder's weights; a button computes the missing ones (with progress)."""
    tables = {name: stored_curves(name, model_key(name)) for name in encoders}
    waiting = [name for name, table in tables.items() if table is None]
    if waiting:
        titles = ", ".join(ENCODER_TITLES[name] for name in waiting)
        st.info(f"The corpus curves of {titles} are not computed yet for these weights; it can take minutes on a "
                "small server (the command line does the same: `python -m engine.decay.curves curves`).")
        if st.button(f"Compute the curves of {titles} now"):
            for name in waiting:
                bar = st.progress(0.0, text=f"{ENCODER_TITLES[name]}: 0 / {SAMPLE_SIZE} sentences")
                curves(encoders[name], progress=lambda done, total, bar=bar, title=ENCODER_TITLES[name]: bar.progress(
                    done / total, text=f"{title}: {done} / {total} sentences"))
            for cache in (stored_curves, layer_curve, curves_csv):
                cache.clear()
            st.rerun()
    return {name: table for name, table in tables.items() if table is not None}


def depth_title(depth: float) -> str:
    """A relative depth in words: "input", "1/3 of the way up", "halfway", "top"."""
    if depth in (0, 1):
        return "input" if depth == 0 else "top"
    fraction = Fraction(depth).limit_denominator(12)
    return "halfway" if fraction == Fraction(1, 2) else f"{fraction} of the way up"


def _depth_controls(encoders: dict[str, Encoder], tables: dict[str, pd.DataFrame]) -> tuple[float, bool]:
    """The relative-depth slider (every layer depth of the shown encoders) and the log-scale toggle."""
    depths = sorted({round(d, 2) for name in tables for d in encoders[name].layer_depths() if not math.isnan(d)})
    state = STATE
    state["depth"] = min(depths, key=lambda d: abs(d - state["depth"]))
    st.select_slider(
        "How deep in each network", depths, format_func=depth_title, **state.widget("depth"),
        help="Relative depth: 0 is the input layer, 1 the top layer; each encoder shows its layer nearest to it.",
    )
    st.toggle("Stretch the small values (log scale)", **state.widget("log"),
              help="A logarithmic y axis: shows the long tails far from the word.")
    state.write_url()
    return state["depth"], state["log"]


def _curves_and_half_lives(encoders: dict[str, Encoder], tables: dict[str, pd.DataFrame], depth: float,
                           log_scale: bool) -> None:
    """Each encoder's curve at its layer nearest to ``depth``, a half-life table, and every curve as CSV."""
    shown, lives = [], []
    for name in tables:
        layer_depth = {layer: d for layer, d in zip(encoders[name].layer_names, encoders[name].layer_depths())
                       if not math.isnan(d)}
        nearest = min(layer_depth, key=lambda n: (abs(layer_depth[n] - depth), -layer_depth[n]))
        _, life = layer_curve(name, model_key(name), nearest)
        names = list(encoders[name].layer_names)
        label = f"{ENCODER_TITLES[name]}, {layer_title(names, names.index(nearest))}"
        shown.append((f"{label}: half-life {life['both']}", ENCODER_COLOURS[name], name, nearest))
        lives.append({"encoder, layer": f"{label} ({nearest})", "words before": life["left"],
                      "words after": life["right"], "both sides": life["both"]})
    show_chart(kept_figures(_corpus_figure)(tuple(shown), log_scale))
    st.markdown("**Half-life: how many words away a word's influence halves**")
    st.table(pd.DataFrame(lives), hide_index=True)  # HTML, so its text grows with the page's in presenter mode
    st.caption(
        "Half-life: the distance, in words, at which the mean influence falls to half its value at distance 1 "
        f"(interpolated between whole distances; “over {MAX_OFFSET}” if it never does). Words before: the context word "
        "comes before; after: it comes after; both sides pooled. Shaded bands: 95% bootstrap intervals over sentences."
    )
    st.download_button("Download the curves (CSV)", curves_csv(tuple((name, model_key(name)) for name in tables)),
                       "distance_decay_curves.csv",
                       "text/csv", help="Every encoder, every layer, both halves: mean, 95% band and pairs per offset.")


def _corpus_figure(lines: tuple[tuple[str, str, str, str], ...], log_scale: bool) -> go.Figure:
    """The chart of (legend label, colour, encoder, layer) curves: kept under these few strings, not the curves' tables
    (hashing those took longer than drawing)."""
    return corpus_chart([(label, colour, layer_curve(name, model_key(name), layer)[0])
                         for label, colour, name, layer in lines], log_scale)
