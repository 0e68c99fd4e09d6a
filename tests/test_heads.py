"""Head labels: well-formed, shipped for the bundled model, true on gold data the labelling never saw, and
explained on the page by the same rules that labelled them.

The re-checks use examples outside the probes' deterministic sample (EWT dev sentences and GAP development
snippets the sample skipped), so a label that only fitted its sample would fail here.
"""
from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

import engine
from engine.corpus.conllu import read_conllu
from engine.heads import labels as heads
from engine.heads.behaviour import describe_head
from engine.heads.labels import LABELS
from engine.heads.probe_data import (
    DepSentence,
    evenly_spaced,
    read_gap,
    read_semcor_passages,
    semcor_split,
    treebank_sample,
)
from engine.heads.probes import CorefTally, MeaningTally, SyntaxTally, TopicTally
from engine.heads.rules import (
    FUNCTION_WORDS,
    content_mask,
    function_words,
    pointers,
    related_in_meaning,
)
from engine.settings import EWT_DEV, EWT_TRAIN, GAP_DEVELOPMENT
from ui.heads.bertviz import (
    CHOSEN_HEAD_ID,
    MAX_CELLS,
    STATIC,
    STATIC_URL,
    VENDOR_SCRIPTS,
    chosen_head_marker,
    head_view_html,
    model_view_html,
    script_json,
)
from ui.heads.grid import grid_figure, grid_parts

PAYLOAD = "</script><img src=x onerror=window.__xss=1>"


@pytest.fixture(scope="module")
def bert():
    from engine import EncoderUnavailable, load_encoder

    try:
        return load_encoder("bert")
    except EncoderUnavailable as error:
        pytest.skip(str(error))


@pytest.fixture(scope="module")
def labels(bert):
    return engine.head_labels(bert)  # the public API


def _unseen(items: list, sample: list, n: int) -> list:
    """``n`` items evenly spread over those the probe sample did not use."""
    used = {id(item) for item in sample}
    return evenly_spaced([item for item in items if id(item) not in used], n)


def test_bundled_model_has_a_shipped_label_file(bert):
    assert (heads.SHIPPED_DIR / heads.cache_file_name(bert.fingerprint())).exists(), \
        "run `python -m engine.heads.labels --ship` and commit engine/data"


def test_one_well_formed_record_per_head(bert, labels):
    assert len(labels) == bert.n_layers * bert.n_heads == 72
    assert {(x.layer, x.head) for x in labels} == {(l, h) for l in range(1, 7) for h in range(1, 13)}
    assert "head_labels" in engine.__all__ and "HeadLabel" in engine.__all__
    for record in labels:
        assert isinstance(record, engine.HeadLabel) and record.label in LABELS
        assert set(record.scores) == set(LABELS)
        assert all(isinstance(v, float) for v in record.scores.values())
        assert isinstance(record.evidence, str) and len(record.evidence) > 20
        assert re.search(r"\d+%|[+-]\d", record.evidence), f"evidence quotes its numbers: {record.evidence}"
    found = {x.label for x in labels}
    assert {"syntax", "coreference"} <= found, "the bundled model has syntax and coreference heads"


def test_syntax_heads_beat_the_offset_baseline_on_unseen_sentences(bert, labels):
    """Each syntax head's evidence relation, on 120 EWT dev sentences outside the probe sample."""
    from engine.heads.probe_data import read_treebank

    usable = [s for s in read_treebank(EWT_DEV) if 5 <= len(s.words) <= 40]
    sample = treebank_sample(EWT_DEV, heads.SAMPLE["ewt_dev"])
    sample_words = {s.words for s in sample}
    fresh = evenly_spaced([s for s in usable if s.words not in sample_words], 120)
    tally = SyntaxTally((bert.n_layers, bert.n_heads))
    for sentence, encoded in zip(fresh, bert.encode([list(s.words) for s in fresh])):
        tally.add(sentence, encoded.attentions)
    syntax_heads = [x for x in labels if x.label == "syntax"]
    assert syntax_heads
    for record in syntax_heads:
        best = record.details["syntax"]["relations"][0]
        relation, direction = best["relation"], best["direction"]
        if tally.count[relation] < 20:
            continue
        accuracy = tally.accuracy(relation, direction)[record.layer - 1, record.head - 1]
        baseline, _ = tally.offset_baseline(relation)
        assert accuracy > baseline, (record.layer, record.head, relation, accuracy, baseline)


