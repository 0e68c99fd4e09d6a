"""Distance decay: how strongly each word shapes another word's vector, and how that falls with distance.

URL state: ``sentence``, ``word`` (its number, 1-based, or the word itself), ``encoder``, ``layer``, ``direction``,
``method`` and the corpus chart's ``depth``.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from engine import ENCODER_NAMES, Encoder, InputTooLong
from engine.decay import MAX_OFFSET, SAMPLE_SIZE, cached_curves, curves, fingerprint, half_life, layer_depths
from engine.tokenize import tokenize
from engine.word_influence import (
    DIRECTIONS,
    METHODS,
    combine,
    directions,
    layer_index,
    normalise_rows,
    squared_influence,
)
from ui.common import (
    ENCODER_COLOURS,
    ENCODER_TITLES,
    available_encoders,
    escape_markdown,
    get_encoder,
    page_setup,
)
from ui.decay_figures import corpus_chart, influence_heatmap, row_bars
from ui.page_state import Field, PageState

PRESETS = [  # (button, sentence, the word shown first)
    ("Agreement across a phrase", "The keys to the old wooden cabinet in the hallway were lost.", "were"),
    ("A pronoun", "The trophy did not fit in the brown suitcase because it was too big.", "it"),
    ("A long sentence", "After the meeting that ran well past midnight, the engineers who had argued all evening "
                        "finally went home.", "went"),
]
MAX_WORDS = 100
MAX_CHARS = 2000
# Exact Jacobians cost n² x input width (50 GloVe, 128 char-CNN, 384 BERT dims): the longest sentence the page
# computes them for, about 2-3 s of one core each (BERT needs ~9 s for 8 words, so the page never does it).
GRADIENT_MAX_WORDS = {"static": MAX_WORDS, "bilstm": 20, "elmo": 12, "bert": 0}
NEUTRAL_INPUT = {
    "static": "its GloVe vector set to zeros (the unknown-word vector)",
    "bilstm": "its GloVe vector set to zeros (what the BiLSTM sees for any unknown word)",
    "elmo": "the character-CNN vector of an empty word (no characters)",
    "bert": "every one of its WordPieces replaced by [MASK] (positions unchanged)",
}

STATE = PageState("decay", {
    "sentence": Field(PRESETS[0][1], parse=lambda text: text[:MAX_CHARS]),
    "word": Field(PRESETS[0][2]),  # its number (1-based) or the word itself
    "encoder": Field("bilstm"), "layer": Field(""),
    "direction": Field("both", dump=lambda direction: None if direction == "both" else direction),
    "method": Field("occlusion"),
    "depth": Field(1.0, parse=float, dump=lambda depth: f"{depth:g}"),
    "log": Field(False, parse=lambda text: text == "1", dump=lambda log: "1" if log else None),
    "row": Field(0, url=False),  # the word's index, as the word selectbox shows it
})


def use_preset(sentence: str, word: str) -> None:
    STATE["sentence"], STATE["word"] = sentence, word


def choose_row() -> None:
    """The word selectbox's callback: the URL names the word by its number."""
    STATE["word"] = str(STATE["row"] + 1)


@st.cache_data(show_spinner=False, max_entries=128)
def squared_for(encoder_name: str, words: tuple[str, ...], method: str) -> np.ndarray:
    """Squared influence for every layer and half, so switching layer or direction costs nothing."""
    return squared_influence(get_encoder(encoder_name)[0], list(words), method)


@st.cache_resource(show_spinner=False)
def model_key(encoder_name: str) -> str:
    return fingerprint(get_encoder(encoder_name)[0])


@st.cache_data(show_spinner=False)
def stored_curves(encoder_name: str, key: str) -> pd.DataFrame | None:
    """The cached corpus curves of these weights (``key`` is their fingerprint), or None."""
    return cached_curves(get_encoder(encoder_name)[0])


