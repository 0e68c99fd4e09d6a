"""Building blocks shared by the BiLSTM and ELMo encoders: one-way LSTM stacks and a bidirectional LM.

The forward and backward stacks are independent (as in ELMo), so the forward half of every layer
sees only words to its left and the backward half only words to its right. Every sentence is
framed by learned or character-built <S> and </S> tokens, which the encoders strip from outputs.
"""
from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import numpy as np
import torch
from torch import nn

from engine.encoders.base import (
    MAX_BATCH_TOKENS,
    Encoded,
    Encoder,
    Probe,
    batches_by_length,
)

HALVES = ("forward", "backward")  # the two halves of every layer's vector, in order


class ProjectedLSTM(nn.Module):
    """One layer, one direction of LSTM with optional projection and optional clipping (ELMo's cell).

    Weights live in a ``torch.nn.LSTM`` (gate order i, f, g, o). Without clipping the fused kernel
    runs; with clipping a step-by-step loop over the same weights clips the cell and the projection.
    """

    def __init__(self, input_dim: int, cell_dim: int, proj_dim: int | None = None,
                 cell_clip: float | None = None, proj_clip: float | None = None) -> None:
        super().__init__()
        self.lstm = nn.LSTM(input_dim, cell_dim, proj_size=proj_dim or 0, batch_first=True)
        self.cell_clip = cell_clip
        self.proj_clip = proj_clip
        self.output_dim = proj_dim or cell_dim

    def forward(self, inputs: torch.Tensor, stepwise: bool = False) -> torch.Tensor:
        """(B, T, input_dim) right-padded -> (B, T, output_dim); padding never reaches real positions.

        ``stepwise`` forces the loop, which forward-mode autograd can differentiate (the fused kernel cannot).
        """
        if not stepwise and self.cell_clip is None and self.proj_clip is None:
            return self.lstm(inputs)[0]
        return self._stepwise(inputs)

    def _stepwise(self, inputs: torch.Tensor) -> torch.Tensor:
        lstm = self.lstm
        projection = getattr(lstm, "weight_hr_l0", None)
        gates_in = inputs @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + lstm.bias_hh_l0
        batch = inputs.shape[0]
        hidden = inputs.new_zeros(batch, self.output_dim)
        cell = inputs.new_zeros(batch, lstm.hidden_size)
        outputs = []
        for step in range(inputs.shape[1]):
            gates = gates_in[:, step] + hidden @ lstm.weight_hh_l0.T
            i, f, g, o = gates.chunk(4, dim=-1)
            cell = torch.sigmoid(f) * cell + torch.sigmoid(i) * torch.tanh(g)
            if self.cell_clip is not None:
                cell = cell.clamp(-self.cell_clip, self.cell_clip)
            hidden = torch.sigmoid(o) * torch.tanh(cell)
            if projection is not None:
                hidden = hidden @ projection.T
            if self.proj_clip is not None:
                hidden = hidden.clamp(-self.proj_clip, self.proj_clip)
            outputs.append(hidden)
        return torch.stack(outputs, dim=1)


class OneWayStack(nn.Module):
    """Stacked one-direction LSTM layers; from layer 2 on, optionally a residual connection."""

    def __init__(self, layers: list[ProjectedLSTM], residual: bool, dropout: float = 0.0) -> None:
        super().__init__()
        self.layers = nn.ModuleList(layers)
        self.residual = residual
        self.dropout = nn.Dropout(dropout)

    def forward(self, inputs: torch.Tensor, stepwise: bool = False) -> list[torch.Tensor]:
        outputs, current = [], inputs
        for depth, layer in enumerate(self.layers):
            output = layer(self.dropout(current), stepwise)
            if self.residual and depth > 0:
                output = output + current
            outputs.append(output)
            current = output
        return outputs


