"""What each attention head does, measured against gold annotation: one tally per probe, fed one example at a time.

Every probe reads word-level attention (layers, heads, words, words) as ``BertEncoder.encode`` gives it (Clark et
al. 2019: attention *to* a word sums its pieces, *from* a word averages them, [CLS]/[SEP] dropped). A head's
"pointer" for a word is the other word it attends to most (the word itself excluded).

* ``SyntaxTally``: per UD relation, how often the dependent's pointer is its head (dependent→head) and the head's
  pointer is the dependent (head→dependent), and the offsets head − dependent for the best-fixed-offset baseline.
* ``CorefTally``: GAP; the pronoun attends more (max over each name's words) to the true antecedent than to the
  other candidate; baseline: the candidate nearer the pronoun.
* ``MeaningTally``: passages; for a content word that has a word related in meaning elsewhere in the passage (the
  same lemma, or GloVe cosine >= ``MEANING_COSINE``), how often its pointer is such a word; baseline: the best
  fixed offset, i.e. the best any purely positional head (whatever its distance profile) could do.
* ``TopicTally``: passages; from each content word, how much attention goes to the passage's other content words
  (beyond their share of the positions) and how evenly it is spread over them (entropy / log n); and from each
  noun, how much more of its attention on the passage's far nouns lands on nouns of its own topic domain (gold
  WordNet lexicographer field from SemCor: food, body, artifact, person...) than an even spread would give.
* ``PositionTally``: the "other" patterns: share of attention on [CLS]/[SEP] (piece level), on punctuation, on
  the word itself, and how often the pointer is the previous or the next word.
"""
from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from engine.encoders.base import Encoded
from engine.encoders.glove import glove_table
from engine.heads.probe_data import DepSentence, GapExample, Passage
from engine.tokenize import is_punctuation

MEANING_COSINE = 0.8  # GloVe 6B-50d: car/truck 0.92, doctor/nurse 0.80, big/large 0.67 (unrelated pairs often 0.5)
MIN_SPREAD_WORDS = 6  # a query needs this many other content words for "spread" to mean something
TOPIC_MIN_DISTANCE = 3  # same-field nouns closer than this are mostly one phrase ("child welfare services")
MIN_FAR_NOUNS = 4
SKIPPED_RELATIONS = frozenset({"punct", "root", "dep"})  # punctuation attachment is arbitrary; dep is "unknown"
DIRECTIONS = ("dependent→head", "head→dependent")


def pointers(attention: np.ndarray) -> np.ndarray:
    """(layers, heads, words): the index of the word each word attends to most, itself excluded."""
    masked = attention.copy()
    n = attention.shape[-1]
    masked[..., np.arange(n), np.arange(n)] = -1.0
    return masked.argmax(axis=-1)


class SyntaxTally:
    """Per relation: examples, pointer hits in both directions (per head) and the offsets head − dependent."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = shape
        self.count: Counter[str] = Counter()
        self.hits: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(shape))
        self.offsets: dict[str, Counter[int]] = defaultdict(Counter)

    def add(self, sentence: DepSentence, attention: np.ndarray) -> None:
        pointer = pointers(attention)
        for dependent, (head, relation) in enumerate(zip(sentence.heads, sentence.relations)):
            if head < 0 or relation in SKIPPED_RELATIONS:
                continue
            self.count[relation] += 1
            self.offsets[relation][head - dependent] += 1
            self.hits[relation, DIRECTIONS[0]] += pointer[:, :, dependent] == head
            self.hits[relation, DIRECTIONS[1]] += pointer[:, :, head] == dependent

    def accuracy(self, relation: str, direction: str) -> np.ndarray:
        """(layers, heads) share of the relation's arcs the head's pointer follows in ``direction``."""
        return self.hits[relation, direction] / max(self.count[relation], 1)

    def offset_baseline(self, relation: str) -> tuple[float, int]:
        """(accuracy, offset) of the best fixed offset: "the head is always k words away" (the same in both
        directions, since head→dependent offsets are the mirror image)."""
        offset, hits = self.offsets[relation].most_common(1)[0]
        return hits / self.count[relation], offset


class CorefTally:
    """GAP: per head, how often the pronoun attends more to the antecedent; and the nearest-candidate baseline."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.count = 0
        self.hits = np.zeros(shape)
        self.nearest_hits = 0.0

    def add(self, example: GapExample, attention: np.ndarray) -> None:
        row = attention[:, :, example.pronoun, :]
        true, other = example.candidates[example.antecedent], example.candidates[1 - example.antecedent]
        margin = row[:, :, list(true)].max(axis=-1) - row[:, :, list(other)].max(axis=-1)
        self.hits += (margin > 0) + 0.5 * (margin == 0)
        distance = [min(abs(example.pronoun - i) for i in span) for span in (true, other)]
        self.nearest_hits += 1.0 if distance[0] < distance[1] else 0.5 if distance[0] == distance[1] else 0.0
        self.count += 1

    def accuracy(self) -> np.ndarray:
        return self.hits / max(self.count, 1)

    def baseline(self) -> float:
        return self.nearest_hits / max(self.count, 1)


