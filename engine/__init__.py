"""Contextual Embeddings Explorer engine: encoders and measurements, with no user-interface code.

Public API: ``ENCODER_NAMES``, ``load_encoder``, ``EncoderUnavailable``, ``tokenize``, ``Encoder``,
``Encoded``, ``InputTooLong``, ``sinusoidal_positions`` (the transformer's fixed position encoding), ``influence`` (from ``engine.decay.influence``, imported on first use so that
``import engine`` does not load torch), ``head_labels`` and ``HeadLabel`` (from ``engine.heads.labels``, also on first use).
"""
from engine.encoders.base import Encoded, Encoder, EncoderUnavailable
from engine.encoders.bert import InputTooLong
from engine.encoders.registry import ENCODER_NAMES, load_encoder
from engine.inputs.positions import sinusoidal_positions
from engine.tokenize import tokenize

__all__ = [
    "ENCODER_NAMES",
    "Encoded",
    "Encoder",
    "EncoderUnavailable",
    "HeadLabel",
    "InputTooLong",
    "head_labels",
    "influence",
    "load_encoder",
    "sinusoidal_positions",
    "tokenize",
]


def __getattr__(name: str):
    """``engine.influence`` (it needs torch) and ``engine.head_labels``/``HeadLabel``, loaded on first use."""
    if name == "influence":
        from engine.decay.influence import influence

        return influence
    if name in ("head_labels", "HeadLabel"):
        from engine.heads import labels

        return getattr(labels, name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
