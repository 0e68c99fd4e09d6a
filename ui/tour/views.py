"""The tour's live views: one function per kind of view, from the teacher's text to a figure and what it shows.

Each view reuses a page's own figure builder and cached computation (nothing is copied), so the tour shows exactly
what the pages show. Views are plain functions of their text and the step's parameters: the page draws them, and
``ui.tour.handout`` calls the same functions outside a Streamlit run for the students' copy. A text the view cannot
use raises ``TourInputError`` with a message for the teacher, never a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from engine import Encoder, InputTooLong, tokenize
from engine.decay.curves import half_life, stored_curves
from engine.decay.influence import combine, normalise_rows
from engine.encoders.registry import bundled_fingerprint, load_status
from engine.heads.behaviour import pronoun_rows, strongest_links
from engine.heads.labels import HeadLabel
from engine.tokenize import is_punctuation
from engine.word_in_context.corpus_index import corpus_index
from engine.word_in_context.occurrences import (
    ContextInputError,
    ContextLine,
    Contexts,
    find_occurrences,
    format_lines,
    parse_lines,
    word_spans,
)
from engine.word_in_context.presets import load_presets
from engine.word_in_context.projection import Projection, project
from ui.common import ENCODER_COLOURS, ENCODER_TITLES, get_encoder
from ui.decay.figures import corpus_chart, influence_heatmap
from ui.decay.sentence import chosen_word, squared_for
from ui.heads.data import encode, report_of
from ui.heads.grid import LABEL_COLOURS, grid_figure, grid_parts, head_heatmap
from ui.inputs.data import order_changes
from ui.inputs.figures import input_sum, order_change
from ui.word_in_context.data import (
    PanelMap,
    cached_measures,
    cached_targets,
    map_panel,
    panel_map,
    stored_layer_names,
)
from ui.word_in_context.figures import (
    UNLABELLED,
    Points,
    hover_html,
    measures_figure,
    projection_figure,
)

PIECES_MODEL = "bert"  # the encoder whose WordPiece input and attention heads the tour shows
MAX_WORDS = 60  # a tour view is read by a room: longer texts are refused with a message
CORPUS_SENTENCES = 40  # a word that is not a preset is looked up in the bundled corpus, this many sentences


class TourInputError(ValueError):
    """Text a view cannot use; the message tells the teacher what to type instead."""


@dataclass
class View:
    """What a step draws: the figure, the one line a room should read (big caption), and what the view shows."""

    figure: go.Figure
    key_line: str
    about: str  # which encoder(s) the view shows, what they are, and anything approximate


def model(name: str) -> Encoder:
    """A loaded encoder, or TourInputError saying why it is unavailable."""
    encoder, reason = get_encoder(name)
    if encoder is None:
        raise TourInputError(f"{ENCODER_TITLES[name]} is not available here: {reason}")
    return encoder


def sentence_words(text: str) -> list[str]:
    """The words of a sentence the teacher typed, or TourInputError when it is empty or too long for a view."""
    words = tokenize(text)
    if not any(not is_punctuation(word) for word in words):
        raise TourInputError("Type a sentence: this box is empty.")
    if len(words) > MAX_WORDS:
        raise TourInputError(f"That text has {len(words)} words; a tour view reads at most {MAX_WORDS}. "
                             "Shorten it (the pages under the menu read longer texts).")
    return words


def _describe(names: tuple[str, ...]) -> str:
    """Each encoder's own description once it is loaded (asking never loads a model: a stored view stays instant)."""
    return " ".join(f"{ENCODER_TITLES[name]}: {status[1]}" for name in names
                    if (status := load_status(name)) and status[0] == "ready")


# --- one word across many sentences (the Word-in-context page) ---------------------------------------------------

@dataclass(frozen=True)
class WordContexts:
    contexts: Contexts
    texts: tuple[str, ...]  # per occurrence: the sentence
    spans: tuple[tuple[int, int], ...]  # per occurrence: the word's characters in it
    forms: tuple[str, ...]
    source: str  # where the sentences come from