def related_in_meaning(passage: Passage) -> tuple[np.ndarray, np.ndarray]:
    """(same_lemma, related) boolean (words, words) matrices over a passage's content words, diagonal False:
    related = the same lemma, or GloVe cosine >= ``MEANING_COSINE`` (lower-cased words both known to GloVe)."""
    content = np.array(passage.content)
    both_content = content[:, None] & content[None, :]
    lemmas = np.array(passage.lemmas)
    same_lemma = (lemmas[:, None] == lemmas[None, :]) & both_content
    vectors, known = glove_table().vectors([w.lower() for w in passage.words])
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    similar = (vectors @ vectors.T >= MEANING_COSINE) & known[:, None] & known[None, :] & both_content
    related = same_lemma | similar
    np.fill_diagonal(same_lemma, False)
    np.fill_diagonal(related, False)
    return same_lemma, related


class MeaningTally:
    """Content words whose pointer is a word related in meaning, against the best fixed offset."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.count = 0
        self.hits = np.zeros(shape)
        self.same_lemma_hits = np.zeros(shape)
        self.offset_hits: Counter[int] = Counter()

    def add(self, passage: Passage, attention: np.ndarray) -> None:
        same_lemma, related = related_in_meaning(passage)
        pointer = pointers(attention)
        for query in np.flatnonzero(related.any(axis=1)):
            self.count += 1
            self.hits += related[query, pointer[:, :, query]]
            self.same_lemma_hits += same_lemma[query, pointer[:, :, query]]
            for target in np.flatnonzero(related[query]):
                self.offset_hits[int(target - query)] += 1

    def accuracy(self) -> np.ndarray:
        return self.hits / max(self.count, 1)

    def same_lemma_share(self) -> np.ndarray:
        """(layers, heads) share of queries whose pointer is another occurrence of the same lemma."""
        return self.same_lemma_hits / max(self.count, 1)

    def offset_baseline(self) -> tuple[float, int]:
        """(accuracy, offset) of the best fixed offset: the best a purely positional pointer could do."""
        offset, hits = self.offset_hits.most_common(1)[0]
        return hits / max(self.count, 1), offset


class TopicTally:
    """Broad attention over a passage's content words, and its excess on nouns of the query noun's topic field."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.count = 0
        self.content_excess = np.zeros(shape)
        self.spread = np.zeros(shape)
        self.field_count = 0
        self.field_excess = np.zeros(shape)

    def add(self, passage: Passage, attention: np.ndarray) -> None:
        content = np.array(passage.content)
        n = len(passage.words)
        for query in np.flatnonzero(content):
            others = np.flatnonzero(content & (np.arange(n) != query))
            if len(others) < MIN_SPREAD_WORDS:
                continue
            weights = attention[:, :, query, others]  # (layers, heads, others)
            mass = weights.sum(axis=-1)
            share = weights / np.maximum(mass[..., None], 1e-9)
            entropy = -(share * np.log(np.maximum(share, 1e-12))).sum(axis=-1)
            # of the attention on the other words ([CLS]/[SEP] left out), the content words' part
            to_words = attention[:, :, query, :].sum(axis=-1) - attention[:, :, query, query]
            self.count += 1
            self.content_excess += mass / np.maximum(to_words, 1e-9) - len(others) / (n - 1)
            self.spread += entropy / np.log(len(others))
        self._add_fields(passage, attention)

    def _add_fields(self, passage: Passage, attention: np.ndarray) -> None:
        """Nouns: the share of attention over the far nouns (>= ``TOPIC_MIN_DISTANCE`` away, another lemma) that
        lands on nouns of the same WordNet field, minus those nouns' share of the far nouns."""
        fields = np.array([f or "" for f in passage.fields])
        lemmas = np.array(passage.lemmas)
        nouns = np.flatnonzero(fields != "")
        for query in nouns:
            far = nouns[(np.abs(nouns - query) >= TOPIC_MIN_DISTANCE) & (lemmas[nouns] != lemmas[query])]
            same = fields[far] == fields[query]
            if len(far) < MIN_FAR_NOUNS or not 0 < same.sum() < len(far):
                continue
            weights = attention[:, :, query, far]
            share = weights / np.maximum(weights.sum(axis=-1, keepdims=True), 1e-9)
            self.field_count += 1
            self.field_excess += share[..., same].sum(axis=-1) - same.mean()

    def means(self) -> dict[str, np.ndarray]:
        """Per head: content words' part of the attention on other words beyond their share of the positions,
        spread over the content words (0..1), and same-field excess."""
        return {
            "content_excess": self.content_excess / max(self.count, 1),
            "spread": self.spread / max(self.count, 1),
            "field_excess": self.field_excess / max(self.field_count, 1),
        }


