"""ELMo (Peters et al. 2018) in plain PyTorch: characters -> CNN -> highway -> projection -> biLSTM LM.

The architecture is described by a bilm-tf "options" dictionary, so the same module runs our own
checkpoint and the official AllenNLP weights (``ELMO_OPTIONS`` + ``ELMO_WEIGHTS`` settings, see
``engine.encoders.elmo_hdf5``). Layers: char-cnn (the token vector, duplicated to the biLSTM width),
lstm-1, lstm-2 and a scalar mix of the three.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

from engine.encoders.base import MIX_LAYER, EncoderUnavailable, WordReading
from engine.encoders.checkpoints import (
    bundled_checkpoint,
    checkpoint_paths,
    load_checkpoint,
    restore,
    training_summary,
)
from engine.encoders.elmo_hdf5 import load_hdf5
from engine.encoders.recurrent import (
    BiLanguageModel,
    OneWayStack,
    ProjectedLSTM,
    RecurrentEncoder,
)
from engine.settings import setting

DEFAULT_CHECKPOINT = bundled_checkpoint("elmo")
FIX = "Retrain it with `python -m engine.training.train elmo`, restore engine/weights/ from git, or set ELMO_OPTIONS/ELMO_WEIGHTS."

# Character vocabulary of bilm-tf / AllenNLP: UTF-8 bytes 0-255 plus five markers, all shifted by +1
# so that 0 means "no character" (padding positions of the batch).
BOS_CHAR, EOS_CHAR, BOW_CHAR, EOW_CHAR, PAD_CHAR = 256, 257, 258, 259, 260
N_CHARACTERS = 262

SMALL_OPTIONS = {
    "char_cnn": {
        "activation": "relu",
        "embedding": {"dim": 16},
        "filters": [[1, 32], [2, 32], [3, 64], [4, 128], [5, 128], [6, 128]],
        "max_characters_per_token": 50,
        "n_characters": N_CHARACTERS,
        "n_highway": 1,
    },
    "lstm": {"cell_clip": 3, "dim": 512, "n_layers": 2, "proj_clip": 3, "projection_dim": 128,
             "use_skip_connections": True},
}
# For `train --quick`: a tiny variant of SMALL_OPTIONS, with the same code paths (clipping, projection, residuals).
QUICK_LSTM = {"dim": 64, "projection_dim": 32}
QUICK_FILTERS = [[1, 8], [2, 8], [3, 16]]


def word_char_ids(word: str, max_chars: int) -> list[int]:
    """A word's character ids: <bow> UTF-8 bytes (truncated) <eow>, padded, all +1."""
    data = list(word.encode("utf-8", errors="replace")[: max_chars - 2])
    ids = [BOW_CHAR] + data + [EOW_CHAR]
    return [i + 1 for i in ids + [PAD_CHAR] * (max_chars - len(ids))]


CHARACTER_MARKERS = {BOW_CHAR: "⟨start⟩", EOW_CHAR: "⟨end⟩"}


def _byte_label(byte: int) -> str:
    """A byte as its character when printable ASCII, else as hex (part of a multi-byte UTF-8 character)."""
    return chr(byte) if 32 < byte < 127 else f"0x{byte:02X}"


def marker_char_ids(marker: int, max_chars: int) -> list[int]:
    """The character ids of the <S> or </S> token."""
    ids = [BOW_CHAR, marker, EOW_CHAR]
    return [i + 1 for i in ids + [PAD_CHAR] * (max_chars - len(ids))]


