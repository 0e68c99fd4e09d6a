"""Every attention head of a BERT model labelled coreference / syntax / meaning / topic / other from gold data.

``head_labels(encoder)`` returns one ``HeadLabel`` per (layer, head), numbered from 1 as in the papers. The
probes (``engine.heads.probes``) run on a fixed, evenly spaced sample of ``../shared/data``, each split in two:
a *labelling* part, where a head must clear its category's bar, and a held-out *confirmation* part, where it must
clear a lower bar again, so that a label is not an accident of the sample.

Scores are percentage points above the category's baseline, so they compare across categories:

* syntax: for the head's best UD relation and direction (relations with >= 100 labelling and >= 40 confirmation
  arcs), pointer accuracy minus the best fixed offset; bar 12 points (EWT train sample), confirmed >= 8 (EWT dev).
* coreference: GAP accuracy minus the nearer-candidate baseline; bar 12 points (GAP development sample),
  confirmed >= 8 (GAP validation).
* meaning: content words whose pointer is a word related in meaning (the same word, or GloVe cosine >= 0.8) minus
  the best fixed offset; bar 10 points, confirmed >= 7 (SemCor passages, documents split two to one).
* topic: for broad heads only (attention spread >= 0.8 of the maximum entropy over the passage's content words,
  which get at least their share of the attention on words), the excess of attention on far nouns of the query
  noun's WordNet field over an even spread; bar 4 points, confirmed >= 3 (about 1,000 nouns per part: the
  standard error is under one point).
* other: the rest, described by their strongest delimiter or positional pattern ([CLS]/[SEP], punctuation, the
  word itself, the previous or next word, broad attention with no topic preference); its score is that pattern's
  share in percent, not a gain.

A head that clears several bars takes the label it clears by the widest factor (score / bar). Content words,
relatedness, spread and the positional patterns are those of ``engine.heads.rules``, which the page also uses to
explain a head in the user's sentence.
Results are cached on disk per model fingerprint; the bundled model's file ships in ``engine/data``.
``python -m engine.heads.labels`` prints the table (``--recompute`` ignores the cache, ``--ship`` writes ``engine/data``).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm import tqdm

from engine.encoders.base import Encoded, Encoder, batches_by_length
from engine.encoders.bert import InputTooLong
from engine.heads.probe_data import (
    evenly_spaced,
    read_gap,
    read_semcor_passages,
    semcor_split,
    treebank_sample,
)
from engine.heads.probes import (
    DIRECTIONS,
    CorefTally,
    MeaningTally,
    SyntaxTally,
    TopicTally,
)
from engine.heads.rules import MEANING_COSINE, PatternSums, pattern_sums
from engine.settings import (
    CACHE_DIR,
    DATA_DIR,
    EWT_DEV,
    EWT_TRAIN,
    GAP_DEVELOPMENT,
    GAP_VALIDATION,
    stored_files,
)

LABELS = ("coreference", "syntax", "meaning", "topic", "other")
PROBE_VERSION = 2  # bump when a probe or rule changes: cached labels of another version are measured again
SHIPPED_DIR = DATA_DIR

# sample sizes: a few thousand sentences, a few minutes of CPU for the bundled model on 2 cores
SAMPLE = {"ewt_train": 1000, "ewt_dev": 600, "gap_development": 500, "gap_validation": 400,
          "semcor_label": 120, "semcor_confirm": 80}
# (labelling bar, confirmation bar) in percentage points above the baseline
BARS = {"syntax": (12.0, 8.0), "coreference": (12.0, 8.0), "meaning": (10.0, 7.0), "topic": (4.0, 3.0)}
MIN_ARCS = (100, 40)  # a relation counts only with this many arcs in the labelling / confirmation sample
BROAD_SPREAD = 0.8
PATTERN_BARS = {"special": 0.5, "previous": 0.5, "next": 0.5, "self": 0.25, "punctuation": 0.25, "broad": BROAD_SPREAD}

ProbingProgressCallback = Callable[[int, int, str], None]  # (examples done, total, stage)


@dataclass
class HeadLabel:
    """What one head does, with the measured evidence behind its label."""

    layer: int  # 1-based
    head: int  # 1-based
    label: str
    scores: dict[str, float]  # per category, percentage points above its baseline (other: pattern share in %)
    evidence: str  # one human sentence with the numbers behind the label
    details: dict = field(default_factory=dict)  # per-probe figures on the labelling and confirmation data


@dataclass
class HeadReport:
    """The labels of one model, with how and on what they were measured."""

    fingerprint: str
    model: str
    labels: list[HeadLabel]
    meta: dict


# --- measuring -------------------------------------------------------------------------------------------------


@dataclass
class Measurements:
    """Every tally, for the labelling ("label") and the confirmation ("confirm") part of the data."""

    syntax: dict[str, SyntaxTally]
    coreference: dict[str, CorefTally]
    meaning: dict[str, MeaningTally]
    topic: dict[str, TopicTally]
    position: PatternSums  # on the EWT labelling sentences
    examples: dict[str, int]


def _encode_in_batches(encoder: Encoder, items: Sequence, batch_size: int = 16) -> Iterable[tuple[object, Encoded]]:
    """(item, encoded) for items with ``.words``, shortest first (less padding); too-long items are skipped."""
    for chunk in batches_by_length(items, lambda item: len(item.words), batch_size):
        try:
            encoded = encoder.encode([list(item.words) for item in chunk], attentions=True)  # maps in the batch
        except InputTooLong:
            encoded = []
            for item in list(chunk):
                try:
                    encoded.extend(encoder.encode([list(item.words)], attentions=True))
                except InputTooLong:
                    chunk.remove(item)
        yield from zip(chunk, encoded)


def measure(encoder: Encoder, progress: ProbingProgressCallback | None = None) -> Measurements:
    """Run every probe on the deterministic sample (the slow part: one forward pass per example)."""
    shape = (encoder.n_layers, encoder.n_heads)
    gap_development, _ = read_gap(GAP_DEVELOPMENT)
    gap_validation, _ = read_gap(GAP_VALIDATION)
    semcor_label, semcor_confirm = semcor_split(read_semcor_passages())
    data = {
        ("syntax", "label"): treebank_sample(EWT_TRAIN, SAMPLE["ewt_train"]),
        ("syntax", "confirm"): treebank_sample(EWT_DEV, SAMPLE["ewt_dev"]),
        ("coreference", "label"): evenly_spaced(gap_development, SAMPLE["gap_development"]),
        ("coreference", "confirm"): evenly_spaced(gap_validation, SAMPLE["gap_validation"]),
        ("passages", "label"): evenly_spaced(semcor_label, SAMPLE["semcor_label"]),
        ("passages", "confirm"): evenly_spaced(semcor_confirm, SAMPLE["semcor_confirm"]),
    }
    result = Measurements(
        syntax={split: SyntaxTally(shape) for split in ("label", "confirm")},
        coreference={split: CorefTally(shape) for split in ("label", "confirm")},
        meaning={split: MeaningTally(shape) for split in ("label", "confirm")},
        topic={split: TopicTally(shape) for split in ("label", "confirm")},
        position=PatternSums.zeros(shape),
        examples={f"{probe}_{split}": len(items) for (probe, split), items in data.items()},
    )
    total = sum(len(items) for items in data.values())
    bar = tqdm(total=total, desc="probing heads", unit="ex", disable=progress is not None, file=sys.stderr)
    done = 0
    for (probe, split), items in data.items():
        for item, encoded in _encode_in_batches(encoder, items):
            attention = encoded.attentions
            if probe == "syntax":
                result.syntax[split].add(item, attention)
                if split == "label":
                    result.position += pattern_sums(encoded)
            elif probe == "coreference":
                result.coreference[split].add(item, attention)
            else:
                result.meaning[split].add(item, attention)
                result.topic[split].add(item, attention)
            done += 1
            bar.update(1)
            if progress is not None:
                progress(done, total, f"{probe} ({'labelling' if split == 'label' else 'confirmation'} data)")
    bar.close()
    return result


# --- labelling -------------------------------------------------------------------------------------------------


def _pct(value: float) -> int:
    return int(round(100 * value))


def _syntax(m: Measurements, layer: int, head: int) -> tuple[float, float, dict]:
    """(labelling gain, confirmation gain, details) of the head's best relation and direction."""
    label, confirm = m.syntax["label"], m.syntax["confirm"]
    rows = []
    for relation, count in label.count.items():
        if count < MIN_ARCS[0] or confirm.count[relation] < MIN_ARCS[1]:
            continue
        base, offset = label.offset_baseline(relation)
        confirm_base, _ = confirm.offset_baseline(relation)
        for direction in DIRECTIONS:
            accuracy = label.accuracy(relation, direction)[layer, head]
            confirm_accuracy = confirm.accuracy(relation, direction)[layer, head]
            rows.append({
                "relation": relation, "direction": direction, "offset": offset,
                "accuracy": round(float(accuracy), 4), "baseline": round(base, 4), "arcs": count,
                "confirm_accuracy": round(float(confirm_accuracy), 4), "confirm_baseline": round(confirm_base, 4),
                "confirm_arcs": confirm.count[relation],
            })
    if not rows:  # a sample too small for any relation to count
        return 0.0, 0.0, {"relations": []}
    rows.sort(key=lambda r: r["accuracy"] - r["baseline"], reverse=True)
    best = rows[0]
    return (100 * (best["accuracy"] - best["baseline"]), 100 * (best["confirm_accuracy"] - best["confirm_baseline"]),
            {"relations": rows[:3]})


