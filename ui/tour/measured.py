"""The tour's measured answers, read from what the app ships: the claims table, the decay curves, the head labels
and the sense report. Nothing here loads a model, and no number is written into the tour's text by hand.

When a file is missing (other weights, say) the answer says "not measured for these weights", as the claims table
does, rather than inventing a figure.
"""
from __future__ import annotations

import math

from engine.claims import NOT_MEASURED, shipped_claims
from engine.decay.curves import MAX_OFFSET, half_life, stored_curves
from engine.encoders.registry import bundled_fingerprint
from engine.heads.labels import HeadLabel, stored_report
from engine.inputs.sizes import sense_report


def verdict(claim_starts: str) -> str:
    """The measured verdict of the notes' claim that starts with these words (``engine/data/claims.json``)."""
    found = next((c.verdict for c in shipped_claims() if c.claim.startswith(claim_starts)), NOT_MEASURED)
    return found[:1].upper() + found[1:]


def curve_rows(encoder: str, layer: str, direction: str = "both"):
    """The shipped corpus curve of one encoder's layer and direction, or None."""
    fingerprint = bundled_fingerprint(encoder)
    table = stored_curves(encoder, fingerprint) if fingerprint else None
    if table is None:
        return None
    rows = table[(table["layer"] == layer) & (table["direction"] == direction)]
    return rows if len(rows) else None


def half_life_of(encoder: str, layer: str) -> float | None:
    """Distance (words) at which influence falls to half, over the 300 shipped sentences; inf beyond MAX_OFFSET."""
    rows = curve_rows(encoder, layer)
    return None if rows is None else half_life(rows)


def half_life_text(encoder: str, layer: str) -> str:
    value = half_life_of(encoder, layer)
    if value is None:
        return NOT_MEASURED
    return f"more than {MAX_OFFSET} words" if math.isinf(value) else f"{value:.1f} words"


def influence_at(encoder: str, layer: str, direction: str, offset: int) -> float | None:
    """Mean influence (strongest other word = 1) of the word ``offset`` places away, from the shipped curve."""
    rows = curve_rows(encoder, layer, direction)
    if rows is None:
        return None
    found = rows[rows["offset"] == offset]["mean"]
    return float(found.iloc[0]) if len(found) else None


def influence_text(encoder: str, layer: str, direction: str, offset: int) -> str:
    value = influence_at(encoder, layer, direction, offset)
    return NOT_MEASURED if value is None else f"{value:.2f}"


def head_labels() -> list[HeadLabel]:
    """The shipped labels of the bundled BERT (empty when they were not measured for these weights)."""
    fingerprint = bundled_fingerprint("bert")
    report = stored_report(fingerprint) if fingerprint else None
    return report.labels if report is not None else []


def labelled_share() -> float:
    """The share of heads with a measured job (any label but "other")."""
    labels = head_labels()
    return sum(1 for label in labels if label.label != "other") / max(1, len(labels))


def sense_accuracy() -> dict[str, float]:
    """Held-out sense separation per encoder (best layer), from the shipped sense report."""
    return {name: found["best_accuracy"] for name, found in sense_report().get("encoders", {}).items()}


def best_sense_encoder() -> str:
    """The encoder that separates senses best on held-out SemCor."""
    measured = sense_accuracy()
    return max(measured, key=measured.get)


def sense_baseline() -> float:
    """Held-out accuracy of always guessing a word's most frequent sense."""
    return float(sense_report().get("mfs_accuracy", math.nan))
