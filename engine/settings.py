"""Server-side settings: environment variables first, then ``.streamlit/secrets.toml``.

Model paths come only from here, never from the browser.
"""
from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"  # gold corpora beside the project (../shared/data)
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
WEIGHTS_DIR = PROJECT_ROOT / "engine" / "weights"  # the bundled BiLSTM and ELMo checkpoints


@lru_cache(maxsize=1)
def _secrets() -> dict:
    try:
        with SECRETS_FILE.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def setting(name: str) -> str | None:
    """The value of a setting such as ``BERT_MODEL``, or None when unset or empty."""
    value = os.environ.get(name) or _secrets().get(name)
    return str(value) if value else None
