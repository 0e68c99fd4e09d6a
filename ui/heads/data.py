"""The Attention-heads page's shared data: the head labels of the loaded model (measured once) and encodings."""
from __future__ import annotations

import threading

import streamlit as st

from engine import Encoded, Encoder
from engine.heads.labels import HeadReport, head_report
from ui.common import get_encoder


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
    """The sentence encoded by the loaded BERT (``fingerprint`` keys the cache by its weights)."""
    return get_encoder("bert")[0].encode([sentence])[0]
