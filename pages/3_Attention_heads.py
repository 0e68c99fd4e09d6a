"""Attention heads: every BERT head, labelled by function from measured evidence, and what it does in a sentence."""
from __future__ import annotations

import threading

import pandas as pd
import streamlit as st

from engine import Encoded, InputTooLong
from engine.head_behaviour import describe_head
from engine.heads import BARS, LABELS, HeadReport, head_report, key_figure
from engine.tokenize import tokenize
from ui.attention_grid import LABEL_BADGES, MAX_GRID_CELLS, attention_grid, head_heatmap
from ui.bertviz_html import (
    ViewTooLarge,
    head_view_height,
    head_view_html,
    model_view_height,
    model_view_html,
)
from ui.common import escape_markdown, get_encoder, page_setup
from ui.page_state import Field, PageState

PRESETS = (
    "The animal didn't cross the street because it was too tired.",
    "The trophy didn't fit in the suitcase because it was too big.",
    "Mary told her brother that she would visit him after she finished her exams.",
    "The US Marines took most of Fallujah Wednesday, but still face pockets of resistance.",
    "The bank raised its rates, so customers moved their savings from the bank to a credit union.",
)
UNITS = {"words": "Words", "pieces": "WordPiece pieces"}
MAX_CHARS = 2000
VIEWS = ("Head view", "Model view (all heads)", "Heatmap")
TYPE_OWN = "(type your own below)"

page_setup("Attention heads", "🎯")
st.title("Attention heads")
st.markdown(
    "BERT reads a sentence with **attention heads**: in every layer, each head lets every word look at every other "
    "word and take in some of it. Papers report heads that track **syntax** (a verb's object), **coreference** "
    "(what *it* refers to), **meaning** and **topic**. Here every head of the model is labelled from *measured* "
    "evidence on gold-annotated text, and you can watch any head at work on your own sentence."
)

encoder, reason = get_encoder("bert")
if encoder is None:
    st.error(f"The BERT encoder is unavailable, so there are no attention heads to show. {reason}")
    st.stop()


@st.cache_resource(show_spinner=False)
def _shared_reports() -> tuple[dict[str, HeadReport], threading.Lock]:
    """Labels by model fingerprint, shared by every session, and a lock so that a model is measured only once."""
    return {}, threading.Lock()


def _report(model) -> HeadReport:
    """The labels of the loaded model: from disk, or measured now with a progress bar (minutes, once per model)."""
    reports, lock = _shared_reports()
    fingerprint = model.fingerprint()
    with lock:
        if fingerprint not in reports:
            box = st.empty()
            reports[fingerprint] = head_report(model, lambda done, total, stage: box.progress(
                done / total, f"Labelling every head of this model from gold data, once per model "
                              f"({stage}: {done}/{total})"))
            box.empty()
    return reports[fingerprint]


@st.cache_data(show_spinner=False, max_entries=64)
def _encode(fingerprint: str, sentence: str) -> Encoded:
    return encoder.encode([sentence])[0]


report = _report(encoder)
labels = {(x.layer, x.head): x for x in report.labels}
n_layers, n_heads = encoder.n_layers, encoder.n_heads
STATE = PageState("heads", {
    "sentence": Field(PRESETS[0], parse=lambda text: text[:MAX_CHARS]),
    "layer": Field(3, parse=int), "head": Field(1, parse=int),
    "show": Field(list(LABELS), parse=lambda text: [x for x in text.split(",") if x in LABELS],
                  dump=lambda shown: None if set(shown) == set(LABELS) else ",".join(shown)),
    "units": Field("words", dump=lambda units: None if units == "words" else units),
    "view": Field(VIEWS[0], dump=lambda view: None if view == VIEWS[0] else view),
    "preset": Field(TYPE_OWN, url=False), "choice": Field((3, 1), url=False),
})
state = STATE.restore()


def _use_preset() -> None:
    if state["preset"] in PRESETS:
        state["sentence"] = state["preset"]


def _choose_head() -> None:
    state["layer"], state["head"] = state["choice"]


def _keep_a_view() -> None:
    if state["view"] not in VIEWS:  # clicking the chosen view again deselects it
        state["view"] = VIEWS[0]


