"""Readable names for WordNet sense keys, for grouping corpus sentences by sense.

A key such as ``bank%1:17:01::`` is ``lemma%type:lexicographer file:lexical id:...``. Keys of the preset words get
our hand-written gloss (``bank: sloping land by water``); any other key is named by its lemma and, in plain words,
WordNet's lexicographer file (``line: a group``, from ``noun.group``; ``line: a shape (2)`` when the file holds more
than one of its senses), which groups honestly without pretending to a gloss we do not have.
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

# The same files in words a classroom reads (the technical name is in the docs and the sense key stays in the data).
PLAIN_FILES = {
    "adj.all": "a quality", "adj.pert": "relating to", "adv.all": "a manner", "noun.Tops": "a broad concept",
    "noun.act": "an act", "noun.animal": "an animal", "noun.artifact": "a made thing", "noun.attribute": "a property",
    "noun.body": "a body part", "noun.cognition": "an idea", "noun.communication": "a message",
    "noun.event": "an event", "noun.feeling": "a feeling", "noun.food": "food", "noun.group": "a group",
    "noun.location": "a place", "noun.motive": "a motive", "noun.object": "a natural thing",
    "noun.person": "a person", "noun.phenomenon": "a phenomenon", "noun.plant": "a plant",
    "noun.possession": "a possession", "noun.process": "a process", "noun.quantity": "an amount",
    "noun.relation": "a relation", "noun.shape": "a shape", "noun.state": "a state", "noun.substance": "a substance",
    "noun.time": "a time", "verb.body": "a bodily act", "verb.change": "changing", "verb.cognition": "thinking",
    "verb.communication": "telling", "verb.competition": "competing", "verb.consumption": "consuming",
    "verb.contact": "touching", "verb.creation": "making", "verb.emotion": "feeling", "verb.motion": "moving",
    "verb.perception": "perceiving", "verb.possession": "having", "verb.social": "a social act",
    "verb.stative": "being", "verb.weather": "weather", "adj.ppl": "a participle",
}


@lru_cache(maxsize=1)
def hand_labels() -> dict[str, str]:
    """Sense key -> "word: gloss" for every key named in the presets."""
    return {key: f"{word}: {sense.gloss}"
            for word, senses in PRESET_SENSES.items() for sense in senses for key in sense.semcor_keys}


def sense_lemma(key: str) -> str:
    """The lemma part of a sense key (``bank%1:17:01::`` -> ``bank``)."""
    return key.split("%", 1)[0]


def sense_label(key: str) -> str:
    """Our gloss for a preset word's key, else the lemma plus its lexicographer file in plain words (and the lexical
    id, counted from 1, when it is not the file's first sense of the lemma)."""
    if key in hand_labels():
        return hand_labels()[key]
    try:
        _, lexfile, lex_id = key.split("%", 1)[1].split(":")[:3]
        number = f" ({int(lex_id) + 1})" if int(lex_id) else ""
        return f"{sense_lemma(key)}: {PLAIN_FILES[LEXICOGRAPHER_FILES[int(lexfile)]]}{number}"
    except (IndexError, ValueError):
        return key
