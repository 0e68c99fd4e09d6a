"""The encoder interface every model implements, what encoding a sentence returns, and the helpers all encoders share.

An encoder describes itself (its halves, its attention, its weight files, how occlusion silences a word, ...), so that
the analyses and pages never ask which encoder they hold.
"""
from __future__ import annotations

import hashlib
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Sequence, TypeVar, Union

import numpy as np

from engine.tokenize import tokenize

if TYPE_CHECKING:  # the interface itself never needs torch: importing ``engine`` stays light
    import torch

SentenceInput = Union[str, Sequence[str]]
FINGERPRINT_BYTES = 1 << 20  # hashed from each end of a file: enough to tell checkpoints apart, fast for 90 MB
Item = TypeVar("Item")
MAX_BATCH_TOKENS = 512  # padded tokens (or pieces) per batch: long sentences go in smaller batches (memory)
# 512 rather than 1,024: the peak of encoding 900 corpus sentences fell from +45 to +23-28 MB (BERT), +35 to +15-19
# (ELMo), +28 to +15 (BiLSTM), at the same speed (the BiLSTM's fused LSTM was 2.2x faster)


class EncoderUnavailable(RuntimeError):
    """An encoder cannot be loaded; the message says what is missing and how to fix it."""


@dataclass
class Encoded:
    """One sentence encoded: one vector per word and layer, plus BERT's attention when available."""

    words: list[str]
    vectors: np.ndarray  # float32, (n_layers, n_words, dim)
    unknown: list[bool] = field(default_factory=list)  # words the encoder had no entry for (static only)
    attentions: np.ndarray | None = None  # word level, (n_layers, n_heads, n_words, n_words)
    pieces: list[str] | None = None  # WordPiece tokens with [CLS]/[SEP]
    piece_attentions: np.ndarray | None = None  # (n_layers, n_heads, n_pieces, n_pieces)
    piece_to_word: list[int] | None = None  # word index of each piece, -1 for [CLS]/[SEP]
    truncated: bool = False  # True when the input was cut to fit the model's maximum length


@dataclass
class Probe:
    """One sentence made differentiable, for ``engine.decay.influence``: its input slots and a function from them to
    every layer's word vectors.

    ``inputs`` (S, E) holds the input vector of every slot (a word, a WordPiece, or a boundary token); ``owner`` gives
    the word each slot belongs to (-1 for <S>, </S>, [CLS], [SEP]); ``neutral`` (E,) replaces a word's slots under
    occlusion. ``layers(batch, differentiable)`` maps a batch (B, S, E) of input variants to word vectors
    (n_layers, B, n_words, dim); ``differentiable`` asks for a pass forward-mode autograd can go through (fused
    kernels have no forward derivative).
    """

    inputs: torch.Tensor
    owner: torch.Tensor
    neutral: torch.Tensor
    layers: Callable[[torch.Tensor, bool], torch.Tensor]

    @property
    def n_words(self) -> int:
        return int(self.owner.max()) + 1 if len(self.owner) and self.owner.max() >= 0 else 0


@dataclass(frozen=True)
class WordReading:
    """What an encoder reads of one word before any context: a table row, its characters, or its pieces."""

    how: str  # one sentence for the page: how this encoder turns a word into numbers
    units: list[str]  # what it reads, in order: the word itself, its bytes, or its pieces
    unknown: list[bool]  # per unit: True when the encoder has no entry for it
    note: str = ""  # anything cut or replaced, said plainly


