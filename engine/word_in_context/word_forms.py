"""Which word forms count as the same word: ``bank`` / ``banks``, ``play`` / ``played``, ``mouse`` / ``mice``.

Regular English inflections (plural and third person ``-s``, ``-ed``, ``-ing``) come from spelling rules (not
``-er``, which would make ``banker`` a form of ``bank``); irregular ones (``mice``, ``ran``, ``lit``, and comparatives
such as ``lighter`` seen in the corpora) and the list of known lemmas come from the gold
lemmas of SemCor brown1 and EWT train/dev, shipped as ``engine/data/word_forms.json.gz`` (built by
``python -m engine.word_in_context.context_data build``). A typed form that is not itself a known lemma is traced back to one
(``banks`` -> ``bank``) so that every inflection of that lemma matches.
"""
from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from engine.settings import DATA_DIR

WORD_FORMS_FILE = DATA_DIR / "word_forms.json.gz"
_VOWELS = set("aeiou")
_MIN_COUNT = 2  # a lemma or irregular pair seen once is too often a typo or tagging slip


def regular_forms(lemma: str) -> set[str]:
    """The lemma and its rule-made inflections (over-generation is harmless: unused forms never match)."""
    forms = {lemma}
    if not lemma.isalpha() or len(lemma) < 2:
        return forms
    consonant_y = lemma.endswith("y") and lemma[-2] not in _VOWELS
    stem = lemma[:-1] if consonant_y else lemma
    if lemma.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(lemma + "es")
    else:
        forms.add(stem + "ies" if consonant_y else lemma + "s")
    if lemma.endswith("e"):
        forms.add(lemma + "d")
        forms.add(lemma[:-2] + "ying" if lemma.endswith("ie") else
                  lemma + "ing" if lemma.endswith(("ee", "ye", "oe")) else lemma[:-1] + "ing")
    else:
        forms |= {stem + "ied" if consonant_y else lemma + "ed", lemma + "ing"}
    if _ends_consonant_vowel_consonant(lemma):
        doubled = lemma + lemma[-1]
        forms |= {doubled + "ed", doubled + "ing"}
    return forms


def _ends_consonant_vowel_consonant(word: str) -> bool:
    """``bat``, ``plan``: the final consonant doubles before -ed/-ing (w, x and y never do)."""
    return (len(word) >= 3 and word[-1] not in _VOWELS | {"w", "x", "y"} and word[-2] in _VOWELS
            and word[-3] not in _VOWELS)


class WordForms:
    """Known lemmas and irregular forms, and the matching forms of any word."""

    def __init__(self, lemmas: Iterable[str], irregular: dict[str, list[str]]) -> None:
        self.lemmas = frozenset(lemmas)
        self.irregular = irregular  # form -> lemmas
        self.irregular_of: dict[str, set[str]] = {}  # lemma -> irregular forms
        for form, form_lemmas in irregular.items():
            for lemma in form_lemmas:
                self.irregular_of.setdefault(lemma, set()).add(form)

    def lemmas_of(self, word: str) -> set[str]:
        """The lemma(s) a form belongs to: itself when it is a known lemma or cannot be traced back."""
        word = word.casefold()
        if word in self.lemmas:
            return {word}
        found = set(self.irregular.get(word, ()))
        found |= {candidate for candidate in _strip_candidates(word)
                  if candidate in self.lemmas and word in regular_forms(candidate)}
        return found or {word}

    def forms_of(self, word: str, inflections: bool = True) -> frozenset[str]:
        """Lower-cased forms that count as ``word``: just itself, or every inflection of its lemma(s)."""
        word = word.casefold()
        if not inflections:
            return frozenset({word})
        forms = {word}
        for lemma in self.lemmas_of(word):
            forms |= regular_forms(lemma) | self.irregular_of.get(lemma, set())
        return frozenset(forms)


def _strip_candidates(word: str) -> set[str]:
    """Possible lemmas of a regularly inflected form (checked afterwards against ``regular_forms``)."""
    candidates = set()
    for suffix, replacements in (("ies", ("y",)), ("es", ("", "e")), ("s", ("",)), ("ied", ("y",)),
                                 ("ed", ("", "e")), ("d", ("",)), ("ying", ("ie",)), ("ing", ("", "e"))):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            stem = word[: -len(suffix)]
            candidates |= {stem + r for r in replacements}
            if len(stem) >= 2 and stem[-1] == stem[-2]:
                candidates.add(stem[:-1])  # batted -> bat
    return candidates


@lru_cache(maxsize=1)
def word_forms() -> WordForms:
    """The shipped table (loaded once per process)."""
    with gzip.open(WORD_FORMS_FILE, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    return WordForms(data["lemmas"], data["irregular"])


def build_word_forms(sentences: Iterable, out: Path = WORD_FORMS_FILE) -> dict:
    """Write the lemma list and irregular forms seen at least twice in the gold ``sentences``; return counts."""
    lemma_counts: Counter = Counter()
    pair_counts: Counter = Counter()
    for sentence in sentences:
        for token, lemma in zip(sentence.tokens, sentence.lemmas):
            form = token.lower()
            if form.isalpha() and lemma.isalpha():
                lemma_counts[lemma] += 1
                if form != lemma:
                    pair_counts[form, lemma] += 1
    lemmas = sorted(lemma for lemma, count in lemma_counts.items() if count >= _MIN_COUNT)
    irregular: dict[str, list[str]] = {}
    for (form, lemma), count in sorted(pair_counts.items()):
        if count >= _MIN_COUNT and form not in regular_forms(lemma):
            irregular.setdefault(form, []).append(lemma)
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"source": "gold lemmas of SemCor 3.0 brown1 and UD English EWT train+dev (built by "
                         "`python -m engine.word_in_context.context_data build`)", "lemmas": lemmas, "irregular": irregular}
    with gzip.GzipFile(out, "wb", mtime=0) as handle:
        handle.write(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    word_forms.cache_clear()
    return {"lemmas": len(lemmas), "irregular forms": len(irregular)}
