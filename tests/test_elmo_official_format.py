"""ELMo loads the official AllenNLP/bilm-tf files: checked against an independent NumPy re-implementation.

The weight file is written here with h5py in the official layout (names, TF shapes, gate order
i, j, f, o, forget bias added at run time), never through our own exporter, and a plain NumPy
forward pass of bilm-tf's equations is compared with what our PyTorch model computes.
"""
from __future__ import annotations

import json

import h5py
import numpy as np
import pytest

from engine import EncoderUnavailable
from engine.encoders.elmo import (
    BOS_CHAR,
    EOS_CHAR,
    SMALL_OPTIONS,
    ElmoBiLM,
    ElmoEncoder,
    marker_char_ids,
    word_char_ids,
)
from engine.encoders.elmo_hdf5 import save_hdf5

OPTIONS = {
    "char_cnn": {"activation": "relu", "embedding": {"dim": 4}, "filters": [[1, 4], [2, 8], [3, 4]],
                 "max_characters_per_token": 50, "n_characters": 262, "n_highway": 2},
    "lstm": {"cell_clip": 0.5, "dim": 16, "n_layers": 2, "proj_clip": 0.3, "projection_dim": 8,
             "use_skip_connections": True},
}
WORDS = ["Colourless", "green", "ideas", "sleep", "furiously", "."]


