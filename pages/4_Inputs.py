"""Inputs: what each encoder reads, claim by claim from the course notes (characters, WordPiece, positions, order)."""
from __future__ import annotations

import streamlit as st

from ui.page_setup import page_setup

page_setup("Inputs", "🔤", heading="Inputs: what each encoder reads")
# The page's own imports after its heading: see page_setup.
from ui.inputs.state import (  # noqa: E402 (and below)
    EXAMPLE_WORDS,
    MAX_SENTENCE_CHARS,
    MAX_WORD_CHARS,
    STATE,
    use_word,
)
from ui.inputs.transformer import (
    input_parts,
    order,
    positions,
    sentence_note,
    sequential_or_parallel,
)
from ui.inputs.words import characters, neighbours, sizes, wordpieces

STATE.reset_button()
state = STATE.restore()
st.markdown(
    "Before any context is mixed in, each encoder turns a word into numbers its own way: **GloVe** looks it up in a "
    "table, **ELMo** reads its characters, **BERT** splits it into WordPiece pieces and adds where it stands. "
    "Type a word, then a sentence."
)

st.header("1 · One word: characters, pieces, or a table row")
st.text_input("Word", max_chars=MAX_WORD_CHARS, **state.widget("word"))
for column, example in zip(st.columns(len(EXAMPLE_WORDS)), EXAMPLE_WORDS):
    column.button(example, on_click=use_word, args=(example,), key=f"example:{example}")
word = state["word"].strip()
sentence = state["sentence"]
state.write_url()
if not word or len(word.split()) > 1:
    st.warning("Type one word (no spaces) to see what each encoder makes of it.")
else:
    characters(word)
    st.subheader("Spelling neighbours against meaning neighbours")
    neighbours(word)
st.subheader("Smaller, or more powerful?")
sizes()

st.header("2 · A sentence: WordPiece pieces")
st.text_area("Sentence", max_chars=MAX_SENTENCE_CHARS, height=80, **state.widget("sentence"))
sentence_note(sentence)
wordpieces(sentence)

st.header("3 · Positions: fixed sinusoids, or learned")
positions()

st.header("4 · BERT's input is a sum: piece + position + segment")
input_parts(sentence)

st.header("5 · Word order: shuffle the sentence")
order(sentence)

st.header("6 · Sequential or parallel")
sequential_or_parallel()
