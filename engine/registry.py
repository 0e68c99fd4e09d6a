"""Loading encoders by name, once per process."""
from __future__ import annotations

import threading

from engine.base import Encoder, EncoderUnavailable

ENCODER_NAMES = ("static", "bilstm", "elmo", "bert")

_loaded: dict[str, Encoder] = {}
_lock = threading.Lock()


def _build(name: str) -> Encoder:
    """Import and construct one encoder (imports are lazy so that unused models cost nothing)."""
    if name == "static":
        from engine.static import StaticEncoder

        return StaticEncoder()
    if name == "bilstm":
        from engine.bilstm import BiLSTMEncoder

        return BiLSTMEncoder.from_checkpoint()
    if name == "elmo":
        from engine.elmo import ElmoEncoder

        return ElmoEncoder.from_settings()
    from engine.bert import BertEncoder

    return BertEncoder()


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
                _loaded[name] = _build(name)
            except EncoderUnavailable:
                raise
            except (OSError, ValueError, KeyError, RuntimeError) as error:
                raise EncoderUnavailable(f"The {name} encoder failed to load: {error}") from error
        return _loaded[name]
