"""Home page (the default page of app.py): what contextual embeddings are, and a live two-sentence demo."""
from __future__ import annotations

import math

import streamlit as st

from ui.page_setup import page_setup

page_setup("Home", "🧭", heading="Contextual Embeddings Explorer")
# The page's own imports after its heading: see page_setup.
from engine import InputTooLong  # noqa: E402 (and below)
from engine.claims import shipped_claims
from engine.encoders.base import layer_title
from engine.similarity import (
    DEMO_MAX_WORDS,
    DemoInputError,
    check_demo_input,
    word_similarity,
)
from ui.charts import show_chart
from ui.common import (
    ENCODER_COLOURS,
    ENCODER_TITLES,
    available_encoders,
    escape_markdown,
)
from ui.page_state import Field, PageState
from ui.plain_figures import unvalidated
from ui.presenter import big_caption

MAX_CHARS = 20_000  # per sentence box; longer pastes are cut by the widget, which says so
STATE = PageState("home", {
    "a": Field("I deposited the cheque at the bank this morning.", parse=lambda text: text[:MAX_CHARS]),
    "b": Field("We had a picnic on the grassy bank of the river.", parse=lambda text: text[:MAX_CHARS]),
    "word": Field("bank", parse=lambda text: text[:100]),
})

st.markdown(
    """
An **embedding** is a vector that stands for a word's meaning. A **static** embedding such as GloVe gives a word
*one* vector, learned once from a large corpus, whatever sentence it appears in: *bank* is the same point in a
river story and in a loan contract. A **contextual** encoder gives every *occurrence* its own vector, computed from
the words around it, so the two *bank*s can move apart.

This app runs three real contextual encoders side by side, next to the static baseline:

| Encoder | How context gets in |
|---|---|
| **BiLSTM** over GloVe | a forward LSTM reads left to right, a backward one right to left; each word's vector mixes its left and right neighbours, and the influence of a word fades with distance |
| **ELMo** | builds each word from its *characters* (CNN + highway layers), so it handles words it never saw, then runs a 2-layer biLSTM language model over them |
| **BERT** | splits words into WordPiece pieces, adds position embeddings, and lets every piece look at every other through multi-head self-attention; different heads specialise (coreference, syntax, meaning, topic) |

Explore the views from the menu on the left: **Word in context** (one word across many sentences),
**Distance decay** (how far context reaches), **Attention heads** (what each BERT head looks at) and **Inputs**
(what each encoder reads: characters, WordPiece pieces, positions).
"""
)

st.header("Try it: one word, two sentences")
STATE.reset_button()
st.caption("The cosine similarity of the word's two vectors, per encoder and layer. 1.0 means identical vectors. "
           f"Each sentence may have up to {DEMO_MAX_WORDS} words.")

state = STATE.restore()
with st.form("demo"):
    left, right = st.columns(2)
    left.text_area("First sentence", max_chars=MAX_CHARS, **state.widget("a", in_form=True))
    right.text_area("Second sentence", max_chars=MAX_CHARS, **state.widget("b", in_form=True))
    st.text_input("Shared word", max_chars=100, **state.widget("word", in_form=True))
    st.form_submit_button("Compare", on_click=state.submit(("a", "b", "word")))

state.write_url()
try:
    sentence_a, sentence_b, i, j = check_demo_input(state["a"], state["b"], state["word"])
except DemoInputError as error:
    st.warning(str(error))
    st.stop()

encoders = available_encoders()
rows, traces, no_vector, tops = [], [], [], []
with st.spinner("Encoding both sentences…"):
    for name, encoder in encoders.items():
        if not encoder.contextual and all(encoder.word_reading(state["word"]).unknown):
            no_vector.append((name, None))  # a zero vector has no cosine: say so rather than draw one
            continue
        try:
            result = word_similarity(encoder, sentence_a, sentence_b, i, j)
        except InputTooLong as error:
            st.warning(f"{ENCODER_TITLES[name]}: {error}")
            continue
        depths = encoder.layer_depths()  # a mix of layers (ELMo's) has none: it is in the table, not on the line
        drawn = [k for k, d in enumerate(depths) if not math.isnan(d)]
        depth, cosines = [depths[k] for k in drawn], [result.cosines[k] for k in drawn]
        layer_names = [f"{layer_title(result.layer_names, k)} ({result.layer_names[k]})" for k in drawn]
        top = result.cosines[encoder.layer_index()]  # the network's own top layer, not a mix of layers
        tops += [] if math.isnan(top) else [f"{ENCODER_TITLES[name]} {top:.2f}"]
        single = len(cosines) == 1  # GloVe: one layer, drawn as a dotted line across every depth
        if single:
            depth, cosines, layer_names = [0.0, 1.0], cosines * 2, layer_names * 2
        traces.append({
            "type": "scatter", "x": depth, "y": cosines, "mode": "lines" if single else "lines+markers",
            "name": ENCODER_TITLES[name] + (" (one layer)" if single else ""),
            "line": {"color": ENCODER_COLOURS[name], "dash": "dot" if single else "solid"}, "text": layer_names,
            "hovertemplate": "%{text}: cosine %{y:.3f}<extra>" + ENCODER_TITLES[name] + "</extra>",
        })
        rows += [{"encoder": ENCODER_TITLES[name], "layer": layer, "cosine": None if math.isnan(c) else round(c, 3)}
                 for layer, c in zip(result.layer_names, result.cosines)]
        no_vector += [(name, layer) for layer, c in zip(result.layer_names, result.cosines) if math.isnan(c)]

figure = unvalidated(traces, {
    "xaxis": {"title": {"text": "how deep in the network (relative depth)"}, "range": [-0.06, 1.06],
              "tickvals": [0, 0.5, 1], "ticktext": ["input", "halfway", "top"]},
    "yaxis": {"title": {"text": "cosine of the two vectors"},
              "range": [min([r["cosine"] for r in rows if r["cosine"] is not None] + [0]) - 0.05, 1.05]},
    "height": 420, "margin": {"t": 20, "r": 30}, "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
})
if tops:
    big_caption(f"“{state['word'].strip()}”, its two vectors at the top layer (1 = identical): " + " · ".join(tops))
show_chart(figure)
for name, layer in no_vector:
    where = f"its {layer} layer is zeros" if layer else "it has no vector"
    st.info(f"**{ENCODER_TITLES[name]}**: {where} for “{escape_markdown(state['word'].strip())}” (the word is not in "
            "GloVe's table), so there is no cosine to draw there. ELMo builds any word from its characters; see "
            "*Inputs* for what each encoder reads.")
st.markdown(
    ("The static line stays at **1.0**: GloVe cannot tell the two uses apart. " if not no_vector else "")
    + "Contextual encoders start near the input (their token layer is context-free too) and drift apart as layers "
    "mix in the surrounding words."
)
with st.expander("The numbers"):
    st.dataframe(rows, hide_index=True, width="stretch")  # no pandas import before the first paint

st.header("The notes, claim by claim")
st.caption("Each claim of the course notes, the page that demonstrates it, and what this app measured.")
st.table([{"the notes say": claim.claim, "see": claim.where, "measured here": claim.verdict}
          for claim in shipped_claims()])
