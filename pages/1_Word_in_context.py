"""Word in context: one word across many sentences, projected encoder by encoder and layer by layer."""
from __future__ import annotations

import streamlit as st

from ui.page_setup import page_setup

page_setup("Word in context", "🎯", heading="Word in context")
# The page's own imports after its heading: see page_setup.
from engine import ENCODER_NAMES  # noqa: E402 (and below)
from engine.word_in_context.occurrences import (
    MAX_SENTENCE_WORDS,
    ContextInputError,
    Contexts,
    find_occurrences,
    parse_lines,
)
from engine.word_in_context.presets import load_presets
from ui.common import escape_markdown, get_encoder
from ui.warmup import encoder_status
from ui.word_in_context.data import stored_layer_names
from ui.word_in_context.sections import forget_view, show_view
from ui.word_in_context.state import (
    CUSTOM,
    MAX_TEXT,
    STATE,
    choose_preset,
    save_to_url,
    search_corpus,
    sentence_sources,
    text_changed,
    word_changed,
)

presets = load_presets()
state = STATE.restore()
forget_view()

STATE.reset_button()
st.markdown(
    "A **static** embedding gives a word *one* vector; a **contextual** encoder gives every *occurrence* its own. "
    "Below, each point is one occurrence of the word in one sentence, placed by its vector (UMAP map of the chosen "
    "layer; nearby points have similar vectors) and coloured by the word's sense in that sentence."
)

choice, word_box, options = st.columns([5, 4, 8])
state.keep_in("preset", [CUSTOM, *presets])
choice.selectbox("Preset", [CUSTOM, *presets], **state.widget("preset", on_change=choose_preset, args=(presets,)),
                 format_func=lambda name: name if name == CUSTOM else f"{name} ({len(presets[name].senses)} senses)")
word_box.text_input("Target word", max_chars=100, **state.widget("word", on_change=word_changed, args=(presets,)))
inflections_box, dims_box = options.columns([3, 2])
inflections_box.checkbox("Inflections too", **state.widget("inflections"),
                         help="Also find the word's other forms: bank → banks, lit → light.")
depth_box = options.container()

lines = parse_lines(state["sentences"])
with st.expander(f"Sentences ({len(lines)}), one per line: `sense label | sentence` (the label is optional)"):
    st.text_area("Sentences", height=220, label_visibility="collapsed", max_chars=MAX_TEXT,
                 **state.widget("sentences", on_change=text_changed, args=(presets,)))
    count_box, button_box = st.columns([1, 3])
    count_box.number_input("How many", 1, 300, step=10, **state.widget("n"))
    button_box.button(f"Find contexts for “{state['word'].strip()[:40]}” in the bundled corpus "
                      "(SemCor brown1 + EWT train/dev)", on_click=search_corpus)
if state["notice"]:
    (st.info if state["notice_ok"] else st.warning)(state["notice"])
save_to_url(presets)

try:
    found = find_occurrences(state["word"], lines, state["inflections"])
except ContextInputError as error:
    st.warning(str(error))
    st.stop()
if not lines:
    if not state["notice"]:
        st.warning("There are no sentences yet: choose a preset, or open *Sentences* above to type your own (one per "
                   "line) or find contexts in the bundled corpus.")
    st.stop()
if not found.occurrences:
    st.warning(f"“{escape_markdown(found.target)}” does not occur in any of the {len(lines)} sentences"
               f"{' (inflections included)' if state['inflections'] else ''}"
               + (f" that are at most {MAX_SENTENCE_WORDS} words long ({len(found.too_long)} longer ones were "
                  "skipped: BERT reads at most 512 WordPiece pieces)" if found.too_long else "")
               + ". Check the spelling, or open *Sentences* above to find contexts for it in the bundled corpus.")
    st.stop()

# A preset is drawn from the precomputed store at once; otherwise an encoder still loading (first visit after a server
# start) gets a placeholder panel, and the page refreshes itself when it has loaded.
contexts = Contexts.of(found)
status = {name: encoder_status(name) for name in ENCODER_NAMES}
ready = {}  # encoder -> layer names, for every encoder that can be drawn now
for name in ENCODER_NAMES:
    stored = stored_layer_names(name, contexts.key)
    if status[name][0] == "ready" or (status[name][0] == "loading" and stored):
        ready[name] = stored or get_encoder(name)[0].layer_names
loading = [name for name in ENCODER_NAMES if status[name][0] == "loading" and name not in ready]
unavailable = {name: detail for name, (kind, detail) in status.items() if kind == "unavailable"}
show_view(found, contexts, sentence_sources(found.lines, presets), ready, loading, unavailable,
          (depth_box, dims_box), presets)
