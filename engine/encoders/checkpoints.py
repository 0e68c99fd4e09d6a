"""Our own checkpoints: safetensors weights (never pickle) beside a JSON model card.

A checkpoint ``NAME`` is ``NAME.safetensors`` plus ``NAME.json``; the card holds the architecture
(``config``) and how the weights were made (corpus, tokens seen, dev perplexity, command).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from engine.encoders.base import EncoderUnavailable
from engine.settings import WEIGHTS_DIR

if TYPE_CHECKING:  # the registry reads the paths below before any model loads: no torch import for them
    import torch


def checkpoint_paths(stem: Path) -> tuple[Path, Path]:
    return stem.with_suffix(".safetensors"), stem.with_suffix(".json")


def bundled_checkpoint(name: str) -> Path:
    """The stem of the checkpoint of encoder ``name`` that ships in ``engine/weights``."""
    return WEIGHTS_DIR / name


def bundled_checkpoint_files(name: str) -> list[Path]:
    """The weights and model card of the shipped checkpoint of encoder ``name``."""
    return list(checkpoint_paths(bundled_checkpoint(name)))


def save_checkpoint(stem: Path, state: dict[str, torch.Tensor], card: dict, half: bool = False) -> None:
    """Write weights (optionally as fp16, to keep files small) and the model card."""
    from safetensors.torch import save_file

    weights, card_path = checkpoint_paths(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: (v.half() if half and v.is_floating_point() else v).contiguous() for k, v in state.items()}
    save_file(tensors, str(weights))
    card_path.write_text(json.dumps(card, indent=2) + "\n")


def load_checkpoint(stem: Path, what: str, fix: str) -> tuple[dict[str, torch.Tensor], dict]:
    """(float32 state dict, card); EncoderUnavailable naming the file and the fix when anything is wrong."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    weights, card_path = checkpoint_paths(stem)
    for path in (weights, card_path):
        if not path.is_file():
            raise EncoderUnavailable(f"The {what} checkpoint file {path} is missing. {fix}")
    try:
        card = json.loads(card_path.read_text())
        card["config"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise EncoderUnavailable(f"The {what} model card {card_path} is unreadable ({error}). {fix}") from error
    try:
        state = load_file(str(weights))
    except (SafetensorError, OSError, ValueError) as error:
        raise EncoderUnavailable(f"The {what} weights {weights} are corrupt or truncated ({error}). {fix}") from error
    return {k: v.float() for k, v in state.items()}, card


def restore(model: torch.nn.Module, state: dict[str, torch.Tensor], what: str, fix: str) -> None:
    """Load a state dict strictly, turning shape or name mismatches into EncoderUnavailable."""
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        raise EncoderUnavailable(f"The {what} weights do not fit its architecture ({error}). {fix}") from error


def training_summary(card: dict) -> str:
    """'on <corpus>: <tokens> tokens seen, dev perplexity forward F / backward B', for encoder descriptions."""
    dev = card.get("dev_perplexity") or {}
    perplexity = " / ".join(f"{direction} {value:.0f}" for direction, value in dev.items()) or "not measured"
    return (f"on {card.get('corpus', 'unknown text')}: {card.get('tokens_seen', 0) / 1e6:.1f}M tokens seen, "
            f"dev perplexity {perplexity}")