# --- the sentence -------------------------------------------------------------------------------------------------
state["preset"] = state["sentence"] if state["sentence"] in PRESETS else TYPE_OWN
st.selectbox(
    "Try a preset", (TYPE_OWN,) + PRESETS, **state.widget("preset", on_change=_use_preset),
    help="Classic coreference puzzles (Winograd schemas), a treebank sentence with a gold dependency tree, and a "
         "sentence with a repeated word.",
)
with st.form("sentence"):
    st.text_area("Sentence", max_chars=MAX_CHARS, height=80, **state.widget("sentence", in_form=True))
    st.form_submit_button("Show the heads", on_click=state.submit(["sentence"]))

# --- head choice, filter and units (all in the URL) ----------------------------------------------------------------
state.keep_in("layer", range(1, n_layers + 1))
state.keep_in("head", range(1, n_heads + 1))
state.keep_in("units", list(UNITS))
state.keep_in("view", VIEWS)
state["show"] = [x for x in state["show"] if x in LABELS]
state.write_url()  # callbacks ran before this run, so the state is already the user's latest choice
st.pills(
    "Show heads labelled", LABELS, selection_mode="multi", **state.widget("show"),
    format_func=lambda name: f"{name} ({sum(x.label == name for x in report.labels)})",
)
shown, layer, head = state["show"], state["layer"], state["head"]
state["choice"] = (layer, head)
controls = st.columns([3, 2])
options = sorted({(x.layer, x.head) for x in report.labels if x.label in shown} | {(layer, head)})
controls[0].selectbox(
    "Head", options, **state.widget("choice", on_change=_choose_head),
    format_func=lambda key: f"layer {key[0]}, head {key[1]} · {key_figure(labels[key])}",
)
controls[1].radio("Units", list(UNITS), format_func=UNITS.get, horizontal=True, **state.widget("units"))
sentence, units = state["sentence"], state["units"]
words = tokenize(sentence)
if not words:
    st.warning("Type a sentence (at least one word) to see the heads at work.")
    st.stop()
try:
    encoded = _encode(report.fingerprint, sentence)
except InputTooLong as error:
    st.error(f"This sentence is too long for the model: {error}")
    st.stop()

if units == "pieces":
    attention, tokens = encoded.piece_attentions, encoded.pieces
else:
    attention, tokens = encoded.attentions, encoded.words

# --- legend and grid ------------------------------------------------------------------------------------------------
st.subheader(f"All {n_layers * n_heads} heads ({n_layers} layers × {n_heads} heads)")
st.markdown("  ".join(f":{LABEL_BADGES[name]}-background[{name}: {sum(x.label == name for x in report.labels)}]"
                      for name in LABELS))
st.caption(
    "**coreference**: a pronoun attends to the name it refers to · **syntax**: a word attends to its grammatical "
    "head or dependent (a verb's object, a noun's determiner) · **meaning**: a word attends to a word of related "
    "meaning · **topic**: broad attention over the passage's content words, favouring nouns of the same topic · "
    "**other**: none of these; most rest on [CLS]/[SEP] or look at the previous or next word."
)
st.caption(
    "Each small square is one head on this sentence: row = the attending word, column = the attended word, darker = "
    "more attention (each square scaled to its own maximum; hover for the real weight). The frame colour is the "
    "head's label; the black frame is the chosen head. "
    + ("Word level: a word's attention is the mean over its pieces, to a word the sum over its pieces; [CLS]/[SEP] "
       "are left out, so rows need not sum to 1." if units == "words" else
       "Piece level: BERT's own tokens, with [CLS] and [SEP].")
)
if n_layers * n_heads * len(tokens) ** 2 > MAX_GRID_CELLS:
    st.info(f"The grid of all heads would need {n_layers * n_heads * len(tokens) ** 2:,} cells (the limit is "
            f"{MAX_GRID_CELLS:,}: at most {int((MAX_GRID_CELLS / (n_layers * n_heads)) ** 0.5)} tokens for "
            f"{n_layers * n_heads} heads); shorten the sentence to see it. The chosen head is shown below.")
else:
    st.plotly_chart(
        attention_grid(attention, tokens, {key: x.label for key, x in labels.items()}, set(shown), (layer, head)),
        width="stretch", config={"displayModeBar": False},
    )

