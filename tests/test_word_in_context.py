"""The Word-in-context view: occurrences, measures, projections, presets, corpus search, the page and the browser."""
from __future__ import annotations

import base64
import json
import re
import time
from itertools import combinations
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest

from engine.tokenize import tokenize
from engine.word_in_context.context_vectors import ContextVectors
from engine.word_in_context.corpus_index import (
    CORPUS_INDEX_FILE,
    build_corpus_index,
    corpus_index,
)
from engine.word_in_context.measures import (
    centroid_accuracy,
    layer_measures,
    mean_pairwise_cosine,
    nearest_neighbours,
)
from engine.word_in_context.occurrences import (
    ContextInputError,
    ContextLine,
    find_occurrences,
    format_lines,
    parse_lines,
    parse_target,
    word_spans,
)
from engine.word_in_context.presets import PRESETS_FILE, build_presets, load_presets
from engine.word_in_context.projection import pca, project
from engine.word_in_context.word_forms import (
    WORD_FORMS_FILE,
    build_word_forms,
    word_forms,
)
from tests.browser import exceptions_on, open_page, screenshot, wait_until_idle

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "1_Word_in_context.py")


# --- occurrences ------------------------------------------------------------------------------------------------

def test_every_occurrence_counts_including_two_in_one_sentence():
    lines = parse_lines("river | We sat on the bank, then walked along the bank.\nmoney | The Bank closed.\nNo word.")
    found = find_occurrences("bank", lines)
    assert [(o.sentence, o.form) for o in found.occurrences] == [(0, "bank"), (0, "bank"), (1, "Bank")]
    assert found.missing == [2]
    assert [found.label_of(o) for o in found.occurrences] == ["river", "river", "money"]


def test_inflections_match_by_choice():
    lines = [ContextLine("", text) for text in ("Two banks merged.", "The bank's vault.", "He banked left.",
                                                "A banker smiled.")]
    with_forms = find_occurrences("bank", lines, inflections=True)
    assert [o.form for o in with_forms.occurrences] == ["banks", "bank", "banked"]  # "banker" is another word
    exact = find_occurrences("bank", lines, inflections=False)
    assert [o.form for o in exact.occurrences] == ["bank"] and exact.missing == [0, 2, 3]
    assert find_occurrences("banks", lines).occurrences == with_forms.occurrences  # traced back to "bank"


def test_irregular_forms_come_from_the_gold_lemmas():
    forms = word_forms()
    assert {"mouse", "mice"} <= forms.forms_of("mice")
    assert {"run", "ran", "running"} <= forms.forms_of("ran")
    assert {"light", "lit", "lights"} <= forms.forms_of("light")
    assert "batted" in forms.forms_of("bat") and "bats" in forms.forms_of("bat")


@pytest.mark.parametrize("bad", ["", "   ", "two words", "<script>", "!!", "x" * 41])
def test_bad_target_words_get_a_message(bad):
    with pytest.raises(ContextInputError):
        parse_target(bad)


def test_lines_parse_and_format_round_trip():
    lines = parse_lines("  sense A |  One bank.  \n\nplain sentence\n| a | bar inside")
    assert lines == [ContextLine("sense A", "One bank."), ContextLine("", "plain sentence"),
                     ContextLine("", "a | bar inside")]
    assert parse_lines(format_lines(lines)) == lines


def test_word_spans_point_at_each_word_in_the_original_text():
    text = "The bank's banks, (again)."
    shown, spans = word_spans(text, tokenize(text))
    assert shown == text and [shown[a:b] for a, b in spans] == tokenize(text)


# --- measures against a straightforward re-computation ---------------------------------------------------------

