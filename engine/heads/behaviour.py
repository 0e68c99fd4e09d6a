"""What one attention head does in one sentence, told in the terms of its label and measured with the rules that
labelled it (``engine.heads.rules``), so that the page never explains a head by a rule that did not label it.

* every head: each word's *pointer*, the other word it attends to most, with its weight; in a sentence of the
  EWT treebank the pointer is checked against the gold tree (which arcs does the head follow?);
* coreference: where each pronoun's attention goes among the content words (its possible antecedents), and, when
  the antecedent and the other candidate are known, the GAP criterion on the sentence (``pronoun_split``);
* meaning: which pointers land on a word related in meaning;
* topic: how evenly each content word spreads its attention over the other content words;
* other: the sentence's positional patterns ([CLS]/[SEP], punctuation, the word itself, previous/next word).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from engine.encoders.base import Encoded
from engine.heads.probe_data import (
    DepSentence,
    ProbeDataMissing,
    treebank_offsets,
    treebank_sentence_at,
)
from engine.heads.probes import gap_margin
from engine.heads.rules import (
    MEANING_COSINE,
    MIN_SPREAD_WORDS,
    content_mask,
    content_spreads,
    pattern_sums,
    pointers,
    related_in_meaning,
)
from engine.settings import EWT_DEV, EWT_TRAIN

PRONOUNS = frozenset(
    "he him his himself she her hers herself it its itself they them their theirs themselves".split()
)


@dataclass
class HeadBehaviour:
    """A one-line summary and a table (one row per word or pronoun) of a head's attention in one sentence."""

    summary: str
    rows: list[dict]


@lru_cache(maxsize=1)
def treebank_index() -> dict[str, tuple[Path, int]]:
    """Each EWT sentence's words (tab-joined) -> its file and byte offset, the first sentence of a kind kept.

    Offsets rather than the sentences: 3 MB of the server's memory where the trees of 13,600 sentences held 55 MB.
    Reading the treebank takes about 0.6 s; the warm-up (``ui.warmup``) does it, so no head change waits for it."""
    index: dict[str, tuple[Path, int]] = {}
    for path in (EWT_TRAIN, EWT_DEV):
        for words, offset in treebank_offsets(path):
            index.setdefault("\t".join(words), (path, offset))
    return index


def gold_tree(words: list[str]) -> DepSentence | None:
    """The EWT gold tree of a sentence that is in the treebank word for word, else None."""
    try:
        found = treebank_index().get("\t".join(words))
        tree = treebank_sentence_at(*found) if found else None
    except ProbeDataMissing:
        return None
    return tree if tree is not None and tree.words == tuple(words) else None  # a word with a tab in it aside


def pointer_rows(encoded: Encoded, layer: int, head: int, tree: DepSentence | None) -> list[dict]:
    """Per word: its pointer, the weight on it, and (with a gold tree) the dependency arc the pointer follows."""
    attention = encoded.attentions[layer, head]
    pointer = pointers(attention)
    rows = []
    for i, word in enumerate(encoded.words):
        j = int(pointer[i]) if len(encoded.words) > 1 else i
        row = {"word": word, "attends most to": encoded.words[j] if j != i else "—",
               "weight": round(float(attention[i, j]), 3) if j != i else None}
        if tree is not None:
            row["gold arc"] = _arc(tree, i, j)
        rows.append(row)
    return rows


def _arc(tree: DepSentence, i: int, j: int) -> str:
    if tree.heads[i] == j:
        return f"✓ {tree.relations[i]} (dependent→head)"
    if tree.heads[j] == i:
        return f"✓ {tree.relations[j]} (head→dependent)"
    return ""


def pronoun_rows(encoded: Encoded, layer: int, head: int, top: int = 3) -> list[dict]:
    """Per pronoun: the content words (the possible antecedents) it attends to most, and its top word overall."""
    attention = encoded.attentions[layer, head]
    content = content_mask(encoded.words)
    rows = []
    for i, word in enumerate(encoded.words):
        if word.lower() not in PRONOUNS:
            continue
        order = [j for j in np.argsort(-attention[i]) if j != i]
        candidates = [j for j in order if content[j]][:top]
        rows.append({"pronoun": word, "position": i + 1,
                     "content words it attends to most": ", ".join(
                         f"{encoded.words[j]} ({attention[i, j]:.0%})" for j in candidates),
                     "top word overall": f"{encoded.words[order[0]]} ({attention[i, order[0]]:.0%})"})
    return rows


@dataclass(frozen=True)
class PronounSplit:
    """Where one pronoun's attention goes in one head, in the terms of the GAP test: its antecedent (``right``), the
    other candidate (``wrong``), every other word, and [CLS]/[SEP] (word-level rows leave those out, so it is what
    the row lacks of 1). The four shares sum to 1."""

    right: float
    wrong: float
    other_words: float
    special: float
    margin: float  # GAP's criterion (the most on any word of each candidate): above 0 the head picks the right one
    top_other: int | None  # the word outside both candidates that gets the most, if any