def official_arrays(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random weights named and shaped exactly as in bilm-tf's HDF5 files."""
    cnn, lstm = OPTIONS["char_cnn"], OPTIONS["lstm"]
    char_dim, n_filters = cnn["embedding"]["dim"], sum(n for _, n in cnn["filters"])
    r = lambda *shape: rng.normal(0, 0.5, shape).astype(np.float32)  # noqa: E731
    arrays = {"char_embed": r(cnn["n_characters"] - 1, char_dim)}
    for k, (width, n) in enumerate(cnn["filters"]):
        arrays[f"CNN/W_cnn_{k}"], arrays[f"CNN/b_cnn_{k}"] = r(1, width, char_dim, n), r(n)
    for k in range(cnn["n_highway"]):
        for part in ("carry", "transform"):
            arrays[f"CNN_high_{k}/W_{part}"], arrays[f"CNN_high_{k}/b_{part}"] = r(n_filters, n_filters), r(n_filters)
    arrays["CNN_proj/W_proj"], arrays["CNN_proj/b_proj"] = r(n_filters, lstm["projection_dim"]), r(lstm["projection_dim"])
    for direction in range(2):
        for layer in range(lstm["n_layers"]):
            prefix = f"RNN_{direction}/RNN/MultiRNNCell/Cell{layer}/LSTMCell"
            arrays[f"{prefix}/W_0"] = r(2 * lstm["projection_dim"], 4 * lstm["dim"])
            arrays[f"{prefix}/B"] = r(4 * lstm["dim"])
            arrays[f"{prefix}/W_P_0"] = r(lstm["dim"], lstm["projection_dim"])
    return arrays


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def reference_token_vectors(a: dict[str, np.ndarray], char_ids: np.ndarray) -> np.ndarray:
    """bilm-tf's char CNN, highway and projection, in NumPy."""
    table = np.vstack([np.zeros_like(a["char_embed"][:1]), a["char_embed"]])
    chars = table[char_ids]  # (T, 50, char_dim)
    pooled = []
    for k, (width, _) in enumerate(OPTIONS["char_cnn"]["filters"]):
        kernel = a[f"CNN/W_cnn_{k}"][0]  # (width, char_dim, n)
        windows = np.stack([chars[:, p : p + width] for p in range(chars.shape[1] - width + 1)], axis=1)
        conv = np.einsum("tpwc,wcn->tpn", windows, kernel) + a[f"CNN/b_cnn_{k}"]
        pooled.append(np.maximum(conv.max(axis=1), 0))
    x = np.concatenate(pooled, axis=-1)
    for k in range(OPTIONS["char_cnn"]["n_highway"]):
        carry = sigmoid(x @ a[f"CNN_high_{k}/W_carry"] + a[f"CNN_high_{k}/b_carry"])
        transform = np.maximum(x @ a[f"CNN_high_{k}/W_transform"] + a[f"CNN_high_{k}/b_transform"], 0)
        x = carry * transform + (1 - carry) * x
    return x @ a["CNN_proj/W_proj"] + a["CNN_proj/b_proj"]


def reference_lstm(a: dict[str, np.ndarray], prefix: str, inputs: np.ndarray) -> np.ndarray:
    """TF LSTMCell with projection and clipping; gates i, j, f, o; forget bias 1.0."""
    lstm = OPTIONS["lstm"]
    h, c, outputs = np.zeros(lstm["projection_dim"]), np.zeros(lstm["dim"]), []
    for x in inputs:
        i, j, f, o = np.split(np.concatenate([x, h]) @ a[f"{prefix}/W_0"] + a[f"{prefix}/B"], 4)
        c = np.clip(sigmoid(f + 1.0) * c + sigmoid(i) * np.tanh(j), -lstm["cell_clip"], lstm["cell_clip"])
        h = np.clip((sigmoid(o) * np.tanh(c)) @ a[f"{prefix}/W_P_0"], -lstm["proj_clip"], lstm["proj_clip"])
        outputs.append(h)
    return np.array(outputs)


def reference_layers(a: dict[str, np.ndarray], words: list[str]) -> list[np.ndarray]:
    ids = np.array([marker_char_ids(BOS_CHAR, 50)] + [word_char_ids(w, 50) for w in words] + [marker_char_ids(EOS_CHAR, 50)])
    tokens = reference_token_vectors(a, ids)
    layers = [np.concatenate([tokens, tokens], axis=-1)]
    forward, backward = tokens, tokens[::-1]
    for layer in range(OPTIONS["lstm"]["n_layers"]):
        new_forward = reference_lstm(a, f"RNN_0/RNN/MultiRNNCell/Cell{layer}/LSTMCell", forward)
        new_backward = reference_lstm(a, f"RNN_1/RNN/MultiRNNCell/Cell{layer}/LSTMCell", backward)
        if layer > 0:  # skip connections from the second layer on
            new_forward, new_backward = new_forward + forward, new_backward + backward
        forward, backward = new_forward, new_backward
        layers.append(np.concatenate([forward, backward[::-1]], axis=-1))
    return [layer[1:-1] for layer in layers]  # drop <S> and </S>


@pytest.fixture()
def official_files(tmp_path):
    arrays = official_arrays(np.random.default_rng(7))
    weights, options = tmp_path / "weights.hdf5", tmp_path / "options.json"
    with h5py.File(weights, "w") as handle:
        for name, array in arrays.items():
            handle.create_dataset(name, data=array)
    options.write_text(json.dumps(OPTIONS))
    return arrays, options, weights


def test_official_files_load_through_the_settings(official_files, monkeypatch):
    arrays, options, weights = official_files
    monkeypatch.setenv("ELMO_OPTIONS", str(options))
    monkeypatch.setenv("ELMO_WEIGHTS", str(weights))
    encoder = ElmoEncoder.from_settings()
    (encoded,) = encoder.encode([WORDS])
    expected = reference_layers({k: v.astype(np.float64) for k, v in arrays.items()}, WORDS)
    for layer, reference in enumerate(expected):
        np.testing.assert_allclose(encoded.vectors[layer], reference, atol=2e-4, err_msg=encoder.layer_names[layer])
    assert "Official ELMo" in encoder.description


def test_our_exporter_writes_what_the_loader_reads(tmp_path):
    import torch

    torch.manual_seed(3)
    model = ElmoBiLM(SMALL_OPTIONS).eval()
    path = tmp_path / "exported.hdf5"
    save_hdf5(model, path)
    (tmp_path / "options.json").write_text(json.dumps(SMALL_OPTIONS))
    loaded = ElmoEncoder.from_official(tmp_path / "options.json", path)
    original = ElmoEncoder(model, "original").encode([WORDS])[0].vectors
    np.testing.assert_allclose(loaded.encode([WORDS])[0].vectors, original, atol=1e-5)


def test_options_and_weights_that_do_not_belong_together(official_files, tmp_path):
    _, _, weights = official_files
    (tmp_path / "other.json").write_text(json.dumps(SMALL_OPTIONS))
    with pytest.raises(EncoderUnavailable, match="do not belong together|not an ELMo weight file"):
        ElmoEncoder.from_official(tmp_path / "other.json", weights)


def test_only_one_of_the_two_settings(monkeypatch, official_files):
    monkeypatch.setenv("ELMO_OPTIONS", str(official_files[1]))
    monkeypatch.delenv("ELMO_WEIGHTS", raising=False)
    with pytest.raises(EncoderUnavailable, match="both"):
        ElmoEncoder.from_settings()
