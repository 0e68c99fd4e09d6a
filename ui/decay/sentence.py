"""Distance decay on one sentence: its controls, the n x n influence heatmap and the chosen word's row."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from engine import Encoder, InputTooLong
from engine.decay.influence import (
    METHODS,
    VECTOR_DIRECTIONS,
    combine,
    directions,
    normalise_rows,
    squared_influence,
)
from engine.encoders.base import layer_title
from engine.tokenize import tokenize
from ui.common import ENCODER_TITLES, escape_markdown, get_encoder
from ui.decay.sentence_chart import show_sentence_chart
from ui.decay.state import (
    MAX_CHARS,
    PRESETS,
    SENTENCE_MAX_WORDS,
    STATE,
    choose_row,
    use_preset,
)
from ui.presenter import big_caption

DIRECTION_TITLES = {"both": "whole vector", "forward": "left-to-right half", "backward": "right-to-left half"}
METHOD_TITLES = {"occlusion": "remove the word", "gradient": "exact sensitivity"}


@st.cache_data(show_spinner=False, max_entries=128)
def squared_for(encoder_name: str, words: tuple[str, ...], method: str) -> np.ndarray:
    """Squared influence for every layer and half, so switching layer or direction costs nothing."""
    return squared_influence(get_encoder(encoder_name)[0], list(words), method)


def chosen_word(words: list[str], wanted: str) -> int:
    """The word asked for by the URL or a preset, as its number (1-based) or its text; else the middle word."""
    if wanted.isdigit() and 1 <= int(wanted) <= len(words):
        return int(wanted) - 1
    lowered = [word.casefold() for word in words]
    return lowered.index(wanted.casefold()) if wanted.casefold() in lowered else len(words) // 2


def measure_text(method: str, encoder: Encoder) -> str:
    if method == "gradient":
        return ("the size (Frobenius norm) of the Jacobian ∂h/∂x: how strongly this word's vector reacts to a tiny "
                "change of that word's input vector, computed exactly by automatic differentiation")
    return ("how far this word's vector moves when that word is replaced by a neutral input: "
            + encoder.neutral_input_description)


@dataclass(frozen=True)
class Choice:
    """What the controls ask for: an encoder, one of its layers, a direction and a measure."""

    name: str
    encoder: Encoder
    layers: list[str]
    layer: str
    direction: str
    method: str


@st.fragment
def sentence_view(encoders: dict[str, Encoder]) -> None:
    """One sentence: controls, the n x n heatmap and the chosen word's row over signed offset.

    A fragment, so a change here reruns neither the corpus chart nor the rest of the page; it holds another,
    ``sentence_result``, so a new sentence or word does not send the presets and the four choices again."""
    st.header("One sentence")
    for column, (label, sentence, word) in zip(st.columns(len(PRESETS)), PRESETS):
        column.button(label, on_click=use_preset, args=(sentence, word), width="stretch", help=sentence)
    sentence_box = st.container()
    sentence_result(sentence_box, _choices(encoders))


@st.fragment
def sentence_result(sentence_box: DeltaGenerator, choice: Choice) -> None:
    """The sentence box (drawn in ``sentence_box``, above the choices), the word, the heatmap and the row."""
    sentence_box.text_area(f"Sentence (type your own, up to {SENTENCE_MAX_WORDS} words)", max_chars=MAX_CHARS,
                           height=80, **STATE.widget("sentence"))
    words = tokenize(STATE["sentence"])
    if not words:
        st.warning("Type a sentence to see how its words shape each other.")
        return
    if len(words) > SENTENCE_MAX_WORDS:
        st.warning(f"This text has {len(words)} words; this view reads at most {SENTENCE_MAX_WORDS}. Shorten it.")
        return
    method = _feasible_method(choice, len(words))
    try:
        waiting = " (exact gradients take a few seconds)" if method == "gradient" else ""
        with st.spinner(f"Measuring {len(words) ** 2:,} word pairs with {ENCODER_TITLES[choice.name]}{waiting}…"):
            squared = squared_for(choice.name, tuple(words), method)
    except InputTooLong as error:
        st.warning(f"{ENCODER_TITLES[choice.name]}: {error}")
        return
    matrix = normalise_rows(combine(squared[choice.layers.index(choice.layer)], choice.direction))
    _draw(choice, method, words, matrix, _word_choice(words))


def _choices(encoders: dict[str, Encoder]) -> Choice:
    """The encoder, layer, direction and measure controls."""
    state = STATE
    names = list(encoders)
    name = state.keep_in("encoder", names, fallback="bilstm")
    encoder = encoders[name]
    layers = list(encoder.layer_names)
    layer = state.keep_in("layer", layers, fallback=layers[encoder.layer_index()])
    recurrent = len(directions(encoder)) > 1
    direction = state.keep_in("direction", VECTOR_DIRECTIONS if recurrent else ["both"])
    method = state.keep_in("method", METHODS)
    left, right = st.columns(2)  # two per row: four in a row cut their labels on a 1024 px screen
    left.radio("Encoder", names, format_func=ENCODER_TITLES.get, horizontal=True, **state.widget("encoder"))
    titles = {layer_name: layer_title(layers, index) for index, layer_name in enumerate(layers)}
    right.selectbox("Layer", layers, format_func=titles.get, **state.widget("layer", labels=list(titles.values())),
                    help="The default is the network's top layer. Technical names: "
                         + "; ".join(f"{title} = `{layer_name}`" for layer_name, title in titles.items()) + ".")
    left, right = st.columns(2)
    left.radio(
        "Part of the vector", VECTOR_DIRECTIONS, format_func=DIRECTION_TITLES.get, horizontal=True,
        disabled=not recurrent, **state.widget("direction"),
        help="A recurrent vector is two halves: the forward half reads left to right, the backward half right to "
             "left (BiLSTM and ELMo only; `direction` = both, forward or backward).",
    )
    right.radio("Measure", METHODS, format_func=METHOD_TITLES.get, horizontal=True, **state.widget("method"),
                help="Remove the word (occlusion): replace word j by a neutral input and see how far word i's vector "
                     "moves. Exact sensitivity (gradient): the norm of the Jacobian ∂h_i/∂x_j.")
    state.write_url()
    return Choice(name, encoder, layers, layer, direction, method)


def _feasible_method(choice: Choice, n_words: int) -> str:
    """The measure asked for, or occlusion (with a note) where exact gradients would take too long."""
    limit, title = choice.encoder.gradient_max_words, ENCODER_TITLES[choice.name]
    if choice.method != "gradient" or limit is None or n_words <= limit:
        return choice.method
    if limit == 0:
        st.info(f"Exact gradients for {title} need a Jacobian-vector product per input dimension of every word "
                "through the whole network (tens of seconds even for a short sentence on this server), so this page "
                f"shows occlusion for {title}; `engine.influence(..., method=\"gradient\")` computes them offline.")
    else:
        st.info(f"Exact gradients cost grows with the square of the length: for more than {limit} words this page "
                f"shows occlusion for {title}.")
    return "occlusion"


def _word_choice(words: list[str]) -> int:
    """The word whose row is shown: a selectbox, started from the word the URL or a preset names."""
    state = STATE
    wanted = state["word"]
    word = chosen_word(words, wanted)
    state["row"] = word
    labels = [f"{i + 1} · {w}" for i, w in enumerate(words)]
    st.selectbox("Word whose vector we look at (row i)", range(len(words)), format_func=labels.__getitem__,
                 **state.widget("row", on_change=choose_row, labels=labels))
    if wanted and not wanted.isdigit() and wanted.casefold() != words[word].casefold():
        st.info(f"“{escape_markdown(wanted[:40])}” is not a word of this sentence: showing word {word + 1}, "
                f"“{escape_markdown(words[word])}”.")
    state["word"] = str(word + 1)
    state.write_url()
    return word


def headline(words: list[str], row: np.ndarray, word: int) -> str:
    """The chosen word and the other word that moves it most, in a sentence a room can read from afar."""
    others = np.where(np.arange(len(words)) == word, -np.inf, np.nan_to_num(row, nan=-np.inf))
    strongest = int(np.argmax(others))
    if others[strongest] <= 0:
        return f"“{words[word]}”: no other word moves its vector here"
    offset = strongest - word
    where = f"{abs(offset)} word{'s' if abs(offset) > 1 else ''} {'before' if offset < 0 else 'after'} it"
    return f"“{words[word]}” is moved most by “{words[strongest]}”, {where}"


def _draw(choice: Choice, method: str, words: list[str], matrix: np.ndarray, word: int) -> None:
    """The chosen word's headline, the heatmap and its row as bars, one under the other at full width (side by side
    they shrank the heatmap to a sliver on a 1024 px screen), and what the numbers mean."""
    title = headline(words, matrix[word], word)
    big_caption(title)
    show_sentence_chart(matrix, words, word, description=f"Influence heatmap of {len(words)} words. {title}.")
    st.markdown(
        f"**“{escape_markdown(words[word])}”** (word {word + 1}): each bar is "
        f"{measure_text(method, choice.encoder)}. "
        "Every row of the heatmap is divided by its largest value from another word, so 1 marks the context word "
        "that shapes it most. The word itself (the grey diagonal) is left out: its own input always matters most."
    )
    if choice.direction != "both":
        st.caption(f"Only the {choice.direction} half of each vector: it is computed from the words on one side "
                     "only, so every word on the other side reads exactly 0.")
    if not choice.encoder.contextual:
        st.caption("A static embedding has no context: only the word itself counts.")
