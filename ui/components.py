"""Our small browser components (``st.components.v2``), each a script and a style sheet beside its Python module,
after what they share (``components.js``: a tooltip, an element kept from run to run; ``components.css``).

Defining a component again with the same name and sources, as every run does, registers it once; the files are read
once per process."""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import streamlit as st


SHARED = Path(__file__).with_suffix("")  # components.js and components.css


@lru_cache(maxsize=None)
def _sources(stem: Path) -> tuple[str, str]:
    def read(kind: str) -> str:
        return "\n".join(path.with_suffix(kind).read_text(encoding="utf-8") for path in (SHARED, stem))

    return read(".js"), read(".css")


def component(name: str, stem: Path) -> Callable[..., Any]:
    """The mount function of component ``name``, drawn by ``<stem>.js`` and styled by ``<stem>.css``."""
    js, css = _sources(stem)
    return st.components.v2.component(name, js=js, css=css)
