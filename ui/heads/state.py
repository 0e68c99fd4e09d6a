"""The Attention-heads page's state (``ui.page_state``): the sentence, the chosen head, filter, units and view.

URL state: ``sentence``, ``layer`` and ``head`` (1-based), ``show`` (the labels listed), ``units`` and ``view``.
A link without ``layer``/``head`` (and a reset) opens on the head its sentence demonstrates best: the preset's label,
read from the model's measured labels rather than fixed numbers, so another ``BERT_MODEL`` opens on its own heads.
The head changes through the head list, a click on a grid tile (``choose_tile``) or a preset.
"""
from __future__ import annotations

from engine.heads.labels import LABELS, HeadReport, best_head
from ui.heads.live_grid import clicked_tile
from ui.heads.presets import PRESETS, opens_on, preset_of
from ui.page_state import Field, PageState

UNITS = {"words": "Words", "pieces": "WordPiece pieces"}
MAX_CHARS = 2000
VIEWS = ("Head view", "Model view (all heads)", "Heatmap")
TYPE_OWN = "(type your own below)"

STATE = PageState("heads", {
    "sentence": Field(PRESETS[0].sentence, parse=lambda text: text[:MAX_CHARS]),
    "layer": Field(None, parse=int), "head": Field(None, parse=int),  # None: the sentence's best head
    "show": Field(list(LABELS), parse=lambda text: [x for x in text.split(",") if x in LABELS],
                  dump=lambda shown: None if set(shown) == set(LABELS) else ",".join(shown)),
    "units": Field("words", dump=lambda units: None if units == "words" else units),
    "view": Field(VIEWS[0], dump=lambda view: None if view == VIEWS[0] else view),
    "preset": Field(TYPE_OWN, url=False), "choice": Field(None, url=False),
})


def open_on_best_head(report: HeadReport) -> None:
    """Without a chosen head, choose the best measured head of the label the sentence demonstrates."""
    if STATE["layer"] is None or STATE["head"] is None:
        best = best_head(report.labels, opens_on(STATE["sentence"]))
        STATE["layer"], STATE["head"] = best.layer, best.head


def use_preset(report: HeadReport) -> None:
    """The preset list's callback: its sentence becomes the page's, and its best head the chosen one."""
    preset = preset_of(STATE["preset"])
    if preset is not None:
        STATE["sentence"] = preset.sentence
        STATE["layer"] = STATE["head"] = None
        open_on_best_head(report)


def choose_head() -> None:
    """The head list's callback: the URL keeps layer and head apart."""
    STATE["layer"], STATE["head"] = STATE["choice"]


def choose_tile() -> None:
    """The grid's callback: a clicked tile chooses its head."""
    tile = clicked_tile()
    if tile is not None:
        STATE["layer"], STATE["head"] = tile


def keep_a_view() -> None:
    """The view switch's callback."""
    if STATE["view"] not in VIEWS:  # clicking the chosen view again deselects it
        STATE["view"] = VIEWS[0]
