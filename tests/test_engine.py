"""The public engine API, for every encoder that ships with the project."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from engine import ENCODER_NAMES, EncoderUnavailable, InputTooLong, load_encoder, tokenize

SENTENCES = [
    "The bank raised its interest rates.",
    "We sat on the grassy bank of the river.",
    "Unbelievably, the antidisestablishmentarianism debate didn't end.",
]


@pytest.fixture(scope="module", params=ENCODER_NAMES)
def encoder(request):
    return load_encoder(request.param)


def test_encoder_names_and_public_api():
    assert ENCODER_NAMES == ("static", "bilstm", "elmo", "bert")
    assert issubclass(EncoderUnavailable, RuntimeError)
    assert load_encoder("bert") is load_encoder("bert"), "loaded once per process"


def test_attributes(encoder):
    assert encoder.name in ENCODER_NAMES
    assert encoder.layer_names and all(isinstance(n, str) for n in encoder.layer_names)
    assert isinstance(encoder.dim, int) and encoder.dim > 0
    assert isinstance(encoder.description, str) and len(encoder.description) > 40


def test_shapes_one_vector_per_word(encoder):
    results = encoder.encode(SENTENCES)
    for sentence, encoded in zip(SENTENCES, results):
        assert encoded.words == tokenize(sentence)
        assert encoded.vectors.dtype == np.float32
        assert encoded.vectors.shape == (len(encoder.layer_names), len(encoded.words), encoder.dim)
        assert np.isfinite(encoded.vectors).all()


def test_pretokenised_input_is_used_as_given(encoder):
    words = ["New York", "is", "big"]
    (encoded,) = encoder.encode([words])
    assert encoded.words == words
    assert encoded.vectors.shape[1] == 3


def test_unicode_and_empty_input(encoder):
    results = encoder.encode(["Café naïve 東京 😀 שלום e\u0301te\u0301", ""])
    assert results[0].vectors.shape[1] == len(results[0].words) == 6
    assert results[1].vectors.shape == (len(encoder.layer_names), 0, encoder.dim)


def test_deterministic_and_batch_independent(encoder):
    alone = encoder.encode([SENTENCES[1]])[0].vectors
    batched = encoder.encode(SENTENCES)[1].vectors
    again = encoder.encode([SENTENCES[1]])[0].vectors
    np.testing.assert_array_equal(alone, again)
    np.testing.assert_allclose(alone, batched, atol=1e-4)


def _bank_vectors(encoder):
    first, second = encoder.encode(SENTENCES[:2])
    return first.vectors[:, first.words.index("bank")], second.vectors[:, second.words.index("bank")]


def test_static_is_identical_across_contexts():
    a, b = _bank_vectors(load_encoder("static"))
    np.testing.assert_array_equal(a, b)
    assert np.linalg.norm(a) > 0


@pytest.mark.parametrize("name", ["bilstm", "elmo", "bert"])
def test_contextual_encoders_differ_across_contexts(name):
    a, b = _bank_vectors(load_encoder(name))
    top = len(a) - 1
    assert not np.allclose(a[top], b[top], atol=1e-3)


def test_static_flags_unknown_words():
    (encoded,) = load_encoder("static").encode(["the qzxqzxv bank"])
    assert encoded.unknown == [False, True, False]
    assert not encoded.vectors[0, 1].any()


def test_bert_pieces_are_averaged_into_words():
    bert = load_encoder("bert")
    (encoded,) = bert.encode(["unbelievably tokenisation"])
    assert encoded.pieces[0] == "[CLS]" and encoded.pieces[-1] == "[SEP]"
    assert len(encoded.pieces) > 4, "both words split into several pieces"
    owner = np.array(encoded.piece_to_word)
    assert set(owner) == {-1, 0, 1}
    # word 0's vector is the mean of its pieces' hidden states at every layer: recompute from the model
    import torch

    ids = torch.tensor([[bert.tokenizer.tokenizer.token_to_id(piece) for piece in encoded.pieces]])
    with torch.inference_mode():
        hidden, _ = bert.model(input_ids=ids)
    for layer, states in enumerate(hidden):
        expected = states[0, owner == 0].mean(0).numpy()
        np.testing.assert_allclose(encoded.vectors[layer, 0], expected, atol=1e-4)


def test_bert_word_attention_follows_clark_et_al():
    (encoded,) = load_encoder("bert").encode(["unbelievably tokenisation works"])
    owner = np.array(encoded.piece_to_word)
    pieces = encoded.piece_attentions
    layer, head = 2, 5
    expected = np.zeros((3, 3))
    for i in range(3):
        rows = pieces[layer, head, owner == i]  # attention from each piece of word i
        for j in range(3):
            expected[i, j] = rows[:, owner == j].sum(axis=1).mean()
    np.testing.assert_allclose(encoded.attentions[layer, head], expected, atol=1e-5)
    assert (encoded.attentions.sum(axis=-1) < 1.0 + 1e-5).all(), "rows are not renormalised after dropping [CLS]/[SEP]"


def test_bert_refuses_more_than_512_pieces():
    with pytest.raises(InputTooLong, match="512"):
        load_encoder("bert").encode(["word " * 600])


def test_recurrent_layers_keep_the_token_layer_cosines():
    bilstm = load_encoder("bilstm")
    (encoded,) = bilstm.encode(["river bank"])
    glove, _ = engine.encoders.glove.glove_table().vectors(["river", "bank"])
    padded = encoded.vectors[0]
    assert np.allclose(padded[:, :50], glove) and not padded[:, 50:].any()
