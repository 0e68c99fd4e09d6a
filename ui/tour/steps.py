"""The tour's steps as data, in the order of the course notes: what the notes claim, the live view that shows it,
the question the room answers before the reveal, and the measured answer.

A step's answer and the right option are functions, read from the shipped measurements (``ui.tour.measured``) when
the step is drawn, so the text never disagrees with the data. Adding a step is adding a ``Step`` here (see
``docs/tour.md``).
"""
from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine import ENCODER_NAMES
from ui.common import ENCODER_TITLES
from ui.tour import measured, views
from ui.tour.views import View


@dataclass(frozen=True)
class Question:
    """Predict, then reveal: the prompt, its options and which one is right (an index, or computed from data)."""

    prompt: str
    options: tuple[str, ...]
    correct: Callable[[], int]


@dataclass(frozen=True)
class Step:
    key: str  # names the step's state (its text, guess and reveal): stable when steps are added or moved
    title: str
    notes: str  # what the notes say, quoted or faithfully paraphrased
    input_label: str
    default: str  # the text the step opens with (drawn from stored data or a cheap cached computation)
    view: Callable[..., View]
    question: Question
    answer: Callable[[], str]  # one or two sentences, numbers from the shipped measurements
    params: dict[str, Any] = field(default_factory=dict)

    def show(self, text: str) -> View:
        """The step's live view of ``text`` (``views.TourInputError`` when the text cannot be used)."""
        return self.view(text, **self.params)


def right(index: int) -> Callable[[], int]:
    return lambda: index


def bucket(value: Callable[[], float | None], bounds: tuple[float, ...]) -> Callable[[], int]:
    """The option whose range holds the measured value: options are ranges split at ``bounds``."""
    return lambda: bisect.bisect(bounds, value() if value() is not None else float("inf"))


# the two distance steps (recurrent decay, attention's reach) ask the same question of the same sentence
LONG_SENTENCE = ("A long sentence (up to 60 words)",
                 "After the meeting that ran well past midnight, the engineers who had argued all evening finally "
                 "went home.")
HALF_LIVES = ("About 1 word", "About 2 to 5 words", "About 5 to 20 words", "Further than 20 words")

