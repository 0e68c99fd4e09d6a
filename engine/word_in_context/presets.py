"""Ready-made sets of sense-labelled sentences for polysemous words, each sentence naming its corpus and place.

The app reads ``engine/data/presets.json``; ``python -m engine.word_in_context.context_data build`` writes it from SemCor brown1
(sense keys group the sentences) and EWT train/dev (hand-labelled), following ``engine.word_in_context.preset_senses``.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import zip_longest
from pathlib import Path

from engine.corpus.gold_sentences import GoldSentence
from engine.settings import DATA_DIR
from engine.word_in_context.occurrences import ContextLine, find_occurrences
from engine.word_in_context.preset_senses import EXCLUDED_SEMCOR, PRESET_SENSES, Sense

PRESETS_FILE = DATA_DIR / "presets.json"
MIN_WORDS, MAX_WORDS = 6, 45  # long enough to carry context, short enough to read in a hover


@dataclass(frozen=True)
class PresetSentence:
    text: str
    label: str
    source: str  # "SemCor br-a01 s12" or "EWT train <sent_id>"
    sense_key: str | None  # the SemCor key that grouped it; None when labelled by hand


@dataclass(frozen=True)
class Preset:
    word: str
    senses: tuple[str, ...]  # labels, in legend order
    sentences: tuple[PresetSentence, ...]

    def lines(self) -> list[ContextLine]:
        return [ContextLine(s.label, s.text) for s in self.sentences]

    def sources(self) -> dict[str, str]:
        """Sentence text -> where it comes from (with its sense key when SemCor gave one)."""
        return {s.text: s.source + (f" · sense key {s.sense_key}" if s.sense_key else " · sense labelled by hand")
                for s in self.sentences}


@lru_cache(maxsize=1)
def load_presets(path: Path = PRESETS_FILE) -> dict[str, Preset]:
    """All presets by word (read once per process)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {word: Preset(word, tuple(entry["senses"]), tuple(PresetSentence(**s) for s in entry["sentences"]))
            for word, entry in data["presets"].items()}


def build_presets(sentences: Iterable[GoldSentence], out: Path = PRESETS_FILE) -> dict[str, int]:
    """Select each preset's sentences as ``PRESET_SENSES`` says and write them; return sentences per word."""
    sentences = list(sentences)
    by_source = {s.source: s for s in sentences}
    presets, counts = {}, {}
    for word, senses in PRESET_SENSES.items():
        chosen: list[PresetSentence] = []
        labels = [f"{word}: {sense.gloss}" for sense in senses]
        for label, sense in zip(labels, senses):
            picked = _semcor_picks(word, sense, sentences) + [_ewt_pick(word, sense, source, by_source)
                                                               for source in sense.ewt]
            chosen += [PresetSentence(s.text, label, s.source, key) for s, key in picked]
        presets[word] = {"senses": labels, "sentences": [vars(s) for s in chosen]}
        counts[word] = len(chosen)
    payload = {
        "source": "SemCor 3.0 brown1 (sense keys group the sentences; glosses written by hand) and UD English EWT "
                  "train/dev (senses labelled by hand); built by `python -m engine.word_in_context.context_data build`",
        "licences": {"SemCor": "WordNet 3.0 licence (Princeton)", "EWT": "CC BY-SA 4.0"},
        "presets": presets,
    }
    out.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    load_presets.cache_clear()
    return counts


def _semcor_picks(word: str, sense: Sense, sentences: list[GoldSentence]) -> list[tuple[GoldSentence, str]]:
    """Up to ``sense.semcor_limit`` clean SemCor sentences of the sense, taken in turn from each document."""
    by_document: dict[str, list[tuple[GoldSentence, str]]] = defaultdict(list)
    for sentence in sentences:
        key = _single_sense(word, sentence)
        if key in sense.semcor_keys and _readable(sentence) and sentence.source not in EXCLUDED_SEMCOR:
            by_document[sentence.source.split()[1]].append((sentence, key))
    in_turn = [pick for round_ in zip_longest(*by_document.values()) for pick in round_ if pick]
    return in_turn[: sense.semcor_limit]


def _single_sense(word: str, sentence: GoldSentence) -> str | None:
    """The one sense key of ``word`` in a SemCor sentence, when every occurrence we find carries that key."""
    keys = [key for lemma, key in zip(sentence.lemmas, sentence.senses) if lemma == word]
    if not keys or None in keys or len(set(keys)) != 1:
        return None
    found = find_occurrences(word, [ContextLine("", sentence.text)])
    return keys[0] if len(found.occurrences) == len(keys) else None


def _readable(sentence: GoldSentence) -> bool:
    """No formula placeholders (``* * f``, ``**f``), stray backquotes or bars, and a sentence of reasonable length."""
    text = sentence.text
    return MIN_WORDS <= len(text.split()) <= MAX_WORDS and not any(mark in text for mark in ("*", "`", "|"))


def _ewt_pick(word: str, sense: Sense, source: str, by_source: dict[str, GoldSentence]) -> tuple[GoldSentence, None]:
    """A hand-labelled EWT sentence; the build fails loudly if it is missing or lacks the word."""
    sentence = by_source.get(f"EWT {source}")
    if sentence is None:
        raise KeyError(f"{word} / {sense.gloss}: EWT sentence {source} not found")
    if "|" in sentence.text or not find_occurrences(word, [ContextLine("", sentence.text)]).occurrences:
        raise ValueError(f"{word} / {sense.gloss}: EWT {source} has a '|' or lacks '{word}'")
    return sentence, None