def _cos(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return 0.0 if na == 0 or nb == 0 else float(a @ b / (na * nb))


def _loo_accuracy_by_hand(vectors, labels):
    """Leave one out, average the rest of each sense, pick the sense with the largest cosine (no ties here)."""
    senses = sorted({s for s in labels if labels.count(s) >= 2})
    kept = [i for i, s in enumerate(labels) if s in senses]
    right = 0
    for i in kept:
        best, best_score = None, -2.0
        for sense in senses:
            others = [vectors[j] for j in kept if j != i and labels[j] == sense]
            score = _cos(vectors[i], np.mean(others, axis=0))
            if score > best_score:
                best, best_score = sense, score
        right += best == labels[i]
    majority = max(labels.count(s) for s in senses) / len(kept)
    return right / len(kept), majority


def test_centroid_accuracy_matches_a_by_hand_computation():
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(3, 16))
    labels = ["a"] * 7 + ["b"] * 5 + ["c"] * 4 + ["lonely"] + [""] * 2
    vectors = np.stack([centres["abc".index(s)] * 0.8 + rng.normal(size=16) if s in "abc" and s else
                        rng.normal(size=16) for s in labels])
    result = centroid_accuracy(vectors, labels)
    accuracy, majority = _loo_accuracy_by_hand(vectors, [s if s not in ("", "lonely") else f"_{i}"
                                                         for i, s in enumerate(labels)])
    assert result.evaluated == 16 and result.senses == 3  # the sense seen once and unlabelled points are left out
    assert result.accuracy == pytest.approx(accuracy) and result.baseline == pytest.approx(majority)
    assert 0 < result.accuracy < 1


def test_identical_vectors_score_the_majority_baseline():
    vectors = np.tile(np.arange(1.0, 6.0), (9, 1))
    labels = ["money"] * 6 + ["river"] * 3
    result = centroid_accuracy(vectors, labels)
    assert result.accuracy == pytest.approx(6 / 9) == pytest.approx(result.baseline)
    assert centroid_accuracy(vectors, ["money"] * 9) is None  # one sense: nothing to separate


def test_self_similarity_and_anisotropy_match_double_loops():
    rng = np.random.default_rng(5)
    targets = rng.normal(size=(2, 6, 8)).astype(np.float32) + 1.0
    others = rng.normal(size=(2, 9, 8)).astype(np.float32)
    measures = layer_measures(ContextVectors("toy", ["l0", "l1"], targets, others), ["x", "x", "y", "y", "y", ""])
    for layer, measure in enumerate(measures):
        self_sim = np.mean([_cos(a, b) for a, b in combinations(targets[layer], 2)])
        anisotropy = np.mean([_cos(a, b) for a, b in combinations(others[layer], 2)])
        assert measure.self_similarity == pytest.approx(self_sim, abs=1e-6)
        assert measure.anisotropy == pytest.approx(anisotropy, abs=1e-6)
        assert measure.adjusted_self_similarity == pytest.approx(self_sim - anisotropy, abs=1e-6)
    assert [m.depth for m in measures] == [0.0, 1.0]
    assert mean_pairwise_cosine(np.ones((1, 3))) is None


def test_nearest_neighbours_are_sorted_by_cosine():
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(12, 5))
    found = nearest_neighbours(vectors, 4, k=3)
    by_hand = sorted(((_cos(vectors[4], vectors[j]), j) for j in range(12) if j != 4), reverse=True)[:3]
    assert [j for j, _ in found] == [j for _, j in by_hand]
    assert [c for _, c in found] == pytest.approx([c for c, _ in by_hand])


# --- projections ------------------------------------------------------------------------------------------------

def test_identical_vectors_collapse_to_one_point_and_few_fall_back_to_pca():
    same = project(np.tile([1.0, 2.0, 3.0], (7, 1)), dims=2)
    assert same.method == "one point" and same.distinct == 1 and not same.coords.any()
    few = project(np.eye(5)[[0, 1, 2, 0, 3]], dims=3, method="umap")  # 4 distinct vectors: UMAP is not tried
    assert few.method == "PCA" and few.coords.shape == (5, 3)
    assert np.allclose(few.coords[0], few.coords[3])


def test_pca_keeps_distances_of_points_that_lie_in_a_plane():
    rng = np.random.default_rng(2)
    plane = rng.normal(size=(2, 10))
    points = rng.normal(size=(8, 2)) @ plane
    coords = pca(points, 2)
    distance = lambda x: np.linalg.norm(x[:, None] - x[None], axis=-1)  # noqa: E731
    assert np.allclose(distance(coords), distance(points))


# --- figures ---------------------------------------------------------------------------------------------------------

