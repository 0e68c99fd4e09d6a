"""The Word-in-context view's state (``ui.page_state``) and the callbacks of its inputs.

Query parameters: ``word``, ``preset`` (a preset's word), ``search`` and ``n`` (the word and count of a corpus search,
so that a search's view is a short link), ``sentences`` (newline-separated, ``label | sentence``; only when they are
neither a preset's nor a search's), ``encoder`` (whose nearest neighbours are listed), ``layer`` (relative depth,
0 = input layer, 1 = top layer), ``dims`` (3 for 3-D), ``inflections`` (0 to match the exact word only) and ``pair`` (the two encoders presenter mode
shows side by side).
"""
from __future__ import annotations

import streamlit as st

from engine import ENCODER_NAMES
from engine.word_in_context.corpus_index import corpus_index
from engine.word_in_context.occurrences import (
    ContextInputError,
    ContextLine,
    format_lines,
    parse_lines,
)
from engine.word_in_context.presets import Preset, load_presets
from engine.word_in_context.word_forms import word_forms
from ui.common import escape_markdown
from ui.page_state import Field, PageState

CUSTOM = "(your own sentences)"
DEFAULT_PRESET = "bank"
DEFAULT_SEARCH = 40
MAX_SEARCH = 300
MAX_TEXT = 120_000
PAIR = ("static", "bert")  # the two encoders presenter mode shows side by side until the teacher picks others


def _fill_from_link(state: PageState) -> None:
    """A link names a preset, a corpus search, a word (its preset, else a search) or its own sentences; no link:
    ``bank``."""
    presets = load_presets()
    word, preset, sentences = state["word"].strip(), state["preset"].strip(), state["sentences"]
    chosen = presets.get(preset) if preset else preset_for(word, presets) if word else presets[DEFAULT_PRESET]
    if state["search"].strip() and not sentences.strip():
        state["preset"], state["word"] = CUSTOM, word or state["search"].strip()
        search_corpus(state["n"], state["search"])
    elif sentences.strip():
        state["preset"], state["word"] = CUSTOM, word
    elif chosen is not None:
        state["preset"], state["sentences"] = chosen.word, format_lines(chosen.lines())
        state["word"] = word or chosen.word
    else:
        if preset:
            state["notice"], state["notice_ok"] = f"There is no preset called “{escape_markdown(preset)}”.", False
        state["preset"], state["word"], state["sentences"] = CUSTOM, word, ""
        if word:
            search_corpus(DEFAULT_SEARCH)


def _count(text: str) -> int:
    """A search's sentence count from the URL, within the "How many" box's range."""
    return min(max(int(text), 1), MAX_SEARCH)


STATE = PageState("wic", {
    "word": Field("", parse=lambda text: text[:100]),
    "preset": Field("", dump=lambda preset: None if preset == CUSTOM else preset),
    "sentences": Field("", parse=lambda text: text[:MAX_TEXT]),  # written only when they are not a preset's
    "inflections": Field(True, parse=lambda text: text != "0", dump=lambda on: None if on else "0"),
    "dims": Field(False, parse=lambda text: text == "3", dump=lambda three: "3" if three else None),  # 3-D?
    "layer": Field(1.0, parse=float, dump=lambda depth: f"{depth:.3g}"),
    "encoder": Field("bert", parse=lambda name: name if name in ENCODER_NAMES else "bert"),
    "pair": Field(list(PAIR), parse=lambda text: [name for name in text.split(",") if name in ENCODER_NAMES][:2],
                  dump=lambda pair: None if tuple(pair) == PAIR else ",".join(pair)),  # presenter mode's two panels
    "search": Field(""),  # the word of the corpus search the sentences came from ("" when they did not)
    "n": Field(DEFAULT_SEARCH, parse=_count),
    "searched": Field("", url=False),  # the sentences that search gave, to tell whether they were edited since
    "focus": Field(0, url=False), "k": Field(5, url=False), "last_click": Field(None, url=False),
    "notice": Field("", url=False), "notice_ok": Field(True, url=False), "sources": Field({}, url=False),
}, on_url=_fill_from_link)


