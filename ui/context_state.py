"""The Word-in-context view's state: restored from the URL on a session's first run, written back on every run.

Query parameters: ``word``, ``preset`` (a preset's word), ``sentences`` (newline-separated, ``label | sentence``;
only when they differ from the preset), ``encoder`` (whose nearest neighbours are listed), ``layer`` (relative depth,
0 = input layer, 1 = top layer), ``dims`` (3 for 3-D) and ``inflections`` (0 to match the exact word only).
"""
from __future__ import annotations

import streamlit as st

from engine import ENCODER_NAMES
from engine.corpus_index import corpus_index
from engine.occurrences import ContextInputError, ContextLine, format_lines, parse_lines
from engine.presets import Preset
from engine.word_forms import word_forms
from ui.common import escape_markdown, query_value, set_query

CUSTOM = "(your own sentences)"
DEFAULT_PRESET = "bank"
DEFAULT_SEARCH = 40


def restore_from_url(presets: dict[str, Preset]) -> None:
    """Fill the page's widget state from the URL once per session (later runs keep what the user changed)."""
    if st.session_state.get("wic_restored"):
        return
    st.session_state.wic_restored = True
    word, preset, sentences = query_value("word").strip(), query_value("preset").strip(), query_value("sentences")
    state = st.session_state
    state.wic_inflections = query_value("inflections", "1") != "0"
    state.wic_dims3 = query_value("dims") == "3"
    state.wic_encoder = query_value("encoder") if query_value("encoder") in ENCODER_NAMES else "bert"
    state.wic_depth_query = query_value("layer")
    state.wic_sources = {}
    state.wic_notice, state.wic_notice_ok = "", True
    chosen = presets.get(preset) if preset else preset_for(word, presets) if word else presets[DEFAULT_PRESET]
    if sentences.strip():
        state.wic_preset, state.wic_text, state.wic_word = CUSTOM, sentences, word
    elif chosen is not None:
        state.wic_preset, state.wic_text = chosen.word, format_lines(chosen.lines())
        state.wic_word = word or chosen.word
    else:
        if preset:
            state.wic_notice, state.wic_notice_ok = f"There is no preset called “{escape_markdown(preset)}”.", False
        state.wic_preset, state.wic_word, state.wic_text = CUSTOM, word, ""
        if word:
            search_corpus(DEFAULT_SEARCH)


def preset_for(word: str, presets: dict[str, Preset]) -> Preset | None:
    """The preset of the word or of its lemma (``banks`` -> the ``bank`` preset), if there is one."""
    word = word.strip().casefold()
    if word in presets:
        return presets[word]
    return next((presets[lemma] for lemma in sorted(word_forms().lemmas_of(word)) if lemma in presets), None)


def search_corpus(limit: int | None = None) -> None:
    """Replace the sentences with up to ``limit`` (default: the "How many" box) corpus sentences holding the word.

    ``wic_notice`` says what happened, as Markdown with the user's word escaped.
    """
    state = st.session_state
    limit = int(limit or state.get("wic_search_n", DEFAULT_SEARCH))
    try:
        found = corpus_index().search(state.wic_word, state.wic_inflections, limit)
    except ContextInputError:
        return  # the page shows what is wrong with the word
    if not found.matches:
        state.wic_notice = (f"No sentence of the bundled corpus (SemCor brown1 + EWT train/dev) contains "
                            f"“{escape_markdown(state.wic_word.strip())}”. Type or paste your own sentences "
                            "(open *Sentences*).")
        state.wic_notice_ok = False
        return
    state.wic_text = format_lines([ContextLine(match.label, match.text) for match in found.matches])
    state.wic_sources = {match.text: match.source + (f" · sense key {match.sense_key}" if match.sense_key else "")
                         for match in found.matches}
    state.wic_preset = CUSTOM
    labelled = sum(1 for match in found.matches if match.label)
    word = escape_markdown(state.wic_word.strip())
    state.wic_notice = (f"Found {found.total} corpus sentences with “{word}”; showing {len(found.matches)} "
                        f"({labelled} sense-labelled by SemCor).")
    state.wic_notice_ok = True


def choose_preset(presets: dict[str, Preset]) -> None:
    """Selecting a preset loads its sentences and word (the selectbox's callback)."""
    state = st.session_state
    if state.wic_preset in presets:
        preset = presets[state.wic_preset]
        state.wic_text, state.wic_word, state.wic_notice = format_lines(preset.lines()), preset.word, ""


def word_changed(presets: dict[str, Preset]) -> None:
    """A new word with a preset loads that preset, unless the user is working on their own sentences."""
    state = st.session_state
    preset = preset_for(state.wic_word, presets)
    if state.wic_preset != CUSTOM and preset is not None and preset.word != state.wic_preset:
        word = state.wic_word
        state.wic_preset = preset.word
        choose_preset(presets)
        state.wic_word = word  # keep the form the user typed (``banks``)


def text_changed(presets: dict[str, Preset]) -> None:
    """Editing a preset's sentences makes them the user's own."""
    state = st.session_state
    preset = presets.get(state.wic_preset)
    if preset is not None and parse_lines(state.wic_text) != preset.lines():
        state.wic_preset = CUSTOM


def restore_depth(depths: list[float]) -> None:
    """Put the layer slider on the offered depth nearest to the one asked for (the URL's on the first run)."""
    state = st.session_state
    if state.get("wic_depth") not in depths:
        try:
            wanted = state.get("wic_depth", float(state.wic_depth_query or 1.0))
        except ValueError:
            wanted = 1.0
        state.wic_depth = min(depths, key=lambda d: abs(d - wanted))


def save_to_url(presets: dict[str, Preset], depth: float) -> None:
    """Write the view to the URL (the sentences only when they are not exactly a preset's)."""
    state = st.session_state
    preset = state.wic_preset if state.wic_preset in presets else None
    set_query(word=state.wic_word.strip(), preset=preset, sentences=None if preset else state.wic_text.strip(),
              encoder=state.get("wic_encoder", "bert"), layer=f"{depth:.3g}",
              dims="3" if state.get("wic_dims3") else None, inflections=None if state.wic_inflections else "0")


def sentence_sources(lines: list[ContextLine], presets: dict[str, Preset]) -> list[str]:
    """Where each sentence comes from: the current preset or search, else the bundled corpus, else the user."""
    preset = presets.get(st.session_state.wic_preset)
    known = {**st.session_state.wic_sources, **(preset.sources() if preset else {})}
    if any(line.text not in known for line in lines):
        known = {**_corpus_sources(), **known}
    return [known.get(line.text, "typed in") for line in lines]


@st.cache_resource(show_spinner=False)
def _corpus_sources() -> dict[str, str]:
    """Sentence text -> source for the whole bundled corpus (loaded only when a sentence is not from a preset)."""
    index = corpus_index()
    return dict(zip(index.texts, index.sources))