@pytest.mark.slow
def test_coreference_heads_beat_the_nearer_name_on_unseen_snippets(bert, labels):
    """On 60 GAP development snippets outside the probe sample: every coreference head beats picking the nearer
    name, and the best one by at least 10 points."""
    examples, _ = read_gap(GAP_DEVELOPMENT)
    fresh = _unseen(examples, evenly_spaced(examples, heads.SAMPLE["gap_development"]), 60)
    tally = CorefTally((bert.n_layers, bert.n_heads))
    for example, encoded in zip(fresh, bert.encode([list(e.words) for e in fresh])):
        tally.add(example, encoded.attentions)
    accuracy, baseline = tally.accuracy(), tally.baseline()
    coref = [accuracy[x.layer - 1, x.head - 1] for x in labels if x.label == "coreference"]
    assert coref and min(coref) > baseline, (coref, baseline)
    assert max(coref) >= baseline + 0.10
    assert max(coref) >= accuracy.max() - 0.05, "the best coreference-labelled head is near the model's best"


@pytest.mark.slow
def test_meaning_and_topic_heads_hold_on_unseen_passages(bert, labels):
    """On 80 SemCor passages outside both probe samples: every meaning head points at a related word far more often
    than the best fixed offset, and every topic head stays broad with its same-field excess over the held-out bar."""
    passages = read_semcor_passages()
    labelling, confirmation = semcor_split(passages)
    sample = evenly_spaced(labelling, heads.SAMPLE["semcor_label"]) + \
        evenly_spaced(confirmation, heads.SAMPLE["semcor_confirm"])
    fresh = _unseen(passages, sample, 80)
    meaning, topic = MeaningTally((bert.n_layers, bert.n_heads)), TopicTally((bert.n_layers, bert.n_heads))
    for passage, encoded in zip(fresh, bert.encode([list(p.words) for p in fresh])):
        meaning.add(passage, encoded.attentions)
        topic.add(passage, encoded.attentions)
    baseline, _ = meaning.offset_baseline()
    means = topic.means()
    for record in labels:
        head = record.layer - 1, record.head - 1
        if record.label == "meaning":
            assert meaning.accuracy()[head] >= baseline + heads.BARS["meaning"][0] / 100, (head, baseline)
        if record.label == "topic":
            assert means["spread"][head] >= heads.BROAD_SPREAD - 0.05 and means["content_excess"][head] >= 0, head
            assert means["field_excess"][head] >= heads.BARS["topic"][1] / 100, head


def test_syntax_tally_scores_a_head_that_follows_the_tree():
    """A fake head that always attends from a dependent to its head scores 100% dependent→head."""
    sentence = DepSentence(words=("the", "cat", "saw", "a", "dog"), heads=(1, 2, -1, 4, 2),
                           relations=("det", "nsubj", "root", "det", "obj"))
    attention = np.full((1, 2, 5, 5), 0.01)
    for dependent, head in enumerate(sentence.heads):
        if head >= 0:
            attention[0, 0, dependent, head] = 0.9  # head 0 follows the tree; head 1 is uniform
    tally = SyntaxTally((1, 2))
    tally.add(sentence, attention)
    assert tally.accuracy("det", "dependent→head")[0, 0] == 1.0
    assert tally.accuracy("obj", "dependent→head")[0, 0] == 1.0
    assert tally.offset_baseline("det") == (1.0, 1)
    assert pointers(attention)[0, 0, 2] != 2, "a word never points at itself"


def test_gap_offsets_land_on_our_words():
    examples, skipped = read_gap(GAP_DEVELOPMENT)
    assert len(examples) > 1700 and skipped < 300
    for example in examples[:200]:
        assert example.words[example.pronoun].lower() in {"he", "she", "his", "her", "him", "hers"}
        assert all(example.candidates) and example.pronoun not in example.candidates[0] + example.candidates[1]