def preset_for(word: str, presets: dict[str, Preset]) -> Preset | None:
    """The preset of the word or of its lemma (``banks`` -> the ``bank`` preset), if there is one."""
    word = word.strip().casefold()
    if word in presets:
        return presets[word]
    return next((presets[lemma] for lemma in sorted(word_forms().lemmas_of(word)) if lemma in presets), None)


def search_corpus(limit: int | None = None, word: str | None = None) -> None:
    """Replace the sentences with up to ``limit`` (default: the "How many" box) corpus sentences holding ``word``
    (default: the target word).

    The ``notice`` says what happened, as Markdown with the user's word escaped.
    """
    state = STATE
    limit, word = int(limit or state["n"]), word or state["word"]
    try:
        found = corpus_index().search(word, state["inflections"], limit)
    except ContextInputError:
        return  # the page shows what is wrong with the word
    shown = escape_markdown(word.strip())
    if not found.matches:
        state["notice"] = (f"No sentence of the bundled corpus (SemCor brown1 + EWT train/dev) contains “{shown}”. "
                           "Type or paste your own sentences (open *Sentences*).")
        state["notice_ok"] = False
        return
    state["search"], state["n"] = word.strip(), limit
    state["sentences"] = format_lines([ContextLine(match.label, match.text) for match in found.matches])
    state["sources"] = {match.text: match.source + (f" · sense key {match.sense_key}" if match.sense_key else "")
                        for match in found.matches}
    state["preset"], state["searched"] = CUSTOM, state["sentences"]
    labelled = sum(1 for match in found.matches if match.label)
    state["notice"] = (f"Found {found.total} corpus sentences with “{shown}”; showing {len(found.matches)} "
                       f"({labelled} sense-labelled by SemCor).")
    state["notice_ok"] = True


def choose_preset(presets: dict[str, Preset]) -> None:
    """Selecting a preset loads its sentences and word (the selectbox's callback)."""
    state = STATE
    if state["preset"] in presets:
        preset = presets[state["preset"]]
        state["sentences"], state["word"], state["notice"] = format_lines(preset.lines()), preset.word, ""


def word_changed(presets: dict[str, Preset]) -> None:
    """A new word with a preset loads that preset, unless the user is working on their own sentences."""
    state = STATE
    preset = preset_for(state["word"], presets)
    if state["preset"] != CUSTOM and preset is not None and preset.word != state["preset"]:
        word = state["word"]
        state["preset"] = preset.word
        choose_preset(presets)
        state["word"] = word  # keep the form the user typed (``banks``)


def text_changed(presets: dict[str, Preset]) -> None:
    """Editing a preset's sentences makes them the user's own."""
    preset = presets.get(STATE["preset"])
    if preset is not None and parse_lines(STATE["sentences"]) != preset.lines():
        STATE["preset"] = CUSTOM


def nearest_depth(depths: list[float]) -> float:
    """Put the layer on the offered depth nearest to the one chosen (or linked) and return it."""
    STATE["layer"] = min(depths, key=lambda d: abs(d - STATE["layer"]))
    return STATE["layer"]


def save_to_url(presets: dict[str, Preset]) -> None:
    """Write the view to the URL: a preset by its word, a corpus search by its word and count, and the sentences
    themselves only when they are neither (typed, pasted or edited)."""
    preset = presets.get(STATE["preset"])
    if preset and parse_lines(STATE["sentences"]) == preset.lines():
        STATE.write_url(sentences=None, search=None, n=None)
    elif STATE["search"] and STATE["sentences"] == STATE["searched"]:
        STATE.write_url(sentences=None)
    else:
        STATE.write_url(sentences=STATE["sentences"].strip(), search=None, n=None)


def sentence_sources(lines: list[ContextLine], presets: dict[str, Preset]) -> list[str]:
    """Where each sentence comes from: the current preset or search, else the bundled corpus, else the user."""
    preset = presets.get(STATE["preset"])
    known = {**STATE["sources"], **(preset.sources() if preset else {})}
    if any(line.text not in known for line in lines):
        known = {**_corpus_sources(), **known}
    return [known.get(line.text, "typed in") for line in lines]


@st.cache_resource(show_spinner=False)
def _corpus_sources() -> dict[str, str]:
    """Sentence text -> source for the whole bundled corpus (loaded only when a sentence is not from a preset)."""
    index = corpus_index()
    return dict(zip(index.texts, index.sources))