def test_hover_escapes_user_text_and_bolds_only_the_occurrence():
    from ui.word_in_context.figures import hover_html

    text = "A <b>bank</b> & a river bank."
    start = text.rindex("bank")
    hover = hover_html(text, start, start + 4, "my <i>label", "typed in")
    assert "&lt;b&gt;bank&lt;/b&gt; &amp; a river <b>bank</b>." in hover
    assert "my &lt;i&gt;label" in hover and "<i>label" not in hover


def test_projection_figure_has_one_panel_per_encoder_and_one_legend_entry_per_sense():
    from ui.word_in_context.figures import Panel, Points, projection_figure

    coords = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    points = Points(["a", "b", "a"], ["h1", "h2", "h3"], ["bank", "banks", "bank"])
    panels = [Panel("static", "glove", np.zeros((3, 2)), "one vector per word form", collapsed=True),
              Panel("bilstm", method="not available", annotation="see below"),
              Panel("elmo", "lstm-1", coords, "PCA"), Panel("bert", "layer-6", coords, "UMAP")]
    figure = projection_figure(panels, points, dims=2)
    assert len(figure.layout.annotations) == 4 + 1  # four titles, one note on the unavailable panel
    assert sorted(t.name for t in figure.data if t.showlegend) == ["a", "b"]
    shared = [t for t in figure.data if t.mode == "markers+text"]
    assert len(shared) == 1 and list(shared[0].text) == ["bank / banks ×3"]
    many = Points(list("abcdefghijkl"), ["h"] * 12, ["bank"] * 12)  # more senses than 3-D has marker symbols
    spread = np.random.default_rng(0).normal(size=(12, 3))
    figure_3d = projection_figure([Panel(name, "l", spread, "UMAP") for name in ("static", "bilstm", "elmo", "bert")],
                                  many, dims=3)
    assert len([t for t in figure_3d.data if t.type == "scatter3d"]) == 4 * 12


# --- presets and the bundled corpus ---------------------------------------------------------------------------------

SOURCE = re.compile(r"^(SemCor br-[a-r]\d\d s\d+|EWT (train|dev) \S+-\d{4})$")


def test_presets_are_well_formed():
    presets = load_presets()
    assert len(presets) >= 12
    for word, preset in presets.items():
        assert 15 <= len(preset.sentences) <= 40, word
        assert len(preset.senses) >= 2 and all(label.startswith(f"{word}: ") for label in preset.senses)
        assert {s.label for s in preset.sentences} == set(preset.senses)
        assert len({s.source for s in preset.sentences}) == len(preset.sentences)
        for sentence in preset.sentences:
            assert SOURCE.match(sentence.source), sentence.source
            assert (sentence.sense_key is None) == sentence.source.startswith("EWT")
            assert sentence.sense_key is None or sentence.sense_key.startswith(f"{word}%")
        found = find_occurrences(word, preset.lines())
        assert found.missing == [] and found.too_long == [], word


@pytest.fixture(scope="module")
def gold_sentences():
    from engine.corpus.gold_sentences import all_gold_sentences

    return list(all_gold_sentences())


def test_presets_file_is_what_the_build_script_writes(gold_sentences, tmp_path):
    build_presets(gold_sentences, tmp_path / "presets.json")
    assert (tmp_path / "presets.json").read_bytes() == PRESETS_FILE.read_bytes()
    by_source = {s.source: s for s in gold_sentences}
    for preset in load_presets().values():  # every sentence is really where its source says
        for sentence in preset.sentences:
            gold = by_source[sentence.source]
            assert gold.text == sentence.text
            assert sentence.sense_key is None or sentence.sense_key in gold.senses


def test_corpus_index_and_word_forms_are_byte_for_byte_what_the_build_script_writes(gold_sentences, tmp_path):
    build_word_forms(gold_sentences, tmp_path / "word_forms.json.gz")
    build_corpus_index(gold_sentences, tmp_path / "corpus_index.json.gz")
    assert (tmp_path / "word_forms.json.gz").read_bytes() == WORD_FORMS_FILE.read_bytes()
    assert (tmp_path / "corpus_index.json.gz").read_bytes() == CORPUS_INDEX_FILE.read_bytes()


