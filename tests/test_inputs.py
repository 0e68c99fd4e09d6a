"""The Inputs page and what it needs from the engine: sinusoids, WordPiece, learned positions, characters, order."""
from __future__ import annotations

import math
from urllib.parse import quote

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import engine
from engine import load_encoder
from engine.corpus.conllu import read_conllu
from engine.inputs.order import order_change, order_experiment, shuffled_order
from engine.inputs.positions import cosine_by_offset, dot_by_offset
from engine.inputs.scripts import pieces_per_script
from engine.inputs.spelling import edit_distance, nearest_words
from engine.settings import EWT_DEV
from tests.browser import ROOT, exceptions_on, open_page, screenshot, wait_until_idle

PAGE = str(ROOT / "pages" / "4_Inputs.py")


# --- positions -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, dim", [(1, 2), (50, 16), (512, 384), (7, 5)])
def test_sinusoids_follow_the_formula_of_vaswani_et_al(n, dim):
    table = engine.sinusoidal_positions(n, dim)
    assert table.shape == (n, dim) and table.dtype == np.float32
    for p in range(0, n, max(1, n // 7)):
        for k in range(dim):
            angle = p / 10000 ** ((k - k % 2) / dim)  # written out term by term, independently of the module
            assert table[p, k] == pytest.approx(math.sin(angle) if k % 2 == 0 else math.cos(angle), abs=1e-6)


def test_a_sinusoid_dot_product_depends_on_the_offset_only_and_peaks_at_zero():
    table = engine.sinusoidal_positions(200, 64).astype(np.float64)
    products = table @ table.T
    for offset in (1, 5, 17):
        diagonal = np.diagonal(products, offset=offset)
        assert np.ptp(diagonal) < 1e-4  # the same at every position
    curve = dot_by_offset(table, 30)
    assert curve[0] == pytest.approx(32.0, abs=1e-4) and curve[0] > curve[1:].max()


@pytest.fixture(scope="module")
def bert():
    return load_encoder("bert")


def test_bert_learned_its_positions(bert):
    table = bert.position_embeddings()
    assert table.shape == (512, bert.dim)
    assert not np.allclose(table[:64], engine.sinusoidal_positions(64, bert.dim), atol=0.05), "not sinusoids"
    curve = cosine_by_offset(table, 20)
    assert curve[0] == pytest.approx(1.0) and curve[1] > curve[20], "near positions are more alike than far ones"


# --- WordPiece -------------------------------------------------------------------------------------------------------

def test_wordpieces_are_the_tokenizers_own(bert):
    from tokenizers import Tokenizer

    reference = Tokenizer.from_file(str(next(p for p in bert.weight_files if p.name == "tokenizer.json")))
    reference.no_padding()
    reference.no_truncation()
    words = ["unbelievably", "Bank", "riverbank", "qzxv", "銀行", "naïve", "2026"]
    expected = [reference.encode(word, add_special_tokens=False).tokens or [bert.unknown_piece] for word in words]
    assert bert.wordpieces(words) == expected
    assert bert.wordpieces(["unbelievably"])[0][1].startswith("##")
    assert bert.unknown_piece in bert.wordpieces(["銀"])[0]


def test_the_vocabulary_covers_few_chinese_characters(bert):
    counts = pieces_per_script(bert.vocabulary())
    assert len(bert.vocabulary()) == bert.vocabulary_size == 30_522
    assert 100 < counts["Chinese characters (CJK)"] < 2_000  # a few hundred of the 20,992: English vocabulary


def test_the_input_sum_is_what_the_first_layer_reads(bert):
    parts = bert.input_parts(["The", "bank", "closed"])
    assert parts.pieces == ["[CLS]", "the", "bank", "closed", "[SEP]"]
    np.testing.assert_allclose(parts.position, bert.position_embeddings()[:5])
    assert np.allclose(parts.segment, parts.segment[0]), "one segment: the same vector for every piece"
    first_layer_input = bert.encode([["The", "bank", "closed"]])[0].vectors[0]  # one piece per word here
    np.testing.assert_allclose(parts.summed[1:4], first_layer_input, atol=1e-5)
    without = bert.encode([["The", "bank", "closed"]], positions=False)[0].vectors[0]
    assert not np.allclose(without, first_layer_input, atol=1e-3), "positions are part of the sum"


# --- word order ------------------------------------------------------------------------------------------------------

def _held_out_sentences(n: int = 6) -> list[list[str]]:
    sentences = [s.forms for s in read_conllu(EWT_DEV) if 8 <= len(s.forms) <= 25]
    return [list(sentences[i]) for i in np.linspace(0, len(sentences) - 1, n).astype(int)]


def test_bert_without_positions_is_order_blind_and_with_them_is_not(bert):
    for k, words in enumerate(_held_out_sentences()):
        order = shuffled_order(len(words), seed=k)
        blind = order_change(bert, words, order, positions=False)
        seeing = order_change(bert, words, order)
        assert blind.largest < 1e-5, (words, blind)
        assert seeing.change > 0.01, (words, seeing)


def test_shuffling_moves_contextual_vectors_and_never_static_ones():
    words = _held_out_sentences(1)[0]
    results = {(r.encoder, r.positions): r for r in order_experiment(
        [load_encoder(name) for name in engine.ENCODER_NAMES], words)}
    assert results[("static", True)].largest < 1e-6
    for name in ("bilstm", "elmo", "bert"):
        assert results[(name, True)].change > 0.01, name
    assert results[("bert", False)].largest < 1e-5


# --- characters ------------------------------------------------------------------------------------------------------

def test_elmo_reads_bytes_and_places_any_string():
    elmo = load_encoder("elmo")
    assert elmo.character_ids("bank") == [259, 99, 98, 111, 108, 260]
    reading = elmo.word_reading("naïve")
    assert reading.units == ["⟨start⟩", "n", "a", "0xC3", "0xAF", "v", "e", "⟨end⟩"]
    vectors = elmo.token_vectors(["blorf", "recieve", "銀行", "bank"])
    assert vectors.shape == (4, 128) and (np.linalg.norm(vectors, axis=1) > 0).all()
    assert "Cut" in elmo.word_reading("x" * 80).note


def test_glove_says_which_words_it_does_not_know():
    static = load_encoder("static")
    assert static.word_reading("bank").unknown == [False]
    assert static.word_reading("blorfington").unknown == [True]


def test_spelling_helpers():
    assert edit_distance("bank", "bunk") == 1 and edit_distance("kitten", "sitting") == 3
    table = np.eye(3, dtype=np.float32)
    found = nearest_words("a", np.array([1.0, 0.2, 0.0]), ["a", "b", "c"], table, k=2)
    assert [n.word for n in found] == ["b", "c"], "the query itself is never its own neighbour"


def test_character_models_are_smaller_than_word_tables():
    sizes = {name: load_encoder(name).parameter_count() for name in engine.ENCODER_NAMES}
    assert sizes["elmo"] < sizes["static"] / 4 and sizes["elmo"] < sizes["bert"] / 4


# --- the page --------------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_page_keeps_every_word_typed_and_explains_unknown_ones():
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    app.switch_page("pages/4_Inputs.py").run()
    assert not app.exception, [e.message for e in app.exception]
    for word in ("blorf", "recieve", "銀行", "bank"):
        app.text_input(key="inputs.word:widget").set_value(word).run()
        assert not app.exception, [e.message for e in app.exception]
        assert app.query_params["word"] == word
    app.text_input(key="inputs.word:widget").set_value("blorf").run()
    assert any("GloVe has no vector" in w.value for w in app.warning)
    app.text_area(key="inputs.sentence:widget").set_value("我们去银行").run()
    assert not app.exception and app.query_params["sentence"] == "我们去银行"
    app.query_params.clear()
    app.switch_page("pages/1_Word_in_context.py").run()
    app.query_params.clear()
    app.switch_page("pages/4_Inputs.py").run()
    assert app.text_input(key="inputs.word:widget").value == "blorf"
    assert app.text_area(key="inputs.sentence:widget").value == "我们去银行"


def test_inputs_page_in_the_browser(app_server, browser):
    for word, sentence in (("recieve", "The bank raised its rates."), ("銀行", "我们去银行。"),
                           ("blorf", " ".join(["word"] * 200))):
        visit = open_page(browser, f"{app_server.url}/Inputs?word={quote(word)}&sentence={quote(sentence)}")
        wait_until_idle(visit.page, ready=".js-plotly-plot", timeout=300)
        assert exceptions_on(visit.page) == [], word
        assert visit.external_requests() == []
        screenshot(visit.page, f"inputs-{len(sentence)}")
        visit.page.context.close()


# --- the notes, claim by claim (home page) ---------------------------------------------------------------------------

def test_the_shipped_claims_are_what_the_shipped_files_say_now():
    from engine.claims import claims, shipped_claims

    assert shipped_claims() == claims(), "rebuild with `python -m engine.claims`"
    verdicts = " ".join(claim.verdict for claim in claims())
    assert "not measured" not in verdicts and "BiLSTM 2.9 words" in verdicts


def test_home_says_glove_has_no_vector_for_a_made_up_word_instead_of_drawing_zero():
    app = AppTest.from_file(str(ROOT / "ui" / "home.py"), default_timeout=200)
    app.query_params.update({"a": "The blorf was wet.", "b": "A blorf sang.", "word": "blorf"})
    app.run()
    assert not app.exception
    assert any("has no vector" in box.value for box in app.info)
    assert not any(row["encoder"] == "Static (GloVe)" for row in app.dataframe[0].value.to_dict("records"))
    assert len(app.table) == 1 and len(app.table[0].value) == 11