# --- one set of rules for labelling a head and explaining it ---------------------------------------------------


def test_function_words_are_the_closed_classes_of_ewt_train():
    tagged = (pair for sentence in read_conllu(EWT_TRAIN) for pair in zip(sentence.forms, sentence.upos))
    assert function_words(tagged) == FUNCTION_WORDS


def test_content_words_of_a_sentence_without_gold_tags():
    words = "The bank raised its rates , so customers moved their savings from the bank to a credit union .".split()
    assert [w for w, content in zip(words, content_mask(words)) if content] == \
        ["bank", "raised", "rates", "so", "customers", "moved", "savings", "bank", "credit", "union"]  # "so": ADV
    same_word, related = related_in_meaning(words)
    assert same_word[1, 13] and related[1, 13] and related[13, 1], "bank ... bank"
    assert not related[0, 12], "The ... the: function words are never related"
    assert not related.diagonal().any()


@pytest.fixture(scope="module")
def labelling_passage(bert):
    """A SemCor passage of the meaning and topic probes' labelling sample, encoded."""
    labelling, _ = semcor_split(read_semcor_passages())
    passage = evenly_spaced(labelling, heads.SAMPLE["semcor_label"])[0]
    return passage, bert.encode([list(passage.words)])[0]


def test_page_explains_meaning_with_the_labelling_rule(bert, labelling_passage):
    """On a passage the labels were measured on, for every head: the words the page marks as pointing at a relative
    are the meaning probe's hits, and its count of words with a relative is the probe's number of queries."""
    passage, encoded = labelling_passage
    tally = MeaningTally((bert.n_layers, bert.n_heads))
    tally.add(passage, encoded.attentions)
    assert tally.count >= 5
    for layer in range(bert.n_layers):
        for head in range(bert.n_heads):
            explained = describe_head(encoded, layer, head, "meaning")
            marked = sum(row["related in meaning"] == "✓" for row in explained.rows)
            assert marked == tally.hits[layer, head]
            assert f"of the {tally.count} content words that have a relative" in explained.summary


def test_page_explains_topic_with_the_labelling_rule(bert, labelling_passage):
    """The page's topic table lists exactly the passage's content words the topic probe measures, with its spread."""
    passage, encoded = labelling_passage
    tally = TopicTally((bert.n_layers, bert.n_heads))
    tally.add(passage, encoded.attentions)
    content = [w for w, is_content in zip(passage.words, content_mask(passage.words)) if is_content]
    spread = tally.means()["spread"]
    for layer, head in ((0, 0), (3, 7), (5, 11)):
        rows = describe_head(encoded, layer, head, "topic").rows
        assert [row["word"] for row in rows] == content and len(rows) == tally.count
        assert abs(np.mean([row["spread over content words"] for row in rows]) - spread[layer, head]) <= 0.005


# --- bertviz HTML ------------------------------------------------------------------------------------------------


def test_script_json_cannot_close_the_script_element():
    text = script_json({"tokens": [PAYLOAD, "a & b", "\u2028"]})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"tokens": [PAYLOAD, "a & b", "\u2028"]}


@pytest.mark.parametrize("view", ["head", "model"])
def test_bertviz_html_is_offline_and_escapes_tokens(view):
    tokens = ["it", PAYLOAD, "<b>bold</b>"]
    attention = np.random.default_rng(0).random((2, 3, 3, 3))
    colours = [["#d62728"] * 3] * 2
    html = head_view_html(attention, tokens, 1) if view == "head" else model_view_html(attention, tokens, colours)
    assert PAYLOAD not in html and "<b>bold</b>" not in html
    assert "\\u003c/script\\u003e\\u003cimg" in html
    assert "cdnjs" not in html and "cdn." not in html, "no library is fetched from a CDN"
    assert html.lower().count("</script") == 5, "only our own five scripts end: 3 libraries, the shim, the view"
    for name in VENDOR_SCRIPTS:  # from the app's own server, where static/ is served
        assert f'src="{STATIC_URL}/{name}"' in html and (STATIC / name).stat().st_size > 10_000


