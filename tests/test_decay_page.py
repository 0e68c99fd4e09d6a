"""The distance-decay page: Streamlit AppTest smoke tests and the page in a real browser."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from engine.tokenize import tokenize
from tests.components import find_component, send_trigger
from ui.decay.sentence_chart import KEY
from tests.browser import exceptions_on, open_page, query, screenshot, wait_until_idle

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "2_Distance_decay.py")


def run_page(**query: str) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=180)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def chart(app: AppTest) -> dict:
    """What the sentence's chart (``ui.decay.sentence_chart``) was sent to draw."""
    return json.loads(find_component(app, KEY).proto.json)


def heatmap(app: AppTest) -> np.ndarray:
    """The heatmap's values, NaN where left out."""
    return np.array(chart(app)["values"], dtype=float)


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


def test_a_click_on_a_row_of_the_chart_chooses_its_word():
    app = run_page(sentence="A dog chased the small cat .", encoder="static", word="cat")
    assert chart(app)["chosen"] == 5
    send_trigger(app, find_component(app, KEY), "word", 1)  # what the browser sends for a click on row 2
    assert not app.exception
    assert chart(app)["chosen"] == 1 and app.query_params["word"] == "2"
    assert app.selectbox(key="decay.row:widget").value == 1, "the word list follows the chart"
    assert any("“dog” is moved most by" in m.value or "“dog”: no other word" in m.value for m in app.markdown)


def test_the_chart_gets_the_words_as_typed_for_the_browser_to_show_as_text():
    app = run_page(sentence="My <b>dog</b> & cat .", encoder="bilstm")
    data = chart(app)
    assert data["words"] == tokenize("My <b>dog</b> & cat .")
    assert all(data["values"][i][i] is None for i in range(len(data["words"]))), "the diagonal is left out"


def _chart_point(chart, row: int, column: int) -> dict[str, float]:
    """Page coordinates of the centre of heatmap cell (row, column) of the decay chart, from its drawn layout."""
    return chart.evaluate("""(root, [row, column]) => {
      const g = root.kept.g, box = root.getBoundingClientRect();
      return {x: box.left + g.map.x + (column + 0.5) * g.cellW, y: box.top + g.map.y + (row + 0.5) * g.rowH};
    }""", [row, column])


def _chart_shows(page, chart, condition: str) -> None:
    """Until ``condition``, a JavaScript expression of ``chart`` (the component's state), holds."""
    page.wait_for_function(f"(root) => {{ const chart = root.kept; return {condition}; }}",
                           arg=chart.element_handle(), timeout=60_000)


def test_distance_decay_page_in_a_browser(app_server, browser):
    """The sentence's chart draws, hovers the user's words (markup included) as text, keeps its canvas for a new
    sentence, and a click on a row chooses that row's word. (The chart lives in its component's shadow root, which
    Playwright's locators reach.)"""
    sentence = quote("The keys to the <i>cabinet</i> that my grandmother left us were never found again .")
    visit = open_page(browser, f"{app_server.url}/Distance_decay?sentence={sentence}&encoder=bert&word=were")
    page = visit.page
    wait_until_idle(page, timeout=240)
    chart = page.locator(".decay-chart")
    chart.locator("canvas").wait_for(timeout=240_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=240_000)  # the corpus chart
    assert page.get_by_text("Distance decay").first.is_visible()
    assert exceptions_on(page) == []
    words = chart.evaluate("root => root.kept.data.words")
    chart.scroll_into_view_if_needed()
    tip = chart.locator(".tip")
    for column, shown in ((words.index("cabinet"), "“were” ← “cabinet”"), (words.index("<"), "“were” ← “<”")):
        page.mouse.move(**_chart_point(chart, words.index("were"), column))
        tip.wait_for(state="visible")
        _chart_shows(page, chart, f"root.querySelector('.tip').textContent.startsWith({shown!r})")
    screenshot(page, "distance_decay")

    chart.locator("canvas").evaluate("canvas => { canvas.dataset.before = 'yes'; }")
    box = page.locator('[data-testid="stTextArea"] textarea').first
    box.fill("Cats chase the mice that live in the old barn .")
    box.press("Control+Enter")
    _chart_shows(page, chart, "chart.data.words[0] === 'Cats'")
    wait_until_idle(page)
    assert chart.locator("canvas").get_attribute("data-before") == "yes", "a new sentence is drawn on the same canvas"
    page.mouse.click(**_chart_point(chart, 1, 0))  # the row of "chase"
    _chart_shows(page, chart, "chart.data.chosen === 1")
    wait_until_idle(page)
    assert query(page)["word"] == "2"
    assert "chase" in page.locator(".big-caption").first.inner_text()
    assert exceptions_on(page) == []
    assert visit.external_requests() == []
