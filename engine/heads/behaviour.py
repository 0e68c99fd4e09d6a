"""What one attention head does in one sentence, told in the terms of its label.

* every head: each word's *pointer*, the other word it attends to most, with its weight; in a sentence of the
  EWT treebank the pointer is checked against the gold tree (which arcs does the head follow?);
* coreference: where each pronoun's attention goes among the content words (its possible antecedents);
* meaning: which pointers land on a word of related meaning (same word or GloVe cosine >= 0.8);
* topic: how evenly each content word spreads its attention over the other content words;
* other: the sentence's share of attention on [CLS]/[SEP] and punctuation, and its previous/next-word pointers.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engine.encoders.base import Encoded
from engine.encoders.glove import glove_table
from engine.heads.probe_data import DepSentence, ProbeDataMissing, read_treebank
from engine.heads.probes import MEANING_COSINE, pointers
from engine.settings import EWT_DEV, EWT_TRAIN
from engine.tokenize import is_punctuation

PRONOUNS = frozenset(
    "he him his himself she her hers herself it its itself they them their theirs themselves".split()
)
FUNCTION_WORDS = frozenset(
    """a an the and or but nor so yet for of to in on at by with from into onto over under about as than then
    that this these those there here which who whom whose what when where why how if because while although
    though not n't no is am are was were be been being 's 're 've 'd 'll 'm do does did have has had will would
    can could shall should may might must i me my mine you your yours we us our ours too very just also""".split()
) | PRONOUNS


@dataclass
class HeadBehaviour:
    """A one-line summary and a table (one row per word or pronoun) of a head's attention in one sentence."""

    summary: str
    rows: list[dict]


def content_mask(words: list[str]) -> np.ndarray:
    """Words that carry content: alphabetic and not in a short list of English function words."""
    return np.array([w.replace("-", "").isalpha() and w.lower() not in FUNCTION_WORDS for w in words], dtype=bool)


@lru_cache(maxsize=1)
def _treebank_index() -> dict[tuple[str, ...], DepSentence]:
    index: dict[tuple[str, ...], DepSentence] = {}
    for path in (EWT_TRAIN, EWT_DEV):
        for sentence in read_treebank(path):
            index.setdefault(sentence.words, sentence)
    return index


def gold_tree(words: list[str]) -> DepSentence | None:
    """The EWT gold tree of a sentence that is in the treebank word for word, else None."""
    try:
        return _treebank_index().get(tuple(words))
    except ProbeDataMissing:
        return None


def pointer_rows(encoded: Encoded, layer: int, head: int, tree: DepSentence | None) -> list[dict]:
    """Per word: its pointer, the weight on it, and (with a gold tree) the dependency arc the pointer follows."""
    attention = encoded.attentions[layer, head]
    pointer = pointers(encoded.attentions[layer:layer + 1, head:head + 1])[0, 0]
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


def _related(words: list[str]) -> np.ndarray:
    """(n, n) True where two content words are the same word or GloVe neighbours (cosine >= MEANING_COSINE)."""
    content = content_mask(words)
    vectors, known = glove_table().vectors([w.lower() for w in words])
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    lower = np.array([w.lower() for w in words])
    related = ((vectors @ vectors.T >= MEANING_COSINE) & known[:, None] & known[None, :]) | (lower[:, None] == lower)
    related &= content[:, None] & content[None, :]
    np.fill_diagonal(related, False)
    return related


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
        related = _related(words)
        pointer = pointers(encoded.attentions[layer:layer + 1, head:head + 1])[0, 0]
        for i, row in enumerate(rows):
            row["related in meaning"] = "✓" if related[i, pointer[i]] else ""
        hits = sum(row["related in meaning"] == "✓" for row in rows)
        return HeadBehaviour(f"{hits} of the {int(related.any(axis=1).sum())} words that have a relative here point "
                             "at one (a word of related meaning: the same word, or a GloVe neighbour with cosine "
                             ">= 0.8).", rows)
    if label == "topic":
        return _topic_behaviour(encoded, layer, head)
    return _other_behaviour(encoded, layer, head, rows)


def _topic_behaviour(encoded: Encoded, layer: int, head: int) -> HeadBehaviour:
    words, attention = encoded.words, encoded.attentions[layer, head]
    content = content_mask(words)
    rows = []
    for i in np.flatnonzero(content):
        others = np.flatnonzero(content & (np.arange(len(words)) != i))
        if len(others) < 2:
            continue
        weights = attention[i, others]
        share = weights / max(float(weights.sum()), 1e-9)
        spread = float(-(share * np.log(np.maximum(share, 1e-12))).sum() / np.log(len(others)))
        top = others[np.argsort(-weights)[:3]]
        rows.append({"word": words[i], "spread over content words": round(spread, 2),
                     "on content words": f"{weights.sum() / max(float(attention[i].sum()), 1e-9):.0%}",
                     "top content words": ", ".join(words[j] for j in top)})
    if not rows:
        return HeadBehaviour("Too few content words here to see a broad, topic-wide spread.", [])
    mean = np.mean([r["spread over content words"] for r in rows])
    return HeadBehaviour(f"Average spread {mean:.2f} (1 = perfectly even over the content words): a topic head "
                         "reads the gist, spreading its attention over the sentence's content words.", rows)


def _other_behaviour(encoded: Encoded, layer: int, head: int, rows: list[dict]) -> HeadBehaviour:
    words = encoded.words
    owner = np.asarray(encoded.piece_to_word)
    pieces = encoded.piece_attentions[layer, head]
    special = float(pieces[np.flatnonzero(owner >= 0)][:, owner < 0].sum(axis=-1).mean())
    punctuation = np.array([is_punctuation(w) for w in words])
    attention = encoded.attentions[layer, head]
    on_punctuation = float((attention[:, punctuation].sum(axis=-1) - np.diag(attention) * punctuation).mean())
    pointer = pointers(encoded.attentions[layer:layer + 1, head:head + 1])[0, 0]
    previous = float(np.mean(pointer[1:] == np.arange(len(words) - 1)))
    following = float(np.mean(pointer[:-1] == np.arange(1, len(words))))
    return HeadBehaviour(f"In this sentence: {special:.0%} of its attention on [CLS]/[SEP], {on_punctuation:.0%} on "
                         f"punctuation; it points at the previous word for {previous:.0%} and at the next word for "
                         f"{following:.0%} of words.", rows)
