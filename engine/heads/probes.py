"""What each attention head does, measured against gold annotation: one tally per probe, fed one example at a time.

Every probe reads word-level attention (layers, heads, words, words) as ``BertEncoder.encode`` gives it (Clark et
al. 2019: attention *to* a word sums its pieces, *from* a word averages them, [CLS]/[SEP] dropped). A head's
pointers, content words, relatedness in meaning and spread follow ``engine.heads.rules``, the rules the page applies
to the user's sentence when it explains a head; the positional patterns of "other" heads need no gold data and are
summed there (``rules.PatternSums``).

* ``SyntaxTally``: per UD relation, how often the dependent's pointer is its head (dependent→head) and the head's
  pointer is the dependent (head→dependent), and the offsets head − dependent for the best-fixed-offset baseline.
* ``CorefTally``: GAP; the pronoun attends more (max over each name's words) to the true antecedent than to the
  other candidate; baseline: the candidate nearer the pronoun.
* ``MeaningTally``: passages; for a content word that has a word related in meaning elsewhere in the passage, how
  often its pointer is such a word; baseline: the best fixed offset, i.e. the best any purely positional head
  (whatever its distance profile) could do.
* ``TopicTally``: passages; from each content word, how much attention goes to the passage's other content words
  (beyond their share of the positions) and how evenly it is spread over them; and from each noun, how much more
  of its attention on the passage's far nouns lands on nouns of its own topic domain (gold WordNet lexicographer
  field from SemCor: food, body, artifact, person...) than an even spread would give.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from engine.heads.probe_data import DepSentence, GapExample, Passage
from engine.heads.rules import content_spreads, pointers, related_in_meaning

TOPIC_MIN_DISTANCE = 3  # same-field nouns closer than this are mostly one phrase ("child welfare services")
MIN_FAR_NOUNS = 4
SKIPPED_RELATIONS = frozenset({"punct", "root", "dep"})  # punctuation attachment is arbitrary; dep is "unknown"
DIRECTIONS = ("dependent→head", "head→dependent")


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


def gap_margin(row: np.ndarray, true: Sequence[int], other: Sequence[int]) -> np.ndarray:
    """The GAP criterion on a pronoun's attention ``row`` (..., words): the most attention on any word of the true
    antecedent minus the most on any word of the other candidate; above 0, the head picks the right one."""
    return row[..., list(true)].max(axis=-1) - row[..., list(other)].max(axis=-1)


class CorefTally:
    """GAP: per head, how often the pronoun attends more to the antecedent; and the nearest-candidate baseline."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.count = 0
        self.hits = np.zeros(shape)
        self.nearest_hits = 0.0

    def add(self, example: GapExample, attention: np.ndarray) -> None:
        true, other = example.candidates[example.antecedent], example.candidates[1 - example.antecedent]
        margin = gap_margin(attention[:, :, example.pronoun, :], true, other)
        self.hits += (margin > 0) + 0.5 * (margin == 0)
        distance = [min(abs(example.pronoun - i) for i in span) for span in (true, other)]
        self.nearest_hits += 1.0 if distance[0] < distance[1] else 0.5 if distance[0] == distance[1] else 0.0
        self.count += 1

    def accuracy(self) -> np.ndarray:
        return self.hits / max(self.count, 1)

    def baseline(self) -> float:
        return self.nearest_hits / max(self.count, 1)


class MeaningTally:
    """Content words whose pointer is a word related in meaning, against the best fixed offset."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.count = 0
        self.hits = np.zeros(shape)
        self.same_word_hits = np.zeros(shape)
        self.offset_hits: Counter[int] = Counter()

    def add(self, passage: Passage, attention: np.ndarray) -> None:
        same_word, related = related_in_meaning(passage.words)
        pointer = pointers(attention)
        for query in np.flatnonzero(related.any(axis=1)):
            self.count += 1
            self.hits += related[query, pointer[:, :, query]]
            self.same_word_hits += same_word[query, pointer[:, :, query]]
            for target in np.flatnonzero(related[query]):
                self.offset_hits[int(target - query)] += 1

    def accuracy(self) -> np.ndarray:
        return self.hits / max(self.count, 1)

    def same_word_share(self) -> np.ndarray:
        """(layers, heads) share of queries whose pointer is another occurrence of the same word."""
        return self.same_word_hits / max(self.count, 1)

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
        for spread in content_spreads(passage.words, attention):
            self.count += 1
            self.content_excess += spread.content_share - spread.positions_share
            self.spread += spread.evenness
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
