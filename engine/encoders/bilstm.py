"""A 2-layer BiLSTM over frozen GloVe vectors, trained as a bidirectional language model.

Layer vectors are [forward half | backward half]; the GloVe input layer is zero-padded to the
LSTM width (zero-padding keeps cosine similarities).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from engine.encoders.base import Encoded, WordReading
from engine.encoders.checkpoints import (
    bundled_checkpoint,
    checkpoint_paths,
    load_checkpoint,
    restore,
    training_summary,
)
from engine.encoders.glove import GLOVE_DIM, glove_files, glove_table
from engine.encoders.recurrent import (
    BiLanguageModel,
    OneWayStack,
    ProjectedLSTM,
    RecurrentEncoder,
)
from engine.settings import setting

DEFAULT_CHECKPOINT = bundled_checkpoint("bilstm")
FIX = "Retrain it with `python -m engine.training.train bilstm` or restore engine/weights/ from git."
QUICK_CONFIG = {"hidden": 32, "layers": 2}  # for `train --quick`: the same code paths, seconds to train


@dataclass
class BiLSTMConfig:
    hidden: int = 256
    layers: int = 2
    dropout: float = 0.1


class GloveBiLM(BiLanguageModel):
    """GloVe vectors (frozen, looked up outside the graph) with learned <S>/</S> vectors."""

    def __init__(self, config: BiLSTMConfig) -> None:
        super().__init__()
        self.config = config
        self.boundary = nn.Parameter(torch.randn(2, GLOVE_DIM) * 0.1)  # <S>, </S>

        def stack() -> OneWayStack:
            dims = [GLOVE_DIM] + [config.hidden] * config.layers
            return OneWayStack([ProjectedLSTM(dims[i], config.hidden) for i in range(config.layers)],
                               residual=False, dropout=config.dropout)

        self.forward_stack = stack()
        self.backward_stack = stack()
        self.width = 2 * config.hidden

    def prepare(self, batch: list[list[str]]) -> tuple[torch.Tensor, torch.Tensor]:
        """GloVe vectors (unknown words: zeros) with empty slots where <S> and </S> go."""
        table = glove_table()
        lengths = torch.tensor([len(words) + 2 for words in batch])
        raw = torch.zeros(len(batch), int(lengths.max()), GLOVE_DIM)
        for row, words in enumerate(batch):
            if words:
                raw[row, 1 : len(words) + 1] = torch.from_numpy(table.vectors(words)[0])
        return raw, lengths

    def embed(self, raw: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Fill the <S> slot (position 0) and the </S> slot (position length - 1) with learned vectors."""
        positions = torch.arange(raw.shape[1], device=raw.device)[None, :, None]
        start = (positions == 0).float()
        end = (positions == lengths[:, None, None] - 1).float()
        return raw + start * self.boundary[0] + end * self.boundary[1]

    def layer_zero(self, tokens: torch.Tensor) -> torch.Tensor:
        return nn.functional.pad(tokens, (0, self.width - tokens.shape[-1]))


class BiLSTMEncoder(RecurrentEncoder):
    name = "bilstm"
    neutral_input_description = "its GloVe vector set to zeros (what the BiLSTM sees for any unknown word)"
    gradient_max_words = 20  # exact Jacobians cost n² x 50 GloVe dims: about 2-3 s of one core at 20 words

    def word_reading(self, word: str) -> WordReading:
        known = bool(glove_table().vectors([word])[1][0])
        return WordReading("Reads the word's GloVe row, then its LSTMs mix in the words around it.", [word.lower()],
                           [not known], "" if known else "Not in GloVe: it reads zeros for this word.")

    def parameter_count(self) -> int:
        """Its own LSTM weights plus the frozen GloVe table it reads its input from."""
        return super().parameter_count() + int(glove_table().matrix.size)

    def __init__(self, model: GloveBiLM, card: dict, weight_files: tuple[Path, ...] = ()) -> None:
        super().__init__(model, weight_files)
        self.card = card
        config = model.config
        self.layer_names = ["glove"] + [f"lstm-{i}" for i in range(1, config.layers + 1)]
        self.dim = model.width
        n_params = sum(p.numel() for p in model.parameters())
        self.description = (
            f"{config.layers}-layer BiLSTM ({config.hidden} units per direction, {n_params / 1e6:.1f}M parameters) "
            f"over frozen GloVe 50d, trained by us as a bidirectional LM {training_summary(card)}. "
            f"The 50-d GloVe layer is zero-padded to {self.dim} (cosines unchanged)."
        )

    @classmethod
    def from_settings(cls) -> BiLSTMEncoder:
        """The BILSTM_CHECKPOINT checkpoint, else the bundled one."""
        return cls.from_checkpoint(Path(setting("BILSTM_CHECKPOINT") or DEFAULT_CHECKPOINT))

    @classmethod
    def from_checkpoint(cls, stem: Path) -> BiLSTMEncoder:
        state, card = load_checkpoint(stem, "BiLSTM", FIX)
        model = GloveBiLM(BiLSTMConfig(**card["config"]))
        restore(model, state, "BiLSTM", FIX)
        return cls(model, card, (*checkpoint_paths(stem), *glove_files()))

    @classmethod
    def language_model(cls, config: dict, dropout: float) -> GloveBiLM:
        return GloveBiLM(BiLSTMConfig(**{**config, "dropout": dropout}))

    @classmethod
    def training_config(cls, quick: bool, dropout: float) -> dict:
        return asdict(BiLSTMConfig(dropout=dropout, **(QUICK_CONFIG if quick else {})))

    def extra(self, encoded: Encoded, words: list[str]) -> Encoded:
        encoded.unknown = list(glove_table().ids(words) < 0)
        return encoded
