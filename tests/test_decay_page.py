"""The distance-decay page: Streamlit AppTest smoke tests and the page in a real browser."""
from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from engine.tokenize import tokenize
from tests.browser import exceptions_on, open_page, screenshot, wait_until_idle

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "2_Distance_decay.py")


def run_page(**query: str) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=180)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def figures(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def heatmap(app: AppTest) -> np.ndarray:
    """The heatmap's values (Plotly sends numpy arrays as base64 typed arrays)."""
    z = next(f for f in figures(app) if f["data"][0]["type"] == "heatmap")["data"][0]["z"]
    if not isinstance(z, dict):
        return np.array(z, dtype=float)
    shape = [int(n) for n in str(z["shape"]).split(",")]
    return np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(shape).astype(float)


def test_default_view_draws_a_row_normalised_heatmap_and_keeps_its_state_in_the_url():
    app = run_page()
    matrix = heatmap(app)
    assert matrix.shape == (len(tokenize(app.text_area(key="decay.sentence:widget").value)),) * 2
    assert np.all(np.isnan(np.diag(matrix))), "the word itself is left out"
    np.testing.assert_allclose(np.nanmax(matrix, axis=1), 1.0)
    assert {"sentence", "encoder", "layer", "word"} <= set(app.query_params)
    assert app.selectbox(key="decay.layer:widget").value == app.query_params["layer"]


@pytest.mark.parametrize("method", ["occlusion", "gradient"])
def test_forward_direction_of_a_link_shows_nothing_from_the_right(method):
    app = run_page(sentence="A dog chased the small cat up a tall tree .", encoder="bilstm", direction="forward",
                   word="cat", method=method)
    if app.radio(key="decay.encoder:widget").value != "bilstm":
        pytest.skip("the BiLSTM checkpoint is not available")
    assert not any("gradients" in info.value for info in app.info), "measured with the method the link asked for"
    matrix = heatmap(app)
    assert np.all(np.triu(matrix, 1) == 0.0) and np.nanmax(np.tril(matrix, -1)) > 0
    assert app.query_params["word"] == "6"


def test_bert_gradient_and_overlong_input_get_clear_messages_and_keep_the_text():
    app = run_page(sentence="Short and sweet .", encoder="bert", method="gradient")
    assert any("occlusion" in info.value for info in app.info)
    long_text = " ".join(["qxzjvkqxzjvkqxzj"] * 90)  # 90 words, but 16 WordPieces each
    app.text_area(key="decay.sentence:widget").set_value(long_text).run()
    assert not app.exception
    assert any("512" in warning.value for warning in app.warning)
    assert app.text_area(key="decay.sentence:widget").value == long_text


def test_a_link_to_a_word_the_sentence_lacks_says_which_word_is_shown():
    app = run_page(sentence="A dog chased the small cat .", encoder="static", word="<b>giraffe</b>")
    notice = next(info.value for info in app.info if "is not a word of this sentence" in info.value)
    assert "&lt;b&gt;giraffe" in notice and "word 4, “the”" in notice  # escaped; the middle word instead
    assert app.query_params["word"] == "4"


def test_empty_sentence_asks_for_one():
    app = run_page(sentence="   ")
    assert any("Type a sentence" in warning.value for warning in app.warning)


def test_distance_decay_page_in_a_browser(app_server, browser):
    sentence = quote("The keys to the cabinet that my grandmother left us were never found again .")
    visit = open_page(browser, f"{app_server.url}/Distance_decay?sentence={sentence}&encoder=bert&word=were")
    wait_until_idle(visit.page, timeout=240)
    visit.page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=240_000)
    page = visit.page
    assert page.get_by_text("Distance decay").first.is_visible()
    assert page.locator(".js-plotly-plot").count() >= 2, "the sentence's heatmap and bars, and the corpus chart"
    assert exceptions_on(page) == []
    screenshot(page, "distance_decay")
    assert visit.external_requests() == []
