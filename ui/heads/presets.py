"""The Attention-heads page's preset sentences, each with the kind of head it demonstrates and, for the coreference
puzzles, the pronoun and its two candidate nouns, so that the page can open on the right head and apply the GAP test
(does the pronoun attend more to its antecedent than to the other candidate?) to the sentence on screen.
"""
from __future__ import annotations

from dataclasses import dataclass

TYPED_SENTENCE_OPENS_ON = "syntax"  # every sentence has grammar; not every one has a pronoun


@dataclass(frozen=True)
class Candidates:
    """A pronoun, its antecedent (``right``) and the other noun it could refer to (``wrong``): single words, each
    taken at its first occurrence in the sentence."""

    pronoun: str
    right: str
    wrong: str

    def positions(self, words: list[str]) -> tuple[int, tuple[int], tuple[int]] | None:
        """(pronoun, right span, wrong span) as word positions, or None when a word is missing."""
        if not {self.pronoun, self.right, self.wrong} <= set(words):
            return None
        return words.index(self.pronoun), (words.index(self.right),), (words.index(self.wrong),)


@dataclass(frozen=True)
class Preset:
    """A sentence, the label of the head it opens on, and its coreference candidates if it is a pronoun puzzle."""

    sentence: str
    opens_on: str
    what: str  # a few words for the preset list's tooltip
    candidates: Candidates | None = None


PRESETS = (
    Preset("The animal didn't cross the street because it was too tired.", "coreference",
           "pronoun puzzle (Winograd)", Candidates("it", "animal", "street")),
    Preset("The trophy didn't fit in the suitcase because it was too big.", "coreference",
           "pronoun puzzle (Winograd)", Candidates("it", "trophy", "suitcase")),
    Preset("Mary told her brother that she would visit him after she finished her exams.", "coreference",
           "two pronouns, two people", Candidates("she", "Mary", "brother")),
    Preset("The US Marines took most of Fallujah Wednesday, but still face pockets of resistance.", "syntax",
           "treebank sentence with a gold tree"),
    Preset("The bank raised its rates, so customers moved their savings from the bank to a credit union.", "meaning",
           "a repeated word"),
)
BY_SENTENCE = {preset.sentence: preset for preset in PRESETS}


def preset_of(sentence: str) -> Preset | None:
    """The preset whose sentence this is, word for word, else None (a typed sentence)."""
    return BY_SENTENCE.get(sentence)


def opens_on(sentence: str) -> str:
    """The label of the head a sentence opens on: its preset's, else ``TYPED_SENTENCE_OPENS_ON``."""
    preset = preset_of(sentence)
    return preset.opens_on if preset else TYPED_SENTENCE_OPENS_ON