def _coreference(m: Measurements, layer: int, head: int) -> tuple[float, float, dict]:
    splits = {split: (float(t.accuracy()[layer, head]), t.baseline(), t.count) for split, t in m.coreference.items()}
    (acc, base, n), (c_acc, c_base, c_n) = splits["label"], splits["confirm"]
    details = {"accuracy": round(acc, 4), "baseline": round(base, 4), "examples": n,
               "confirm_accuracy": round(c_acc, 4), "confirm_baseline": round(c_base, 4), "confirm_examples": c_n}
    return 100 * (acc - base), 100 * (c_acc - c_base), details


def _meaning(m: Measurements, layer: int, head: int) -> tuple[float, float, dict]:
    out = {}
    for split, tally in m.meaning.items():
        base, offset = tally.offset_baseline()
        out[split] = (float(tally.accuracy()[layer, head]), base, offset, float(tally.same_word_share()[layer, head]),
                      tally.count)
    (acc, base, offset, same_word, n), (c_acc, c_base, _, _, c_n) = out["label"], out["confirm"]
    details = {"accuracy": round(acc, 4), "baseline": round(base, 4), "offset": offset,
               "same_word": round(same_word, 4), "queries": n,
               "confirm_accuracy": round(c_acc, 4), "confirm_baseline": round(c_base, 4), "confirm_queries": c_n}
    return 100 * (acc - base), 100 * (c_acc - c_base), details


