"""The rules behind a head's label, read from the words and the attention alone, so that one definition serves both
the labelling (``engine.heads.probes``, on gold data) and the page's explanation of a head in the user's sentence
(``engine.heads.behaviour``), which has no gold tags: a head is explained by the rule that labelled it.

* a head's *pointer* for a word: the other word it attends to most;
* *content words*: alphabetic words outside the closed classes of English (``FUNCTION_WORDS``);
* *related in meaning*: two content words that are the same word or GloVe neighbours (cosine >= ``MEANING_COSINE``);
* *spread*: how evenly a content word's attention covers the other content words;
* *positional patterns*: attention on [CLS]/[SEP], on punctuation, on the word itself, pointers to the previous or
  next word.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from engine.encoders.base import Encoded
from engine.encoders.glove import glove_table
from engine.tokenize import is_punctuation

CLOSED_CLASS_UPOS = frozenset({"ADP", "AUX", "CCONJ", "DET", "NUM", "PART", "PRON", "SCONJ"})  # UD's closed classes
# ``function_words(...)`` of UD English EWT train (typos included, as tagged): a list, not a tagger, because the
# user's sentence has no gold tags and the deployed app has no treebank.
FUNCTION_WORDS = frozenset(
    """-ll -s a abou about abt across adn after against ai ala albeit all along although am amid among amongst
    amoung an and another ans any anybody anyone anything ar are around as astride at atop be because becouse
    becuse been before behind being beneath beside besides between beyond billion bn both btwn but by ca can
    circa could coz cus dat despite did do does down dozen dthat du during each eight eighteen either eleven em
    everbody every everybody everyone everything except fifteen fifty five fo for fot four fro from has he her
    hers herself him himself his hundred hvae i if ii iii iis in into is it its itself iw k lik like ll m may me
    might mill million mine minus must my myself na near neither nine nineteen no nobody none noone nor not
    nothing nt o of off on one onto or ot ought ould our ours ourselves out over overt per plus r re s se seince
    seven seventeen shall she should sice since six sixteen sixty some somebody someon someone somethin
    something ta te teh ten th than that the thei their theirs them themselves ther there thes these they thirty
    this those thou though thousand three through throughout thru thy ti til till to toward towards trillion
    twelve twenty two u under unless unlike until unto up upon ur us v ve versus vi via viii vs waht was wase we
    were wether what whatever whereas whether whhich which whie while whilst who whoever whom whomever whoooooo
    whose wht wil will willl wilt with within without wo woud would wud xiii ya ye yo you your youre yours
    yourself yourselves yuor""".split()
)
MEANING_COSINE = 0.8  # GloVe 6B-50d: car/truck 0.92, doctor/nurse 0.80, big/large 0.67 (unrelated pairs often 0.5)
MIN_SPREAD_WORDS = 6  # a word needs this many other content words for its "spread" to mean something


def _alphabetic(word: str) -> bool:
    return word.replace("-", "").isalpha()


def function_words(tagged: Iterable[tuple[str, str]]) -> frozenset[str]:
    """How ``FUNCTION_WORDS`` is derived from (word, UPOS) pairs: the lower-cased alphabetic words tagged with a
    closed-class UPOS in at least half of their occurrences ("have", a main verb more often than not, stays out)."""
    seen: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    for word, upos in tagged:
        word = word.lower()
        seen[word] += 1
        closed[word] += upos in CLOSED_CLASS_UPOS
    return frozenset(word for word, count in seen.items() if _alphabetic(word) and 2 * closed[word] >= count)


def content_mask(words: Sequence[str]) -> np.ndarray:
    """(words,) True for the words that carry content: alphabetic (inner hyphens allowed) and no function word."""
    return np.array([_alphabetic(w) and w.lower() not in FUNCTION_WORDS for w in words], dtype=bool)


def pointers(attention: np.ndarray) -> np.ndarray:
    """The index of the word each word attends to most, itself excluded: attention (..., words, words) ->
    (..., words)."""
    masked = attention.copy()
    n = attention.shape[-1]
    masked[..., np.arange(n), np.arange(n)] = -1.0
    return masked.argmax(axis=-1)


def related_in_meaning(words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(same_word, related) boolean (words, words) matrices over the content words, diagonal False: related = the
    same word (case aside), or GloVe cosine >= ``MEANING_COSINE`` (both words known to GloVe)."""
    content = content_mask(words)
    both_content = content[:, None] & content[None, :]
    lower = np.array([w.lower() for w in words])
    same_word = (lower[:, None] == lower[None, :]) & both_content
    vectors, known = glove_table().vectors(list(lower))
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    similar = (vectors @ vectors.T >= MEANING_COSINE) & known[:, None] & known[None, :] & both_content
    related = same_word | similar
    np.fill_diagonal(same_word, False)
    np.fill_diagonal(related, False)
    return same_word, related


