"""The chosen head: a caption a room can read, where a preset's pronoun sends its attention (the GAP test on the
sentence on screen, with the head's measured accuracy beside it), and the head's evidence and scores."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import streamlit as st

from engine.heads.behaviour import (
    PronounSplit,
    describe_head,
    pronoun_split,
    strongest_links,
)
from engine.heads.labels import BARS, HeadLabel
from ui.common import escape_markdown
from ui.expanders import lazy_expander
from ui.heads.names import LABEL_NAMES, label_help, label_name, relation_name
from ui.heads.presets import Candidates, preset_of
from ui.heads.state import STATE
from ui.heads.view import HeadsView
from ui.html_table import html_table
from ui.presenter import big_caption

SPLIT_COLOURS = ("#0072B2", "#D55E00", "#BBBBBB", "#DDDDDD")  # right, wrong, other words, [CLS]/[SEP]


def chosen_head(view: HeadsView) -> None:
    """The chosen head's caption, the preset's pronoun test, and what the head does in this sentence, in one container:
    how many elements they take depends on the head, and the sections below must keep their places (an element that
    moves is a new one to Streamlit's front end: the head view's frame would load again)."""
    with st.container():
        _chosen_head(view)


def _chosen_head(view: HeadsView) -> None:
    layer, head = STATE["layer"], STATE["head"]
    chosen = view.labels[(layer, head)]
    preset = preset_of(STATE["sentence"])
    found = preset.candidates.positions(view.encoded.words) if preset and preset.candidates else None
    split = pronoun_split(view.encoded, layer - 1, head - 1, *found) if found else None
    big_caption(_caption(view, chosen, preset.candidates if found else None, split))
    if split is not None:
        _pronoun_test(chosen, preset.candidates, split, view.encoded.words,
                      view.encoded.attentions[layer - 1, head - 1, found[0]])
    st.markdown(f"**Evidence** (measured on gold data). {escape_markdown(chosen.evidence)}")
    if scores := lazy_expander("Scores in every category, and how they are measured", key="heads.scores_open"):
        with scores:
            _scores(view, chosen)
    behaviour = describe_head(view.encoded, layer - 1, head - 1, chosen.label)
    st.markdown(f"**In your sentence.** {escape_markdown(behaviour.summary)}"
                + (" *(Word level, whatever the units above.)*" if view.pieces else ""))
    if behaviour.rows:  # plain HTML: it takes the presenter's large text, a data grid would not (``ui.html_table``)
        st.html(html_table(behaviour.rows))


def _caption(view: HeadsView, chosen: HeadLabel, candidates: Candidates | None, split: PronounSplit | None) -> str:
    """One line for the back of the room: the head, its label, and what it does here."""
    layer, head = chosen.layer, chosen.head
    name = f"Layer {layer} of {view.n_layers}, head {head} — {label_name(chosen.label)} ({chosen.label})"
    if split is not None:
        (winner, high), (loser, low) = sorted([(candidates.right, split.right), (candidates.wrong, split.wrong)],
                                              key=lambda pair: -pair[1])
        if high == low:
            return f"{name}: '{candidates.pronoun}' looks at '{winner}' and '{loser}' equally ({high:.0%})"
        return f"{name}: '{candidates.pronoun}' looks more at '{winner}' ({high:.0%}) than at '{loser}' ({low:.0%})"
    if len(view.tokens) < 2:
        return name
    source, target = strongest_links(view.attention[layer - 1:layer, head - 1:head], view.special)[0, 0]
    weight = view.attention[layer - 1, head - 1, source, target]
    return f"{name}: its strongest link here is '{view.tokens[source]}' → '{view.tokens[target]}' ({weight:.0%})"


def _pronoun_test(chosen: HeadLabel, candidates: Candidates, split: PronounSplit, words: list[str],
                  row: np.ndarray) -> None:
    """Where the pronoun's attention goes among the two candidates, against the head's measured GAP accuracy."""
    p, right, wrong = candidates.pronoun, candidates.right, candidates.wrong
    st.markdown(f"**Where does '{escape_markdown(p)}' look?** The GAP test asks whether a pronoun attends more to the "
                f"noun it refers to (here '{escape_markdown(right)}') than to the other candidate "
                f"('{escape_markdown(wrong)}').",
                help="GAP (Webster et al. 2018): gender-balanced pronoun–name pairs from Wikipedia. A head passes an "
                     "example when the most attention on any word of the right name beats the most on the other.")
    chart, accuracy = st.columns([3, 2])
    chart.markdown(_split_bars(p, right, wrong, split), unsafe_allow_html=True)
    verdict = ("more to '{right}' than to '{wrong}', as the GAP test asks" if split.margin > 0 else
               "more to '{wrong}' than to '{right}': on this sentence it fails the GAP test" if split.margin < 0 else
               "as much to '{right}' as to '{wrong}': a tie")
    elsewhere = split.other_words + split.special
    chart.markdown(escape_markdown(f"This head sends '{p}' " + verdict.format(right=right, wrong=wrong) + "."
                                   + (f" Most of its attention ({elsewhere:.0%}) goes elsewhere"
                                      f"{_top_elsewhere(split, words, row)}."
                                      if elsewhere > 0.5 else "")))
    gap = chosen.details["coreference"]
    accuracy.metric(
        "Right noun chosen, on gold data", f"{gap['confirm_accuracy']:.0%}",
        f"{100 * (gap['confirm_accuracy'] - gap['confirm_baseline']):+.0f} pts vs nearer noun",
        help=f"Held-out GAP validation: {gap['confirm_examples']} snippets (labelling sample: "
             f"{gap['accuracy']:.0%} of {gap['examples']}, nearer noun {gap['baseline']:.0%}).",
    )
    accuracy.caption(f"In {gap['confirm_examples']} real Wikipedia snippets this head gave the pronoun's own noun more "
                     f"attention than the other noun {gap['confirm_accuracy']:.0%} of the time; always picking the "
                     f"nearer noun does {gap['confirm_baseline']:.0%}.")


def _top_elsewhere(split: PronounSplit, words: list[str], row: np.ndarray) -> str:
    """", the most on '.' (13%)": where the attention outside the two candidates goes most."""
    parts = [] if split.top_other is None else [f"the most on '{words[split.top_other]}' ({row[split.top_other]:.0%})"]
    if split.special >= 0.05:
        parts.append(f"{split.special:.0%} on [CLS]/[SEP], BERT's resting places")
    return (": " + ", ".join(parts)) if parts else ""


def _split_bars(pronoun: str, right: str, wrong: str, split: PronounSplit) -> str:
    """HTML bars of the pronoun's attention on the right noun, the other candidate, other words and [CLS]/[SEP].
    Plain HTML rather than a Plotly chart: it changes with every head, and redrawing a chart doubled the browser's
    share of a head change; its text follows the page's (presenter mode's 20 px included)."""
    rows = [(f"{right} ✓", split.right, SPLIT_COLOURS[0]), (wrong, split.wrong, SPLIT_COLOURS[1]),
            ("other words", split.other_words, SPLIT_COLOURS[2]), ("[CLS]/[SEP]", split.special, SPLIT_COLOURS[3])]
    bars = "".join(
        f'<div style="display:flex; align-items:center; gap:0.5em; margin:0.25em 0">'
        f'<span style="flex:0 0 7.5em; text-align:right">{html.escape(name)}</span>'
        f'<span style="flex:1 1 auto" title="{share:.2%}"><span style="display:inline-block; height:1.2em; '
        f'vertical-align:middle; width:{max(share, 0.005):.1%}; background:{colour}"></span> {share:.0%}</span></div>'
        for name, share, colour in rows)
    title = html.escape(f"Where '{pronoun}' sends its attention")
    return f'<div><span style="font-weight:600">{title}</span>{bars}</div>'


def _scores(view: HeadsView, chosen: HeadLabel) -> None:
    """The head's score in every category against its bars, its best grammar relations, and how they are measured."""
    held_out = chosen.details["held_out_scores"]
    score_rows = [{"tested for": label_name(name), "points above chance": chosen.scores[name],
                   "needed": BARS[name][0], "held out": held_out[name], "needed (held out)": BARS[name][1],
                   "earns the label": "✓" if chosen.scores[name] >= BARS[name][0]
                   and held_out[name] >= BARS[name][1] else ""} for name in BARS]
    st.dataframe(pd.DataFrame(score_rows), hide_index=True, width="stretch", column_config={
        "tested for": st.column_config.TextColumn(help=label_help(list(BARS))),
        "points above chance": st.column_config.NumberColumn(
            help="score: percentage points above the category's baseline, on the labelling sample"),
        "held out": st.column_config.NumberColumn(help="the same score on held-out data the label never saw"),
    })
    relation_rows = [{"grammar link": relation_name(r["relation"]), "UD relation": r["relation"],
                      "who looks at whom": "the dependent looks at its head" if r["direction"] == "dependent→head"
                      else "the head looks at its dependent",
                      "how often it follows the link": f"{r['accuracy']:.0%}",
                      "best fixed offset": f"{r['baseline']:.0%} ({r['offset']:+d})", "links": r["arcs"],
                      "held out": f"{r['confirm_accuracy']:.0%}", "held-out offset": f"{r['confirm_baseline']:.0%}"}
                     for r in chosen.details["syntax"]["relations"]]
    st.caption("This head's best grammar links (EWT treebank sample; held out: EWT dev):")
    st.dataframe(pd.DataFrame(relation_rows), hide_index=True, width="stretch", column_config={
        "best fixed offset": st.column_config.TextColumn(
            help="baseline: always pointing the same number of words away (the best such offset)")})
    examples = view.report.meta["examples"]
    st.markdown(
        f"""
A score is percentage points above that category's baseline (chance, or the best simple rule), on a labelling sample;
a head takes a label only when it clears the bar there **and** the lower bar on held-out data (it takes the label it
clears by the widest factor). The topic score is 0 for heads that do not attend broadly.
Measured with {escape_markdown(view.report.model)}; {examples['syntax_label']} + {examples['syntax_confirm']} EWT
sentences, {examples['coreference_label']} + {examples['coreference_confirm']} GAP snippets,
{examples['passages_label']} + {examples['passages_confirm']} SemCor passages.

* **{LABEL_NAMES['syntax'][0]}** (syntax): for each UD relation, how often the word a head attends to most is the
  dependency head (or the reverse), against the best fixed offset ("always the word two to the left"). EWT train
  sample, checked on EWT dev.
* **{LABEL_NAMES['coreference'][0]}** (coreference): does the pronoun attend more to its true antecedent than to the
  other name? Against picking the nearer name. GAP development sample, checked on GAP validation.
* **{LABEL_NAMES['meaning'][0]}** (meaning): how often a content word's most-attended word is related in meaning (the
  same word, or GloVe cosine ≥ 0.8), against the best fixed offset. SemCor passages, documents split two to one.
* **{LABEL_NAMES['topic'][0]}** (topic): only for broad heads (attention spread ≥ 0.8 of the maximum over a passage's
  content words): extra attention on far nouns of the same WordNet field (food, body, person…) than an even spread
  gives.
* **other**: none of the above; described by its strongest pattern ([CLS]/[SEP], punctuation, previous/next word).
"""
    )