def _topic(m: Measurements, layer: int, head: int) -> tuple[float, float, dict]:
    means = {split: {k: float(v[layer, head]) for k, v in t.means().items()} for split, t in m.topic.items()}
    label, confirm = means["label"], means["confirm"]
    broad = all(s["spread"] >= BROAD_SPREAD and s["content_excess"] >= 0 for s in means.values())
    details = {"spread": round(label["spread"], 4), "content_excess": round(label["content_excess"], 4),
               "field_excess": round(label["field_excess"], 4), "broad": broad,
               "confirm_spread": round(confirm["spread"], 4), "confirm_field_excess": round(confirm["field_excess"], 4)}
    if not broad:
        return 0.0, 0.0, details
    return 100 * label["field_excess"], 100 * confirm["field_excess"], details


def _patterns(m: Measurements, layer: int, head: int) -> dict[str, float]:
    shares = {key: round(float(value[layer, head]), 4) for key, value in m.position.shares().items()}
    shares["punctuation_positions"] = round(m.position.punctuation_share_of_positions(), 4)
    topic = m.topic["label"].means()
    shares["broad"] = round(float(topic["spread"][layer, head]), 4)
    shares["field_excess"] = round(float(topic["field_excess"][layer, head]), 4)
    return shares


def _other_evidence(patterns: dict[str, float]) -> tuple[str, str, float]:
    """(pattern, sentence, share in percent) of the head's strongest delimiter/positional pattern; the pattern is
    "mixed" when none reaches its bar in ``PATTERN_BARS``."""
    sentences = {
        "special": f"{_pct(patterns['special'])}% of its attention goes to [CLS]/[SEP] (a resting place)",
        "previous": f"points at the previous word for {_pct(patterns['previous'])}% of words",
        "next": f"points at the next word for {_pct(patterns['next'])}% of words",
        "self": f"{_pct(patterns['self'])}% of its attention stays on the word itself",
        "punctuation": f"{_pct(patterns['punctuation'])}% of its attention goes to punctuation "
                       f"({_pct(patterns['punctuation_positions'])}% of the words)",
        "broad": f"attends broadly (spread {patterns['broad']:.2f} of the maximum over a passage's content words), "
                 f"but nouns of the same topic field get only {100 * patterns['field_excess']:+.1f} points over an "
                 f"even spread (topic bar {BARS['topic'][0]:+.0f})",
    }
    strength = {key: patterns[key] / bar for key, bar in PATTERN_BARS.items()}
    if patterns["punctuation"] < 2 * patterns["punctuation_positions"]:
        strength["punctuation"] = 0.0  # no more than an even spread would give
    key = max(strength, key=strength.get)
    if strength[key] >= 1:
        return key, sentences[key], 100 * patterns[key]
    return ("mixed", f"no single pattern: {_pct(patterns['special'])}% on [CLS]/[SEP], previous word "
            f"{_pct(patterns['previous'])}%, next word {_pct(patterns['next'])}% of words", 100 * patterns[key])


