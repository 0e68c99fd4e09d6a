"""Plain-language names for the Attention-heads page: what a room reads, with the technical term kept for a tooltip.

A class learns the terms (coreference, syntax...) from the notes, so the page shows the plain words first and the
term beside them or in ``help=``; measures are said as what they count ("points above chance"), layers as
"layer 3 of 6". One place, so that the legend, the head list, the grid and the captions say the same thing.
"""
from __future__ import annotations

from engine.heads.labels import HeadLabel

# label -> (plain name, one-line definition with the technical term)
LABEL_NAMES = {
    "coreference": ("pronoun → name", "coreference: a pronoun (it, she) attends to the noun it refers to"),
    "syntax": ("grammar link", "syntax: a word attends to its grammatical head or dependent (a verb's object)"),
    "meaning": ("related meaning", "meaning: a word attends to a word of related meaning (the same word, a synonym)"),
    "topic": ("topic", "topic: broad attention over the content words, favouring nouns of the same topic"),
    "other": ("other", "other: none of these; most rest on [CLS]/[SEP] or look at the previous or next word"),
}
PATTERNS = {"special": "rests on [CLS]/[SEP]", "previous": "previous word", "next": "next word",
            "self": "itself", "punctuation": "punctuation", "broad": "spread out"}  # what an "other" head does
LABEL_INITIALS = {"coreference": "C", "syntax": "S", "meaning": "M", "topic": "T", "other": ""}

# Universal Dependencies relations a syntax head may follow, in words (the code stays in the tooltip / table)
RELATIONS = {
    "obj": "verb and its object", "iobj": "verb and its indirect object", "nsubj": "verb and its subject",
    "nsubj:pass": "passive verb and its subject", "csubj": "verb and its clausal subject",
    "case": "noun and its preposition", "cop": "'is/was' and what it says", "det": "noun and its 'the/a'",
    "amod": "noun and its adjective", "advmod": "word and its adverb", "nmod": "noun and a noun it governs",
    "nmod:poss": "noun and its owner", "compound": "noun and the noun before it", "aux": "verb and its helping verb",
    "aux:pass": "passive verb and its 'be'", "mark": "clause and its 'that/if'", "cc": "'and/or' and what it joins",
    "conj": "two joined words", "ccomp": "verb and a clause it governs", "xcomp": "verb and its open clause",
    "advcl": "verb and an adverbial clause", "acl": "noun and a clause describing it",
    "acl:relcl": "noun and its relative clause", "parataxis": "two clauses set side by side",
    "obl": "verb and a prepositional phrase", "nummod": "noun and its number", "appos": "noun and a noun renaming it",
    "flat": "parts of one name", "fixed": "a fixed expression", "expl": "verb and a dummy 'it/there'",
    "compound:prt": "verb and its particle",
}


def label_name(label: str) -> str:
    """The plain name of a head label ("pronoun → name" for coreference)."""
    return LABEL_NAMES[label][0]


def label_help(labels: tuple[str, ...] | list[str]) -> str:
    """A tooltip defining ``labels`` with their technical terms, one per line."""
    return "\n\n".join(LABEL_NAMES[name][1] for name in labels)


def relation_name(relation: str) -> str:
    """A UD relation in words ("verb and its object"), or the code itself when it has no entry."""
    return RELATIONS.get(relation, f"the '{relation}' relation")


def layer_name(layer: int, n_layers: int) -> str:
    """ "layer 3 of 6" (layers count from 1, the first one reading the input)."""
    return f"layer {layer} of {n_layers}"


def head_summary(label: HeadLabel) -> str:
    """A head's label and strength in plain words, for the head list: "grammar link (verb and its object) +36 pts"."""
    name = label_name(label.label)
    if label.label == "syntax":
        relation = relation_name(label.details["syntax"]["relations"][0]["relation"])
        return f"{name} ({relation}) +{label.scores['syntax']:.0f} pts"
    if label.label == "other":
        pattern = label.details["pattern"]
        return "other" + ("" if pattern == "mixed" else f": {PATTERNS[pattern]} {label.scores['other']:.0f}%")
    return f"{name} +{label.scores[label.label]:.0f} pts"
