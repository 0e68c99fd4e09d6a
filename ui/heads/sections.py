"""The sections of the Attention-heads page, each drawn from the page's state and the model's head labels: the
sentence, the head controls, the grid of every head (click a tile to choose it) and the token-to-token views."""
from __future__ import annotations

import streamlit as st

from engine.heads.labels import LABELS, HeadReport
from ui.charts import show_chart
from ui.heads.bertviz import (
    ViewTooLarge,
    chosen_head_marker,
    head_view_height,
    head_view_html,
    model_view_height,
    model_view_html,
)
from ui.heads.data import grid_of
from ui.heads.grid import (
    LABEL_BADGES,
    LABEL_COLOURS,
    MAX_GRID_CELLS,
    head_heatmap,
)
from ui.heads.live_grid import show_grid
from ui.heads.names import (
    LABEL_INITIALS,
    head_summary,
    label_help,
    label_name,
    layer_name,
)
from ui.heads.presets import BY_SENTENCE, PRESETS
from ui.heads.state import (
    MAX_CHARS,
    STATE,
    TYPE_OWN,
    UNITS,
    VIEWS,
    choose_head,
    choose_tile,
    keep_a_view,
    open_on_best_head,
    use_preset,
)
from ui.heads.view import HeadsView
from ui.presenter import presenting

PRESENTER_ZOOM = 1.5  # bertviz's head view draws 13 px words; presenter mode wants 20


def sentence_input(report: HeadReport) -> None:
    """The preset list (a preset also chooses the head it demonstrates) and the sentence form."""
    state = STATE
    state["preset"] = state["sentence"] if state["sentence"] in BY_SENTENCE else TYPE_OWN
    st.selectbox(
        "Try a preset", (TYPE_OWN,) + tuple(preset.sentence for preset in PRESETS),
        **state.widget("preset", on_change=use_preset, args=(report,)),
        help="Each preset opens on the best measured head of its kind: " + "; ".join(
            f"“{' '.join(preset.sentence.split()[:3])}…”, {preset.what}: {label_name(preset.opens_on)}"
            for preset in PRESETS) + ".",
    )
    with st.form("sentence"):
        st.text_area("Sentence", max_chars=MAX_CHARS, height=80, **state.widget("sentence", in_form=True))
        st.form_submit_button("Show the heads", on_click=state.submit(["sentence"]))


def head_controls(report: HeadReport, n_layers: int, n_heads: int) -> None:
    """The label filter, the head list (heads with the shown labels) and the units."""
    state = STATE
    open_on_best_head(report)
    state.keep_in("layer", range(1, n_layers + 1))
    state.keep_in("head", range(1, n_heads + 1))
    state.keep_in("units", list(UNITS))
    state.keep_in("view", VIEWS)
    state["show"] = [x for x in state["show"] if x in LABELS]
    state.write_url()  # callbacks ran before this run, so the state is already the user's latest choice
    st.pills(
        "Show heads labelled", LABELS, selection_mode="multi", **state.widget("show"),
        format_func=lambda name: f"{label_name(name)} ({sum(x.label == name for x in report.labels)})",
        help=label_help(LABELS),
    )
    labels = {(x.layer, x.head): x for x in report.labels}
    chosen = state["choice"] = (state["layer"], state["head"])
    options = sorted({(x.layer, x.head) for x in report.labels if x.label in state["show"]} | {chosen})
    controls = st.columns([3, 2])
    controls[0].selectbox(
        "Head (or click a tile in the grid)", options, **state.widget("choice", on_change=choose_head),
        format_func=lambda key: f"{layer_name(key[0], n_layers)}, head {key[1]} · {head_summary(labels[key])}",
        help="pts: percentage points above chance (the category's baseline) on gold data.",
    )
    controls[1].radio("Units", list(UNITS), format_func=UNITS.get, horizontal=True, **state.widget("units"),
                      help="WordPiece: BERT splits rare words into pieces and adds [CLS] and [SEP]; at word level a "
                           "word's attention is the mean over its pieces, attention to a word the sum.")


def grid(view: HeadsView) -> None:
    """The legend and the grid of every head on this sentence; a click on a tile chooses its head."""
    n_layers, n_heads, n = view.n_layers, view.n_heads, len(view.tokens)
    st.subheader(f"All {n_layers * n_heads} heads ({n_layers} layers × {n_heads} heads)")
    st.markdown("  ".join(
        f":{LABEL_BADGES[name]}-background[{LABEL_INITIALS[name] or '·'} {label_name(name)}: "
        f"{sum(x.label == name for x in view.report.labels)}]" for name in LABELS),
        help=label_help(LABELS))
    st.caption(
        "Each small square is one head on this sentence: row = the attending word, column = the attended word, "
        "darker = more attention (each square scaled to its own maximum). The frame colour and the letter above a "
        "square are the head's label; the thick black frame is the chosen head. **Click a square to choose its head**; "
        "hover it for its strongest link. "
        + ("Word level: [CLS]/[SEP] are left out, so rows need not sum to 1." if not view.pieces else
           "Piece level: BERT's own tokens, with [CLS] and [SEP].")
    )
    if n_layers * n_heads * n ** 2 > MAX_GRID_CELLS:
        st.info(f"The grid of all heads would need {n_layers * n_heads * n ** 2:,} cells (the limit is "
                f"{MAX_GRID_CELLS:,}: at most {int((MAX_GRID_CELLS / (n_layers * n_heads)) ** 0.5)} tokens for "
                f"{n_layers * n_heads} heads); shorten the sentence to see it. The chosen head is shown below.")
        return
    parts = grid_of(view.report.fingerprint, STATE["sentence"], view.pieces, tuple(STATE["show"]), view.report)
    show_grid(parts, (STATE["layer"], STATE["head"]), on_choose=choose_tile)


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
            zoom = PRESENTER_ZOOM if presenting() else 1.0
            st.html(chosen_head_marker(layer, head))
            st.iframe(head_view_html(attention, tokens, layer - 1, zoom), height=head_view_height(len(tokens), zoom))
        elif chosen == VIEWS[1]:
            colours = [[LABEL_COLOURS[view.labels[(x, h)].label] for h in range(1, n_heads + 1)]
                       for x in range(1, n_layers + 1)]
            st.iframe(model_view_html(attention, tokens, colours),
                      height=model_view_height(n_layers, n_heads, len(tokens)))
            st.caption("Each thumbnail is one head, its lines in its label's colour (as in the grid). Click a "
                       "thumbnail to enlarge that head.")
        else:
            show_chart(head_heatmap(attention[layer - 1, head - 1], tokens,
                                    f"{layer_name(layer, n_layers).capitalize()}, head {head}"), key="heads.heatmap")
    except ViewTooLarge as error:
        st.info(str(error))
