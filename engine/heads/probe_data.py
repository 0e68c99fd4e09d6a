"""Gold-annotated text for the attention-head probes, read by ``engine.corpus`` and aligned to our words.

* UD English EWT: sentences with their dependency trees, fed to the encoders as the treebank's own
  words (the treebank splits clitics as ``engine.tokenize`` does).
* GAP: snippets with a pronoun and two candidate names; character offsets are mapped onto the words
  of ``engine.tokenize``, and an example whose offsets do not land on whole words is skipped and counted.
* SemCor brown1: consecutive sentences of one document packed into passages, with lemmas, parts of
  speech to tell content words (nouns, verbs, adjectives, adverbs) from function words, and the gold WordNet
  sense of each noun, whose lexicographer field (food, body, artifact...) stands for its topic domain.

Every sample is deterministic: evenly spaced over the file, never random.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from engine.corpus.conllu import ConlluSentence, read_conllu
from engine.corpus.gap import GapSnippet, read_gap_snippets
from engine.corpus.semcor import SemcorSentence, read_semcor, token_words
from engine.settings import SEMCOR_BROWN1
from engine.tokenize import tokenize

# Verbs that are grammatical glue rather than content, whatever their tag says.
_FUNCTION_LEMMAS = frozenset(
    "be have do will would can could may might shall should must not n't 's let get".split()
)
_CONTENT_TAGS = ("NN", "VB", "JJ", "RB")

T = TypeVar("T")


class ProbeDataMissing(FileNotFoundError):
    """A gold file the probes need is not where ``../shared/data`` should be."""


def _require(path: Path) -> Path:
    if not path.exists():
        raise ProbeDataMissing(
            f"{path} is missing: the head probes read the gold data in ../shared/data beside the project."
        )
    return path


def evenly_spaced(items: Sequence[T], n: int) -> list[T]:
    """``n`` items spread evenly over ``items`` (all of them when there are fewer): a deterministic sample
    that covers every part of a file (EWT and SemCor are ordered by document and genre)."""
    if n >= len(items):
        return list(items)
    return [items[i * len(items) // n] for i in range(n)]


# --- UD EWT ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepSentence:
    """A sentence with its gold dependency tree: ``heads[i]`` is the index of word i's head, -1 for the root."""

    words: tuple[str, ...]
    heads: tuple[int, ...]
    relations: tuple[str, ...]


def read_treebank(path: Path) -> list[DepSentence]:
    """Every sentence of a CoNLL-U treebank."""
    return [_dep_sentence(sentence) for sentence in read_conllu(_require(path))]


def treebank_offsets(path: Path) -> Iterator[tuple[tuple[str, ...], int]]:
    """Each sentence's words and byte offset in a CoNLL-U treebank, for an index that keeps no trees
    (``treebank_sentence_at`` reads one back)."""
    return ((sentence.forms, sentence.offset) for sentence in read_conllu(_require(path)))


def treebank_sentence_at(path: Path, offset: int) -> DepSentence:
    """The sentence that starts ``offset`` bytes into a CoNLL-U treebank."""
    return _dep_sentence(next(read_conllu(_require(path), offset)))


def _dep_sentence(sentence: ConlluSentence) -> DepSentence:
    return DepSentence(sentence.forms, tuple(head - 1 for head in sentence.heads), sentence.deprels)


def treebank_sample(path: Path, n: int, min_words: int = 5, max_words: int = 40) -> list[DepSentence]:
    """``n`` sentences of ``min_words``..``max_words`` words, evenly spaced over the treebank."""
    usable = [s for s in read_treebank(path) if min_words <= len(s.words) <= max_words]
    return evenly_spaced(usable, n)


# --- GAP ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapExample:
    """A GAP snippet on our words: the pronoun's word index and each candidate's word indices."""

    example_id: str
    words: tuple[str, ...]
    pronoun: int
    candidates: tuple[tuple[int, ...], tuple[int, ...]]  # (A, B)
    antecedent: int  # 0 when A is the pronoun's antecedent, 1 when B is


def _character_spans(text: str, words: Sequence[str]) -> list[tuple[int, int]] | None:
    """Character span of each word in ``text``, or None when the words cannot be found in order."""
    spans, cursor = [], 0
    for word in words:
        start = text.find(word, cursor)
        if start < 0:
            return None
        spans.append((start, start + len(word)))
        cursor = start + len(word)
    return spans


def _covering(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, ...]:
    """Indices of the words overlapping the characters [start, end)."""
    return tuple(i for i, (s, e) in enumerate(spans) if s < end and start < e)