@st.cache_data(show_spinner=False, max_entries=32)
def word_contexts(word: str) -> WordContexts:
    """A preset's sentences (precomputed, drawn without a model), else up to 40 sentences of the bundled corpus."""
    try:
        target = word.strip().casefold()
        preset = load_presets().get(target)
        if preset is not None:  # read exactly as the preset store read it, so that its key finds the stored results
            lines = parse_lines(format_lines(preset.lines()))
            source = f"the “{target}” preset, {len(lines)} labelled sentences"
        else:
            search = corpus_index().search(word, limit=CORPUS_SENTENCES)
            lines = [ContextLine(match.label, match.text) for match in search.matches]
            source = f"{len(lines)} sentences of the bundled corpus (SemCor and EWT)"
        found = find_occurrences(word, lines)
    except ContextInputError as error:
        raise TourInputError(str(error)) from None
    if len(found.occurrences) < 2:
        raise TourInputError(f"“{word.strip()[:40]}” occurs in fewer than two sentences of the bundled corpus: "
                             "try a common word, such as bank, plant or light.")
    texts, spans = [], []
    for occurrence in found.occurrences:
        text, word_spans_ = word_spans(found.lines[occurrence.sentence].text, found.words[occurrence.sentence])
        texts.append(text)
        spans.append(word_spans_[occurrence.position])
    return WordContexts(Contexts.of(found), tuple(texts), tuple(spans),
                        tuple(o.form.casefold() for o in found.occurrences), source)


@st.cache_data(show_spinner=False, max_entries=64)
def _umap_now(encoder: str, layer: int, key: str, _contexts: Contexts) -> Projection:
    """A UMAP map computed here and now (under a second for the tour's at most 40 sentences)."""
    return project(cached_targets(encoder, key, _contexts)[layer], 2)


def word_map(word: str, encoders: tuple[str, ...]) -> View:
    """The word's occurrences placed by their top-layer vectors, one panel per encoder (Word in context)."""
    found = word_contexts(word)
    contexts, panels, readings = found.contexts, [], []
    for name in encoders:
        layer = len(cached_targets(name, contexts.key, contexts)) - 1
        mapped = panel_map(name, layer, contexts, 2)
        if mapped.waiting:  # the tour shows its answer at once: no PCA stand-in
            mapped = PanelMap(_umap_now(name, layer, contexts.key, contexts), "", False)
        panels.append(map_panel(name, _layer_names(name, contexts.key), layer, contexts, len(set(found.forms)), mapped))
        readings.append(f"{ENCODER_TITLES[name]}: {mapped.projection.distinct} distinct points")
    labels = [label or UNLABELLED for label in contexts.labels]
    hovers = [hover_html(text, start, end, label, "") for text, (start, end), label
              in zip(found.texts, found.spans, labels)]
    points = Points(labels, hovers, list(found.forms),
                    legend_order=[label for label in labels if label != UNLABELLED] + [UNLABELLED])
    figure = projection_figure(panels, points, 2)
    key = f"{len(contexts.positions)} occurrences of “{word.strip()}” → " + "; ".join(readings)
    about = (f"Each point is one occurrence in {found.source}, placed by the encoder's top-layer vector (UMAP, "
             "cosine; PCA where a panel has too few distinct points, as its title says; the axes have no units). "
             "Colours are senses. ")
    return View(figure, key, about + _describe(encoders))


def _layer_names(name: str, key: str) -> list[str]:
    return stored_layer_names(name, key) or list(model(name).layer_names)


def sense_layers(word: str, encoders: tuple[str, ...]) -> View:
    """Sense separation layer by layer for every encoder, on the word's sentences (Word in context's measures)."""
    found = word_contexts(word)
    contexts, series, baseline = found.contexts, {}, None
    for name in encoders:
        measures = cached_measures(name, contexts.key, contexts)
        series[name] = [{"depth": m.depth, "layer": m.layer, "accuracy": m.centroid and m.centroid.accuracy,
                         "adjusted": m.adjusted_self_similarity} for m in measures]
        baseline = next((m.centroid.baseline for m in measures if m.centroid), baseline)
    if baseline is None:
        raise TourInputError(f"The sentences found for “{word.strip()[:40]}” carry too few sense labels to measure "
                             "sense separation: try a preset word, such as bank, plant or light.")
    best = {name: max((row["accuracy"] or 0) for row in rows) for name, rows in series.items()}
    key = f"“{word.strip()}”, best layer: " + ", ".join(f"{ENCODER_TITLES[name]} {value:.0%}"
                                                         for name, value in best.items())
    key += f" (always guessing the commonest sense: {baseline:.0%})"
    about = (f"Sentences: {found.source}. Left: how often an occurrence is nearest the average of its own sense "
             "(leave one out). Right: how alike the occurrences are, beyond what any two words share.")
    return View(measures_figure(series, baseline), key, about)


