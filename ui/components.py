"""Our small browser components (``st.components.v2``), each a script and a style sheet beside its Python module.

Defining a component again with the same name and sources, as every run does, registers it once; the files are read
once per process."""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import streamlit as st


@lru_cache(maxsize=None)
def _sources(stem: Path) -> tuple[str, str]:
    return stem.with_suffix(".js").read_text(encoding="utf-8"), stem.with_suffix(".css").read_text(encoding="utf-8")


def component(name: str, stem: Path) -> Callable[..., Any]:
    """The mount function of component ``name``, drawn by ``<stem>.js`` and styled by ``<stem>.css``."""
    js, css = _sources(stem)
    return st.components.v2.component(name, js=js, css=css)
