"""Bad input, script injection and a broken checkpoint, on every page.

Cheap cases run through Streamlit's AppTest (the URL's query parameters, then one widget interaction per page);
the script-injection payloads and the broken checkpoint run in the real browser against real servers.
Each case must give a message or a result, never a traceback, and leave the user's text in the box.
"""
from __future__ import annotations

import re
import shutil
from urllib.parse import urlencode

import pytest
from streamlit.testing.v1 import AppTest

from tests.browser import (
    ROOT,
    StreamlitServer,
    exceptions_on,
    open_page,
    screenshot,
    wait_until_idle,
)

# page -> (script, URL path, query parameter holding the user's text, extra query parameters)
PAGES = {
    "home": ("ui/home.py", "", "a", {"word": "bank"}),
    "word_in_context": ("pages/1_Word_in_context.py", "Word_in_context", "sentences", {"word": "bank"}),
    "distance_decay": ("pages/2_Distance_decay.py", "Distance_decay", "sentence", {}),
    "attention_heads": ("pages/3_Attention_heads.py", "Attention_heads", "sentence", {}),
}
PAYLOAD = ('<script>window.__xss=1</script> <img src=x onerror="window.__xss=1"> '
           '[x](javascript:window.__xss=1)')
LIMIT = re.compile(r"at most|limit", re.IGNORECASE)
CASES = {  # name -> (text, what must be on screen: a message matching LIMIT, any message, or nothing in particular)
    "empty": ("", "message"),
    "whitespace": ("  \n\t  ", "message"),
    "20000 characters": (("The bank by the river. " * 1000)[:20_000], "limit"),
    "1200 words": (" ".join(["bank"] + ["word"] * 1199), "limit"),
    "500 sentences": ("\n".join(f"The bank number {i} is open." for i in range(500)), "limit"),
    "emoji CJK RTL combining": ("The bank 🏦 near 銀行 and البنك and ba\u0301nk 👩‍👩‍👧 by the bank.", None),
    "payload": (f"The bank {PAYLOAD} closed.", None),
}


def run_page(page: str, **query: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / PAGES[page][0]), default_timeout=180)
    for key, value in {**PAGES[page][3], **query}.items():
        app.query_params[key] = value
    return app.run()


def messages(app: AppTest) -> list[str]:
    return [box.value for kind in (app.warning, app.error, app.info) for box in kind]


def text_box(app: AppTest, page: str):
    return app.text_area(key="wic.sentences:widget") if page == "word_in_context" else app.text_area[0]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("page", PAGES)
def test_bad_text_in_the_url(page, case):
    text, expected = CASES[case]
    if page == "word_in_context" and not text.strip():
        pytest.skip("an empty `sentences` parameter means the default preset; the widget test covers empty text")
    app = run_page(page, **{PAGES[page][2]: text})
    assert not app.exception, app.exception
    shown = text_box(app, page).value
    assert shown == text or (len(shown) == 2000 and text.startswith(shown)), "the text stays (up to the box's limit)"
    if expected == "message":
        assert messages(app), "empty text gets a message"
    elif expected == "limit":
        assert any(LIMIT.search(message) for message in messages(app)), f"no documented limit shown: {messages(app)}"
    else:
        assert app.get("plotly_chart") or app.get("bidi_component"), "ordinary non-ASCII text gets a result (a chart, "
        "or the grid of heads)"


@pytest.mark.parametrize(("page", "query", "expected"), [
    ("home", {"word": "zebra"}, "not in the first sentence"),
    ("word_in_context", {"word": "zebra", "sentences": "The bank is closed.\nThe river bank."}, "does not occur"),
])
def test_absent_target_word(page, query, expected):
    app = run_page(page, **query)
    assert not app.exception
    assert any(expected in message for message in messages(app))
    assert app.text_input[0].value == "zebra", "the word stays in its box"


def test_absent_word_on_the_decay_page_falls_back_to_the_middle_word():
    app = run_page("distance_decay", sentence="The bank by the river was closed.", word="zebra")
    assert not app.exception
    chosen = [box for box in app.selectbox if box.label.startswith("Word whose vector")]
    assert chosen and chosen[0].value == 4, "the middle word (len // 2) is chosen instead"


@pytest.mark.parametrize("page", PAGES)
def test_emptying_the_box_with_the_widget(page):
    app = run_page(page)
    assert not app.exception
    text_box(app, page).input("   ")
    if page in ("home", "attention_heads"):
        next(b for b in app.button if b.label in ("Compare", "Show the heads")).click()  # the form's submit button
    app.run()
    assert not app.exception
    assert messages(app), "emptied text gets a message"
    assert text_box(app, page).value == "   ", "what the user typed stays in the box"


