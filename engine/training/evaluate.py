"""Held-out measurements of the encoders: ``python -m engine.training.evaluate senses``.

Sense separation on SemCor 3.0 brown1 (WordNet sense keys): do a word's vectors fall nearer to the
average vector of its right sense than of its other senses?

* Split by document: sorting the document ids, every 5th (positions 4, 9, ...) is a test document and the
  rest are train documents, so no sentence, and no document's topic, is on both sides. With ``--test-data``
  (another SemCor part in the same JSONL format), every document of ``--data`` trains and every document of
  the other file is tested.
* A token's sense is its first WordNet sense key (a few carry two, joined by ``;``).
* A "word" is a lemma with its part of speech, both read from the sense key (``bank%1:...`` is bank as a noun;
  adjective satellites count as adjectives), so the candidate senses of a test word are those of its lemma
  and part of speech seen in train.
* Multiword tokens (``took_place``) are split at ``_`` into words for encoding, and their vector is the mean of
  their words' vectors, in every encoder alike.
* Per encoder and layer: each sense's centroid is the mean of its train vectors; a test occurrence gets the
  sense whose centroid is nearest by cosine among its word's senses (ties, e.g. an all-zero vector, go to
  the sense more frequent in train). Scored: test occurrences of words with at least 2 senses in train whose
  gold sense was seen in train. The baseline is the most frequent train sense (MFS) on the same occurrences.
* Every sentence holding a train or scored occurrence is encoded once per encoder, in length-sorted batches.

Results go to ``reports/senses.json`` and a table on standard output.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from tqdm import tqdm

from engine.corpus.semcor import read_semcor, token_words
from engine.encoders.base import EncoderUnavailable, batches_by_length
from engine.encoders.registry import ENCODER_NAMES, load_encoder
from engine.settings import REPORTS_DIR, SEMCOR_BROWN1

REPORT = REPORTS_DIR / "senses.json"
TEST_EVERY = 5
BATCH_SIZE = 64
TIE = 1e-6  # cosine similarities closer than this are equal
POS_NAMES = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}  # WordNet ss_type; satellites are adjectives


@dataclass(frozen=True)
class SenseOccurrence:
    """A sense-tagged token: its sentence, its span of words there, its word (lemma%pos) and sense key."""

    sentence: int
    start: int
    end: int
    word: str
    sense: str


@dataclass
class SenseData:
    """Encoder input (sentences as word lists) and the train and scored test occurrences in them."""

    sentences: list[list[str]]
    train: list[SenseOccurrence]
    test: list[SenseOccurrence]
    train_documents: int
    test_documents: int
    split: str  # how train and test were drawn, for the report


# --- data --------------------------------------------------------------------------------------------------

def first_sense(annotation: str) -> str:
    """The first sense key of an annotation; a few tokens carry two, as in ``year%1:28:02::;1:28:01::``."""
    return annotation.split(";", 1)[0]


def sense_word(sense_key: str) -> str:
    """``lemma%pos`` of a WordNet sense key, e.g. ``bank%1:14:00::`` -> ``bank%n``."""
    lemma, rest = sense_key.split("%", 1)
    return f"{lemma.lower()}%{POS_NAMES[rest[0]]}"


def test_documents(documents: Iterable[str]) -> set[str]:
    """Every TEST_EVERY-th document by sorted id (the 5th, 10th, ...)."""
    ordered = sorted(set(documents))
    return {doc for position, doc in enumerate(ordered) if position % TEST_EVERY == TEST_EVERY - 1}


def split_tokens(tokens: Sequence[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """Words for the encoders (multiword tokens split at "_") and each token's span of words."""
    words: list[str] = []
    spans = []
    for token in tokens:
        parts = token_words(token)
        spans.append((len(words), len(words) + len(parts)))
        words.extend(parts)
    return words, spans


def load_semcor(path: Path = SEMCOR_BROWN1, test_path: Path | None = None) -> SenseData:
    """Read SemCor, split it by document (or test on another file) and keep what trains or is scored."""
    records = list(read_semcor(path))
    if test_path is None:
        held_out = test_documents(record.doc for record in records)
        labelled = [(record, record.doc in held_out) for record in records]
        split = f"{path.name} split by document (every {TEST_EVERY}th sorted id is test)"
    else:
        labelled = [(record, False) for record in records] + [(record, True) for record in read_semcor(test_path)]
        split = f"train: every document of {path.name}; test: every document of {test_path.name}"
    sentences: list[list[str]] = []
    train: list[SenseOccurrence] = []
    test: list[SenseOccurrence] = []
    for record, is_test in labelled:
        words, spans = split_tokens(record.tokens)
        side = test if is_test else train
        for (start, end), annotation in zip(spans, record.senses):
            if annotation:
                sense = first_sense(annotation)
                side.append(SenseOccurrence(len(sentences), start, end, sense_word(sense), sense))
        sentences.append(words)
    n_train = len({record.doc for record, is_test in labelled if not is_test})
    n_test = len({record.doc for record, is_test in labelled if is_test})
    scored = scored_occurrences(train, test)
    return keep_used(SenseData(sentences, train, scored, n_train, n_test, split))


