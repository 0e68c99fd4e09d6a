"""The Inputs page's sentence sections: positions (fixed sinusoids against BERT's learned table), BERT's input sum,
the word-order experiment, and sequential against parallel encoding time."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from engine.inputs.positions import sinusoidal_positions
from engine.inputs.timing import LENGTHS, time_encoding
from engine.tokenize import tokenize
from ui.common import ENCODER_TITLES, available_encoders, escape_markdown
from ui.inputs.data import learned_curve, order_changes, sinusoid_curve
from ui.inputs.figures import by_offset, input_sum, order_change, position_heatmap, timing_chart
from ui.inputs.state import STATE

SHOWN_POSITIONS = 64
MAX_OFFSET = 40


def _learned_positions_model():
    """The loaded encoder that adds learned position embeddings to its input (BERT), if any."""
    return next((e for e in available_encoders().values() if e.position_embeddings_optional), None)


def positions() -> None:
    """The sinusoidal encoding with its formula, beside the position table BERT learned."""
    bert = _learned_positions_model()
    dim = bert.dim if bert else 384
    fixed, learned = st.columns(2)
    table = sinusoidal_positions(SHOWN_POSITIONS, dim)
    fixed.markdown("**Fixed sinusoids** (Vaswani et al. 2017), the notes' positional embedding:")
    fixed.latex(r"PE_{p,\,2i} = \sin\!\left(\frac{p}{10000^{2i/d}}\right),\quad "
                r"PE_{p,\,2i+1} = \cos\!\left(\frac{p}{10000^{2i/d}}\right)")
    fixed.plotly_chart(position_heatmap(table, f"Sinusoids, d = {dim}", "value"), width="stretch")
    fixed.plotly_chart(by_offset(sinusoid_curve(dim, MAX_OFFSET),
                                 "Dot product of two positions", "mean dot product"), width="stretch")
    if bert is None:
        learned.info("BERT is unavailable (see the sidebar), so its learned positions cannot be shown.")
        return
    table = bert.position_embeddings()
    learned.markdown(f"**Learned positions**: BERT does *not* use sinusoids. It learned one vector for each of its "
                     f"{len(table)} positions in pre-training, like a word embedding for places.")
    learned.plotly_chart(position_heatmap(table[:SHOWN_POSITIONS], "BERT's learned positions", "value"),
                         width="stretch")
    learned.plotly_chart(by_offset(learned_curve(bert.fingerprint(), MAX_OFFSET), "Cosine of two learned positions",
                                   "mean cosine"), width="stretch")
    st.caption("Both tables make near positions alike and far ones less so, which is what lets attention tell "
               "neighbours from distant words; the sinusoids are fixed by a formula, BERT's are weights it learned.")


def input_parts(sentence: str) -> None:
    """BERT's token + position + segment embeddings for the sentence, and their sum after LayerNorm."""
    bert = _learned_positions_model()
    words = tokenize(sentence)
    if bert is None or not words:
        return
    parts = bert.input_parts(words)
    shown = {"token (WordPiece)": parts.token, "position": parts.position, "segment": parts.segment,
             "sum after LayerNorm": parts.summed}
    st.plotly_chart(input_sum(parts.pieces, shown), width="stretch")
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
    results = order_changes(tuple(words))
    rows = [{"encoder": r.encoder, "label": ENCODER_TITLES[r.encoder] + ("" if r.positions else " without positions"),
             "change": r.change, "largest": r.largest, "layer": r.layer} for r in results]
    st.plotly_chart(order_change(rows), width="stretch")
    blind = next((r for r in results if not r.positions), None)
    if blind is not None:
        st.markdown(f"With its position embeddings switched off, BERT gives every word the same vector in any order "
                    f"(largest change {blind.largest:.1e}, rounding): self-attention alone sees a bag of pieces. "
                    "Positions are what make it read word order.")
    st.dataframe(pd.DataFrame([{"encoder": row["label"], "top layer": row["layer"],
                                "mean change (1 − cosine)": round(row["change"], 5),
                                "largest change": round(row["largest"], 5)} for row in rows]), hide_index=True)


def sequential_or_parallel() -> None:
    """Sequential steps per layer, and encode time against length measured here on one thread."""
    encoders = {name: encoder for name, encoder in available_encoders().items() if encoder.contextual}
    st.dataframe(pd.DataFrame([{"encoder": ENCODER_TITLES[name],
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
        st.plotly_chart(timing_chart(STATE["timings"]), width="stretch")


def sentence_note(sentence: str) -> None:
    """What the sections below read, or why they cannot."""
    if not tokenize(sentence):
        st.warning("Type a sentence (at least one word) for the sections below.")
    else:
        st.caption(f"Reading: “{escape_markdown(sentence[:120])}”" + ("…" if len(sentence) > 120 else ""))
