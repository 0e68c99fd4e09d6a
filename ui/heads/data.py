"""The Attention-heads page's shared data: the head labels of the loaded model (measured once), encodings, and the
grid's head-independent parts, cached so that choosing a head recomputes neither the model nor the grid."""
from __future__ import annotations

import threading

import numpy as np
import streamlit as st

from engine import Encoded, Encoder
from engine.heads.behaviour import strongest_links
from engine.heads.labels import HeadReport, head_report
from ui.common import get_encoder
from ui.heads.grid import GridParts, grid_parts


@st.cache_resource(show_spinner=False)
def _shared_reports() -> tuple[dict[str, HeadReport], threading.Lock]:
    """Labels by model fingerprint, shared by every session, and a lock so that a model is measured only once."""
    return {}, threading.Lock()


def report_of(model: Encoder) -> HeadReport:
    """The labels of the loaded model: from disk, or measured now with a progress bar (minutes, once per model)."""
    reports, lock = _shared_reports()
    fingerprint = model.fingerprint()
    with lock:
        if fingerprint not in reports:
            box = st.empty()
            reports[fingerprint] = head_report(model, lambda done, total, stage: box.progress(
                done / total, f"Labelling every head of this model from gold data, once per model "
                              f"({stage}: {done}/{total})"))
            box.empty()
    return reports[fingerprint]


@st.cache_data(show_spinner=False, max_entries=64)
def encode(fingerprint: str, sentence: str) -> Encoded:
    """The sentence encoded by the loaded BERT (``fingerprint`` keys the cache by its weights), its attention maps
    from the same pass (the page shows them at once: one pass instead of two)."""
    return get_encoder("bert")[0].encode([sentence], attentions=True)[0]


def units_of(encoded: Encoded, pieces: bool) -> tuple[np.ndarray, list[str], tuple[int, ...]]:
    """(attention, tokens, positions a link should skip) in words or WordPiece pieces ([CLS]/[SEP] skipped)."""
    if not pieces:
        return encoded.attentions, encoded.words, ()
    special = tuple(i for i, word in enumerate(encoded.piece_to_word) if word < 0)
    return encoded.piece_attentions, encoded.pieces, special


@st.cache_data(show_spinner=False, max_entries=64)
def grid_of(fingerprint: str, sentence: str, pieces: bool, shown: tuple[str, ...], _report: HeadReport) -> GridParts:
    """The grid's tiles for a sentence, units and label filter (``_report`` is the model's, keyed by
    ``fingerprint``)."""
    attention, tokens, special = units_of(encode(fingerprint, sentence), pieces)
    labels = {(x.layer, x.head): x.label for x in _report.labels}
    return grid_parts(attention, tokens, labels, set(shown), strongest_links(attention, special))
