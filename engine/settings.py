"""Server-side settings (environment variables first, then ``.streamlit/secrets.toml``) and every path the engine
reads or writes: the one place a file's location is named.

Model paths come only from here, never from the browser.
"""
from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
WEIGHTS_DIR = PROJECT_ROOT / "engine" / "weights"  # the bundled BiLSTM and ELMo checkpoints
DATA_DIR = PROJECT_ROOT / "engine" / "data"  # derived files that ship: presets, indexes, labels, curves
CACHE_DIR = PROJECT_ROOT / ".cache"  # derived files computed here for other weights (not shipped)
RUNS_DIR = PROJECT_ROOT / "runs"  # training runs in progress (resumable)
LM_CORPUS_DIR = PROJECT_ROOT / "data" / "corpus"  # the language-model corpus, built by engine.corpus.lm_corpus
REPORTS_DIR = PROJECT_ROOT / "reports"

# The gold corpora, beside the project (../shared/data; see its README)
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
EWT_TRAIN = SHARED_DATA / "en_ewt-ud-train.conllu"
EWT_DEV = SHARED_DATA / "en_ewt-ud-dev.conllu"
SEMCOR_BROWN1 = SHARED_DATA / "semcor3.0-brown1.jsonl"
GAP_DEVELOPMENT = SHARED_DATA / "gap-development.tsv"
GAP_VALIDATION = SHARED_DATA / "gap-validation.tsv"

# The other language-model corpus sources, from Debian packages (dict-gcide, fortunes)
GCIDE_DICT = Path("/usr/share/dictd/gcide.dict.dz")
GCIDE_INDEX = Path("/usr/share/dictd/gcide.index")
FORTUNES_DIR = Path("/usr/share/games/fortunes")


def stored_files(name: str, shipped: Path = DATA_DIR, cached: Path = CACHE_DIR) -> list[Path]:
    """The derived file ``name`` as shipped, then as computed on this machine: each copy that exists, in that order
    (a caller skips one it finds stale)."""
    return [path for path in (shipped / name, cached / name) if path.is_file()]


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