def scored_occurrences(train: list[SenseOccurrence], test: list[SenseOccurrence]) -> list[SenseOccurrence]:
    """Test occurrences whose word has at least 2 senses in train, one of them the gold sense."""
    senses = defaultdict(set)
    for occurrence in train:
        senses[occurrence.word].add(occurrence.sense)
    return [o for o in test if len(senses[o.word]) >= 2 and o.sense in senses[o.word]]


def keep_used(data: SenseData) -> SenseData:
    """Drop train occurrences of words never scored, and sentences holding no occurrence left (not encoded)."""
    scored_words = {o.word for o in data.test}
    train = [o for o in data.train if o.word in scored_words]
    used = sorted({o.sentence for o in train + data.test})
    renumber = {old: new for new, old in enumerate(used)}

    def moved(occurrences: list[SenseOccurrence]) -> list[SenseOccurrence]:
        return [SenseOccurrence(renumber[o.sentence], o.start, o.end, o.word, o.sense) for o in occurrences]

    return SenseData([data.sentences[i] for i in used], moved(train), moved(data.test),
                     data.train_documents, data.test_documents, data.split)


# --- classifiers -------------------------------------------------------------------------------------------

def most_frequent_senses(train: Iterable[SenseOccurrence]) -> dict[str, str]:
    """Each word's most frequent train sense (ties: the smaller sense key)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for occurrence in train:
        counts[occurrence.word][occurrence.sense] += 1
    return {word: min(senses, key=lambda s: (-senses[s], s)) for word, senses in counts.items()}


class SenseCentroids:
    """Per word, the mean train vector of each of its senses, for every layer at once."""

    def __init__(self, train: Sequence[SenseOccurrence], vectors: np.ndarray) -> None:
        """``vectors``: (n_train, n_layers, dim), row i being train occurrence i."""
        counts: dict[str, Counter] = defaultdict(Counter)
        for occurrence in train:
            counts[occurrence.word][occurrence.sense] += 1
        # Senses ordered by decreasing train frequency, so argmax ties fall to the more frequent sense.
        self.senses = {word: sorted(c, key=lambda s: (-c[s], s)) for word, c in counts.items()}
        rows: dict[tuple[str, str], list[int]] = defaultdict(list)
        for row, occurrence in enumerate(train):
            rows[(occurrence.word, occurrence.sense)].append(row)
        self.centroids = {
            word: np.stack([vectors[rows[(word, sense)]].mean(axis=0) for sense in senses], axis=1)
            for word, senses in self.senses.items()
        }  # word -> (n_layers, n_senses, dim)

    def predict(self, word: str, vector: np.ndarray) -> list[str]:
        """The nearest sense by cosine, per layer, for one occurrence's (n_layers, dim) vectors.

        Similarities within TIE of the best count as ties (identical centroids differ by rounding
        only), and ties go to the sense listed first, the most frequent one.
        """
        centroids = _unit(self.centroids[word])
        similarity = np.einsum("lsd,ld->ls", centroids, _unit(vector))
        nearest = similarity >= similarity.max(axis=1, keepdims=True) - TIE
        return [self.senses[word][index] for index in nearest.argmax(axis=1)]


def _unit(vectors: np.ndarray) -> np.ndarray:
    """Vectors scaled to unit length along the last axis (zero vectors stay zero)."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def held_out_centroid_accuracy(train: Sequence[SenseOccurrence], train_vectors: np.ndarray,
                               test: Sequence[SenseOccurrence], test_vectors: np.ndarray) -> np.ndarray:
    """Accuracy per layer of the nearest-centroid labels of the test occurrences."""
    centroids = SenseCentroids(train, train_vectors)
    correct = np.zeros(train_vectors.shape[1])
    for occurrence, vector in zip(test, test_vectors):
        correct += np.array([sense == occurrence.sense for sense in centroids.predict(occurrence.word, vector)])
    return correct / max(1, len(test))


