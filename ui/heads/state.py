"""The Attention-heads page's state (``ui.page_state``): the sentence, the chosen head, filter, units and view.

URL state: ``sentence``, ``layer`` and ``head`` (1-based), ``show`` (the labels listed), ``units`` and ``view``.
"""
from __future__ import annotations

from engine.heads.labels import LABELS
from ui.page_state import Field, PageState

PRESETS = (
    "The animal didn't cross the street because it was too tired.",
    "The trophy didn't fit in the suitcase because it was too big.",
    "Mary told her brother that she would visit him after she finished her exams.",
    "The US Marines took most of Fallujah Wednesday, but still face pockets of resistance.",
    "The bank raised its rates, so customers moved their savings from the bank to a credit union.",
)
UNITS = {"words": "Words", "pieces": "WordPiece pieces"}
MAX_CHARS = 2000
VIEWS = ("Head view", "Model view (all heads)", "Heatmap")
TYPE_OWN = "(type your own below)"

STATE = PageState("heads", {
    "sentence": Field(PRESETS[0], parse=lambda text: text[:MAX_CHARS]),
    "layer": Field(3, parse=int), "head": Field(1, parse=int),
    "show": Field(list(LABELS), parse=lambda text: [x for x in text.split(",") if x in LABELS],
                  dump=lambda shown: None if set(shown) == set(LABELS) else ",".join(shown)),
    "units": Field("words", dump=lambda units: None if units == "words" else units),
    "view": Field(VIEWS[0], dump=lambda view: None if view == VIEWS[0] else view),
    "preset": Field(TYPE_OWN, url=False), "choice": Field((3, 1), url=False),
})


def use_preset() -> None:
    """The preset list's callback: its sentence becomes the page's."""
    if STATE["preset"] in PRESETS:
        STATE["sentence"] = STATE["preset"]


def choose_head() -> None:
    """The head list's callback: the URL keeps layer and head apart."""
    STATE["layer"], STATE["head"] = STATE["choice"]


def keep_a_view() -> None:
    """The view switch's callback."""
    if STATE["view"] not in VIEWS:  # clicking the chosen view again deselects it
        STATE["view"] = VIEWS[0]