# --- distance decay ------------------------------------------------------------------------------------------------

def _influence(name: str, words: list[str], layer: str) -> np.ndarray:
    """The rows-normalised occlusion influence at ``layer`` (the Distance-decay page's cached measure)."""
    encoder = model(name)
    try:
        squared = squared_for(name, tuple(words), "occlusion")
    except InputTooLong as error:
        raise TourInputError(str(error)) from None
    return normalise_rows(combine(squared[list(encoder.layer_names).index(layer)], "both"))


def influence_map(sentence: str, encoder: str, layer: str, word: str) -> View:
    """Every word's influence on every other word in one sentence, the step's word framed (Distance decay)."""
    words = sentence_words(sentence)
    matrix = _influence(encoder, words, layer)
    chosen = chosen_word(words, word)
    row = matrix[chosen]
    left = [(row[j], words[j]) for j in range(chosen)]
    right = [(row[j], words[j]) for j in range(chosen + 1, len(words))]
    sides = [f"strongest on its {side}: “{max(pairs)[1]}” ({max(pairs)[0]:.2f})"
             for side, pairs in (("left", left), ("right", right)) if pairs]
    key = f"“{words[chosen]}” (framed row) · " + "; ".join(sides or ["no other word"])
    about = (f"{ENCODER_TITLES[encoder]}, layer {layer}. Each cell: how far word i's vector moves when word j is "
             f"replaced by a neutral input ({model(encoder).neutral_input_description}); each row scaled so its "
             f"strongest other word is 1. {_describe((encoder,))}")
    return View(influence_heatmap(matrix, words, chosen), key, about)


def _corpus_rows(name: str, layer: str) -> pd.DataFrame | None:
    fingerprint = bundled_fingerprint(name)
    table = stored_curves(name, fingerprint) if fingerprint else None
    if table is None:
        return None
    return table[(table["layer"] == layer) & (table["direction"] == "both")]


def _sentence_curve(matrix: np.ndarray, min_pairs: int = 3) -> pd.DataFrame:
    """One sentence's mean influence against signed offset, in the corpus table's columns (no band: one sentence),
    at offsets with at least ``min_pairs`` word pairs (the last one or two would be single noisy pairs)."""
    n, rows = len(matrix), []
    for offset in range(-(n - min_pairs), n - min_pairs + 1):
        if offset:
            values = [matrix[i, i + offset] for i in range(max(0, -offset), min(n, n - offset))]
            mean = float(np.nanmean(values))
            rows.append({"offset": offset, "mean": mean, "low": mean, "high": mean, "pairs": len(values)})
    return pd.DataFrame(rows, columns=["offset", "mean", "low", "high", "pairs"])