def _evidence(label: str, details: dict, other_text: str) -> str:
    if label == "syntax":
        r = details["syntax"]["relations"][0]
        return (f"{r['relation']}: {r['direction']} {_pct(r['accuracy'])}% vs {_pct(r['baseline'])}% for the best "
                f"fixed offset ({r['offset']:+d}), {r['arcs']} arcs; held-out EWT dev {_pct(r['confirm_accuracy'])}% "
                f"vs {_pct(r['confirm_baseline'])}%")
    if label == "coreference":
        c = details["coreference"]
        return (f"GAP: the pronoun attends more to its antecedent than to the other name in {_pct(c['accuracy'])}% "
                f"of {c['examples']} snippets vs {_pct(c['baseline'])}% for the nearer name; held-out "
                f"{_pct(c['confirm_accuracy'])}% vs {_pct(c['confirm_baseline'])}%")
    if label == "meaning":
        c = details["meaning"]
        return (f"a content word's most-attended word is related in meaning (the same word or GloVe cosine >= "
                f"{MEANING_COSINE}) for {_pct(c['accuracy'])}% of {c['queries']} words ({_pct(c['same_word'])}% the "
                f"same word) vs {_pct(c['baseline'])}% for the best fixed offset; held-out "
                f"{_pct(c['confirm_accuracy'])}% vs {_pct(c['confirm_baseline'])}%")
    if label == "topic":
        c = details["topic"]
        return (f"broad attention over the passage's content words (spread {c['spread']:.2f} of the maximum) with "
                f"{100 * c['field_excess']:+.0f} points on far nouns of the same WordNet field over an even "
                f"spread; held-out {100 * c['confirm_field_excess']:+.0f}")
    return other_text


