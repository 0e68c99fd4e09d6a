"""engine.encoders.bert_model against transformers (a dependency of the bundled model's package) on the bundled checkpoint."""
from __future__ import annotations

import json
import shutil

import pytest
import torch
from safetensors.torch import load_file, save_file

from engine import EncoderUnavailable
from engine.encoders.bert import BertEncoder, bundled_model_dir
from engine.encoders.bert_model import WordPieces, load_bert

WORDS = ["The", "naïve", "café", "owner", "banked", "on", "unbelievably", "große", "profits", "…", "北京", "!", "x" * 60]


@pytest.fixture(scope="module")
def folder():
    return bundled_model_dir()


@pytest.fixture(scope="module")
def reference(folder):
    from transformers import AutoModel

    return AutoModel.from_pretrained(folder, attn_implementation="eager").eval()


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    ids = torch.tensor([[101, 1996, 2924, 2001, 2701, 1012, 102, 0, 0], [101, 2002, 7016, 2006, 1996, 2314, 2924, 102, 0]])
    return ids, (ids != 0).long()


@pytest.mark.parametrize("attentions", [False, True], ids=["fused-kernel", "step-by-step"])
def test_hidden_states_and_attention_equal_transformers(folder, reference, attentions):
    ids, mask = _batch()
    with torch.inference_mode():
        hidden, maps = load_bert(folder)(ids, mask, attentions=attentions)
        expected = reference(input_ids=ids, attention_mask=mask, output_hidden_states=True, output_attentions=True)
    real = mask.bool()
    assert len(hidden) == len(expected.hidden_states) == 7
    for ours, theirs in zip(hidden, expected.hidden_states):
        torch.testing.assert_close(ours[real], theirs[real], atol=1e-4, rtol=1e-4)  # padded rows are never read
    assert len(maps) == (6 if attentions else 0)
    for ours, theirs in zip(maps, expected.attentions):
        torch.testing.assert_close(ours[0, :, :7, :7], theirs[0, :, :7, :7], atol=1e-5, rtol=1e-4)


def test_word_pieces_equal_the_transformers_tokenizer_from_either_file(folder, tmp_path):
    from transformers import AutoTokenizer

    expected = AutoTokenizer.from_pretrained(folder)(WORDS, add_special_tokens=False)["input_ids"]
    assert WordPieces(folder).pieces_of(WORDS) == expected
    for name in ("config.json", "vocab.txt", "tokenizer_config.json"):  # no tokenizer.json: built from vocab.txt
        shutil.copy(folder / name, tmp_path / name)
    from_vocab = WordPieces(tmp_path)
    assert from_vocab.pieces_of(WORDS) == expected
    assert from_vocab.tokens([from_vocab.cls_id, from_vocab.sep_id]) == ["[CLS]", "[SEP]"]


def test_task_checkpoints_and_old_names_load(folder, tmp_path):
    """A BertFor... checkpoint prefixes "bert." and old ones say gamma/beta; extra tensors (heads) are ignored."""
    renamed = {}
    for name, tensor in load_file(folder / "model.safetensors").items():
        name = name.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        renamed[f"bert.{name}"] = tensor
    renamed["cls.predictions.bias"] = torch.zeros(3)
    save_file(renamed, tmp_path / "model.safetensors")
    shutil.copy(folder / "config.json", tmp_path / "config.json")
    ids, mask = _batch()
    with torch.inference_mode():
        torch.testing.assert_close(load_bert(tmp_path)(ids, mask)[0][-1], load_bert(folder)(ids, mask)[0][-1])


@pytest.mark.parametrize("change, message", [
    ({"model_type": "roberta"}, "model_type is 'roberta'"),
    ({"position_embedding_type": "relative_key"}, "relative_key"),
])
def test_other_architectures_are_refused_with_the_reason(folder, tmp_path, change, message):
    for name in ("model.safetensors", "tokenizer.json", "tokenizer_config.json"):
        (tmp_path / name).symlink_to(folder / name)
    config = json.loads((folder / "config.json").read_text()) | change
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(EncoderUnavailable, match=message):
        BertEncoder(str(tmp_path))


def test_missing_tensors_and_unknown_names_are_refused(folder, tmp_path):
    shutil.copy(folder / "config.json", tmp_path / "config.json")
    shutil.copy(folder / "tokenizer.json", tmp_path / "tokenizer.json")
    weights = load_file(folder / "model.safetensors")
    del weights["encoder.layer.5.output.dense.weight"]
    save_file(weights, tmp_path / "model.safetensors")
    with pytest.raises(EncoderUnavailable, match="lack 1 BERT tensors"):
        BertEncoder(str(tmp_path))
    with pytest.raises(EncoderUnavailable, match="Hugging Face cache"):
        BertEncoder("no-such-user/no-such-model")
