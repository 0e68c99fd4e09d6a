"""The sections of the Attention-heads page, each drawn from the page's state and the model's head labels."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from engine import Encoded
from engine.heads.behaviour import describe_head
from engine.heads.labels import BARS, LABELS, HeadReport, key_figure
from ui.common import escape_markdown
from ui.heads.bertviz import ViewTooLarge, head_view_height, head_view_html, model_view_height, model_view_html
from ui.heads.grid import LABEL_BADGES, MAX_GRID_CELLS, attention_grid, head_heatmap
from ui.heads.state import MAX_CHARS, PRESETS, STATE, TYPE_OWN, UNITS, VIEWS, choose_head, keep_a_view, use_preset


@dataclass(frozen=True)
class HeadsView:
    """The model's labels and the sentence as the chosen units show it."""

    report: HeadReport
    n_layers: int
    n_heads: int
    encoded: Encoded
    attention: np.ndarray
    tokens: list[str]

    @property
    def labels(self) -> dict:
        return {(x.layer, x.head): x for x in self.report.labels}


def sentence_input() -> None:
    """The preset list and the sentence form."""
    state = STATE
    state["preset"] = state["sentence"] if state["sentence"] in PRESETS else TYPE_OWN
    st.selectbox(
        "Try a preset", (TYPE_OWN,) + PRESETS, **state.widget("preset", on_change=use_preset),
        help="Classic coreference puzzles (Winograd schemas), a treebank sentence with a gold dependency tree, and a "
             "sentence with a repeated word.",
    )
    with st.form("sentence"):
        st.text_area("Sentence", max_chars=MAX_CHARS, height=80, **state.widget("sentence", in_form=True))
        st.form_submit_button("Show the heads", on_click=state.submit(["sentence"]))


def head_controls(report: HeadReport, n_layers: int, n_heads: int) -> None:
    """The label filter, the head list (heads with the shown labels) and the units."""
    state = STATE
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
    labels = {(x.layer, x.head): x for x in report.labels}
    chosen = state["choice"] = (state["layer"], state["head"])
    options = sorted({(x.layer, x.head) for x in report.labels if x.label in state["show"]} | {chosen})
    controls = st.columns([3, 2])
    controls[0].selectbox(
        "Head", options, **state.widget("choice", on_change=choose_head),
        format_func=lambda key: f"layer {key[0]}, head {key[1]} · {key_figure(labels[key])}",
    )
    controls[1].radio("Units", list(UNITS), format_func=UNITS.get, horizontal=True, **state.widget("units"))


def grid(view: HeadsView) -> None:
    """The legend and the grid of every head on this sentence."""
    report, n_layers, n_heads, tokens, attention = view.report, view.n_layers, view.n_heads, view.tokens, view.attention
    units, shown, layer, head = STATE["units"], STATE["show"], STATE["layer"], STATE["head"]
    labels = view.labels
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
        "Each small square is one head on this sentence: row = the attending word, column = the attended word, "
        "darker = more attention (each square scaled to its own maximum; hover for the real weight). The frame "
        "colour is the head's label; the black frame is the chosen head. "
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


def chosen_head(view: HeadsView) -> None:
    """The chosen head's label, its evidence and scores, and what it does in this sentence."""
    report, labels, layer, head = view.report, view.labels, STATE["layer"], STATE["head"]
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
    * **meaning**: how often a content word's most-attended word is related in meaning (the same word, or GloVe cosine
      ≥ 0.8), against the best fixed offset. SemCor passages, documents split two to one.
    * **topic**: only for broad heads (attention spread ≥ 0.8 of the maximum over a passage's content words): extra
      attention on far nouns of the same WordNet field (food, body, person…) than an even spread gives.
    * **other**: none of the above; described by its strongest pattern ([CLS]/[SEP], punctuation, previous/next word).
    """
        )
    behaviour = describe_head(view.encoded, layer - 1, head - 1, chosen.label)
    st.markdown(f"**In your sentence.** {escape_markdown(behaviour.summary)}"
                + (" *(Word level, whatever the units above.)*" if STATE["units"] == "pieces" else ""))
    if behaviour.rows:
        st.dataframe(pd.DataFrame(behaviour.rows), hide_index=True, width="stretch")


def token_view(view: HeadsView) -> None:
    """bertviz's head view or model view, or a plain heatmap: one at a time."""
    attention, tokens, layer, head = view.attention, view.tokens, STATE["layer"], STATE["head"]
    n_layers, n_heads = view.n_layers, view.n_heads
    st.markdown("**Token-to-token view** (bertviz, drawn offline). Lines join each token on the left to the tokens it "
                "attends to on the right; hover a token to isolate its lines.")
    # One view at a time (tabs would draw all three, the 72-head model view included, on every new sentence).
    st.segmented_control("View", VIEWS, label_visibility="collapsed", **STATE.widget("view", on_change=keep_a_view))
    chosen = STATE["view"]
    try:
        if chosen == VIEWS[0]:
            st.iframe(head_view_html(attention, tokens, layer - 1, [head - 1]), height=head_view_height(len(tokens)))
        elif chosen == VIEWS[1]:
            st.iframe(model_view_html(attention, tokens), height=model_view_height(n_layers, n_heads, len(tokens)))
            st.caption("Click a thumbnail to enlarge that head.")
        else:
            st.plotly_chart(head_heatmap(attention[layer - 1, head - 1], tokens, f"Layer {layer}, head {head}"),
                            width="stretch")
    except ViewTooLarge as error:
        st.info(str(error))