def label_heads(m: Measurements) -> list[HeadLabel]:
    """Apply the bars of ``BARS`` to the measurements: one record per head."""
    layers, heads = m.position.shares()["special"].shape
    probes = {"syntax": _syntax, "coreference": _coreference, "meaning": _meaning, "topic": _topic}
    records = []
    for layer in range(layers):
        for head in range(heads):
            scores, held_out, details, cleared = {}, {}, {}, {}
            for name, probe in probes.items():
                gain, confirm_gain, details[name] = probe(m, layer, head)
                details[name]["confirmed"] = confirm_gain >= BARS[name][1]
                scores[name], held_out[name] = round(gain, 1), round(confirm_gain, 1)
                if gain >= BARS[name][0] and confirm_gain >= BARS[name][1]:
                    cleared[name] = gain / BARS[name][0]
            details["held_out_scores"] = held_out
            details["patterns"] = _patterns(m, layer, head)
            details["pattern"], other_text, other_score = _other_evidence(details["patterns"])
            scores["other"] = round(other_score, 1)
            label = max(cleared, key=cleared.get) if cleared else "other"
            evidence = _evidence(label, details, other_text) + _also(label, cleared, scores, held_out)
            records.append(HeadLabel(layer + 1, head + 1, label, {k: scores[k] for k in LABELS}, evidence, details))
    return records


def _also(label: str, cleared: dict[str, float], scores: dict[str, float], held_out: dict[str, float]) -> str:
    """The other bars a head clears, or for an "other" head the probe that came closest to a label."""
    others = [name for name in cleared if name != label]
    if others:
        return "; also clears the " + ", ".join(f"{name} bar ({scores[name]:+.0f})" for name in others)
    if label != "other":
        return ""
    name = max(BARS, key=lambda n: scores[n] / BARS[n][0])
    bar, held_out_bar = BARS[name]
    if scores[name] >= bar:
        return (f"; its {name} score {scores[name]:+.0f} clears the bar ({bar:+.0f}) but did not hold on held-out "
                f"data ({held_out[name]:+.1f}, bar {held_out_bar:+.0f})")
    if scores[name] >= 0.75 * bar:
        return f"; closest to a label: {name} {scores[name]:+.0f} (bar {bar:+.0f})"
    return ""


# --- cache -------------------------------------------------------------------------------------------------------


def cache_file_name(fingerprint: str) -> str:
    return f"head_labels-{fingerprint}.json"


def _read(path: Path, fingerprint: str) -> HeadReport | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("version") != PROBE_VERSION or data.get("fingerprint") != fingerprint:
        return None
    labels = [HeadLabel(**record) for record in data["labels"]]
    return HeadReport(fingerprint, data["model"], labels, data["meta"])


def _write(report: HeadReport, folder: Path) -> Path | None:
    """Write the report as JSON; None when the folder is not writable (the labels then live in memory only)."""
    path = folder / cache_file_name(report.fingerprint)
    header = {"version": PROBE_VERSION, "fingerprint": report.fingerprint, "model": report.model, "meta": report.meta}
    # one head per line: small, and a re-run shows up in a diff head by head
    records = ",\n".join(json.dumps(asdict(label), ensure_ascii=False, separators=(",", ":"))
                          for label in report.labels)
    text = json.dumps(header, ensure_ascii=False)[:-1] + ',\n"labels": [\n' + records + "\n]}\n"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError:
        return None
    return path


def cached_report(encoder: Encoder) -> HeadReport | None:
    """The labels from disk (shipped file first, then the local cache), or None when not computed yet."""
    return stored_report(encoder.fingerprint())


def stored_report(fingerprint: str) -> HeadReport | None:
    """The labels of the weights with this fingerprint from disk, without loading the model; None if not computed."""
    reports = (_read(path, fingerprint) for path in stored_files(cache_file_name(fingerprint), SHIPPED_DIR, CACHE_DIR))
    return next((report for report in reports if report is not None), None)


