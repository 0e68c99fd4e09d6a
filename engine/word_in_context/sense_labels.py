"""Readable names for WordNet sense keys, for grouping corpus sentences by sense.

A key such as ``bank%1:17:01::`` is ``lemma%type:lexicographer file:lexical id:...``. Keys of the preset words get
our hand-written gloss (``bank: sloping land by water``); any other key is named by its lemma and WordNet's
lexicographer file (``bank (noun.object 01)``), which groups honestly without pretending to a gloss we do not have.
"""
from __future__ import annotations

from functools import lru_cache

from engine.word_in_context.preset_senses import PRESET_SENSES

# WordNet's 45 lexicographer files, by number (from the WordNet documentation, lexnames(5WN)).
LEXICOGRAPHER_FILES = (
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact", "noun.attribute",
    "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
    "noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon", "noun.plant", "noun.possession",
    "noun.process", "noun.quantity", "noun.relation", "noun.shape", "noun.state", "noun.substance", "noun.time",
    "verb.body", "verb.change", "verb.cognition", "verb.communication", "verb.competition", "verb.consumption",
    "verb.contact", "verb.creation", "verb.emotion", "verb.motion", "verb.perception", "verb.possession",
    "verb.social", "verb.stative", "verb.weather", "adj.ppl",
)


@lru_cache(maxsize=1)
def hand_labels() -> dict[str, str]:
    """Sense key -> "word: gloss" for every key named in the presets."""
    return {key: f"{word}: {sense.gloss}"
            for word, senses in PRESET_SENSES.items() for sense in senses for key in sense.semcor_keys}


def sense_lemma(key: str) -> str:
    """The lemma part of a sense key (``bank%1:17:01::`` -> ``bank``)."""
    return key.split("%", 1)[0]


def sense_label(key: str) -> str:
    """Our gloss for a preset word's key, else lemma plus lexicographer file and lexical id."""
    if key in hand_labels():
        return hand_labels()[key]
    try:
        _, lexfile, lex_id = key.split("%", 1)[1].split(":")[:3]
        return f"{sense_lemma(key)} ({LEXICOGRAPHER_FILES[int(lexfile)]} {lex_id})"
    except (IndexError, ValueError):
        return key