def decay_curves(sentence: str, curves: tuple[tuple[str, str], ...], live: tuple[str, str],
                 ready_only: bool = False) -> View:
    """Mean influence against distance over 300 sentences (stored, no model needed), and the teacher's sentence.

    ``curves``: (encoder, layer) pairs read from the shipped curves; ``live``: the encoder and layer that measure the
    sentence. With ``ready_only`` the sentence waits for nobody: it is drawn only once that model has loaded.
    """
    words = sentence_words(sentence)
    if len(words) < 3:
        raise TourInputError("Type a sentence of three words or more: distance needs some room.")
    drawn, lives = [], []
    for name, layer in curves:
        rows = _corpus_rows(name, layer)
        if rows is not None and len(rows):
            drawn.append((f"{ENCODER_TITLES[name]} {layer}, 300 sentences", ENCODER_COLOURS[name], rows))
            value = half_life(rows)
            lives.append(f"{ENCODER_TITLES[name]} {layer}: half by {_distance(value)}")
    name, layer = live
    waiting = ready_only and load_status(name) is None
    if not waiting:
        drawn.append((f"your sentence ({ENCODER_TITLES[name]} {layer})", "#000000",
                      _sentence_curve(_influence(name, words, layer))))
    figure = corpus_chart(drawn, log_scale=False)
    about = ("Coloured curves: mean influence of a word d places away (strongest other word = 1), over 300 English "
             "Web Treebank dev sentences, with 95% bands, from the shipped measurements. Black: the same measure on "
             "your sentence alone (few pairs per distance, so it is bumpy).")
    if waiting:
        about += f" Your sentence's curve appears once {ENCODER_TITLES[name]} has loaded (seconds after a restart)."
    return View(figure, "; ".join(lives) or "no stored curves for these weights", about)


def _distance(value: float | None) -> str:
    if value is None:
        return "never: no context"
    return "more than 30 words" if np.isinf(value) else f"{value:.1f} words"


# --- what the encoders read ----------------------------------------------------------------------------------------

def readings(sentence: str, table: str, characters: str) -> View:
    """Per word, the length of the static table's row and of the character CNN's vector (0: no entry)."""
    words = sentence_words(sentence)
    static, spelled = (model(name).encode([words])[0] for name in (table, characters))
    unknown = [word for word, missing in zip(words, static.unknown) if missing]
    figure = input_sum(words, {f"{ENCODER_TITLES[table]}: its table row": static.vectors[0],
                               f"{ENCODER_TITLES[characters]}: built from characters": spelled.vectors[0]})
    figure.update_layout(xaxis_title_text="word (position · word)")
    key = (f"Not in GloVe's table (zeros): {', '.join(unknown)}" if unknown else
           "GloVe knows every word of this sentence: try a made-up word")
    key += f" · {ENCODER_TITLES[characters]} built a vector for all {len(words)} words"
    about = ("Bar height: the length of each word's input vector before any context (0 means the encoder has "
             "nothing for it; the two encoders' scales differ, so compare zero with non-zero, not heights). "
             f"{_describe((table, characters))}")
    return View(figure, key, about)


@st.cache_data(show_spinner=False, max_entries=32)
def _input_parts(fingerprint: str, words: tuple[str, ...]) -> tuple[list[str], dict[str, np.ndarray]]:
    parts = model(PIECES_MODEL).input_parts(list(words))
    return parts.pieces, {"token (WordPiece)": parts.token, "position": parts.position, "segment": parts.segment,
                          "sum, after LayerNorm": parts.summed}



def bert_inputs(sentence: str) -> View:
    """BERT's input per WordPiece piece: token, position and segment vectors and their normalised sum (Inputs)."""
    words = sentence_words(sentence)
    encoder = model(PIECES_MODEL)
    try:
        pieces, parts = _input_parts(encoder.fingerprint(), tuple(words))
    except InputTooLong as error:
        raise TourInputError(str(error)) from None
    split = [f"{word} → {' + '.join(p)}" for word, p in zip(words, encoder.wordpieces(words)) if len(p) > 1]
    key = f"{len(pieces)} pieces for {len(words)} words" + (f" · {'; '.join(split)}" if split else
                                                            " · every word is one piece")
    about = ("Each piece's input is three vectors added: its WordPiece (token) vector, the vector of its position, "
             "and a segment vector; the first layer reads their sum after LayerNorm. Bars: vector lengths. "
             f"{_describe((PIECES_MODEL,))}")
    return View(input_sum(pieces, parts), key, about)


