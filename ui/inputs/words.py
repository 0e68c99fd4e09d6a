"""The Inputs page's word sections: what each encoder sees of one word, spelling against meaning neighbours, the
encoders' sizes, and BERT's WordPiece pieces of a sentence."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.encoders.base import layer_title
from engine.inputs.scripts import CJK_UNIFIED
from engine.inputs.sizes import encoder_sizes
from engine.inputs.spelling import CLOSE_SPELLING, nearest_words
from engine.tokenize import tokenize
from ui.common import ENCODER_TITLES, available_encoders, escape_markdown
from ui.inputs.data import script_counts, shared_spelling_space, spelling_summary
from ui.inputs.state import STATE
from ui.presenter import presenting


def characters(word: str) -> None:
    """What each encoder reads of the word on its own: a table row, its bytes, or its pieces. Four panels side by
    side; in presenter mode two, chosen by the teacher, so each is wide enough for large text."""
    encoders = available_encoders()
    shown = _shown_pair(list(encoders)) if presenting() else list(encoders)
    for column, name in zip(st.columns(len(shown)), shown):
        reading = encoders[name].word_reading(word)
        column.markdown(f"**{ENCODER_TITLES[name]}**: {escape_markdown(reading.how)}")
        column.table(pd.DataFrame({"reads": [escape_markdown(unit) for unit in reading.units], "known to it": [
            "✗ no" if unknown else "✓" for unknown in reading.unknown]}), hide_index=True,
            height=400 if len(reading.units) > 10 else "content")  # a long word's bytes scroll
        if reading.note:
            column.warning(escape_markdown(reading.note))


def _shown_pair(names: list[str]) -> list[str]:
    """The two encoders presenter mode shows (kept in the page's state and link as ``pair``)."""
    STATE["pair"] = [name for name in STATE["pair"] if name in names][:2] or names[:2]
    st.multiselect("Two encoders side by side", names, max_selections=2, format_func=ENCODER_TITLES.get,
                   **STATE.widget("pair"), help="Presenter mode shows two encoders at a time, so each panel is "
                                                "wide enough to read; leave presenter mode to see all four.")
    STATE.write_url()
    return STATE["pair"]


def neighbours(word: str) -> None:
    """Nearest words by a character model's vectors (spelling) beside nearest words by GloVe (meaning)."""
    encoders = list(available_encoders().values())
    spelling_model = next((e for e in encoders if e.reads_characters), None)
    meaning_model = next((e for e in encoders if not e.contextual), None)
    if spelling_model is None or meaning_model is None:
        st.info("The spelling-against-meaning comparison needs a character model (ELMo) and GloVe (see the sidebar).")
        return
    with st.status("Placing GloVe's 50,000 most frequent words under both models (once per server)…") as status:
        space = shared_spelling_space()
        status.update(label=f"{len(space.words):,} words placed under both models.", state="complete")
    spelling, meaning = st.columns(2)
    vector = spelling_model.token_vectors([word])[0]
    spelling.markdown(f"**Nearest by spelling**: {ENCODER_TITLES[spelling_model.name]}'s character-CNN vector")
    spelling.table(_table(nearest_words(word, vector, space.words, space.characters)), hide_index=True)
    glove = meaning_model.encode([[word]])[0]
    meaning.markdown(f"**Nearest by meaning**: {ENCODER_TITLES[meaning_model.name]}'s vector")
    if not glove.unknown[0]:
        meaning.table(_table(nearest_words(word, glove.vectors[0, 0], space.words, space.glove)), hide_index=True)
    else:
        meaning.warning(f"GloVe has no vector for “{escape_markdown(word)}”, so it has no neighbours: a word-level "
                        "table cannot place a word it never saw. The character model can.")
    ours, theirs = spelling_summary()
    st.caption(f"Over 500 words spread across that vocabulary, the nearest neighbour is spelt within {CLOSE_SPELLING} "
               f"edits of the word for **{ours:.0%}** of words under the character CNN and **{theirs:.0%}** under "
               "GloVe: looking alike is not meaning alike. (Our ELMo's CNN was also trained for a while to predict "
               "GloVe vectors from spelling, which pulls some of its neighbours towards meaning.)")


def _table(found: list) -> pd.DataFrame:
    """Neighbours as rows: the word (escaped: a table cell is Markdown), its cosine and its edits from the typed word."""
    return pd.DataFrame([{"word": escape_markdown(n.word), "cosine": f"{n.cosine:.3f}", "edits": n.edits}
                         for n in found])


def sizes() -> None:
    """Parameters and megabytes of every encoder beside its measured sense separation."""
    encoders = available_encoders()
    rows = [{"encoder": ENCODER_TITLES[size.encoder], "parameters": f"{size.parameters / 1e6:.1f}M",
             "weights on disk": f"{size.megabytes:.0f} MB",
             "senses told apart (held-out SemCor, best layer)": _accuracy(size, encoders[size.encoder].layer_names)}
            for size in encoder_sizes(list(encoders.values()))]
    st.table(pd.DataFrame(rows), hide_index=True)
    st.caption("Parameters include the input table each encoder reads (GloVe's 400,000 x 50 for the static encoder "
               "and the BiLSTM). ELMo's characters replace that table: a fraction of the size, for most of the "
               "BiLSTM's sense separation, while BERT's 22.6M parameters separate senses best.")


def _accuracy(size, layer_names: list[str]) -> str:
    """The held-out sense separation at the best layer, named in plain words with its technical name."""
    if size.sense_accuracy is None:
        return "not measured"
    if size.best_layer not in layer_names:
        return f"{size.sense_accuracy:.1%} ({size.best_layer})"
    plain = layer_title(list(layer_names), list(layer_names).index(size.best_layer))
    return f"{size.sense_accuracy:.1%} ({plain}: {size.best_layer})"


def wordpieces(sentence: str) -> None:
    """The sentence's pieces with their ids, the vocabulary size and the share of [UNK]."""
    bert = next((e for e in available_encoders().values() if e.reads_wordpieces), None)
    words = tokenize(sentence)
    if bert is None or not words:
        st.info("Type a sentence above." if bert else "BERT is unavailable (see the sidebar).")
        return
    pieces, ids = bert.wordpieces(words), bert.wordpiece_ids(words)
    rows = [{"word": word, "piece": piece, "id": piece_id, "unknown": "✗ [UNK]" if piece == bert.unknown_piece else ""}
            for word, word_pieces, word_ids in zip(words, pieces, ids)
            for piece, piece_id in zip(word_pieces, word_ids)]
    unknown = sum(row["unknown"] != "" for row in rows)
    first, second, third = st.columns(3)
    first.metric("words", len(words))
    second.metric("WordPiece pieces", len(rows))
    third.metric("[UNK] pieces", f"{unknown} ({unknown / len(rows):.0%})")
    st.dataframe(pd.DataFrame(rows), hide_index=True, height=min(36 * (len(rows) + 1), 400))
    counts = script_counts(bert.fingerprint())
    st.caption(
        f"The vocabulary has {bert.vocabulary_size:,} pieces, learnt from lower-cased English text, so any English "
        "word can be spelt from them and English never needs [UNK]. The notes' \"ease of Asian languages\" is about a "
        "*multilingual* vocabulary, which holds thousands of Chinese characters as pieces, so Chinese needs no word "
        f"segmentation. This one holds {counts['Chinese characters (CJK)']:,} of the {CJK_UNIFIED:,} common Chinese "
        f"characters, {counts['Japanese kana']} kana, {counts['Devanagari (Hindi)']} Devanagari and "
        f"{counts['Korean Hangul']} Hangul letters: most Chinese text comes out as [UNK] (try 我们去银行), and "
        "lower-casing strips Hindi's vowel signs (try बैंक)."
    )