def _view_params(html: str) -> tuple[dict, np.ndarray]:
    """The parameters a head view's document gives bertviz's script, and the attention it unpacks into them."""
    params, packed = re.search(r"const params = unpackAttention\((\{.*\}), (\{\"bytes\".*\})\); // HACK", html).groups()
    packed = json.loads(packed)
    levels = np.frombuffer(base64.b64decode(packed["bytes"]), dtype=np.uint8).reshape(packed["shape"])
    return json.loads(params), levels / 255


def test_head_view_document_is_the_same_for_every_head_and_holds_every_layer_that_fits():
    tokens = ["the", "cat", "sat"]
    attention = np.random.default_rng(1).random((6, 12, 3, 3))
    html = head_view_html(attention, tokens, 2)
    assert html == head_view_html(attention, tokens, 4), "the chosen head is not in the document: no reload"
    params, values = _view_params(html)
    assert params["include_layers"] == [1, 2, 3, 4, 5, 6] and np.abs(values - attention).max() <= 0.5 / 255
    assert params["attention"][0]["left_text"] == tokens and params["attention"][0]["attn"] == []
    assert params["chosen_head_id"] == CHOSEN_HEAD_ID and f'id="{CHOSEN_HEAD_ID}"' in chosen_head_marker(3, 7)
    assert 'data-layer="3" data-head="7"' in chosen_head_marker(3, 7)
    # Too many attention values for every layer: the chosen layer alone (a new document per layer, as before).
    tokens = [f"w{i}" for i in range(80)]
    attention = np.full((6, 12, 80, 80), 1 / 80)
    assert attention.size > MAX_CELLS >= attention[0].size
    params, values = _view_params(head_view_html(attention, tokens, 2))
    assert params["include_layers"] == [3] and values.shape == (1, 12, 80, 80)


def test_another_model_is_labelled_on_first_use_and_cached(bert, tmp_path, monkeypatch):
    """What a model loaded through BERT_MODEL goes through (on a tiny sample, to stay quick): measured with
    progress, written under its fingerprint, and read back from disk the second time."""
    monkeypatch.setattr(heads, "SAMPLE", {"ewt_train": 16, "ewt_dev": 8, "gap_development": 4,
                                         "gap_validation": 4, "semcor_label": 2, "semcor_confirm": 2})
    monkeypatch.setattr(heads, "SHIPPED_DIR", tmp_path / "shipped")
    monkeypatch.setattr(heads, "CACHE_DIR", tmp_path / "cache")
    calls = []
    first = heads.head_report(bert, lambda done, total, stage: calls.append((done, total, stage)))
    assert calls and calls[-1][0] == calls[-1][1] == 36
    assert (tmp_path / "cache" / heads.cache_file_name(bert.fingerprint())).exists()
    assert len(first.labels) == 72 and first.meta["examples"]["syntax_label"] == 16
    calls.clear()
    second = heads.head_report(bert, lambda *args: calls.append(args))
    assert calls == [] and second.labels == first.labels


def test_grid_frames_every_head_and_can_draw_the_chosen_one_black():
    attention = np.random.default_rng(0).random((2, 3, 4, 4))
    labels = {(1, 1): "syntax", (2, 3): "coreference"}
    parts = grid_parts(attention, ["a", "<b>", "c", "d"], labels, {"syntax", "other"},
                       np.ones((2, 3, 2), dtype=int))  # every head's strongest link: "<b>" to itself
    assert parts.tiles == [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2)], "the coreference head is filtered out"
    assert "strongest link here: <b> → <b> (" in parts.hovers[0][2], "the tooltip's lines are plain text"
    tiles = grid_figure(parts).data[-1]
    assert "&lt;b&gt; → &lt;b&gt;" in tiles.hovertext[0] and "<b>" not in tiles.hovertext[0], "the figure escapes"
    plain = grid_figure(parts).layout.shapes
    assert len(plain) == 6 and all(shape.line.color != "black" for shape in plain)
    assert plain[5].opacity == 0, "a filtered-out head's frame is hidden"
    chosen = grid_figure(parts, (2, 3)).layout.shapes
    assert chosen[5].line.color == "black" and chosen[5].opacity == 1