def pronoun_split(encoded: Encoded, layer: int, head: int, pronoun: int, right: Sequence[int],
                  wrong: Sequence[int]) -> PronounSplit:
    """The attention of the word at ``pronoun`` in head (``layer``, ``head``), 0-based, split over the word spans
    ``right`` (its antecedent) and ``wrong`` (the other candidate), as the coreference probe scores it."""
    row = encoded.attentions[layer, head, pronoun].astype(np.float64)
    right_share, wrong_share, on_words = float(row[list(right)].sum()), float(row[list(wrong)].sum()), float(row.sum())
    others = [i for i in range(len(row)) if i not in {*right, *wrong}]
    return PronounSplit(right_share, wrong_share, max(on_words - right_share - wrong_share, 0.0),
                        max(1.0 - on_words, 0.0), float(gap_margin(row, right, wrong)),
                        max(others, key=lambda i: row[i]) if others else None)


def strongest_links(attention: np.ndarray, ignore: Sequence[int] = ()) -> np.ndarray:
    """Per head, the (from, to) positions of the two different tokens joined by the most attention, positions in
    ``ignore`` ([CLS]/[SEP] at piece level) left out: (layers, heads, 2). A one-token input gives (0, 0)."""
    masked = np.array(attention, dtype=np.float64)
    n = masked.shape[-1]
    masked[..., np.arange(n), np.arange(n)] = -1.0
    masked[..., list(ignore), :] = -1.0
    masked[..., :, list(ignore)] = -1.0
    flat = masked.reshape(*masked.shape[:-2], n * n).argmax(axis=-1)
    return np.stack(np.divmod(flat, n), axis=-1)


def describe_head(encoded: Encoded, layer: int, head: int, label: str) -> HeadBehaviour:
    """What head (``layer``, ``head``), 0-based, does in this sentence, in the terms of its ``label``."""
    words = encoded.words
    if len(words) < 2:
        return HeadBehaviour("A head needs at least two words to point from one to another.", [])
    if label == "coreference":
        rows = pronoun_rows(encoded, layer, head)
        if not rows:
            return HeadBehaviour("No pronoun here (he, she, it, they...): add one to see where this head sends it.", [])
        return HeadBehaviour("Where each pronoun's attention goes (a coreference head should pick its antecedent).",
                             rows)
    tree = gold_tree(words)
    rows = pointer_rows(encoded, layer, head, tree)
    if label == "syntax":
        if tree is None:
            return HeadBehaviour("Each word's most-attended word: a syntax head's arrows follow dependency arcs "
                                 "(this sentence is not in the treebank, so no gold tree to check them).", rows)
        followed = sum(bool(row["gold arc"]) for row in rows)
        return HeadBehaviour(f"This is an EWT treebank sentence: {followed} of {len(rows)} arrows follow a gold "
                             "dependency arc.", rows)
    if label == "meaning":
        return _meaning_behaviour(encoded, layer, head, rows)
    if label == "topic":
        return _topic_behaviour(encoded, layer, head)
    return _other_behaviour(encoded, layer, head, rows)


def _meaning_behaviour(encoded: Encoded, layer: int, head: int, rows: list[dict]) -> HeadBehaviour:
    _, related = related_in_meaning(encoded.words)
    pointer = pointers(encoded.attentions[layer, head])
    for i, row in enumerate(rows):
        row["related in meaning"] = "✓" if related[i, pointer[i]] else ""
    hits = sum(row["related in meaning"] == "✓" for row in rows)
    return HeadBehaviour(f"{hits} of the {int(related.any(axis=1).sum())} content words that have a relative here "
                         "point at one (a content word of related meaning: the same word, or a GloVe neighbour with "
                         f"cosine >= {MEANING_COSINE}).", rows)


def _topic_behaviour(encoded: Encoded, layer: int, head: int) -> HeadBehaviour:
    words, attention = encoded.words, encoded.attentions[layer, head]
    spreads = content_spreads(words, attention)
    if not spreads:
        return HeadBehaviour("Too few content words here to see a broad, topic-wide spread: it is measured from words "
                             f"with at least {MIN_SPREAD_WORDS} other content words.", [])
    rows = []
    for spread in spreads:
        top = spread.others[np.argsort(-attention[spread.query, spread.others])[:3]]
        rows.append({"word": words[spread.query], "spread over content words": round(float(spread.evenness), 2),
                     "share on content words": f"{float(spread.content_share):.0%}",
                     "top content words": ", ".join(words[j] for j in top)})
    mean = np.mean([float(spread.evenness) for spread in spreads])
    return HeadBehaviour(f"Average spread {mean:.2f} (1 = perfectly even over the other content words): a topic head "
                         "reads the gist, spreading its attention over the sentence's content words (the share is of "
                         "the attention on other words).", rows)


def _other_behaviour(encoded: Encoded, layer: int, head: int, rows: list[dict]) -> HeadBehaviour:
    shares = {key: float(share[layer, head]) for key, share in pattern_sums(encoded).shares().items()}
    return HeadBehaviour(f"In this sentence: {shares['special']:.0%} of its attention on [CLS]/[SEP], "
                         f"{shares['punctuation']:.0%} on punctuation, {shares['self']:.0%} on the word "
                         f"itself; it points at the previous word for {shares['previous']:.0%} and at the next word "
                         f"for {shares['next']:.0%} of words.", rows)