class Highway(nn.Module):
    """bilm-tf's highway layer: y = g * relu(W_t x + b_t) + (1 - g) * x with carry gate g = sigmoid(W_c x + b_c)."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.carry = nn.Linear(dim, dim)
        self.transform = nn.Linear(dim, dim)
        nn.init.constant_(self.carry.bias, -2.0)  # start close to the identity

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gate = torch.sigmoid(self.carry(x))
        return gate * torch.relu(self.transform(x)) + (1.0 - gate) * x


class CharCNN(nn.Module):
    """Character embeddings, one convolution per filter width with max-pooling over time, highway, projection."""

    def __init__(self, options: dict) -> None:
        super().__init__()
        cnn, projection_dim = options["char_cnn"], options["lstm"]["projection_dim"]
        self.max_chars = cnn["max_characters_per_token"]
        self.activation = torch.tanh if cnn["activation"] == "tanh" else torch.relu
        char_dim = cnn["embedding"]["dim"]
        self.char_embedding = nn.Embedding(cnn["n_characters"], char_dim, padding_idx=0)
        self.convolutions = nn.ModuleList(nn.Conv1d(char_dim, n, width) for width, n in cnn["filters"])
        n_filters = sum(n for _, n in cnn["filters"])
        self.highways = nn.ModuleList(Highway(n_filters) for _ in range(cnn.get("n_highway") or 0))
        self.projection = nn.Linear(n_filters, projection_dim) if n_filters != projection_dim else nn.Identity()

    def forward(self, char_ids: torch.Tensor) -> torch.Tensor:
        """(B, T, max_chars) ids -> (B, T, projection_dim) token vectors.

        A token's vector depends on its characters only, so each distinct token of the batch (every <S>
        and </S>, repeated words, padding) goes through the CNN once: about half the work in training.
        """
        batch, steps, _ = char_ids.shape
        distinct, inverse = torch.unique(char_ids.reshape(batch * steps, -1), dim=0, return_inverse=True)
        chars = self.char_embedding(distinct).transpose(1, 2)
        pooled = [self.activation(conv(chars).max(dim=-1).values) for conv in self.convolutions]
        tokens = torch.cat(pooled, dim=-1)
        for highway in self.highways:
            tokens = highway(tokens)
        return self.projection(tokens)[inverse].reshape(batch, steps, -1)


class ElmoBiLM(BiLanguageModel):
    """Char CNN token embedder and two independent LSTM stacks with projection, clipping and residuals."""

    def __init__(self, options: dict, dropout: float = 0.0) -> None:
        super().__init__()
        self.options = options
        lstm = options["lstm"]
        self.char_cnn = CharCNN(options)
        projection = lstm["projection_dim"] if lstm["projection_dim"] < lstm["dim"] else None

        def stack() -> OneWayStack:
            layers = [
                ProjectedLSTM(lstm["projection_dim"], lstm["dim"], projection, lstm.get("cell_clip"), lstm.get("proj_clip"))
                for _ in range(lstm.get("n_layers", 1))
            ]
            return OneWayStack(layers, residual=lstm.get("use_skip_connections", False), dropout=dropout)

        self.forward_stack = stack()
        self.backward_stack = stack()
        self.width = 2 * lstm["projection_dim"]
        # ELMo's scalar mix: softmax-normalised layer weights and a scale; equal weights until tuned for a task.
        self.mix_weights = nn.Parameter(torch.zeros(lstm.get("n_layers", 1) + 1))
        self.mix_scale = nn.Parameter(torch.ones(()))

    def prepare(self, batch: list[list[str]]) -> tuple[torch.Tensor, torch.Tensor]:
        max_chars = self.char_cnn.max_chars
        lengths = torch.tensor([len(words) + 2 for words in batch])
        ids = torch.zeros(len(batch), int(lengths.max()), max_chars, dtype=torch.long)
        for row, words in enumerate(batch):
            rows = [marker_char_ids(BOS_CHAR, max_chars)]
            rows += [word_char_ids(word, max_chars) for word in words]
            rows.append(marker_char_ids(EOS_CHAR, max_chars))
            ids[row, : len(rows)] = torch.tensor(rows)
        return ids, lengths

    def embed(self, raw: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.char_cnn(raw)

    def layer_zero(self, tokens: torch.Tensor) -> torch.Tensor:
        return torch.cat([tokens, tokens], dim=-1)

    def all_layers(self, tokens: torch.Tensor, lengths: torch.Tensor, stepwise: bool = False) -> list[torch.Tensor]:
        layers = super().all_layers(tokens, lengths, stepwise)
        weights = torch.softmax(self.mix_weights, dim=0)
        return layers + [self.mix_scale * sum(w * layer for w, layer in zip(weights, layers))]


class ElmoEncoder(RecurrentEncoder):
    name = "elmo"
    mixed_layers = (MIX_LAYER,)
    neutral_input_description = "the character-CNN vector of an empty word (no characters)"
    gradient_max_words = 12  # exact Jacobians cost n² x 128 char-CNN dims: about 2-3 s of one core at 12 words

    def __init__(self, model: ElmoBiLM, description: str, weight_files: tuple[Path, ...] = ()) -> None:
        super().__init__(model, weight_files)
        n_layers = model.options["lstm"].get("n_layers", 1)
        self.layer_names = ["char-cnn"] + [f"lstm-{i}" for i in range(1, n_layers + 1)] + [MIX_LAYER]
        self.dim = model.width
        self.description = description

    # --- what ELMo reads: characters (the Inputs page) ---------------------------------------------------------

    reads_characters = True

    def word_reading(self, word: str) -> WordReading:
        ids = self.character_ids(word)
        units = [CHARACTER_MARKERS.get(i - 1) or _byte_label(i - 1) for i in ids]
        cut = len(word.encode("utf-8")) > self.max_word_bytes
        return WordReading("Reads the word's UTF-8 bytes through a character CNN: every string gets a vector, "
                           "made-up and misspelt words included.", units, [False] * len(units),
                           f"Cut: the CNN reads the first {self.max_word_bytes} bytes of a word." if cut else "")

    def character_ids(self, word: str) -> list[int]:
        """The ids the character CNN reads for ``word``: <bow>, its UTF-8 bytes (cut to fit), <eow>, each + 1."""
        ids = word_char_ids(word, self.model.char_cnn.max_chars)
        return ids[: ids.index(PAD_CHAR + 1)] if PAD_CHAR + 1 in ids else ids

    @property
    def max_word_bytes(self) -> int:
        """How many UTF-8 bytes of a word the CNN reads; longer words are cut (the page says so)."""
        return self.model.char_cnn.max_chars - 2

    def token_vectors(self, words: list[str], batch_size: int = 512) -> np.ndarray:
        """(n, dim) float32: each word's context-free vector from its characters alone (CNN, highway, projection),
        the input of the biLSTM. Any string has one: unknown, made-up and misspelt words included."""
        vectors = []
        with torch.inference_mode():
            for start in range(0, len(words), batch_size):
                chunk = words[start : start + batch_size]
                raw, lengths = self.model.prepare([chunk])
                vectors.append(self.model.embed(raw, lengths)[0, 1 : len(chunk) + 1].float().numpy())
        return np.concatenate(vectors) if vectors else np.zeros((0, self.model.options["lstm"]["projection_dim"]),
                                                                np.float32)

    @classmethod
    def from_settings(cls) -> ElmoEncoder:
        """Official weights when ELMO_OPTIONS and ELMO_WEIGHTS are set, else our bundled checkpoint."""
        options_path, weights_path = setting("ELMO_OPTIONS"), setting("ELMO_WEIGHTS")
        if options_path or weights_path:
            if not (options_path and weights_path):
                raise EncoderUnavailable("Set both ELMO_OPTIONS (options JSON) and ELMO_WEIGHTS (HDF5), or neither.")
            return cls.from_official(Path(options_path), Path(weights_path))
        return cls.from_checkpoint(Path(setting("ELMO_CHECKPOINT") or DEFAULT_CHECKPOINT))

    @classmethod
    def from_checkpoint(cls, stem: Path) -> ElmoEncoder:
        state, card = load_checkpoint(stem, "ELMo", FIX)
        model = ElmoBiLM(card["config"])
        restore(model, state, "ELMo", FIX)
        description = (
            f"ELMo architecture trained by us ({_size(model)}) as a bidirectional LM "
            f"{training_summary(card)}{_teacher_summary(card)}; the char-CNN layer is duplicated to {model.width} dims "
            "(cosines unchanged)."
        )
        return cls(model, description, checkpoint_paths(stem))

    @classmethod
    def from_official(cls, options_path: Path, weights_path: Path) -> ElmoEncoder:
        try:
            options = json.loads(options_path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise EncoderUnavailable(f"ELMO_OPTIONS file {options_path} is unreadable ({error}).") from error
        model = ElmoBiLM(options)
        load_hdf5(model, weights_path)
        description = (
            f"Official ELMo weights {weights_path.name} ({_size(model)}), loaded from AllenNLP/bilm-tf files; "
            f"the char-CNN layer is duplicated to {model.width} dims (cosines unchanged)."
        )
        return cls(model, description, (options_path, weights_path))

    @classmethod
    def language_model(cls, config: dict, dropout: float) -> ElmoBiLM:
        return ElmoBiLM(config, dropout=dropout)

    @classmethod
    def training_config(cls, quick: bool, dropout: float) -> dict:
        """SMALL_OPTIONS, or a tiny variant of it for --quick (dropout is not part of ELMo's options)."""
        options = copy.deepcopy(SMALL_OPTIONS)
        if quick:
            options["lstm"].update(QUICK_LSTM)
            options["char_cnn"]["filters"] = QUICK_FILTERS
        return options


def _teacher_summary(card: dict) -> str:
    """How long GloVe taught the char CNN (engine.training.glove_teacher), or nothing when it never did."""
    teacher = card.get("glove_teacher")
    if not teacher:
        return ""
    return (f"; for {teacher['tokens_taught'] / 1e6:.1f}M of those tokens its char CNN also learnt to predict "
            "GloVe 6B 50d vectors from spelling (a training aid, not shipped)")


def _size(model: ElmoBiLM) -> str:
    lstm = model.options["lstm"]
    n_params = sum(p.numel() for p in model.parameters())
    return (f"{len(model.options['char_cnn']['filters'])} char filters, {lstm.get('n_layers', 1)}-layer biLSTM "
            f"{lstm['dim']} cells / {lstm['projection_dim']} projection, {n_params / 1e6:.1f}M parameters")
