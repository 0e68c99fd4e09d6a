"""How strongly each word's input shapes every word's vector: the measure behind the distance-decay page.

``influence(encoder, words)[i, j]`` is how much word *j*'s input x_j shapes word *i*'s vector h_i at one layer.
What x_j is, per encoder:

* bilstm: the GloVe vector of word j (zeros for a word GloVe does not know);
* elmo: the character-CNN token vector of word j;
* bert: one vector added to the input embedding of every WordPiece of word j, so the Jacobian with respect to
  it is the sum of the pieces' Jacobians ([CLS]/[SEP] are never perturbed); h_i is the mean of word i's pieces;
* static: the GloVe vector itself (h_j = x_j), so only the diagonal is non-zero: a static encoder has no context.

Methods:

* ``"gradient"``: the Frobenius norm of the Jacobian dh_i/dx_j, exact, by forward-mode autograd: one
  Jacobian-vector product per input coordinate of each word, batched with ``torch.func.vmap`` and sharing one
  primal pass. That is n x E products (E = 50 bilstm, 128 elmo, 384 bert), so the cost grows as n^2 * E: a
  fraction of a second for a short BiLSTM sentence, far longer for BERT (``python -m engine.decay.curves time``).
* ``"occlusion"``: ||h_i - h_i'|| where h' is computed with word j's input replaced by a neutral one: the sentence and
  its n variants in one batch, split between two threads where torch runs one thread per caller (as the app's server
  does: BERT on a 14-word sentence took 63 ms instead of 118 on 2 cores). Neutral input: the input the model gets for
  an empty word ``""``, i.e. the zero vector every unknown word gets (bilstm, static) or the character CNN's vector of
  a word with no characters (elmo); for bert every piece of word j becomes [MASK] (so no position shifts).

``layer`` is an index or a name; the default is the top layer that is a layer of the network: ``lstm-2`` for
the BiLSTM and ELMo (not ELMo's scalar mix, a task-specific weighting of the others), the last layer of BERT.
``direction="forward"`` or ``"backward"`` (bilstm, elmo) keeps only that half of h_i; the forward half is computed
from words 0..i only and the backward half from words i..n-1 only, so the other side's influence is exactly 0.
Nothing is carried between calls: every sentence starts from zero recurrent state.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch.func import jvp, vmap

from engine.encoders.base import Encoder, Probe
from engine.split_work import run_split, split_ways
from engine.tokenize import tokenize

METHODS = ("gradient", "occlusion")
VECTOR_DIRECTIONS = ("both", "forward", "backward")  # the whole vector, or one of its halves (``Encoder.halves``)
_CHUNK_VALUES = 24_000_000  # floats per batch of Jacobian-vector products (about 100 MB)


def squared_influence(encoder: Encoder, words: Sequence[str], method: str = "gradient") -> np.ndarray:
    """Squared influence of every word on every word, per layer and half: (n_layers, n, n, halves), float64.

    Entry [l, i, j, k] is the squared norm of the k-th half of word i's change at layer l due to word j, so
    halves add up: ``sqrt(sum over k)`` is the influence on the whole vector.
    """
    if method not in METHODS:
        raise ValueError(f"Unknown method '{method}'; choose one of {', '.join(METHODS)}.")
    words = list(words)
    halves = n_halves(encoder)
    if not words:
        return np.zeros((len(encoder.layer_names), 0, 0, halves))
    view = encoder.probe(words)
    with torch.no_grad():
        squared = _gradient(encoder, view) if method == "gradient" else _occlusion(view, halves)
    return squared.double().numpy()


def n_halves(encoder: Encoder) -> int:
    """How many halves the encoder's vectors split into: 2 for [forward | backward], else 1 (the whole vector)."""
    return max(len(encoder.halves), 1)


def _split_halves(vectors: torch.Tensor, halves: int) -> torch.Tensor:
    """(..., dim) -> squared norms of each half (..., halves)."""
    return vectors.reshape(*vectors.shape[:-1], halves, -1).square().sum(-1)