STEPS: list[Step] = [
    Step(
        "static", "Static or contextual?",
        "A static embedding is pre-trained: it represents the context of the pre-training. A contextual embedding "
        "depends on its surrounding words, so it also represents the context of the current data.",
        "A word (the 13 preset words are ready at once; any other is looked up in the bundled corpus)", "bank",
        views.word_map,
        Question("GloVe gives each word one vector. On its map, how many points will the many occurrences of the "
                 "word make?",
                 ("One per occurrence, sorted by sense", "One per sense",
                  "One per word form (bank, banks): context cannot move them"), right(2)),
        lambda: (f"{measured.verdict('A static embedding')}. Contextual encoders give each occurrence its own "
                 f"vector; {measured.verdict('Contextual embeddings')[0].lower()}"
                 f"{measured.verdict('Contextual embeddings')[1:]}."),
        {"encoders": ("static", "bert")},
    ),
    Step(
        "bilstm", "A BiLSTM reads left and right",
        "A Bi-LSTM produces contextual embeddings by mixing the left and right static embeddings.",
        "A sentence (up to 60 words)", "The keys to the old wooden cabinet in the hallway were lost.",
        views.influence_map,
        Question("Which words can change the BiLSTM's vector of “were”?",
                 ("Only the words on its left, read before it", "Only the words on its right",
                  "Words on both sides"), right(2)),
        lambda: (f"Both: over 300 sentences, the neighbour on the left moves a word's lstm-1 vector "
                 f"{measured.influence_text('bilstm', 'lstm-1', 'both', -1)} and the one on the right "
                 f"{measured.influence_text('bilstm', 'lstm-1', 'both', 1)} (strongest = 1). The forward half alone "
                 f"takes {measured.influence_text('bilstm', 'lstm-1', 'forward', 1)} from the right: it has not "
                 "read it yet."),
        {"encoder": "bilstm", "layer": "lstm-1", "word": "were"},
    ),
    Step(
        "decay", "The farther, the weaker",
        "The more distance between two words, the less effect they have on each other.",
        *LONG_SENTENCE,
        views.decay_curves,
        Question("How far away must a word be before its influence on a BiLSTM word falls to half?",
                 HALF_LIVES,
                 bucket(lambda: measured.half_life_of("bilstm", "lstm-2"), (1.5, 5, 20))),
        lambda: (f"Half-life of influence over 300 sentences: BiLSTM {measured.half_life_text('bilstm', 'lstm-1')} "
                 f"(lstm-1) and {measured.half_life_text('bilstm', 'lstm-2')} (lstm-2); ELMo "
                 f"{measured.half_life_text('elmo', 'lstm-2')}. A recurrent network passes context on one word at a "
                 "time, through gates that forget."),
        {"curves": (("bilstm", "lstm-2"), ("elmo", "lstm-2")), "live": ("bilstm", "lstm-2"), "ready_only": True},
    ),
    Step(
        "characters", "ELMo reads characters: no unknown words",
        "ELMo takes character embeddings as input: it is character-based, not word-based. It handles "
        "out-of-vocabulary words and is smaller, but less powerful, and similar-looking words are not always near "
        "in meaning.",
        "A sentence with a made-up or misspelt word", "The zorblatt recieved a quixotic glimmerfish.",
        views.readings,
        Question("“zorblatt” is in no dictionary. What does each encoder give it?",
                 ("Both give it zeros", "GloVe gives zeros; ELMo builds a vector from its letters",
                  "Both build a vector from its letters"), right(1)),
        lambda: (f"{measured.verdict('ELMo is character-based')}. The price of characters: "
                 f"{measured.verdict('Character models are smaller')}."),
        {"table": "static", "characters": "elmo"},
    ),
    Step(
        "wordpiece", "BERT reads WordPiece pieces",
        "BERT's tokenisation is WordPiece, which eases Asian languages; the transformer's input is the "
        "combination of the WordPiece and the positional embeddings.",
        "A sentence (up to 60 words)", "Tokenization makes unbelievably rare words readable.",
        views.bert_inputs,
        Question("How does BERT read a rare long word such as “unbelievably”?",
                 ("As one [UNK] token: unknown", "As a few pieces that are in its vocabulary",
                  "Letter by letter, like ELMo"), right(1)),
        lambda: (f"{measured.verdict('WordPiece tokenisation')}. Each piece's input is its token vector plus a "
                 "position vector plus a segment vector, normalised: the bars above."),
    ),
    Step(
        "positions", "Positions: without them, no word order",
        "Positional embeddings encode position (with sin and cos): transformers process the input in parallel, so "
        "they do not have the position of a word naturally.",
        "A sentence (up to 60 words)", "The dog chased the cat across the garden.",
        views.word_order,
        Question("Shuffle the words of the sentence. Which vectors do not change at all?",
                 ("GloVe's, and BERT's when its positions are switched off", "Only GloVe's",
                  "None: every encoder reads word order"), right(0)),
        lambda: (f"{measured.verdict('The transformer')}. {measured.verdict('Positional embedding')}."),
    ),
    Step(
        "heads", "Attention heads specialise",
        "Multi-headed self-attention pays attention to coreference, syntactic relationships, meaning and topical "
        "relationships.",
        "A sentence (up to 60 words)", "The chef who ran the small restaurant cooked a wonderful meal.",
        views.heads_grid,
        Question("Of BERT's 72 heads, how many have a job the gold data confirms (syntax, coreference, meaning or "
                 "topic)?",
                 ("Under a quarter", "Between a quarter and a half", "Between a half and three quarters",
                  "Nearly all"), bucket(measured.labelled_share, (0.25, 0.5, 0.75))),
        lambda: f"{measured.verdict('Multi-head attention')}; the rest attend to [CLS]/[SEP], a neighbour or broadly.",
        {"framed": "syntax"},
    ),
    Step(
        "syntax", "A syntax head finds the object",
        "Heads pay attention to syntactic relationships.",
        "A sentence with a verb and its object", "The chef cooked a wonderful meal for her friends.",
        views.one_head,
        Question("In BERT's best object head, where does the noun “meal” look most?",
                 ("At its verb, “cooked”", "At the word just before it", "At the full stop"), right(0)),
        lambda: _head_answer("syntax"),
        {"kind": "syntax", "word": "meal"},
    ),
    Step(
        "coreference", "A coreference head links a pronoun to its noun",
        "Heads pay attention to coreference.",
        "A sentence with two names and a pronoun", "John called Mary because he needed her advice.",
        views.one_head,
        Question("In BERT's best coreference head, which name will “he” attend to more?",
                 ("John, the name it refers to", "Mary, the other name", "Neither: it looks only at itself"),
                 right(0)),
        lambda: _head_answer("coreference"),
        {"kind": "coreference", "word": "he", "pronoun": True},
    ),
    Step(
        "memory", "Attention has no vanishing memory",
        "There is no vanishing memory as in RNNs and LSTMs, because the whole input sequence is ingested at once.",
        *LONG_SENTENCE,
        views.decay_curves,
        Question("In BERT's top layer, how far away does a word's influence fall to half?",
                 HALF_LIVES,
                 bucket(lambda: measured.half_life_of("bert", "layer-6"), (1.5, 5, 20))),
        lambda: (f"BERT's top layer: {measured.half_life_text('bert', 'layer-6')}, against "
                 f"{measured.half_life_text('bilstm', 'lstm-2')} for the BiLSTM; its lower layers favour neighbours "
                 f"(layer 1: {measured.half_life_text('bert', 'layer-1')}). Attention links every pair of words "
                 "directly."),
        {"curves": (("bilstm", "lstm-2"), ("bert", "layer-6")), "live": ("bert", "layer-6"), "ready_only": True},
    ),
    Step(
        "numbers", "What the numbers say",
        "Dynamic embeddings can change and influence each other: they represent the context of the pre-training "
        "and the context of the current data.",
        "A word (the 13 preset words are ready at once)", "bank",
        views.sense_layers,
        Question("On held-out SemCor text, which encoder separates word senses best?",
                 tuple(ENCODER_TITLES[name] for name in ENCODER_NAMES),
                 lambda: list(ENCODER_NAMES).index(measured.best_sense_encoder())),
        lambda: (f"{measured.verdict('Contextual embeddings')}, against {measured.sense_baseline():.0%} for always "
                 "guessing a word's commonest sense: a hard test on thousands of rare senses, but context helps, and "
                 f"{ENCODER_TITLES[measured.best_sense_encoder()]} helps most."),
        {"encoders": ("static", "bilstm", "elmo", "bert")},
    ),
]


def _head_answer(kind: str) -> str:
    labels = measured.head_labels()
    if not labels:
        return measured.NOT_MEASURED
    head = views.best_head(labels, kind)
    return f"Head {head.layer}-{head.head}, measured on gold data: {head.evidence}."