def compute_report(encoder: Encoder, progress: ProbingProgressCallback | None = None,
                   folder: Path | None = None) -> HeadReport:
    """Measure and label every head now (minutes), and save the result in ``folder`` (default: the local cache)."""
    if not encoder.n_heads:
        raise ValueError(f"The {encoder.name} encoder has no attention heads to label.")
    started, cpu_started = time.perf_counter(), time.process_time()
    measurements = measure(encoder, progress)
    labels = label_heads(measurements)
    meta = {"seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds": round(time.process_time() - cpu_started, 1),  # wall time depends on the machine's load
            "examples": measurements.examples, "bars": BARS, "min_arcs": list(MIN_ARCS)}
    report = HeadReport(encoder.fingerprint(), encoder.description, labels, meta)
    _write(report, folder or CACHE_DIR)
    return report


def head_report(encoder: Encoder, progress: ProbingProgressCallback | None = None) -> HeadReport:
    """The model's labels, from disk when already computed, else computed now (with progress) and cached."""
    return cached_report(encoder) or compute_report(encoder, progress)


def head_labels(encoder: Encoder, progress: ProbingProgressCallback | None = None) -> list[HeadLabel]:
    """One ``HeadLabel`` per (layer, head) of a BERT-family encoder, ordered by layer then head."""
    return head_report(encoder, progress).labels


# --- command line ------------------------------------------------------------------------------------------------


def key_figure(label: HeadLabel) -> str:
    """A head's label in a few characters: "syntax obj +36", "coreference +17", "other: previous 94%"."""
    if label.label == "syntax":
        return f"syntax {label.details['syntax']['relations'][0]['relation']} {label.scores['syntax']:+.0f}"
    if label.label == "other":
        return f"other: {label.details['pattern']}" + ("" if label.details["pattern"] == "mixed"
                                                       else f" {label.scores['other']:.0f}%")
    return f"{label.label} {label.scores[label.label]:+.0f}"


def best_head(labels: Iterable[HeadLabel], category: str) -> HeadLabel:
    """The head to show for ``category`` (coreference, syntax, meaning or topic): among the heads that carry that
    label, the one with the best held-out score (the number a viewer can trust most); when no head carries it, the
    best held-out score of all heads."""
    return max(labels, key=lambda x: (x.label == category, x.details["held_out_scores"][category]))


def format_table(labels: list[HeadLabel]) -> str:
    """Markdown: one row per layer, one column per head, each cell the label and its key figure."""
    heads = max(label.head for label in labels)
    lines = ["| layer | " + " | ".join(f"head {h}" for h in range(1, heads + 1)) + " |",
             "|---" * (heads + 1) + "|"]
    for layer in sorted({label.layer for label in labels}):
        row = sorted((x for x in labels if x.layer == layer), key=lambda x: x.head)
        lines.append(f"| {layer} | " + " | ".join(key_figure(label) for label in row) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m engine.heads.labels", description=__doc__.split("\n")[0])
    parser.add_argument("--recompute", action="store_true", help="ignore the cached labels and measure again")
    parser.add_argument("--ship", action="store_true", help=f"write the result to {SHIPPED_DIR} (commit it)")
    args = parser.parse_args(argv)

    from engine.encoders.registry import load_encoder

    encoder = load_encoder("bert")
    report = None if args.recompute or args.ship else cached_report(encoder)
    if report is None:
        report = compute_report(encoder, folder=SHIPPED_DIR if args.ship else None)
    print(f"{report.model}\nfingerprint {report.fingerprint}; measured in {report.meta['seconds']} s "
          f"({report.meta.get('cpu_seconds', '?')} s of CPU) on "
          + ", ".join(f"{k} {v}" for k, v in report.meta["examples"].items()) + "\n")
    print(format_table(report.labels) + "\n")
    counts = {name: sum(label.label == name for label in report.labels) for name in LABELS}
    print("heads per label: " + ", ".join(f"{name} {count}" for name, count in counts.items()) + "\n")
    for label in sorted(report.labels, key=lambda x: (LABELS.index(x.label), -x.scores[x.label])):
        if label.label != "other":
            print(f"{label.layer}-{label.head} {label.label} {label.scores[label.label]:+.1f}: {label.evidence}")


if __name__ == "__main__":
    main()