def test_corpus_search_finds_every_sentence_with_the_word():
    index = corpus_index()
    forms = word_forms().forms_of("cell")
    pattern = re.compile(r"cell", re.IGNORECASE)
    by_scan = [i for i, text in enumerate(index.texts)
               if pattern.search(text) and any(w.casefold() in forms for w in tokenize(text))]
    assert index.sentence_ids(forms) == by_scan
    result = index.search("cell", limit=300)
    assert result.total == len(by_scan) and len(result.matches) == len(by_scan)
    labelled = [m for m in result.matches if m.label]
    assert labelled and all(m.source.startswith("SemCor") and m.sense_key.startswith("cell%") for m in labelled)
    assert result.matches[: len(labelled)] == labelled  # sense-labelled sentences come first
    assert len(index.search("cell", limit=7).matches) == 7
    assert index.search("zzzzqx").total == 0


# --- Find contexts in stages -----------------------------------------------------------------------------------------

def _searched(word: str, n: int):
    from engine.word_in_context.occurrences import Contexts

    found = find_occurrences(word, [ContextLine(m.label, m.text) for m in corpus_index().search(word, True, n).matches])
    return Contexts.of(found)


@pytest.mark.parametrize("name", ["bilstm", "bert"])
def test_context_vectors_split_between_two_threads_equal_one_pass(name, monkeypatch):
    """With one torch thread per operation (the app's server), 40 sentences are encoded in two parts on two threads;
    the vectors are those of one pass (the batches differ, so to float rounding)."""
    import threading

    import torch

    from engine import load_encoder
    from engine.encoders.base import MAX_BATCH_TOKENS
    from engine.word_in_context import context_vectors as module

    contexts = _searched("line", 40)
    encoder = load_encoder(name)
    words = [list(sentence) for sentence in contexts.sentences]
    callers, original = [], encoder.encode_batches

    def encode_batches(batch, max_tokens):
        callers.append((threading.current_thread().name, len(batch), max_tokens))
        return original(batch, max_tokens=max_tokens)

    monkeypatch.setattr(encoder, "encode_batches", encode_batches)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        split = module.context_vectors(encoder, words, contexts.occurrences())
        parts = list(callers)
        monkeypatch.setattr(module, "MIN_SPLIT", len(words) + 1)
        whole = module.context_vectors(encoder, words, contexts.occurrences())
    finally:
        torch.set_num_threads(threads)
    here = threading.current_thread().name
    assert sorted(thread for thread, _, _ in parts) == sorted([here, "torch-split_0"]), "one part here, one helping"
    assert sorted(size for _, size, _ in parts) == [len(words) // 2, len(words) - len(words) // 2]
    assert {tokens for _, _, tokens in parts} == {MAX_BATCH_TOKENS // 2}, "as many padded tokens at once as one pass"
    assert callers[2:] == [(here, len(words), MAX_BATCH_TOKENS)], "under MIN_SPLIT: one pass"
    scale = np.abs(whole.targets).max()
    np.testing.assert_allclose(split.targets, whole.targets, atol=1e-5 * scale)
    np.testing.assert_allclose(split.others, whole.others, atol=1e-5 * np.abs(whole.others).max())


def test_find_contexts_in_stages_gives_what_computing_everything_at_once_gives():
    """Each encoder's shown layer first (encoders two at a time), then the other layers and the measures: the page's
    caches end up holding exactly the vectors, measures and maps of one full computation, and every stage says how
    far it is; once done, neither stage has anything left to do (the layer slider finds every map)."""
    from engine import ENCODER_NAMES, load_encoder
    from engine.word_in_context.context_vectors import context_vectors
    from engine.word_in_context.projection import MIN_UMAP_POINTS
    from ui.word_in_context import data

    contexts = _searched("line", 16)
    encoders = {name: load_encoder(name) for name in ENCODER_NAMES}
    shown = {name: len(encoder.layer_names) // 2 for name, encoder in encoders.items()}
    first, rest = [], []
    data.first_maps(shown, contexts, 2, lambda share, text: first.append((share, text)))
    assert first[0] == (0.0, first[0][1]) and first[0][1].startswith("Encoding 16 sentences with")
    assert [share for share, _ in first] == sorted(share for share, _ in first) and first[-1][0] == 1.0
    assert len(first) == 1 + len(ENCODER_NAMES)  # one step per encoder
    for name, layer in shown.items():  # the shown layers are mapped before anything else
        assert not data.panel_map(name, layer, contexts, 2).waiting
    data.fill_in(shown, contexts, 2, lambda share, text: rest.append((share, text)))
    assert rest and all(0 <= share < 1 and text.startswith("Mapping the other layers") for share, text in rest)
    assert [share for share, _ in rest] == sorted(share for share, _ in rest)
    words = [list(sentence) for sentence in contexts.sentences]
    for name, encoder in encoders.items():
        full = context_vectors(encoder, words, contexts.occurrences())
        assert np.array_equal(data.cached_targets(name, contexts.key, contexts), full.targets)
        assert data.cached_measures(name, contexts.key, contexts) == layer_measures(full, list(contexts.labels))
        for layer, vectors in enumerate(full.targets):
            mapped = data.panel_map(name, layer, contexts, 2)
            method = "umap" if len(np.unique(vectors, axis=0)) >= MIN_UMAP_POINTS else "pca"
            assert not mapped.waiting and np.array_equal(mapped.projection.coords, project(vectors, 2, method).coords)
    again = []
    data.first_maps(shown, contexts, 2, lambda share, text: again.append(text))
    data.fill_in(shown, contexts, 2, lambda share, text: again.append(text))
    assert again == []


def test_find_contexts_on_the_page_leaves_every_layer_mapped_and_no_progress_bar():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(PAGE, default_timeout=300)
    app.query_params.update({"search": "line", "n": "12"})
    app.run()
    deadline = time.monotonic() + 240
    while "loading the model" in json.dumps(_figure(app)) and time.monotonic() < deadline:
        time.sleep(1)
        app.run()
    assert not app.exception
    assert not app.get("progress"), "the progress bar is gone once everything has filled in"
    for depth in (0.0, 0.5):  # every layer was filled in: no panel waits for its map
        app.select_slider(key="wic.layer:widget").set_value(depth).run()
        assert not app.exception and "PCA for now" not in json.dumps(_figure(app))


# --- the page (Streamlit AppTest) ------------------------------------------------------------------------------------

def _figure(app):
    return json.loads(app.get("plotly_chart")[0].proto.spec)


def _n_points(trace) -> int:
    """Length of a trace's x, which plotly may ship as a base64 typed array."""
    x = trace.get("x", [])
    if isinstance(x, dict):
        return len(base64.b64decode(x["bdata"])) // np.dtype(x["dtype"]).itemsize
    return len(x)


def test_page_draws_the_bank_preset_and_changes_layer():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(PAGE, default_timeout=240)
    app.query_params["word"] = "bank"
    app.run()
    deadline = time.monotonic() + 240
    while "loading the model" in json.dumps(_figure(app)) and time.monotonic() < deadline:
        time.sleep(1)  # the first run shows a placeholder per model still loading; the page reruns when it is there
        app.run()
    assert not app.exception
    figure = _figure(app)
    titles = [a["text"] for a in figure["layout"]["annotations"] if "<b>" in a["text"]]
    assert [re.sub("<[^>]+>", "", t).split(" · ")[0] for t in titles] == ["Static (GloVe)", "BiLSTM", "ELMo", "BERT"]
    points = sum(_n_points(trace) for trace in figure["data"] if trace.get("mode") == "markers")
    assert points % 28 == 0 and points >= 2 * 28  # 28 occurrences per drawn panel (static and BERT at least)
    assert {t["name"] for t in figure["data"] if t.get("showlegend")} == set(load_presets()["bank"].senses)
    app.select_slider(key="wic.layer:widget").set_value(0.5).run()
    assert not app.exception
    assert [a["text"] for a in _figure(app)["layout"]["annotations"] if "<b>" in a["text"]] != titles
    app.toggle(key="wic.dims:widget").set_value(True).run()
    assert not app.exception and any(t["type"] == "scatter3d" for t in _figure(app)["data"])


@pytest.mark.parametrize("query, message", [
    ({"word": "<script>"}, "single word"),
    ({"word": "zzzzqx"}, "No sentence of the bundled corpus"),
    ({"preset": "bank", "word": "guitar"}, "does not occur in any of the 26 sentences"),
    ({"word": "bank", "sentences": "no target here"}, "does not occur"),
])
def test_page_explains_bad_input(query, message):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(PAGE, default_timeout=240)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    assert any(message in w.value for w in app.warning), [w.value for w in app.warning]
    assert app.text_input(key="wic.word:widget").value == query["word"]  # what the user typed stays in the box


# --- the page in a real browser -------------------------------------------------------------------------------------

# The maps chart: its four panel titles, how many panels have points, whether a model is still loading.
PANELS_JS = """() => { const g = document.querySelector('.js-plotly-plot');
  if (!g || !g._fullData) return null;
  const titles = g._fullLayout.annotations.map(a => a.text).filter(t => t.includes('<b>'));
  const drawn = new Set(g._fullData.filter(t => t.mode === 'markers' && t.x.length).map(t => t.xaxis));
  return {titles: titles, drawn: drawn.size, loading: titles.some(t => t.includes('loading the model'))}; }"""
DRAWN_JS = f"() => {{ const info = ({PANELS_JS})(); return info && !info.loading && info.drawn >= 2; }}"


def test_bank_preset_in_the_browser(app_server, browser):
    start = time.monotonic()
    visit = open_page(browser, f"{app_server.url}/Word_in_context?word=bank", viewport=(1400, 3000))
    page = visit.page
    page.wait_for_function(DRAWN_JS, timeout=240_000)
    print(f"bank preset drawn {time.monotonic() - start:.1f} s after opening the page")
    info = page.evaluate(PANELS_JS)
    unavailable = sum("not available" in title for title in info["titles"])
    assert len(info["titles"]) == 4 and info["drawn"] == 4 - unavailable
    # the measures chart and its table follow once the maps are on the screen (ui.chart_slot)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length == 2", timeout=60_000)
    wait_until_idle(page)
    assert page.locator(".chart-slot").count() == 0
    numbers = page.locator('[data-testid="stExpander"]').filter(has_text="The numbers")
    assert numbers.locator('[data-testid="stDataFrame"]').count() == 0, "built only once opened (ui.expanders)"
    numbers.locator("summary").click()
    numbers.locator('[data-testid="stDataFrame"]').wait_for(timeout=60_000)
    wait_until_idle(page)
    assert exceptions_on(page) == []
    screenshot(page, "word_in_context_bank")
    assert visit.external_requests() == []


def test_script_in_the_url_is_a_message_not_markup(app_server, browser):
    visit = open_page(browser, f"{app_server.url}/Word_in_context?word=%3Cscript%3Ealert(1)%3C/script%3E")
    page = visit.page
    page.get_by_text("Type a single word").first.wait_for(timeout=240_000)
    wait_until_idle(page, timeout=240)
    assert exceptions_on(page) == []
    assert page.get_by_label("Target word").input_value() == "<script>alert(1)</script>"  # kept in the box
    assert page.locator("script:has-text('alert(1)')").count() == 0
    assert visit.external_requests() == []


def test_markup_in_a_sentence_is_shown_as_text_in_the_hover(app_server, browser):
    sentence = "x | A <img src=x onerror=alert(1)> <b>bank</b> on the bank."
    visit = open_page(browser, f"{app_server.url}/Word_in_context?word=bank&sentences={quote(sentence)}")
    page = visit.page
    page.wait_for_function(f"() => ({PANELS_JS})() && ({PANELS_JS})().drawn >= 1", timeout=240_000)
    page.locator(".js-plotly-plot").first.locator(".scatterlayer .trace .points path").first.hover(force=True)
    hover = page.locator(".hoverlayer").first
    hover.locator("text").first.wait_for(timeout=10_000)
    assert "<img src=x" in hover.text_content()  # shown as text...
    assert page.locator("img[src='x']").count() == 0  # ...never as an element
    assert exceptions_on(page) == [] and visit.external_requests() == []
