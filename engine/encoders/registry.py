"""Loading encoders by name, once per process."""
from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from pathlib import Path

from engine.encoders.base import Encoder, EncoderUnavailable
from engine.settings import WEIGHTS_DIR, setting

ENCODER_NAMES = ("static", "bilstm", "elmo", "bert")
MODEL_SETTINGS = {"static": (), "bilstm": ("BILSTM_CHECKPOINT",),
                  "elmo": ("ELMO_OPTIONS", "ELMO_WEIGHTS", "ELMO_CHECKPOINT"), "bert": ("BERT_MODEL",)}
IDENTITY_BYTES = 1 << 20  # hashed from each end of a file: enough to tell checkpoints apart, fast for 90 MB

_loaded: dict[str, Encoder] = {}
_failures: dict[str, str] = {}  # name -> why its last load failed
_lock = threading.Lock()


def _build(name: str) -> Encoder:
    """Import and construct one encoder (imports are lazy so that unused models cost nothing)."""
    if name == "static":
        from engine.encoders.static import StaticEncoder

        return StaticEncoder()
    if name == "bilstm":
        from engine.encoders.bilstm import BiLSTMEncoder

        return BiLSTMEncoder.from_checkpoint()
    if name == "elmo":
        from engine.encoders.elmo import ElmoEncoder

        return ElmoEncoder.from_settings()
    from engine.encoders.bert import BertEncoder

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


def _bundled_files(name: str) -> list[Path]:
    """The files the bundled ``name`` encoder reads (the BiLSTM reads GloVe too)."""
    from engine.encoders.glove import WORDS_FILE, package_folder

    glove = sorted(package_folder().glob("*.npy")) + [WORDS_FILE]
    if name == "static":
        return glove
    if name in ("bilstm", "elmo"):
        own = [WEIGHTS_DIR / f"{name}.safetensors", WEIGHTS_DIR / f"{name}.json"]
        return own + glove if name == "bilstm" else own
    from engine.encoders.bert import bundled_model_dir

    return [bundled_model_dir() / file for file in ("config.json", "model.safetensors", "tokenizer.json")]


@lru_cache(maxsize=None)
def weights_identity(name: str) -> str | None:
    """A hash of the bundled files encoder ``name`` loads, without loading them (for disk caches of its results).

    None when a setting points the encoder at other weights, or its files are missing. Each file contributes its
    name, size and first and last MiB.
    """
    if any(setting(option) for option in MODEL_SETTINGS[name]):
        return None
    digest = hashlib.sha256(name.encode())
    try:
        for path in _bundled_files(name):
            size = path.stat().st_size
            digest.update(f"{path.name}:{size}".encode())
            with path.open("rb") as handle:
                digest.update(handle.read(IDENTITY_BYTES))
                handle.seek(max(0, size - IDENTITY_BYTES))
                digest.update(handle.read(IDENTITY_BYTES))
    except (OSError, EncoderUnavailable):
        return None
    return digest.hexdigest()[:16]
