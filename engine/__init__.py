"""Contextual Embeddings Explorer engine: encoders and measurements, with no user-interface code.

Public API: ``ENCODER_NAMES``, ``load_encoder``, ``EncoderUnavailable``, ``tokenize``, ``Encoder``,
``Encoded``, ``InputTooLong``.
"""
from engine.base import Encoded, Encoder, EncoderUnavailable
from engine.bert import InputTooLong
from engine.registry import ENCODER_NAMES, load_encoder
from engine.tokenize import tokenize

__all__ = [
    "ENCODER_NAMES",
    "Encoded",
    "Encoder",
    "EncoderUnavailable",
    "InputTooLong",
    "load_encoder",
    "tokenize",
]