def word_order(sentence: str) -> View:
    """How far shuffling the words moves each word's top-layer vector, per encoder, and BERT without positions."""
    words = sentence_words(sentence)
    if len(words) < 2:
        raise TourInputError("Type two words or more: one word has no order to shuffle.")
    results = order_changes(tuple(words))
    rows = [{"encoder": r.encoder, "label": ENCODER_TITLES[r.encoder] + ("" if r.positions else " without positions"),
             "change": r.change, "largest": r.largest, "layer": r.layer} for r in results]
    key = " · ".join(f"{row['label']}: {row['change']:.3f}" for row in rows)
    about = ("The words are shuffled (seeded) and each word's top-layer vector compared with its vector in the "
             "original order: 0 means order made no difference. Every encoder is shown; the last bar is BERT run "
             "with its position embeddings left out.")
    return View(order_change(rows), key, about)


# --- attention heads -----------------------------------------------------------------------------------------------

def _attention(words: list[str]) -> tuple[np.ndarray, list[HeadLabel]]:
    encoder = model(PIECES_MODEL)
    try:
        encoded = encode(encoder.fingerprint(), " ".join(words))
    except InputTooLong as error:
        raise TourInputError(str(error)) from None
    return encoded.attentions, report_of(encoder).labels


def heads_grid(sentence: str, framed: str) -> View:
    """Every head of BERT as a small attention map, framed in the colour of its measured label (Attention heads);
    the best head of the label ``framed`` gets the black frame."""
    words = sentence_words(sentence)
    attention, labels = _attention(words)
    kinds = {(label.layer, label.head): label.label for label in labels}
    counts = {kind: sum(1 for label in labels if label.label == kind) for kind in LABEL_COLOURS}
    chosen = best_head(labels, framed)
    parts = grid_parts(attention, words, kinds, set(LABEL_COLOURS), strongest_links(attention))
    figure = grid_figure(parts, (chosen.layer, chosen.head))
    key = f"{len(labels)} heads: " + ", ".join(f"{counts[kind]} {kind}" for kind in LABEL_COLOURS)
    about = ("Rows: layers; columns: heads; each tile: who attends to whom in your sentence (rows attend to "
             "columns, word level). Frames: red coreference, blue syntax, green meaning, orange topic, grey other, "
             "labelled from gold data, not from this sentence; black: head "
             f"{chosen.layer}-{chosen.head}, the best {framed} head. {_describe((PIECES_MODEL,))}")
    return View(figure, key, about)


def best_head(labels: list[HeadLabel], kind: str) -> HeadLabel:
    """The head of this label with the best held-out score: the one the tour shows."""
    return max((label for label in labels if label.label == kind),
               key=lambda label: label.details["held_out_scores"][kind])


def one_head(sentence: str, kind: str, word: str, pronoun: bool = False) -> View:
    """The best head of one label, large, and where the step's word looks in it; with ``pronoun``, where each
    pronoun looks among the content words (its possible antecedents, as the GAP test asks)."""
    words = sentence_words(sentence)
    attention, labels = _attention(words)
    head = best_head(labels, kind)
    weights = attention[head.layer - 1, head.head - 1]
    chosen = chosen_word(words, word)
    order = [j for j in np.argsort(-weights[chosen]) if j != chosen][:3]
    key = (f"Head {head.layer}-{head.head}: “{words[chosen]}” looks at "
           + ", ".join(f"“{words[j]}” {weights[chosen, j]:.0%}" for j in order))
    note = ""
    if pronoun:
        rows = pronoun_rows(encode(model(PIECES_MODEL).fingerprint(), " ".join(words)), head.layer - 1,
                            head.head - 1)
        if rows:
            key = (f"Head {head.layer}-{head.head}: “{rows[0]['pronoun']}” among the nouns and other content words: "
                   f"{rows[0]['content words it attends to most']} (its top word overall: "
                   f"{rows[0]['top word overall']})")
        else:
            note = " Your sentence has no pronoun: the caption follows the middle word."
    elif words[chosen].casefold() != word.casefold():
        note = f" “{word}” is not in your sentence, so the caption follows “{words[chosen]}”, the middle word."
    figure = head_heatmap(weights, words, f"Layer {head.layer}, head {head.head} ({kind})")
    about = (f"BERT's head {head.layer}-{head.head}, labelled {kind} from gold data: {head.evidence}. Rows attend "
             f"to columns (word level: a word's pieces summed). {_describe((PIECES_MODEL,))}")
    return View(figure, key, about + note)