# --- the real browser: no payload runs, nothing leaves the machine ---------------------------------------------------
def assert_nothing_ran(page) -> None:
    for frame in page.frames:
        assert frame.evaluate("window.__xss") is None, f"a payload ran in {frame.url}"
        assert frame.locator('a[href^="javascript:"]').count() == 0, "a javascript: link was rendered"
    assert exceptions_on(page) == []


def type_payload(page, name: str) -> None:
    """One real interaction per page, typing a payload into the page's main box."""
    if name == "word_in_context":
        page.get_by_label("Target word").fill('<img src=x onerror="window.__xss=1">')
        page.get_by_label("Target word").press("Enter")
        return
    box = page.locator("textarea").first
    box.fill(f"The bank was {PAYLOAD} closed by the bank.")
    if name == "distance_decay":
        box.press("Control+Enter")
    else:
        page.get_by_role("button", name="Compare" if name == "home" else "Show the heads").click()


@pytest.mark.parametrize("name", PAGES)
def test_no_payload_runs_in_the_browser(app_server, browser, name):
    _, path, key, extra = PAGES[name]
    text = f"The bank {PAYLOAD} closed."
    if name == "word_in_context":
        text = "\n".join([f"{PAYLOAD} | {text}", "<b>river</b> | We sat on the bank of the river.",
                          "money | The bank raised its rates.", "river | The river bank flooded."])
    visit = open_page(browser, f"{app_server.url}/{path}?{urlencode({**extra, key: text})}")
    page = visit.page
    wait_until_idle(page, ready="h1" if name == "word_in_context" else "textarea")
    assert_nothing_ran(page)
    if name != "word_in_context":  # its sentences box sits in a collapsed expander
        assert page.locator("textarea").first.input_value() == text, "the payload is shown as text, kept in the box"
    type_payload(page, name)
    wait_until_idle(page)
    assert_nothing_ran(page)
    screenshot(page, f"robustness-payload-{name}")
    assert visit.external_requests() == []
    page.context.close()


def test_a_truncated_checkpoint_disables_only_that_encoder(browser, tmp_path):
    """An app started with BILSTM_CHECKPOINT pointing at a truncated copy: BiLSTM is explained, the rest works."""
    stem = tmp_path / "bilstm"
    weights = (ROOT / "engine" / "weights" / "bilstm.safetensors").read_bytes()
    stem.with_suffix(".safetensors").write_bytes(weights[: len(weights) // 2])
    shutil.copy(ROOT / "engine" / "weights" / "bilstm.json", stem.with_suffix(".json"))
    server = StreamlitServer(env={"BILSTM_CHECKPOINT": str(stem)})
    try:
        visit = open_page(browser, server.url)
        page = visit.page
        wait_until_idle(page)  # no reload: the sidebar is drawn after the page, so it already knows
        screenshot(page, "robustness-broken-bilstm-home")
        assert exceptions_on(page) == []
        page.get_by_text("× BiLSTM").click()
        assert page.get_by_text("corrupt or truncated").first.is_visible(), "the sidebar says why BiLSTM is off"
        legend = page.eval_on_selector_all(".js-plotly-plot .legendtext", "all => all.map(e => e.textContent)")
        assert "BERT" in legend and "BiLSTM" not in legend, f"the other encoders still draw: {legend}"
        for path, drawn in (("Distance_decay", ".decay-chart canvas"), ("Attention_heads", ".heads-grid canvas")):
            other = open_page(browser, f"{server.url}/{path}").page
            wait_until_idle(other, ready=drawn)
            assert exceptions_on(other) == [], path
            other.context.close()
        page.context.close()
    finally:
        server.stop()


def test_a_page_stopped_by_bad_input_still_lists_the_encoders(app_server, browser):
    """The sidebar's encoder list is drawn after the page (app.py), even when the page stops early."""
    visit = open_page(browser, f"{app_server.url}/Word_in_context?word=zzqxv")
    page = visit.page
    wait_until_idle(page, ready="h1")
    screenshot(page, "robustness-stopped-page-sidebar")
    assert page.get_by_text("No sentence of the bundled corpus").first.is_visible()
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Encoders").is_visible()
    assert sidebar.locator('[data-testid="stExpander"]').count() == 4
    assert exceptions_on(page) == []
    page.context.close()
