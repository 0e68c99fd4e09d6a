"""The one list of encoders (how each loads, how the pages show it, what it ships), and loading them by name once
per process. Adding an encoder means writing its module and adding its entry here."""
from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.encoders.base import Encoder, EncoderUnavailable, weights_fingerprint
from engine.encoders.bert import bundled_model_dir, model_files
from engine.encoders.checkpoints import bundled_checkpoint_files
from engine.encoders.glove import glove_files
from engine.settings import setting


@dataclass(frozen=True)
class EncoderEntry:
    """One encoder of the app.

    ``loader`` names its class as "module:Class", imported on first use so that unused models cost nothing.
    ``bundled_files`` lists the files of its bundled weights without importing torch, so that a fresh server can tell
    whether results stored ahead still hold before any model has loaded; ``settings`` point it at other weights.
    """

    name: str
    title: str  # how the pages name it
    colour: str  # its colour in every chart
    load_rank: int  # the background warm-up loads rank 0 first: the cheapest, then the one most pages show
    loader: str
    settings: tuple[str, ...]
    bundled_files: Callable[[], list[Path]]


ENCODERS = (
    EncoderEntry("static", "Static (GloVe)", "#7f7f7f", 0, "engine.encoders.static:StaticEncoder", (), glove_files),
    EncoderEntry("bilstm", "BiLSTM", "#1f77b4", 2, "engine.encoders.bilstm:BiLSTMEncoder", ("BILSTM_CHECKPOINT",),
                 lambda: bundled_checkpoint_files("bilstm") + glove_files()),
    EncoderEntry("elmo", "ELMo", "#2ca02c", 3, "engine.encoders.elmo:ElmoEncoder",
                 ("ELMO_OPTIONS", "ELMO_WEIGHTS", "ELMO_CHECKPOINT"), lambda: bundled_checkpoint_files("elmo")),
    EncoderEntry("bert", "BERT", "#d62728", 1, "engine.encoders.bert:BertEncoder", ("BERT_MODEL",),
                 lambda: model_files(bundled_model_dir())),
)
ENCODER_NAMES = tuple(entry.name for entry in ENCODERS)
ENCODER_TITLES = {entry.name: entry.title for entry in ENCODERS}
ENCODER_COLOURS = {entry.name: entry.colour for entry in ENCODERS}
LOAD_ORDER = tuple(entry.name for entry in sorted(ENCODERS, key=lambda entry: entry.load_rank))
_ENTRIES = {entry.name: entry for entry in ENCODERS}

_loaded: dict[str, Encoder] = {}
_failures: dict[str, str] = {}  # name -> why its last load failed
_lock = threading.Lock()


def encoder_class(name: str) -> type[Encoder]:
    """The class of encoder ``name``, imported now if it was not yet."""
    module, _, class_name = _ENTRIES[name].loader.partition(":")
    return getattr(importlib.import_module(module), class_name)


def load_encoder(name: str) -> Encoder:
    """The encoder called ``name``, loaded on first use and shared by every caller afterwards.

    Raises ``EncoderUnavailable`` when its weights are missing or broken (the message says how to fix it).
    """
    if name not in ENCODER_NAMES:
        raise ValueError(f"Unknown encoder '{name}'; choose one of {', '.join(ENCODER_NAMES)}.")
    if name in _loaded:  # already built: no need to wait while another thread builds a different encoder
        return _loaded[name]
    with _lock:
        if name not in _loaded:
            try:
                _loaded[name] = encoder_class(name).from_settings()
                _failures.pop(name, None)
            except (OSError, ValueError, KeyError, RuntimeError) as error:
                failure = error if isinstance(error, EncoderUnavailable) else EncoderUnavailable(
                    f"The {name} encoder failed to load: {error}")
                _failures[name] = str(failure)
                raise failure from error
        return _loaded[name]


def load_status(name: str) -> tuple[str, str] | None:
    """("ready", description) or ("unavailable", reason) once some caller has tried to load ``name``, else None.

    Never loads anything: the sidebar reports what the pages and the warm-up have found so far.
    """
    if name in _loaded:
        return "ready", _loaded[name].description
    if name in _failures:
        return "unavailable", _failures[name]
    return None


def bundled_fingerprint(name: str) -> str | None:
    """The fingerprint the bundled weights of encoder ``name`` give once loaded, computed without loading them.

    None when a setting points the encoder at other weights, or its files are missing.
    """
    entry = _ENTRIES[name]
    if any(setting(option) for option in entry.settings):
        return None
    try:
        return weights_fingerprint(name, tuple(entry.bundled_files()))
    except (OSError, EncoderUnavailable):
        return None
