"""The Attention heads page: AppTest smoke tests and the real page in headless Chromium (offline, no XSS)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from streamlit.testing.v1 import AppTest

from tests.browser import exceptions_on, open_page, screenshot, wait_until_idle

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "3_Attention_heads.py")
ANIMAL = "The animal didn't cross the street because it was too tired."
XSS = '<img src=x onerror="window.__xss=1"> </script><img src=x onerror=window.__xss=1> it'


def _run(**query: str) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=180)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def test_page_shows_the_chosen_head_with_its_evidence():
    app = _run(sentence=ANIMAL, layer="4", head="8")
    assert not app.exception
    assert any("Layer 4, head 8" in h.value for h in app.subheader)
    assert any(m.value.startswith("**Evidence.**") for m in app.markdown)
    tables = [df.value for df in app.dataframe]
    assert any("pronoun" in t.columns and "it" in set(t["pronoun"]) for t in tables), "where 'it' attends"
    assert app.query_params["layer"] == "4" and app.query_params["head"] == "8"


def test_too_long_sentence_is_refused_and_kept():
    long_text = " ".join(["qzx"] * 450)  # under the 2,000-character box limit, over 512 pieces
    app = _run(sentence=long_text)
    assert not app.exception
    assert any("too long" in e.value for e in app.error)
    assert app.text_area[0].value == long_text


def test_filter_and_pieces_are_in_the_url():
    app = _run(sentence=ANIMAL, units="pieces", show="syntax,coreference")
    assert not app.exception
    assert app.radio[0].value == "pieces"
    assert set(app.pills[0].value) == {"syntax", "coreference"}


def _frames_flag(page) -> list:
    return [frame.evaluate("() => window.__xss === undefined ? null : window.__xss") for frame in page.frames]


def _bertviz_frames(page) -> list:
    """The frames of the page's iframes (bertviz's head view first, then its model view), once attached."""
    page.wait_for_selector('[data-testid="stIFrame"]', timeout=30_000)
    iframes = page.locator('[data-testid="stIFrame"]')
    return [iframes.nth(i).element_handle().content_frame() for i in range(iframes.count())]


def test_page_in_browser_draws_bertviz_offline(app_server, browser):
    visit = open_page(browser, f"{app_server.url}/Attention_heads?sentence={quote(ANIMAL)}&layer=4&head=8")
    wait_until_idle(visit.page)
    page = visit.page
    assert exceptions_on(page) == []
    assert page.locator(".js-plotly-plot").count() >= 1, "the grid of heads is drawn"
    frame = _bertviz_frames(page)[0]
    frame.wait_for_selector("#bertviz-head #vis svg text", timeout=20_000)
    drawn = frame.locator("#bertviz-head #vis svg text").all_text_contents()
    assert "animal" in drawn and "it" in drawn, "bertviz drew the sentence's words"
    assert frame.locator("#bertviz-head #vis svg line").count() > 0, "and the attention lines"
    screenshot(page, "attention_heads")
    assert visit.external_requests() == []


def test_page_in_browser_never_runs_user_markup(app_server, browser):
    visit = open_page(browser, f"{app_server.url}/Attention_heads?sentence={quote(XSS)}&layer=1&head=1")
    wait_until_idle(visit.page)
    page = visit.page
    assert exceptions_on(page) == []
    frames = _bertviz_frames(page)
    frames[0].wait_for_selector("#bertviz-head #vis svg text", timeout=20_000)
    assert "onerror" in " ".join(frames[0].locator("#bertviz-head #vis svg text").all_text_contents()), "shown as text"
    page.wait_for_timeout(500)
    assert _frames_flag(page) == [None] * len(page.frames)
    assert visit.external_requests() == []
