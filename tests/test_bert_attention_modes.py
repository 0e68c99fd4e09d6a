"""BERT's attention maps: computed on first read by default, or in the batched pass when asked; same numbers."""
import copy
import pickle

import numpy as np

from engine import Encoded, load_encoder

SENTENCES = ["The bank raised its rates.", "Unbelievably, the tokenisation of long words differs a lot.", "Hi"]


def test_lazy_attention_equals_batched_attention():
    bert = load_encoder("bert")
    lazy = bert.encode(SENTENCES)
    eager = bert.encode(SENTENCES, attentions=True)
    for a, b in zip(lazy, eager):
        np.testing.assert_allclose(a.vectors, b.vectors, atol=1e-4)  # SDPA and eager kernels agree
        np.testing.assert_allclose(a.attentions, b.attentions, atol=1e-5)  # padding in the batch changes nothing
        np.testing.assert_allclose(a.piece_attentions, b.piece_attentions, atol=1e-5)
        n_layers, n_heads = len(bert.layer_names) - 1, bert.n_heads
        assert a.attentions.shape == (n_layers, n_heads, len(a.words), len(a.words))


def test_pickled_and_copied_results_carry_their_attention():
    (encoded,) = load_encoder("bert").encode(SENTENCES[:1])
    for clone in (pickle.loads(pickle.dumps(encoded)), copy.deepcopy(encoded)):
        assert type(clone) is Encoded, "a plain Encoded: no reference to the model"
        assert clone.words == encoded.words
        np.testing.assert_array_equal(clone.attentions, encoded.attentions)
        np.testing.assert_array_equal(clone.vectors, encoded.vectors)
    assert len(pickle.dumps(encoded)) < 200_000, "the model is not pickled along"