class PositionTally:
    """Delimiter, punctuation, self and neighbour patterns: what a head does when it tracks no linguistic relation."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.words = 0
        self.pieces = 0
        self.sums = {key: np.zeros(shape) for key in ("special", "punctuation", "self", "previous", "next")}
        self.punctuation_words = 0

    def add(self, encoded: Encoded) -> None:
        attention, n = encoded.attentions, len(encoded.words)
        if n < 2:
            return
        owner = np.asarray(encoded.piece_to_word)
        special, real = np.flatnonzero(owner < 0), np.flatnonzero(owner >= 0)
        self.sums["special"] += encoded.piece_attentions[:, :, real][..., special].sum(axis=-1).sum(axis=-1)
        self.pieces += len(real)
        punctuation = np.array([is_punctuation(w) for w in encoded.words])
        to_punctuation = attention[..., punctuation].sum(axis=-1)
        diagonal = attention[..., np.arange(n), np.arange(n)]
        self.sums["punctuation"] += (to_punctuation - diagonal * punctuation).sum(axis=-1)
        # the punctuation share of the other positions, (P - p_i)/(n - 1), sums to P over the sentence
        self.punctuation_words += int(punctuation.sum())
        self.sums["self"] += diagonal.sum(axis=-1)
        pointer = pointers(attention)
        self.sums["previous"] += (pointer[..., 1:] == np.arange(n - 1)).sum(axis=-1)
        self.sums["next"] += (pointer[..., :-1] == np.arange(1, n)).sum(axis=-1)
        self.words += n

    def shares(self) -> dict[str, np.ndarray]:
        """Per head: attention share on [CLS]/[SEP], punctuation, itself; pointer rate to previous/next word."""
        return {
            "special": self.sums["special"] / max(self.pieces, 1),
            **{key: self.sums[key] / max(self.words, 1) for key in ("punctuation", "self", "previous", "next")},
        }

    def punctuation_share_of_positions(self) -> float:
        """What an even spread would put on punctuation: the baseline for the punctuation share."""
        return self.punctuation_words / max(self.words, 1)