def gap_example(snippet: GapSnippet) -> GapExample | None:
    """One GAP snippet on our words, or None when it has no single antecedent or its offsets miss our words."""
    if snippet.a_coref == snippet.b_coref:
        return None  # neither (or both) names is the antecedent: nothing to choose between
    text = snippet.text
    if unicodedata.normalize("NFC", text) != text:
        return None  # engine.tokenize normalises, which would shift GAP's character offsets
    words = tokenize(text)
    spans = _character_spans(text, words)
    if spans is None:
        return None
    mentions = []
    for mention in (snippet.pronoun, snippet.a, snippet.b):
        if text[mention.offset:mention.end] != mention.text:
            return None
        covered = _covering(spans, mention.offset, mention.end)
        if not covered or spans[covered[0]][0] != mention.offset or spans[covered[-1]][1] != mention.end:
            return None  # the mention starts or ends inside one of our words
        mentions.append(covered)
    pronoun, a, b = mentions
    if len(pronoun) != 1 or pronoun[0] in a + b:
        return None
    return GapExample(
        example_id=snippet.id,
        words=tuple(words),
        pronoun=pronoun[0],
        candidates=(a, b),
        antecedent=0 if snippet.a_coref else 1,
    )


def read_gap(path: Path) -> tuple[list[GapExample], int]:
    """(usable examples, number of snippets skipped) of a GAP file, in file order."""
    snippets = read_gap_snippets(_require(path))
    examples = [gap_example(snippet) for snippet in snippets]
    usable = [example for example in examples if example is not None]
    return usable, len(snippets) - len(usable)


# --- SemCor ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """Consecutive sentences of one document: per word a lemma, whether it is a content word, and for nouns with a
    gold sense their WordNet lexicographer field (``noun.food``, ``noun.person``...), None otherwise."""

    doc: str
    words: tuple[str, ...]
    lemmas: tuple[str, ...]
    content: tuple[bool, ...]
    fields: tuple[str | None, ...]


def noun_field(sense_key: str | None) -> str | None:
    """The lexicographer field of a noun sense key (``bank%1:17:01::`` -> ``noun.17``), None for other parts of
    speech or untagged words. Nouns of one field (food, body, artifact, person...) share a topic domain."""
    if not sense_key or "%1:" not in sense_key:
        return None
    return "noun." + sense_key.split("%1:", 1)[1].split(":", 1)[0]


def _semcor_words(sentence: SemcorSentence) -> list[tuple[str, str, bool, str | None]]:
    """(word, lemma, is_content, noun field) per word; multiword tokens (``took_place``) become their words."""
    out = []
    for token, lemma, tag, sense in zip(sentence.tokens, sentence.lemmas, sentence.pos, sentence.senses):
        tag = tag or ""
        parts = token_words(token)
        for part in parts:
            # named entities carry a class as lemma ("person"), multiword parts none of their own
            own_lemma = (lemma or part) if len(parts) == 1 and tag != "NNP" else part
            own_lemma = own_lemma.lower()
            content = (
                tag.startswith(_CONTENT_TAGS) and part.replace("-", "").isalpha() and own_lemma not in _FUNCTION_LEMMAS
            )
            out.append((part, own_lemma, content, noun_field(sense) if content and tag != "NNP" else None))
    return out


def read_semcor_passages(max_words: int = 90) -> list[Passage]:
    """SemCor sentences packed, in order and within one document, into passages of at most ``max_words``."""
    passages: list[Passage] = []
    current: list[tuple[str, str, bool, str | None]] = []
    current_doc = None

    def flush() -> None:
        if current:
            words, lemmas, content, fields = zip(*current)
            passages.append(Passage(current_doc, words, lemmas, content, fields))

    for sentence in read_semcor(_require(SEMCOR_BROWN1)):
        words = _semcor_words(sentence)
        if len(words) > max_words:
            continue
        if sentence.doc != current_doc or len(current) + len(words) > max_words:
            flush()
            current, current_doc = [], sentence.doc
        current.extend(words)
    flush()
    return passages


def semcor_split(passages: list[Passage]) -> tuple[list[Passage], list[Passage]]:
    """(labelling, confirmation) passages: every third document goes to confirmation, so no document is in both."""
    docs = sorted({p.doc for p in passages})
    confirm_docs = set(docs[2::3])
    return [p for p in passages if p.doc not in confirm_docs], [p for p in passages if p.doc in confirm_docs]
