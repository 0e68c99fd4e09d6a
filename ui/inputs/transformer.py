"""The Inputs page's sentence sections: positions (fixed sinusoids against BERT's learned table), BERT's input sum,
the word-order experiment, and sequential against parallel encoding time."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from engine import Encoder
from engine.encoders.base import layer_title
from engine.inputs.positions import sinusoidal_positions
from engine.inputs.timing import LENGTHS, time_encoding
from engine.tokenize import tokenize
from ui.charts import show_chart
from ui.common import ENCODER_TITLES, available_encoders, escape_markdown
from ui.inputs.data import learned_curve, order_changes, sinusoid_curve
from ui.inputs.figures import (
    by_offset,
    input_sum,
    order_change,
    position_heatmap,
    timing_chart,
)
from ui.inputs.state import STATE

SHOWN_POSITIONS = 64
MAX_OFFSET = 40


def _learned_positions_model():
    """The loaded encoder that adds learned position embeddings to its input (BERT), if any."""
    return next((e for e in available_encoders().values() if e.position_embeddings_optional), None)


def positions() -> None:
    """The sinusoidal encoding with its formula, then the position table BERT learned (one under the other: side by
    side, a 1024 px screen left each map a sliver), then how alike two positions are against their distance, for
    both tables in one chart."""
    bert = _learned_positions_model()
    dim = bert.dim if bert else 384
    st.markdown("**Fixed sinusoids** (Vaswani et al. 2017), the notes' positional embedding:")
    st.latex(r"\begin{aligned} PE_{p,\,2i} &= \sin\!\left(\frac{p}{10000^{2i/d}}\right) \\ "
             r"PE_{p,\,2i+1} &= \cos\!\left(\frac{p}{10000^{2i/d}}\right) \end{aligned}")
    show_chart(position_heatmap(sinusoidal_positions(SHOWN_POSITIONS, dim)))
    curves = {"fixed sinusoids": sinusoid_curve(dim, MAX_OFFSET)}
    if bert is None:
        st.info("BERT is unavailable (see the sidebar), so its learned positions cannot be shown.")
    else:
        table = bert.position_embeddings()
        st.markdown(f"**Learned positions**: BERT does *not* use sinusoids. It learned one vector for each of "
                    f"its {len(table)} positions in pre-training, like a word embedding for places.")
        show_chart(position_heatmap(table[:SHOWN_POSITIONS]))
        curves["BERT's learned positions"] = learned_curve(bert.fingerprint(), MAX_OFFSET)
    st.markdown("**How alike are two positions, against how far apart they are?**")
    show_chart(by_offset(curves))
    st.caption("Both tables make near positions alike and far ones less so, which is what lets attention tell "
               "neighbours from distant words; the sinusoids are fixed by a formula, BERT's are weights it learned. "
               "(Every sinusoidal position has the same length, so their cosine is their dot product divided by d/2.)")


def input_parts(sentence: str) -> None:
    """BERT's token + position + segment embeddings for the sentence, and their sum after LayerNorm."""
    bert = _learned_positions_model()
    words = tokenize(sentence)
    if bert is None or not words:
        return
    parts = bert.input_parts(words)
    shown = {"token (WordPiece)": parts.token, "position": parts.position, "segment": parts.segment,
             "sum after LayerNorm": parts.summed}
    show_chart(input_sum(parts.pieces, shown))
    lengths = {name: float(np.linalg.norm(vectors, axis=1).mean()) for name, vectors in list(shown.items())[:3]}
    total = sum(lengths.values())
    st.caption("Each piece's input is the sum of three vectors, then LayerNorm: " + ", ".join(
        f"{name} {length:.2f} ({length / total:.0%} of the three lengths)" for name, length in lengths.items())
        + ". The position vector is what tells the first layer where each piece stands.")


def order(sentence: str) -> None:
    """Shuffle the words: how far does each encoder's vector of the same word move?"""
    words = tokenize(sentence)
    if len(words) < 2:
        st.info("The order experiment needs a sentence of two words or more.")
        return
    results, encoders = order_changes(tuple(words)), available_encoders()
    rows = [{"encoder": r.encoder, "label": ENCODER_TITLES[r.encoder] + ("" if r.positions else " without positions"),
             "change": r.change, "largest": r.largest, "layer": _plain_layer(encoders[r.encoder], r.layer)}
            for r in results]
    show_chart(order_change(rows))
    blind = next((r for r in results if not r.positions), None)
    if blind is not None:
        st.markdown(f"With its position embeddings switched off, BERT gives every word the same vector in any order "
                    f"(largest change {blind.largest:.1e}, rounding): self-attention alone sees a bag of pieces. "
                    "Positions are what make it read word order.")
    st.table(pd.DataFrame([{"encoder": row["label"], "top layer": row["layer"],
                            "mean change (1 − cosine)": f"{row['change']:.5f}",
                            "largest change": f"{row['largest']:.5f}"} for row in rows]), hide_index=True)


def _plain_layer(encoder: Encoder, layer: str) -> str:
    """A layer in plain words with its technical name: "layer 2 of 2 (lstm-2)"."""
    names = list(encoder.layer_names)
    return f"{layer_title(names, names.index(layer))} ({layer})"


def sequential_or_parallel() -> None:
    """Sequential steps per layer, and encode time against length measured here on one thread."""
    encoders = {name: encoder for name, encoder in available_encoders().items() if encoder.contextual}
    st.table(pd.DataFrame([{"encoder": ENCODER_TITLES[name],
                            "steps one layer takes in order, for n words": encoder.sequential_steps_per_layer}
                           for name, encoder in encoders.items()]), hide_index=True)
    st.caption("A recurrent layer reads word t only after word t − 1 (n steps); a transformer layer reads every word "
               "at once (1 step), so its work spreads over many cores or a GPU. On one CPU thread both still do work "
               "that grows with n: the measurement below shows the cost of reading in order, not a GPU's speed-up.")
    if st.button(f"Measure on this machine ({len(LENGTHS)} lengths, one CPU thread, about a minute)"):
        bar = st.progress(0.0, text="Measuring…")
        timings = {}
        for k, (name, encoder) in enumerate(encoders.items()):
            timings[name] = [(t.words, t.seconds) for t in time_encoding(
                encoder, progress=lambda done, total, k=k: bar.progress(
                    (k + done / total) / len(encoders), text=f"{ENCODER_TITLES[name]}: {done}/{total} lengths"))]
        bar.empty()
        STATE["timings"] = timings
    if STATE["timings"]:
        show_chart(timing_chart(STATE["timings"]))


def sentence_note(sentence: str) -> None:
    """What the sections below read, or why they cannot."""
    if not tokenize(sentence):
        st.warning("Type a sentence (at least one word) for the sections below.")
    else:
        st.caption(f"Reading: “{escape_markdown(sentence[:120])}”" + ("…" if len(sentence) > 120 else ""))