# --- the chosen head --------------------------------------------------------------------------------------------------
chosen = labels[(layer, head)]
st.subheader(f"Layer {layer}, head {head}: :{LABEL_BADGES[chosen.label]}-background[{chosen.label}]")
st.markdown(f"**Evidence.** {escape_markdown(chosen.evidence)}")
score_rows = [{"category": name, "score": chosen.scores[name], "bar": BARS[name][0],
               "held-out score": chosen.details["held_out_scores"][name], "held-out bar": BARS[name][1],
               "clears both": "✓" if chosen.scores[name] >= BARS[name][0]
               and chosen.details["held_out_scores"][name] >= BARS[name][1] else ""}
              for name in BARS]
relation_rows = [{"relation": r["relation"], "direction": r["direction"], "accuracy": f"{r['accuracy']:.0%}",
                  "best fixed offset": f"{r['baseline']:.0%} ({r['offset']:+d})", "arcs": r["arcs"],
                  "held-out accuracy": f"{r['confirm_accuracy']:.0%}",
                  "held-out offset": f"{r['confirm_baseline']:.0%}"}
                 for r in chosen.details["syntax"]["relations"]]
examples = report.meta["examples"]
with st.expander("Scores in every category, and how they are measured"):
    st.dataframe(pd.DataFrame(score_rows), hide_index=True, width="stretch")
    st.caption("This head's best dependency relations (EWT train sample; held out: EWT dev):")
    st.dataframe(pd.DataFrame(relation_rows), hide_index=True, width="stretch")
    st.markdown(
        f"""
A score is percentage points above that category's baseline, on a labelling sample; a head takes a label only when
it clears the bar there **and** the lower bar on held-out data (it takes the label it clears by the widest factor).
The topic score is 0 for heads that do not attend broadly.
Measured with {escape_markdown(report.model)}; {examples['syntax_label']} + {examples['syntax_confirm']} EWT
sentences, {examples['coreference_label']} + {examples['coreference_confirm']} GAP snippets,
{examples['passages_label']} + {examples['passages_confirm']} SemCor passages.

* **syntax**: for each UD relation, how often the word a head attends to most is the dependency head (or the
  reverse), against the best fixed offset ("always the word two to the left"). EWT train sample, checked on EWT dev.
* **coreference**: does the pronoun attend more to its true antecedent than to the other name? Against picking the
  nearer name. GAP development sample, checked on GAP validation.
* **meaning**: how often a content word's most-attended word is related in meaning (the same lemma, or GloVe cosine
  ≥ 0.8), against the best fixed offset. SemCor passages, documents split two to one.
* **topic**: only for broad heads (attention spread ≥ 0.8 of the maximum over a passage's content words): extra
  attention on far nouns of the same WordNet field (food, body, person…) than an even spread gives.
* **other**: none of the above; described by its strongest pattern ([CLS]/[SEP], punctuation, previous/next word).
"""
    )

behaviour = describe_head(encoded, layer - 1, head - 1, chosen.label)
st.markdown(f"**In your sentence.** {escape_markdown(behaviour.summary)}"
            + (" *(Word level, whatever the units above.)*" if units == "pieces" else ""))
if behaviour.rows:
    st.dataframe(pd.DataFrame(behaviour.rows), hide_index=True, width="stretch")

st.markdown("**Token-to-token view** (bertviz, drawn offline). Lines join each token on the left to the tokens it "
            "attends to on the right; hover a token to isolate its lines.")
# One view at a time (tabs would draw all three, the 72-head model view included, on every new sentence).
st.segmented_control("View", VIEWS, label_visibility="collapsed", **state.widget("view", on_change=_keep_a_view))
view = state["view"]
try:
    if view == VIEWS[0]:
        st.iframe(head_view_html(attention, tokens, layer - 1, [head - 1]), height=head_view_height(len(tokens)))
    elif view == VIEWS[1]:
        st.iframe(model_view_html(attention, tokens), height=model_view_height(n_layers, n_heads, len(tokens)))
        st.caption("Click a thumbnail to enlarge that head.")
    else:
        st.plotly_chart(head_heatmap(attention[layer - 1, head - 1], tokens, f"Layer {layer}, head {head}"),
                        width="stretch")
except ViewTooLarge as error:
    st.info(str(error))
