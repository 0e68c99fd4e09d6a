"""How big each encoder is, beside how well it separates word senses: "smaller" against "more powerful", measured.

Sizes come from the loaded encoders (parameters, files on disk); sense separation is the held-out SemCor centroid
accuracy of ``python -m engine.training.evaluate senses`` (``reports/senses.json``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from engine.encoders.base import Encoder
from engine.settings import REPORTS_DIR

SENSE_REPORT = REPORTS_DIR / "senses.json"


@dataclass(frozen=True)
class EncoderSize:
    encoder: str
    parameters: int
    megabytes: float  # weight files on disk (GloVe's included for the encoders that read it)
    sense_accuracy: float | None  # best layer, held-out SemCor brown1 documents
    best_layer: str | None


def sense_report() -> dict:
    """The shipped sense-separation report ({} when it is missing)."""
    try:
        return json.loads(SENSE_REPORT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def encoder_sizes(encoders: list[Encoder]) -> list[EncoderSize]:
    """Parameters, megabytes and the measured sense accuracy of each encoder."""
    measured = sense_report().get("encoders", {})
    return [EncoderSize(encoder.name, encoder.parameter_count(), encoder.weight_bytes() / 1e6,
                        measured.get(encoder.name, {}).get("best_accuracy"),
                        measured.get(encoder.name, {}).get("best_layer"))
            for encoder in encoders]
