"""Where a target word occurs in a set of sentences: every occurrence, inflections by choice.

Input sentences are lines of text, each optionally ``label | sentence`` to group it (by sense, say). A word twice in a
sentence gives two occurrences; a sentence without the word is reported, not silently dropped.
"""
from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass

from engine.tokenize import is_punctuation, tokenize
from engine.word_in_context.word_forms import word_forms

MAX_WORD_CHARS = 40
MAX_LABEL_CHARS = 80
MAX_SENTENCES = 300
MAX_SENTENCE_WORDS = 150  # longer sentences are skipped: BERT reads at most 512 WordPiece pieces


class ContextInputError(ValueError):
    """Input the view cannot use; the message says what to fix and is meant for the user."""


@dataclass(frozen=True)
class ContextLine:
    """One input sentence with its group label ("" when unlabelled)."""

    label: str
    text: str


@dataclass(frozen=True)
class Occurrence:
    """The target at word ``position`` of sentence number ``sentence`` (an index into the input lines)."""

    sentence: int
    position: int
    form: str  # the word as written in the sentence


@dataclass
class FoundOccurrences:
    """Every occurrence of the target, the tokenised sentences, and the sentences that lack it."""

    target: str
    forms: frozenset[str]
    lines: list[ContextLine]
    words: list[list[str]]  # tokenised text of every line
    occurrences: list[Occurrence]
    missing: list[int]  # line numbers without the target
    too_long: list[int]  # line numbers skipped for being longer than MAX_SENTENCE_WORDS words

    def label_of(self, occurrence: Occurrence) -> str:
        return self.lines[occurrence.sentence].label

    @property
    def forms_seen(self) -> set[str]:
        """The distinct (lower-cased) forms the target takes in these sentences."""
        return {occurrence.form.casefold() for occurrence in self.occurrences}


@dataclass(frozen=True)
class Contexts:
    """The tokenised sentences, the target's (sentence, position) pairs and their labels, with a content hash.

    ``key`` names this input in every cache (in memory and ``engine.word_in_context.preset_store`` on disk): computed once, instead
    of hashing the sentences on every lookup.
    """

    sentences: tuple[tuple[str, ...], ...]
    positions: tuple[tuple[int, int], ...]
    labels: tuple[str, ...]  # per occurrence ("" when unlabelled)
    key: str

    @classmethod
    def of(cls, found: FoundOccurrences) -> "Contexts":
        sentences = tuple(tuple(words) for words in found.words)
        positions = tuple((o.sentence, o.position) for o in found.occurrences)
        labels = tuple(found.label_of(o) for o in found.occurrences)
        key = hashlib.sha1(json.dumps([sentences, positions, labels], ensure_ascii=False).encode()).hexdigest()
        return cls(sentences, positions, labels, key)

    def occurrences(self) -> list[Occurrence]:
        return [Occurrence(n, position, self.sentences[n][position]) for n, position in self.positions]


def parse_target(word: str) -> str:
    """The one word to look for, or ContextInputError saying what is wrong with ``word``."""
    word = word.strip()
    if not word:
        raise ContextInputError("Type a target word, for example *bank*.")
    if len(word) > MAX_WORD_CHARS:
        raise ContextInputError(f"The target word is {len(word)} characters long; type one word "
                                f"(at most {MAX_WORD_CHARS} characters).")
    words = tokenize(word)
    if len(words) != 1 or is_punctuation(words[0]):
        raise ContextInputError("Type a single word (letters or digits, no spaces or punctuation) as the target.")
    return words[0]


def parse_lines(text: str) -> list[ContextLine]:
    """One ``ContextLine`` per non-empty line; ``label | sentence`` sets the label (the first ``|`` splits)."""
    lines = []
    for raw in text.splitlines():
        label, bar, sentence = raw.partition("|")
        if not bar:
            label, sentence = "", raw
        label, sentence = " ".join(label.split()), sentence.strip()
        if sentence:
            lines.append(ContextLine(label[:MAX_LABEL_CHARS], sentence))
    return lines


def format_lines(lines: list[ContextLine]) -> str:
    """The text-box form of ``lines``, which ``parse_lines`` reads back unchanged."""
    return "\n".join(f"{line.label} | {line.text}" if line.label or "|" in line.text else line.text
                     for line in lines)


def find_occurrences(target: str, lines: list[ContextLine], inflections: bool = True) -> FoundOccurrences:
    """Every occurrence of ``target`` (case-insensitive; with ``inflections``, any form of its lemma)."""
    target = parse_target(target)
    if len(lines) > MAX_SENTENCES:
        raise ContextInputError(f"That is {len(lines)} sentences; the view takes at most {MAX_SENTENCES}. "
                                "Remove some lines.")
    forms = word_forms().forms_of(target, inflections)
    words = [tokenize(line.text) for line in lines]
    too_long = [number for number, sentence in enumerate(words) if len(sentence) > MAX_SENTENCE_WORDS]
    occurrences = [Occurrence(number, position, word)
                   for number, sentence in enumerate(words) if len(sentence) <= MAX_SENTENCE_WORDS
                   for position, word in enumerate(sentence) if word.casefold() in forms]
    found = {occurrence.sentence for occurrence in occurrences}
    missing = [number for number in range(len(lines)) if number not in found and number not in too_long]
    return FoundOccurrences(target, forms, lines, words, occurrences, missing, too_long)


def word_spans(text: str, words: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """(text, character span of each word) for highlighting; words joined by spaces if they cannot be located."""
    text = unicodedata.normalize("NFC", text)
    spans, position = [], 0
    for word in words:
        start = text.find(word, position)
        if start < 0:
            joined = " ".join(words)
            starts = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
            return joined, [(s, s + len(w)) for s, w in zip(starts, words)]
        spans.append((start, start + len(word)))
        position = start + len(word)
    return text, spans
