"""The Distance-decay page's state (``ui.page_state``), its preset sentences and their callbacks.

URL state: ``sentence``, ``word`` (its number, 1-based, or the word itself), ``encoder``, ``layer``, ``direction``,
``method``, and the corpus chart's ``depth`` and ``log``.
"""
from __future__ import annotations

from ui.page_state import Field, PageState

PRESETS = [  # (button, sentence, the word shown first)
    ("Agreement", "The keys to the old wooden cabinet in the hallway were lost.", "were"),
    ("A pronoun", "The trophy did not fit in the brown suitcase because it was too big.", "it"),
    ("A long sentence", "After the meeting that ran well past midnight, the engineers who had argued all evening "
                        "finally went home.", "went"),
]
SENTENCE_MAX_WORDS = 100  # the one-sentence view's limit
MAX_CHARS = 2000

STATE = PageState("decay", {
    "sentence": Field(PRESETS[0][1], parse=lambda text: text[:MAX_CHARS]),
    "word": Field(PRESETS[0][2]),  # its number (1-based) or the word itself
    "encoder": Field("bilstm"), "layer": Field(""),
    "direction": Field("both", dump=lambda direction: None if direction == "both" else direction),
    "method": Field("occlusion"),
    "depth": Field(1.0, parse=float, dump=lambda depth: f"{depth:g}"),
    "log": Field(False, parse=lambda text: text == "1", dump=lambda log: "1" if log else None),
    "row": Field(0, url=False),  # the word's index, as the word selectbox shows it
})


def use_preset(sentence: str, word: str) -> None:
    """A preset button's callback: its sentence, and the word it is about."""
    STATE["sentence"], STATE["word"] = sentence, word


def choose_row() -> None:
    """The word selectbox's callback: the URL names the word by its number."""
    STATE["word"] = str(STATE["row"] + 1)