def mfs_accuracy(train: Iterable[SenseOccurrence], test: Sequence[SenseOccurrence]) -> float:
    """Accuracy of always answering the most frequent train sense."""
    mfs = most_frequent_senses(train)
    return sum(mfs.get(o.word) == o.sense for o in test) / max(1, len(test))


# --- encoding ----------------------------------------------------------------------------------------------

def occurrence_vectors(encoder_name: str, data: SenseData,
                       batch_size: int = BATCH_SIZE) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(layer names, train vectors, test vectors), each (n, n_layers, dim), encoding every sentence once."""
    encoder = load_encoder(encoder_name)
    wanted: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # sentence -> (slot, start, end)
    occurrences = data.train + data.test
    for slot, o in enumerate(occurrences):
        wanted[o.sentence].append((slot, o.start, o.end))
    vectors = np.zeros((len(occurrences), len(encoder.layer_names), encoder.dim), dtype=np.float32)
    with tqdm(total=len(wanted), desc=f"encoding with {encoder_name}", unit="sentence") as bar:
        for chunk in batches_by_length(wanted, lambda i: len(data.sentences[i]), batch_size):
            for index, encoded in zip(chunk, encoder.encode([data.sentences[i] for i in chunk])):
                for slot, start, end in wanted[index]:
                    vectors[slot] = encoded.vectors[:, start:end].mean(axis=1)
            bar.update(len(chunk))
    return list(encoder.layer_names), vectors[: len(data.train)], vectors[len(data.train) :]


# --- report ------------------------------------------------------------------------------------------------

def evaluate_senses(encoders: Sequence[str], path: Path = SEMCOR_BROWN1, test_path: Path | None = None) -> dict:
    """The sense-separation results of every encoder (unavailable ones are reported as such)."""
    data = load_semcor(path, test_path)
    report = {
        "task": f"nearest sense centroid (cosine), SemCor: {data.split}",
        "train_documents": data.train_documents,
        "test_documents": data.test_documents,
        "train_occurrences": len(data.train),
        "test_occurrences": len(data.test),
        "test_words": len({o.word for o in data.test}),
        "mfs_accuracy": round(mfs_accuracy(data.train, data.test), 4),
        "encoders": {},
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    for name in encoders:
        report["encoders"][name] = encoder_result(name, data)
    return report


def encoder_result(name: str, data: SenseData) -> dict:
    """Accuracy per layer and the best layer of one encoder, or why it could not be measured."""
    try:
        layers, train_vectors, test_vectors = occurrence_vectors(name, data)
    except EncoderUnavailable as error:
        return {"unavailable": str(error)}
    accuracy = held_out_centroid_accuracy(data.train, train_vectors, data.test, test_vectors)
    best = int(accuracy.argmax())
    return {
        "description": load_encoder(name).description,
        "layers": {layer: round(float(a), 4) for layer, a in zip(layers, accuracy)},
        "best_layer": layers[best],
        "best_accuracy": round(float(accuracy[best]), 4),
    }


def format_report(report: dict) -> str:
    """A plain-text table: accuracy per encoder and layer, the best layer marked, and the MFS baseline."""
    lines = [f"Sense separation on {report['test_occurrences']:,} test occurrences of {report['test_words']:,} words "
             f"({report['test_documents']} test / {report['train_documents']} train documents)",
             f"{'encoder':<8} {'layer':<12} {'accuracy':>8}", "-" * 30,
             f"{'MFS':<8} {'baseline':<12} {report['mfs_accuracy']:>8.3f}"]
    for name, result in report["encoders"].items():
        if "unavailable" in result:
            lines.append(f"{name:<8} unavailable: {result['unavailable']}")
            continue
        for layer, accuracy in result["layers"].items():
            mark = "  <- best" if layer == result["best_layer"] else ""
            lines.append(f"{name:<8} {layer:<12} {accuracy:>8.3f}{mark}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m engine.training.evaluate", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    senses = commands.add_parser("senses", help="nearest-sense-centroid accuracy per encoder and layer on SemCor")
    senses.add_argument("--encoders", nargs="+", choices=ENCODER_NAMES, default=list(ENCODER_NAMES))
    senses.add_argument("--data", type=Path, default=SEMCOR_BROWN1, help=f"SemCor JSONL (default {SEMCOR_BROWN1})")
    senses.add_argument("--test-data", type=Path,
                        help="test on every document of this SemCor JSONL and train on every document of --data")
    senses.add_argument("--out", type=Path, default=REPORT, help=f"results JSON (default {REPORT})")
    args = parser.parse_args(argv)
    report = evaluate_senses(args.encoders, args.data, args.test_data)
    print(format_report(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
