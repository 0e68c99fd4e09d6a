"""The BERT encoder stack and its WordPiece tokenizer, read straight from a Hugging Face model folder.

Why not ``transformers``: importing its BERT modelling code pulls in torch.distributed, torch._dynamo, sympy and
scipy (1,400 modules, about 115 MB of memory and 1.7 s), more than the 22M-parameter model itself, and Streamlit
Community Cloud gives the whole server 690 MB. The encoder is a few dozen lines of torch, and the tokenizer is the
``tokenizers`` library that ``transformers`` itself wraps. ``tests/test_bert_model.py`` checks hidden states and
attention weights against ``transformers.BertModel`` on the bundled model.

Reads any checkpoint of the BERT architecture (``model_type: bert``, absolute positions): ``config.json``, weights as
``model.safetensors`` or ``pytorch_model.bin`` (a task model's ``bert.`` prefix and old ``gamma``/``beta`` names are
accepted), and ``tokenizer.json`` or ``vocab.txt``.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

ACTIVATIONS = {"gelu": F.gelu, "relu": F.relu, "gelu_new": lambda x: F.gelu(x, approximate="tanh"),
               "gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh")}
# Checkpoint names -> this module's names (applied in order).
RENAMES = (
    (r"^bert\.", ""), (r"\.gamma$", ".weight"), (r"\.beta$", ".bias"),
    (r"^embeddings\.LayerNorm\.", "embeddings.norm."),
    (r"^encoder\.layer\.(\d+)\.attention\.self\.(query|key|value)\.", r"layers.\1.\2."),
    (r"^encoder\.layer\.(\d+)\.attention\.output\.dense\.", r"layers.\1.attention_out."),
    (r"^encoder\.layer\.(\d+)\.attention\.output\.LayerNorm\.", r"layers.\1.attention_norm."),
    (r"^encoder\.layer\.(\d+)\.intermediate\.dense\.", r"layers.\1.feed_forward_in."),
    (r"^encoder\.layer\.(\d+)\.output\.dense\.", r"layers.\1.feed_forward_out."),
    (r"^encoder\.layer\.(\d+)\.output\.LayerNorm\.", r"layers.\1.output_norm."),
)


class UnsupportedModel(ValueError):
    """The folder is not a BERT checkpoint this module can read; the message says what is missing."""


@dataclass(frozen=True)
class BertConfig:
    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    hidden_act: str
    max_position_embeddings: int
    type_vocab_size: int
    layer_norm_eps: float

    @classmethod
    def read(cls, folder: Path) -> "BertConfig":
        data = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        if data.get("model_type") != "bert":
            raise UnsupportedModel(f"model_type is '{data.get('model_type')}', not 'bert'")
        if data.get("position_embedding_type", "absolute") != "absolute":
            raise UnsupportedModel(f"position_embedding_type '{data['position_embedding_type']}' is not supported")
        if data.get("hidden_act", "gelu") not in ACTIVATIONS:
            raise UnsupportedModel(f"hidden_act '{data['hidden_act']}' is not supported")
        return cls(data["vocab_size"], data["hidden_size"], data["num_hidden_layers"], data["num_attention_heads"],
                   data["intermediate_size"], data.get("hidden_act", "gelu"), data.get("max_position_embeddings", 512),
                   data.get("type_vocab_size", 2), data.get("layer_norm_eps", 1e-12))


class Embeddings(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, words: torch.Tensor, positions: bool = True) -> torch.Tensor:
        """Word-piece embeddings (batch, length, dim) plus position and segment 0, normalised.

        ``positions=False`` leaves the position embeddings out (as if they were zero): the model then sees a bag of
        pieces, which is what the Inputs page's order experiment shows.
        """
        summed = words + self.token_type_embeddings.weight[0]
        if positions:
            summed = summed + self.position_embeddings.weight[: words.shape[1]]
        return self.norm(summed)


class Layer(nn.Module):
    """Multi-head self-attention and a feed-forward block, each with a residual connection and LayerNorm (post-LN)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        dim, eps = config.hidden_size, config.layer_norm_eps
        self.heads = config.num_attention_heads
        self.query, self.key, self.value = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.attention_out = nn.Linear(dim, dim)
        self.attention_norm = nn.LayerNorm(dim, eps=eps)
        self.feed_forward_in = nn.Linear(dim, config.intermediate_size)
        self.feed_forward_out = nn.Linear(config.intermediate_size, dim)
        self.output_norm = nn.LayerNorm(dim, eps=eps)
        self.activation = ACTIVATIONS[config.hidden_act]

    def _split(self, states: torch.Tensor) -> torch.Tensor:
        batch, length, dim = states.shape
        return states.view(batch, length, self.heads, dim // self.heads).transpose(1, 2)

    def forward(self, states: torch.Tensor, mask: torch.Tensor,
                weights: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
        """``mask``: (batch, 1, 1, length) additive (0 or the dtype's minimum). ``weights``: return the attention
        probabilities (batch, heads, length, length), computed step by step; otherwise the fused kernel runs."""
        query, key, value = (self._split(projection(states)) for projection in (self.query, self.key, self.value))
        probabilities = None
        if weights:
            scores = query @ key.transpose(-1, -2) / math.sqrt(query.shape[-1]) + mask
            probabilities = scores.softmax(dim=-1)
            context = probabilities @ value
        else:
            context = F.scaled_dot_product_attention(query, key, value, attn_mask=mask)
        context = context.transpose(1, 2).flatten(2)
        attended = self.attention_norm(states + self.attention_out(context))
        hidden = self.feed_forward_out(self.activation(self.feed_forward_in(attended)))
        return self.output_norm(attended + hidden), probabilities


class BertModel(nn.Module):
    """BERT's encoder: every layer's hidden states and, when asked, every layer's attention probabilities."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = Embeddings(config)
        self.layers = nn.ModuleList(Layer(config) for _ in range(config.num_hidden_layers))

    def forward(self, input_ids: torch.Tensor | None = None, attention_mask: torch.Tensor | None = None,
                inputs_embeds: torch.Tensor | None = None, attentions: bool = False,
                positions: bool = True) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """(hidden states: embeddings output then each layer's, attention probabilities per layer or [])."""
        words = self.embeddings.word_embeddings(input_ids) if inputs_embeds is None else inputs_embeds
        states = self.embeddings(words, positions)
        if attention_mask is None:
            attention_mask = torch.ones(states.shape[:2], dtype=torch.long)
        mask = (1.0 - attention_mask[:, None, None, :].to(states.dtype)) * torch.finfo(states.dtype).min
        hidden, maps = [states], []
        for layer in self.layers:
            states, probabilities = layer(states, mask, attentions)
            hidden.append(states)
            if probabilities is not None:
                maps.append(probabilities)
        return hidden, maps


def load_bert(folder: Path) -> BertModel:
    """The model of a checkpoint folder, in eval mode. Raises UnsupportedModel or OSError."""
    model = BertModel(BertConfig.read(folder))
    state = {_renamed(name): tensor for name, tensor in _read_weights(folder).items()}
    missing = set(model.state_dict()) - set(state)
    if missing:
        raise UnsupportedModel(f"the weights lack {len(missing)} BERT tensors, e.g. {sorted(missing)[0]}")
    model.load_state_dict({name: state[name] for name in model.state_dict()})
    return model.eval()


def _renamed(name: str) -> str:
    for pattern, replacement in RENAMES:
        name = re.sub(pattern, replacement, name)
    return name


def _read_weights(folder: Path) -> dict[str, torch.Tensor]:
    if (folder / "model.safetensors").exists():
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        try:
            return load_file(folder / "model.safetensors")
        except SafetensorError as error:
            raise UnsupportedModel(f"model.safetensors is unreadable: {error}") from error
    if (folder / "pytorch_model.bin").exists():
        return torch.load(folder / "pytorch_model.bin", map_location="cpu", weights_only=True)
    raise UnsupportedModel("no model.safetensors or pytorch_model.bin")


class WordPieces:
    """The checkpoint's WordPiece tokenizer (``tokenizers``): pieces of single words, special ids, piece strings."""

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer
        from tokenizers.implementations import BertWordPieceTokenizer

        settings_file = folder / "tokenizer_config.json"
        settings = json.loads(settings_file.read_text(encoding="utf-8")) if settings_file.exists() else {}
        if (folder / "tokenizer.json").exists():
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        elif (folder / "vocab.txt").exists():
            self.tokenizer = BertWordPieceTokenizer(str(folder / "vocab.txt"),
                                                    lowercase=settings.get("do_lower_case", True))
        else:
            raise UnsupportedModel("no tokenizer.json or vocab.txt")
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        ids = {name: self.tokenizer.token_to_id(settings.get(f"{name}_token", f"[{name.upper()}]"))
               for name in ("cls", "sep", "unk", "mask")}
        if None in (ids["cls"], ids["sep"], ids["unk"]):
            raise UnsupportedModel("the vocabulary has no [CLS], [SEP] or [UNK] piece")
        self.cls_id, self.sep_id, self.unk_id, self.mask_id = ids["cls"], ids["sep"], ids["unk"], ids["mask"]

    def __len__(self) -> int:
        return self.tokenizer.get_vocab_size()

    def pieces_of(self, words: list[str]) -> list[list[int]]:
        """Piece ids of each word on its own (a word the tokenizer drops entirely becomes [UNK])."""
        encoded = self.tokenizer.encode_batch(words, add_special_tokens=False) if words else []
        return [e.ids or [self.unk_id] for e in encoded]

    def tokens(self, ids: list[int]) -> list[str]:
        return [self.tokenizer.id_to_token(i) for i in ids]