def _gradient(encoder: Encoder, view: Probe) -> torch.Tensor:
    """Squared Frobenius norms of dh_i/dx_j by forward-mode autograd, in batches of basis tangents."""
    n, (n_slots, width) = view.n_words, view.inputs.shape
    n_layers, halves = len(encoder.layer_names), n_halves(encoder)
    words = view.owner.clamp(min=0)
    real = (view.owner >= 0).float()

    def tangent_output(tangent: torch.Tensor) -> torch.Tensor:
        return jvp(lambda x: view.layers(x[None], True)[:, 0], (view.inputs,), (tangent,))[1]

    out_size = n_layers * n * encoder.dim
    chunk = max(1, _CHUNK_VALUES // max(out_size, 1))
    columns = [(j, b) for j in range(n) for b in range(width)]
    squared = torch.zeros(n_layers, n, n, halves)
    for start in range(0, len(columns), chunk):
        batch = columns[start : start + chunk]
        source = torch.tensor([j for j, _ in batch])
        coordinate = torch.tensor([b for _, b in batch])
        tangents = torch.zeros(len(batch), n_slots, width)
        mask = (words[None, :] == source[:, None]).float() * real  # (K, S): the slots of word j
        tangents[torch.arange(len(batch))[:, None], torch.arange(n_slots)[None, :], coordinate[:, None]] = mask
        outputs = vmap(tangent_output)(tangents)  # (K, n_layers, n, dim)
        per_source = _split_halves(outputs, halves)  # (K, n_layers, n, halves)
        squared.index_add_(2, source, per_source.permute(1, 2, 0, 3))
    return squared


def _occlusion(view: Probe, halves: int) -> torch.Tensor:
    """Squared distances ||h_i - h_i'||^2 with each word in turn replaced by the neutral input."""
    n = view.n_words
    variants = view.inputs.expand(n + 1, *view.inputs.shape).clone()
    for j in range(n):
        variants[j + 1, view.owner == j] = view.neutral
    vectors = _in_parallel(view, variants)  # (n_layers, n + 1, n, dim)
    change = vectors[:, 1:] - vectors[:, :1]  # (n_layers, j, i, dim)
    return _split_halves(change, halves).transpose(1, 2)


def _in_parallel(view: Probe, variants: torch.Tensor) -> torch.Tensor:
    """Every layer's vectors for a batch of input variants, in two parts where torch runs each operation on one
    thread (``engine.split_work``); else in one pass (torch's own threads then use the cores). The variants are one
    sentence's, so the parts need no more padding than the whole."""
    ways = min(split_ways(), len(variants))
    if ways < 2:
        return view.layers(variants, False)

    def run(part: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():  # autograd's mode is per thread
            return view.layers(part, False)

    return torch.cat(run_split(run, torch.tensor_split(variants, ways)), dim=1)


def directions(encoder: Encoder) -> tuple[str, ...]:
    """The directions an encoder's vectors can be read in: the whole vector, then each of its halves if it has any."""
    return ("both",) + encoder.halves


def check_direction(encoder: Encoder, direction: str) -> None:
    """ValueError saying why ``direction`` does not apply to ``encoder``."""
    if direction not in VECTOR_DIRECTIONS:
        raise ValueError(f"Unknown direction '{direction}'; choose one of {', '.join(VECTOR_DIRECTIONS)}.")
    if direction not in directions(encoder):
        raise ValueError(f"The {encoder.name} encoder's vectors have no separate forward and backward halves; it "
                         "takes direction='both'.")


def combine(squared: np.ndarray, direction: str = "both") -> np.ndarray:
    """Influence (…, n, n) from squared influence (…, n, n, halves): both halves, or the forward/backward one."""
    if direction == "both":
        return np.sqrt(squared.sum(-1))
    return np.sqrt(squared[..., VECTOR_DIRECTIONS.index(direction) - 1])


def influence(encoder: Encoder, words: str | Sequence[str], layer: int | str | None = None,
              method: str = "gradient", direction: str = "both") -> np.ndarray:
    """(n, n) float64: entry [i, j] is how much word j's input shapes word i's vector at ``layer``.

    ``words`` is raw text (split with ``engine.tokenize``) or a word list; see the module docstring for the
    inputs, methods, default layer and directions. Raises ValueError (``InputTooLong`` for BERT past 512 pieces).
    """
    words = tokenize(words) if isinstance(words, str) else list(words)
    index = encoder.layer_index(layer)
    check_direction(encoder, direction)
    return combine(squared_influence(encoder, words, method)[index], direction)


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Each row divided by its largest entry from another word, so a word's strongest context word reads 1.

    The diagonal (a word's own input, which always matters most) becomes NaN; a row with no context at all
    (the static encoder, the first word's forward half) stays 0.
    """
    n = matrix.shape[-1]
    others = np.where(np.eye(n, dtype=bool), -np.inf, matrix)
    peak = others.max(axis=-1, keepdims=True) if n > 1 else np.zeros(matrix.shape[:-1] + (1,))
    normalised = np.divide(matrix, peak, out=np.zeros(matrix.shape), where=peak > 0)
    normalised[..., np.arange(n), np.arange(n)] = np.nan
    return normalised