def chosen_word(words: list[str], wanted: str) -> int:
    """The word asked for by the URL or a preset, as its number (1-based) or its text; else the middle word."""
    if wanted.isdigit() and 1 <= int(wanted) <= len(words):
        return int(wanted) - 1
    lowered = [word.casefold() for word in words]
    return lowered.index(wanted.casefold()) if wanted.casefold() in lowered else len(words) // 2


def measure_text(method: str, encoder_name: str) -> str:
    if method == "gradient":
        return ("the size (Frobenius norm) of the Jacobian ∂h/∂x: how strongly this word's vector reacts to a tiny "
                "change of that word's input vector, computed exactly by automatic differentiation")
    return ("how far this word's vector moves when that word is replaced by a neutral input: "
            + NEUTRAL_INPUT[encoder_name])


def sentence_view(encoders: dict[str, Encoder]) -> None:
    """One sentence: controls, the n x n heatmap and the chosen word's row over signed offset."""
    st.header("One sentence")
    state = STATE
    for column, (label, sentence, word) in zip(st.columns(len(PRESETS)), PRESETS):
        column.button(label, on_click=use_preset, args=(sentence, word), width="stretch", help=sentence)
    st.text_area(f"Sentence (type your own, up to {MAX_WORDS} words)", max_chars=MAX_CHARS, height=80,
                 **state.widget("sentence"))

    names = list(encoders)
    name = state.keep_in("encoder", names, fallback="bilstm")
    encoder = encoders[name]
    layers = list(encoder.layer_names)
    layer = state.keep_in("layer", layers, fallback=layers[layer_index(encoder)])
    recurrent = len(directions(encoder)) > 1
    direction = state.keep_in("direction", DIRECTIONS if recurrent else ["both"])
    method = state.keep_in("method", METHODS)
    left, middle, right, far = st.columns([3, 2, 3, 3])
    left.radio("Encoder", names, format_func=ENCODER_TITLES.get, horizontal=True, **state.widget("encoder"))
    middle.selectbox("Layer", layers, help="The default is the network's top layer.", **state.widget("layer"))
    right.radio(
        "Direction", DIRECTIONS, horizontal=True, disabled=not recurrent, **state.widget("direction"),
        help="The forward half of a recurrent vector reads left to right, the backward half right to left "
             "(BiLSTM and ELMo only).",
    )
    far.radio("Measure", METHODS, horizontal=True, **state.widget("method"),
              help="Occlusion: replace word j and see how far word i's vector moves. "
                   "Gradient: the exact norm of the Jacobian ∂h_i/∂x_j.")

    text = state["sentence"]
    state.write_url()
    words = tokenize(text)
    if not words:
        st.warning("Type a sentence to see how its words shape each other.")
        return
    if len(words) > MAX_WORDS:
        st.warning(f"This text has {len(words)} words; this view reads at most {MAX_WORDS}. Shorten it.")
        return
    if method == "gradient" and name == "bert":
        st.info("Exact gradients for BERT need 384 Jacobian-vector products per word through the whole network "
                "(tens of seconds even for a short sentence on this server), so this page shows occlusion for "
                "BERT; `engine.influence(..., method=\"gradient\")` computes them offline.")
        method = "occlusion"
    elif method == "gradient" and len(words) > GRADIENT_MAX_WORDS[name]:
        st.info(f"Exact gradients cost grows with the square of the length: for more than {GRADIENT_MAX_WORDS[name]} "
                f"words this page shows occlusion for {ENCODER_TITLES[name]}.")
        method = "occlusion"
    try:
        waiting = " (exact gradients take a few seconds)" if method == "gradient" else ""
        with st.spinner(f"Measuring {len(words) ** 2:,} word pairs with {ENCODER_TITLES[name]}{waiting}…"):
            squared = squared_for(name, tuple(words), method)
    except InputTooLong as error:
        st.warning(f"{ENCODER_TITLES[name]}: {error}")
        return
    matrix = normalise_rows(combine(squared[layers.index(layer)], direction))

    wanted = state["word"]
    word = chosen_word(words, wanted)
    state["row"] = word
    st.selectbox("Word whose vector we look at (row i)", range(len(words)),
                 format_func=lambda i: f"{i + 1} · {words[i]}", **state.widget("row", on_change=choose_row))
    if wanted and not wanted.isdigit() and wanted.casefold() != words[word].casefold():
        st.info(f"“{escape_markdown(wanted[:40])}” is not a word of this sentence: showing word {word + 1}, "
                f"“{escape_markdown(words[word])}”.")
    state["word"] = str(word + 1)
    state.write_url()
    heat, bars = st.columns([3, 2])
    heat.plotly_chart(influence_heatmap(matrix, words, word), width="stretch")
    bars.plotly_chart(row_bars(matrix[word], words, word), width="stretch")
    bars.markdown(
        f"**“{escape_markdown(words[word])}”** (word {word + 1}): each bar is {measure_text(method, name)}. "
        "Every row of the heatmap is divided by its largest value from another word, so 1 marks the context word "
        "that shapes it most. The word itself (the grey diagonal) is left out: its own input always matters most."
    )
    if direction != "both":
        bars.caption(f"Only the {direction} half of each vector: it is computed from the words on one side only, "
                     "so every word on the other side reads exactly 0.")
    if name == "static":
        bars.caption("A static embedding has no context: only the word itself counts.")


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
    tables = {name: stored_curves(name, model_key(name)) for name in encoders}
    waiting = [name for name, table in tables.items() if table is None]
    if waiting:
        titles = ", ".join(ENCODER_TITLES[name] for name in waiting)
        st.info(f"The corpus curves of {titles} are not computed yet for these weights; it can take minutes on a "
                "small server (the command line does the same: `python -m engine.decay curves`).")
        if st.button(f"Compute the curves of {titles} now"):
            for name in waiting:
                bar = st.progress(0.0, text=f"{ENCODER_TITLES[name]}: 0 / {SAMPLE_SIZE} sentences")
                curves(encoders[name], progress=lambda done, total, bar=bar, title=ENCODER_TITLES[name]: bar.progress(
                    done / total, text=f"{title}: {done} / {total} sentences"))
            stored_curves.clear()
            st.rerun()
    tables = {name: table for name, table in tables.items() if table is not None}
    if not tables:
        return

    depths = sorted({round(d, 2) for name in tables for d in layer_depths(encoders[name]) if not math.isnan(d)})
    state = STATE
    state["depth"] = min(depths, key=lambda d: abs(d - state["depth"]))
    controls, scale = st.columns([4, 1])
    controls.select_slider(
        "Layer depth (0 = input layer, 1 = top layer; each encoder shows its layer nearest to it)", depths,
        format_func=lambda d: {0: "0 · input", 1: "1 · top"}.get(d, f"{d:.2f}"), **state.widget("depth"),
    )
    scale.toggle("Log scale", help="Shows the long tails far from the word.", **state.widget("log"))
    depth, log_scale = state["depth"], state["log"]
    state.write_url()

    shown, lives = [], []
    for name, table in tables.items():
        layer_depth = {layer: d for layer, d in zip(encoders[name].layer_names, layer_depths(encoders[name]))
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


page_setup("Distance decay", "📉")
st.title("Distance decay")
st.markdown(
    "How much does each word shape the vector of every other word, and does that fade with distance? "
    "The course notes say that in a BiLSTM *the more distance between two words, the less effect on each other*. "
    "This page measures it, on one sentence and then on hundreds of real ones, and compares ELMo and BERT."
)
available = available_encoders()
for missing in (name for name in ENCODER_NAMES if name not in available):
    st.caption(f"{ENCODER_TITLES[missing]} is not shown: {escape_markdown(get_encoder(missing)[1] or 'unavailable')}")
if not available:
    st.error("No encoder could be loaded; the sidebar says why.")
    st.stop()
STATE.restore()
sentence_view(available)
corpus_view(available)
