"""Distance decay across the corpus: mean influence against signed distance, per encoder, with half-lives."""
from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from engine import Encoder
from engine.decay.curves import MAX_OFFSET, SAMPLE_SIZE, cached_curves, curves, half_life
from ui.common import ENCODER_COLOURS, ENCODER_TITLES, get_encoder
from ui.decay.figures import corpus_chart
from ui.decay.state import STATE


@st.cache_resource(show_spinner=False)
def model_key(encoder_name: str) -> str:
    return get_encoder(encoder_name)[0].fingerprint()


@st.cache_data(show_spinner=False)
def stored_curves(encoder_name: str, key: str) -> pd.DataFrame | None:
    """The cached corpus curves of these weights (``key`` is their fingerprint), or None."""
    return cached_curves(get_encoder(encoder_name)[0])


def format_half_life(value: float | None) -> str:
    if value is None:
        return "no context"
    return f"> {MAX_OFFSET}" if math.isinf(value) else f"{value:.1f}"


def corpus_view(encoders: dict[str, Encoder]) -> None:
    """Mean influence against signed distance over the EWT dev sample, one curve per encoder, with half-lives."""
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
            stored_curves.clear()
            st.rerun()
    return {name: table for name, table in tables.items() if table is not None}


def _depth_controls(encoders: dict[str, Encoder], tables: dict[str, pd.DataFrame]) -> tuple[float, bool]:
    """The relative-depth slider (every layer depth of the shown encoders) and the log-scale toggle."""
    depths = sorted({round(d, 2) for name in tables for d in encoders[name].layer_depths() if not math.isnan(d)})
    state = STATE
    state["depth"] = min(depths, key=lambda d: abs(d - state["depth"]))
    controls, scale = st.columns([4, 1])
    controls.select_slider(
        "Layer depth (0 = input layer, 1 = top layer; each encoder shows its layer nearest to it)", depths,
        format_func=lambda d: {0: "0 · input", 1: "1 · top"}.get(d, f"{d:.2f}"), **state.widget("depth"),
    )
    scale.toggle("Log scale", help="Shows the long tails far from the word.", **state.widget("log"))
    state.write_url()
    return state["depth"], state["log"]


def _curves_and_half_lives(encoders: dict[str, Encoder], tables: dict[str, pd.DataFrame], depth: float,
                           log_scale: bool) -> None:
    """Each encoder's curve at its layer nearest to ``depth``, a half-life table, and every curve as CSV."""
    shown, lives = [], []
    for name, table in tables.items():
        layer_depth = {layer: d for layer, d in zip(encoders[name].layer_names, encoders[name].layer_depths())
                       if not math.isnan(d)}
        nearest = min(layer_depth, key=lambda n: (abs(layer_depth[n] - depth), -layer_depth[n]))
        rows = table[(table["layer"] == nearest) & (table["direction"] == "both")]
        life = {side: format_half_life(half_life(rows, side)) for side in ("left", "right", "both")}
        label = f"{ENCODER_TITLES[name]} · {nearest}"
        shown.append((f"{label}: half-life {life['both']}", ENCODER_COLOURS[name], rows))
        lives.append({"encoder · layer": label, **{f"half-life {side}": value for side, value in life.items()}})
    st.plotly_chart(corpus_chart(shown, log_scale), width="stretch")
    table_column, notes = st.columns([3, 2])
    table_column.dataframe(pd.DataFrame(lives), hide_index=True, width="stretch")
    notes.caption(
        "Half-life: the distance, in words, at which the mean influence falls to half its value at distance 1 "
        f"(interpolated between whole distances; “> {MAX_OFFSET}” if it never does). Left: the context word comes "
        "before; right: after; both: the two sides pooled. Shaded bands: 95% bootstrap intervals over sentences."
    )
    everything = pd.concat(tables.values(), ignore_index=True)
    notes.download_button("Download all curves, every layer (CSV)", everything.to_csv(index=False),
                          "distance_decay_curves.csv", "text/csv")