class Encoder(ABC):
    """A word encoder: words in, one vector per word and layer out.

    Subclasses set ``name``, ``layer_names``, ``dim``, ``description`` and ``neutral_input_description``, the
    capabilities below where they differ from the defaults, and implement ``from_settings``, ``encode_words`` and
    ``probe``; ``encode`` handles raw strings and pre-tokenised input alike.
    """

    name: str
    layer_names: list[str]
    dim: int
    description: str
    neutral_input_description: str  # what occlusion puts in place of a word, as the pages explain it
    weight_files: tuple[Path, ...] = ()  # the files its weights were read from; none when built in memory
    contextual: bool = True  # False when a word's vector ignores the sentence around it (the static baseline)
    halves: tuple[str, ...] = ()  # ("forward", "backward") when each vector is [forward half | backward half]
    mixed_layers: tuple[str, ...] = ()  # layers that weight the others rather than being a layer of the network
    n_layers: int = 0  # attention layers, each of ``n_heads`` heads; 0 for an encoder without attention
    n_heads: int = 0
    gradient_max_words: int | None = None  # the longest sentence pages compute exact gradients for (None: any)
    sequential_steps_per_layer: str = "1"  # how many steps one layer takes in order for n words ("n" or "1")
    position_embeddings_optional: bool = False  # True when ``encode(..., positions=False)`` can leave order out
    reads_characters: bool = False  # True when ``token_vectors(words)`` builds any string's vector from its spelling
    reads_wordpieces: bool = False  # True when it splits words into a WordPiece vocabulary (``wordpieces``)

    @classmethod
    @abstractmethod
    def from_settings(cls) -> Encoder:
        """The encoder the settings ask for: the bundled weights unless a setting points elsewhere."""

    def encode(self, sentences: Sequence[SentenceInput]) -> list[Encoded]:
        """Encode raw strings (split with ``engine.tokenize``) or lists of words (used as given)."""
        return self.encode_words(word_lists(sentences))

    @abstractmethod
    def encode_words(self, batch: list[list[str]]) -> list[Encoded]:
        """Encode already tokenised sentences."""

    def encode_batches(self, batch: list[list[str]],
                       max_tokens: int = MAX_BATCH_TOKENS) -> Iterator[tuple[list[int], list[Encoded]]]:
        """What ``encode_words(batch)`` returns, one computed batch at a time: (indices into ``batch``, their
        encodings). A caller that keeps a few vectors of each sentence need not hold every sentence's at once.
        Encoders that batch override it (and build ``encode_words`` from it, so both give the same numbers), with at
        most ``max_tokens`` padded tokens in a batch."""
        yield list(range(len(batch))), self.encode_words(batch)

    @abstractmethod
    def probe(self, words: list[str]) -> Probe:
        """``words`` made differentiable, with the neutral input occlusion puts in a word's place."""

    @abstractmethod
    def word_reading(self, word: str) -> WordReading:
        """What it reads of ``word`` on its own, for the Inputs page."""

    @abstractmethod
    def parameter_count(self) -> int:
        """How many numbers its weights hold, input tables included (GloVe's 400k x 50 for the GloVe-based)."""

    def weight_bytes(self) -> int:
        """The size on disk of the files its weights were read from (0 when built in memory)."""
        return sum(path.stat().st_size for path in self.weight_files)

    def fingerprint(self) -> str:
        """The ``weights_fingerprint`` of the files its weights were read from, to key disk caches of its results."""
        if not self.weight_files:
            raise ValueError(f"This {self.name} encoder was built in memory: it has no weight files to fingerprint.")
        return weights_fingerprint(self.name, tuple(self.weight_files))

    def layer_depths(self) -> list[float]:
        """Relative depth of each layer (``relative_depths`` over the network's own layers); NaN for a mixed layer."""
        network = [name for name in self.layer_names if name not in self.mixed_layers]
        depths = dict(zip(network, relative_depths(len(network))))
        return [depths.get(name, math.nan) for name in self.layer_names]

    def layer_index(self, layer: int | str | None = None) -> int:
        """The index of ``layer`` (an index or a name); None means the top layer of the network itself."""
        names = list(self.layer_names)
        if layer is None:
            return max(i for i, name in enumerate(names) if name not in self.mixed_layers)
        if isinstance(layer, str) and layer in names:
            return names.index(layer)
        if isinstance(layer, (int, np.integer)) and -len(names) <= layer < len(names):
            return int(layer) % len(names)
        raise ValueError(f"{self.name} has no layer {layer!r}; its layers are {', '.join(names)} "
                         f"(or 0..{len(names) - 1}).")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}: {len(self.layer_names)} layers x {self.dim}>"


def word_lists(sentences: Sequence[SentenceInput]) -> list[list[str]]:
    """Raw strings split with ``engine.tokenize``; lists of words kept as given."""
    return [tokenize(s) if isinstance(s, str) else list(s) for s in sentences]


MIX_LAYER = "scalar-mix"  # the name of a layer that weights the others (ELMo's), whichever encoder has one


def layer_title(layer_names: Sequence[str], index: int) -> str:
    """Plain words for layer ``index`` among ``layer_names`` ("input layer", "layer 2 of 6", "mix of all layers"),
    for a room that does not know ``lstm-2``; the technical name stays in tooltips, tables and exports."""
    if layer_names[index] == MIX_LAYER:
        return "mix of all layers"
    network = [name for name in layer_names if name != MIX_LAYER]
    if len(network) == 1:
        return "its only layer"
    return "input layer" if index == 0 else f"layer {index} of {len(network) - 1}"


def relative_depths(n_layers: int) -> list[float]:
    """0 for the input layer up to 1 for the top, evenly spaced: how encoders of different depths line up."""
    top = max(n_layers - 1, 1)
    return [layer / top for layer in range(n_layers)]


def batches_by_length(items: Iterable[Item], length: Callable[[Item], int], size: int,
                      max_tokens: int | None = None) -> Iterator[list[Item]]:
    """``items`` from shortest to longest, ``size`` at a time: padding costs as much as words, so batches of similar
    lengths run faster (1.3-2.4x for the recurrent encoders on the bundled corpus).

    ``max_tokens`` also caps a batch's padded size (items x longest length): a batch of 64 long corpus sentences held
    every layer of ELMo at once, 100 MB over the memory budget of a small server."""
    batch: list[Item] = []
    for item in sorted(items, key=length):
        longest = length(item)  # sorted: the newest item is the longest so far
        if batch and (len(batch) == size or (max_tokens is not None and (len(batch) + 1) * longest > max_tokens)):
            yield batch
            batch = []
        batch.append(item)
    if batch:
        yield batch


@lru_cache(maxsize=None)
def weights_fingerprint(name: str, files: tuple[Path, ...]) -> str:
    """A short hash of encoder ``name``'s weight files, to key disk caches of its results (decay curves, head labels,
    the preset store). Each file contributes its name, size and first and last MiB: it follows the weights, not the
    folder they live in, and needs no model loaded. OSError when a file is missing."""
    digest = hashlib.sha256(name.encode())
    for path in files:
        size = path.stat().st_size
        digest.update(f"{path.name}:{size}".encode())
        with path.open("rb") as handle:
            digest.update(handle.read(FINGERPRINT_BYTES))
            handle.seek(max(0, size - FINGERPRINT_BYTES))
            digest.update(handle.read(FINGERPRINT_BYTES))
    return digest.hexdigest()[:16]