@dataclass(frozen=True)
class ContentSpread:
    """Where one content word's attention goes among the other content words; arrays are per head (the attention's
    leading axes)."""

    query: int
    others: np.ndarray  # indices of the other content words
    evenness: np.ndarray  # entropy of the attention over them / its maximum, log(len(others)): 1 = perfectly even
    content_share: np.ndarray  # their part of the attention on other words ([CLS]/[SEP] and the word itself left out)
    positions_share: float  # their part of the other positions: what attention blind to content would give them


def content_spreads(words: Sequence[str], attention: np.ndarray) -> list[ContentSpread]:
    """The spread of each content word's attention (..., words, words) over the other content words, for the
    content words that have at least ``MIN_SPREAD_WORDS`` others."""
    content = content_mask(words)
    n = len(words)
    spreads = []
    for query in np.flatnonzero(content):
        others = np.flatnonzero(content & (np.arange(n) != query))
        if len(others) < MIN_SPREAD_WORDS:
            continue
        weights = attention[..., query, others]
        mass = weights.sum(axis=-1)
        share = weights / np.maximum(mass[..., None], 1e-9)
        entropy = -(share * np.log(np.maximum(share, 1e-12))).sum(axis=-1)
        to_words = attention[..., query, :].sum(axis=-1) - attention[..., query, query]
        spreads.append(ContentSpread(int(query), others, entropy / np.log(len(others)),
                                     mass / np.maximum(to_words, 1e-9), len(others) / (n - 1)))
    return spreads


PATTERNS = ("special", "punctuation", "self", "previous", "next")


@dataclass
class PatternSums:
    """Per head, each positional pattern summed over words (for [CLS]/[SEP]: over word pieces), with the counts that
    turn the sums into shares; sums of several sentences add up."""

    sums: dict[str, np.ndarray]
    words: int
    pieces: int
    punctuation_words: int

    @classmethod
    def zeros(cls, shape: tuple[int, int]) -> PatternSums:
        """The sums of no sentence: where a tally over many sentences starts."""
        return cls({key: np.zeros(shape) for key in PATTERNS}, 0, 0, 0)

    def __add__(self, other: PatternSums) -> PatternSums:
        return PatternSums({key: self.sums[key] + other.sums[key] for key in PATTERNS}, self.words + other.words,
                           self.pieces + other.pieces, self.punctuation_words + other.punctuation_words)

    def shares(self) -> dict[str, np.ndarray]:
        """Per head: attention share on [CLS]/[SEP], punctuation, itself; pointer rate to the previous/next word."""
        return {key: self.sums[key] / max(self.pieces if key == "special" else self.words, 1) for key in PATTERNS}

    def punctuation_share_of_positions(self) -> float:
        """What an even spread would put on punctuation: the baseline for the punctuation share."""
        return self.punctuation_words / max(self.words, 1)


def pattern_sums(encoded: Encoded) -> PatternSums:
    """The positional patterns of every head in one sentence: what a head does when it tracks no relation."""
    attention, n = encoded.attentions, len(encoded.words)
    owner = np.asarray(encoded.piece_to_word)
    special, real = np.flatnonzero(owner < 0), np.flatnonzero(owner >= 0)
    punctuation = np.array([is_punctuation(w) for w in encoded.words])
    diagonal = attention[..., np.arange(n), np.arange(n)]
    pointer = pointers(attention)
    sums = {
        "special": encoded.piece_attentions[:, :, real][..., special].sum(axis=-1).sum(axis=-1),
        # attention from each word to the punctuation marks other than itself
        "punctuation": (attention[..., punctuation].sum(axis=-1) - diagonal * punctuation).sum(axis=-1),
        "self": diagonal.sum(axis=-1),
        "previous": (pointer[..., 1:] == np.arange(n - 1)).sum(axis=-1),
        "next": (pointer[..., :-1] == np.arange(1, n)).sum(axis=-1),
    }
    return PatternSums(sums, n, len(real), int(punctuation.sum()))
