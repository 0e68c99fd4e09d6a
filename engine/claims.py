"""The course notes, claim by claim: where the app demonstrates each one, and what was measured.

Every verdict is read from the files the app ships (the sense report, the decay curves and the head labels of the
bundled weights), so it never needs a model loaded and never disagrees with the pages. A figure whose file is
missing (other weights, say) reads "not measured for these weights". ``python -m engine.claims`` writes the table to
``engine/data/claims.json``, which the home page reads: reading the curves and labels imports pandas and torch, too
slow for a first page (a test keeps the file equal to a fresh computation).
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import asdict, dataclass

from engine.settings import DATA_DIR

NOT_MEASURED = "not measured for these weights"
CLAIMS_FILE = DATA_DIR / "claims.json"


@dataclass(frozen=True)
class Claim:
    claim: str  # as the notes put it
    where: str  # the page (and section) that shows it
    verdict: str  # what the app measured


def _half_life(encoder: str, layer: str) -> str:
    from engine.decay.curves import MAX_OFFSET, half_life, stored_curves
    from engine.encoders.registry import bundled_fingerprint

    fingerprint = bundled_fingerprint(encoder)
    table = stored_curves(encoder, fingerprint) if fingerprint else None
    if table is None:
        return NOT_MEASURED
    rows = table[(table["layer"] == layer) & (table["direction"] == "both")]
    value = half_life(rows) if len(rows) else None
    return "no context" if value is None else f"> {MAX_OFFSET} words" if math.isinf(value) else f"{value:.1f} words"


def _accuracy(encoder: str) -> str:
    from engine.inputs.sizes import sense_report

    found = sense_report().get("encoders", {}).get(encoder)
    return f"{found['best_accuracy']:.0%}" if found else NOT_MEASURED


def _head_counts() -> str:
    from engine.encoders.registry import bundled_fingerprint
    from engine.heads.labels import stored_report

    fingerprint = bundled_fingerprint("bert")
    report = stored_report(fingerprint) if fingerprint else None
    if report is None:
        return NOT_MEASURED
    counts = Counter(label.label for label in report.labels)
    return (f"{counts['coreference']} coreference, {counts['syntax']} syntax, {counts['meaning']} meaning and "
            f"{counts['topic']} topic heads of {len(report.labels)}, each label checked on held-out gold data")


def claims() -> list[Claim]:
    """The notes' claims in their order, with where and what."""
    return [
        Claim("A static embedding gives a word one vector, whatever its context", "Home (the demo)",
              "GloVe's two vectors of the same word are identical: cosine 1.000"),
        Claim("Contextual embeddings give each occurrence its own vector", "Word in context",
              f"held-out sense separation: GloVe {_accuracy('static')}, BiLSTM {_accuracy('bilstm')}, "
              f"ELMo {_accuracy('elmo')}, BERT {_accuracy('bert')} (best layer)"),
        Claim("In a BiLSTM, the more distance between two words, the less effect on each other", "Distance decay",
              f"half-life of influence: BiLSTM {_half_life('bilstm', 'lstm-2')}, ELMo {_half_life('elmo', 'lstm-2')}"),
        Claim("ELMo is character-based, so it handles out-of-vocabulary words", "Inputs, section 1",
              "any string gets an ELMo vector from its bytes; GloVe has none for a word outside its 400,000"),
        Claim("Character models are smaller, and less powerful", "Inputs, section 1",
              f"ELMo's weights are a fraction of BERT's, and separate senses {_accuracy('elmo')} against "
              f"{_accuracy('bert')}"),
        Claim("With characters, similar-looking words are not always near in meaning", "Inputs, section 1",
              "spelling neighbours (bank: tank, bunk, banks) against GloVe's meaning neighbours (banks, banking)"),
        Claim("WordPiece tokenisation; ease of Asian languages", "Inputs, section 2",
              "the bundled English vocabulary spells any English word, but turns most Chinese into [UNK]"),
        Claim("Positional embedding with sin and cos", "Inputs, section 3",
              "the sinusoids drawn from their formula; BERT itself learns its positions instead"),
        Claim("The transformer's input is the WordPiece embedding plus the positional embedding",
              "Inputs, sections 4-5",
              "with positions switched off BERT is blind to word order (each word's vector unchanged by a shuffle)"),
        Claim("No vanishing memory: the transformer reads the whole sequence at once", "Distance decay; Inputs, "
              "section 6", f"BERT's top-layer half-life {_half_life('bert', 'layer-6')}; a transformer layer takes "
              "1 step where an LSTM layer takes n"),
        Claim("Multi-head attention: heads specialise", "Attention heads", _head_counts()),
    ]


def shipped_claims() -> list[Claim]:
    """The table as last written by ``python -m engine.claims`` (empty when the file is missing)."""
    try:
        return [Claim(**row) for row in json.loads(CLAIMS_FILE.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return []


def write_claims() -> None:
    """Measure every verdict again from the shipped files and write the table for the home page."""
    rows = [asdict(claim) for claim in claims()]
    CLAIMS_FILE.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_claims()
    print(f"wrote {CLAIMS_FILE}")
