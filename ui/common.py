"""Streamlit helpers shared by every page: cached encoders, the encoders' names and safe text.

Pages stay thin views over ``engine``; anything that needs Streamlit and is used by more than one
page lives here.
"""
from __future__ import annotations

import html
import re
from typing import Iterable

import streamlit as st

import engine
from engine import ENCODER_NAMES, Encoder, EncoderUnavailable
from engine.encoders.registry import ENCODER_COLOURS, ENCODER_TITLES  # noqa: F401  the pages' names and colours

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$:])")


def get_encoder(name: str) -> tuple[Encoder | None, str | None]:
    """(encoder, None) when it loads, (None, reason) when its weights are missing or broken."""
    try:
        return engine.load_encoder(name), None  # the registry keeps one of each per process
    except EncoderUnavailable as error:
        return None, str(error)


def available_encoders(names: Iterable[str] = ENCODER_NAMES) -> dict[str, Encoder]:
    """The encoders that load, by name; the sidebar explains the others."""
    return {name: encoder for name in names if (encoder := get_encoder(name)[0]) is not None}


def escape_markdown(text: str) -> str:
    """User text made inert for ``st.markdown``: HTML escaped and Markdown syntax backslashed."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))


def plotly_text(text: str) -> str:
    """User text made inert for Plotly's labels and hover text (a subset of HTML): ``&``, ``<`` and ``>`` escaped.

    Quotes stay as they are: they are harmless outside a tag, and Plotly would show ``&quot;`` literally.
    """
    return html.escape(text, quote=False)