def reverse_padded(tensor: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each right-padded sequence within its own length (padding stays at the end)."""
    steps = torch.arange(tensor.shape[1], device=tensor.device)[None, :]
    index = torch.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)
    return tensor.gather(1, index[..., None].expand_as(tensor))


class BiLanguageModel(nn.Module):
    """A token embedder followed by independent forward and backward LSTM stacks.

    ``prepare`` turns words into the raw model input (with <S> and </S>), ``embed`` maps it to the
    token vectors x_j (differentiable: the decay page takes gradients with respect to them), and
    ``contextualize`` runs both stacks.
    """

    forward_stack: OneWayStack
    backward_stack: OneWayStack

    @abstractmethod
    def prepare(self, batch: list[list[str]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Raw input for a batch of sentences framed by <S> ... </S>, and lengths (n_words + 2)."""

    @abstractmethod
    def embed(self, raw: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Token vectors (B, T, token_dim) for the raw input."""

    def contextualize(self, tokens: torch.Tensor, lengths: torch.Tensor, stepwise: bool = False) -> list[torch.Tensor]:
        """Per LSTM layer, (B, T, 2 * hidden): forward half first, then backward half."""
        forward = self.forward_stack(tokens, stepwise)
        reversed_tokens = reverse_padded(tokens, lengths)
        backward = [reverse_padded(h, lengths) for h in self.backward_stack(reversed_tokens, stepwise)]
        return [torch.cat([f, b], dim=-1) for f, b in zip(forward, backward)]

    @abstractmethod
    def layer_zero(self, tokens: torch.Tensor) -> torch.Tensor:
        """The token layer widened to the LSTM layers' width, keeping cosine similarities."""

    def all_layers(self, tokens: torch.Tensor, lengths: torch.Tensor, stepwise: bool = False) -> list[torch.Tensor]:
        """Token layer then every LSTM layer, all of the same width."""
        return [self.layer_zero(tokens)] + self.contextualize(tokens, lengths, stepwise)


class RecurrentEncoder(Encoder):
    """An ``Encoder`` over a ``BiLanguageModel``: strips <S>/</S> and returns numpy arrays."""

    halves = HALVES
    sequential_steps_per_layer = "n"  # an LSTM reads word t only after word t - 1

    def __init__(self, model: BiLanguageModel, weight_files: tuple[Path, ...] = (), batch_size: int = 64) -> None:
        self.model = model.eval()
        self.weight_files = weight_files
        self.batch_size = batch_size

    @classmethod
    @abstractmethod
    def language_model(cls, config: dict, dropout: float) -> BiLanguageModel:
        """An untrained model of this architecture, from the config a model card stores (training builds on it)."""

    @classmethod
    @abstractmethod
    def training_config(cls, quick: bool, dropout: float) -> dict:
        """The config a new training run starts from, as its model card will store it (tiny for ``--quick``)."""

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def encode_words(self, batch: list[list[str]]) -> list[Encoded]:
        results: list[Encoded | None] = [None] * len(batch)
        for chunk, encoded in self.encode_batches(batch):
            for index, result in zip(chunk, encoded):
                results[index] = result
        return results  # type: ignore[return-value]

    def encode_batches(self, batch: list[list[str]],
                       max_tokens: int = MAX_BATCH_TOKENS) -> Iterator[tuple[list[int], list[Encoded]]]:
        for chunk in batches_by_length(range(len(batch)), lambda i: len(batch[i]), self.batch_size, max_tokens):
            with torch.inference_mode():
                raw, lengths = self.model.prepare([batch[i] for i in chunk])
                tokens = self.model.embed(raw, lengths)
                layers = torch.stack(self.model.all_layers(tokens, lengths), dim=1).numpy()
            encoded = []
            for row, index in enumerate(chunk):
                words = batch[index]
                vectors = np.ascontiguousarray(layers[row, :, 1 : len(words) + 1], dtype=np.float32)
                encoded.append(self.extra(Encoded(words=words, vectors=vectors), words))
            yield chunk, encoded

    def extra(self, encoded: Encoded, words: list[str]) -> Encoded:
        """Hook for encoder-specific annotations (e.g. unknown-word flags)."""
        return encoded

    def probe(self, words: list[str]) -> Probe:
        """The inputs are the token vectors x_j with <S> and </S> around them; the neutral input is the token vector
        of an empty word ``""``."""
        with torch.no_grad():
            raw, lengths = self.model.prepare([words, [""]])
            tokens = self.model.embed(raw, lengths)
        owner = torch.tensor([-1] + list(range(len(words))) + [-1])
        layers = partial(self._probe_layers, lengths[:1], len(words))
        return Probe(tokens[0, : len(words) + 2], owner, tokens[1, 1], layers)

    def _probe_layers(self, lengths: torch.Tensor, n_words: int, batch: torch.Tensor,
                      differentiable: bool) -> torch.Tensor:
        """Every layer's word vectors for a batch of one sentence's token vectors (the LSTMs step by step when
        ``differentiable``: forward-mode autograd cannot go through the fused kernel)."""
        layers = self.model.all_layers(batch, lengths.expand(batch.shape[0]), stepwise=differentiable)
        return torch.stack(layers)[:, :, 1 : n_words + 1]
