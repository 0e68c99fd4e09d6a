"""The bundled sentence corpus for "Find contexts": SemCor brown1 + EWT train/dev, indexed by word form.

``engine/data/corpus_index.json.gz`` (built by ``python -m engine.word_in_context.context_data build``) holds every sentence's text
and source, the SemCor sense keys in it, and for each lower-cased word form the ids of the sentences that contain it
(ascending, stored as base-36 gaps). Searching expands the word to its forms, unions their postings and labels each
sentence by sense where SemCor tags every occurrence with the same key.
"""
from __future__ import annotations

import gzip
import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from engine.corpus.gold_sentences import GoldSentence
from engine.settings import DATA_DIR
from engine.tokenize import tokenize
from engine.word_in_context.occurrences import (
    ContextLine,
    find_occurrences,
    parse_target,
)
from engine.word_in_context.sense_labels import sense_label, sense_lemma
from engine.word_in_context.word_forms import word_forms

CORPUS_INDEX_FILE = DATA_DIR / "corpus_index.json.gz"
MAX_RESULTS = 300


@dataclass(frozen=True)
class CorpusMatch:
    text: str
    source: str
    label: str  # sense label, "" when the corpus has none (EWT) or the tags are mixed or incomplete
    sense_key: str | None


@dataclass(frozen=True)
class CorpusSearch:
    matches: list[CorpusMatch]
    total: int  # sentences in the corpus that contain the word


class CorpusIndex:
    """Sentences, their sources and SemCor sense keys, and a word-form -> sentence-ids index."""

    def __init__(self, data: dict) -> None:
        self.texts: list[str] = data["texts"]
        self.sources: list[str] = data["sources"]
        self.senses: dict[str, str] = data["senses"]  # sentence id -> "key*count key*count"
        self.postings: dict[str, str] = data["postings"]  # form -> base-36 gaps, comma-separated

    def sentence_ids(self, forms: Iterable[str]) -> list[int]:
        """Ids of the sentences containing any of ``forms``, ascending."""
        ids: set[int] = set()
        for form in forms:
            position = 0
            for gap in filter(None, self.postings.get(form, "").split(",")):
                position += int(gap, 36)
                ids.add(position)
        return sorted(ids)

    def search(self, word: str, inflections: bool = True, limit: int = 50) -> CorpusSearch:
        """Up to ``limit`` sentences with the word: sense-labelled ones first, each group in a fixed shuffle."""
        target = parse_target(word)
        forms = word_forms().forms_of(target, inflections)
        lemmas = word_forms().lemmas_of(target) | {target.casefold()}
        ids = self.sentence_ids(forms)
        random.Random(target.casefold()).shuffle(ids)
        matches = [self._match(i, target, lemmas, inflections) for i in ids]
        matches.sort(key=lambda match: not match.label)
        return CorpusSearch(matches[: max(0, min(limit, MAX_RESULTS))], len(ids))

    def _match(self, sentence_id: int, target: str, lemmas: set[str], inflections: bool) -> CorpusMatch:
        """The sentence, labelled when SemCor gives every occurrence of the target the same key."""
        text, source = self.texts[sentence_id], self.sources[sentence_id]
        tags = Counter()
        for entry in self.senses.get(str(sentence_id), "").split():
            key, count = entry.rsplit("*", 1)
            if sense_lemma(key) in lemmas:
                tags[key] += int(count)
        if len(tags) == 1:
            key, count = tags.popitem()
            found = find_occurrences(target, [ContextLine("", text)], inflections)
            if len(found.occurrences) == count:
                return CorpusMatch(text, source, sense_label(key), key)
        return CorpusMatch(text, source, "", None)


@lru_cache(maxsize=1)
def corpus_index(path: Path = CORPUS_INDEX_FILE) -> CorpusIndex:
    """The shipped index (loaded once per process, about 20 MB in memory)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return CorpusIndex(json.load(handle))


def build_corpus_index(sentences: Iterable[GoldSentence], out: Path = CORPUS_INDEX_FILE) -> dict[str, int]:
    """Index every sentence by the lower-cased forms ``engine.tokenize`` finds in it; return sizes."""
    texts, sources, senses = [], [], {}
    postings: dict[str, list[int]] = defaultdict(list)
    for number, sentence in enumerate(sentences):
        texts.append(sentence.text)
        sources.append(sentence.source)
        keys = Counter(key for token, key in zip(sentence.tokens, sentence.senses) if key and "_" not in token)
        if keys:
            senses[str(number)] = " ".join(f"{key}*{count}" for key, count in sorted(keys.items()))
        for form in sorted({word.casefold() for word in tokenize(sentence.text)}):
            if any(ch.isalpha() for ch in form):
                postings[form].append(number)
    payload = {
        "source": "SemCor 3.0 brown1 (WordNet 3.0 licence) and UD English EWT train+dev (CC BY-SA 4.0); built by "
                  "`python -m engine.word_in_context.context_data build`",
        "texts": texts, "sources": sources, "senses": senses,
        "postings": {form: ",".join(_base36(b - a) for a, b in zip([0] + ids, ids)) for form, ids in
                     sorted(postings.items())},
    }
    with gzip.GzipFile(out, "wb", mtime=0) as handle:
        handle.write(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    corpus_index.cache_clear()
    return {"sentences": len(texts), "word forms": len(postings), "sense-tagged sentences": len(senses)}


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = digits[digit] + out
        if not number:
            return out
