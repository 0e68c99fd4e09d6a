"""The Attention heads page: AppTest tests (a tile click, head choices in a row, the coreference presets and their GAP
display, plain names) and the real page in headless Chromium (offline, no XSS)."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from streamlit.testing.v1 import AppTest

from engine import load_encoder
from engine.heads.labels import best_head, stored_report
from tests.browser import exceptions_on, open_page, screenshot, wait_until_idle
from tests.components import find_component, send_trigger
from ui.heads.live_grid import KEY
from ui.heads.presets import PRESETS

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "3_Attention_heads.py")
ANIMAL = "The animal didn't cross the street because it was too tired."
XSS = '<img src=x onerror="window.__xss=1"> </script><img src=x onerror=window.__xss=1> it'
CHOICE = "heads.choice:widget"
SCORES = "Scores in every category, and how they are measured"
SCORES_OPEN = "heads.scores_open"


def _run(**query: str) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=180)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


@pytest.fixture(scope="module")
def report():
    return stored_report(load_encoder("bert").fingerprint())


def _grid(app: AppTest) -> tuple:
    """(element, data) of the grid of heads (``ui.heads.live_grid``)."""
    grid = find_component(app, KEY)
    return grid, json.loads(grid.proto.json)


def click_tile(app: AppTest, layer: int, head: int) -> AppTest:
    """What the browser sends when a grid tile is clicked: the grid's "tile" trigger. (AppTest has no widget for a
    component, so the trigger joins the other widgets' states by hand, as Streamlit's front end sends it.)"""
    grid, data = _grid(app)
    assert any((tile["layer"], tile["head"]) == (layer, head) for tile in data["tiles"]), "the tile is drawn"
    return send_trigger(app, grid, "tile", [layer, head])


def caption(app: AppTest) -> str:
    """The chosen head's large caption (``ui.presenter.big_caption``), unescaped."""
    return next(html.unescape(m.value) for m in app.markdown if m.value.startswith("<div") and " head " in m.value)


def pronoun_bars(app: AppTest) -> dict[str, float]:
    """The pronoun's attention bars: name -> share (from each bar's tooltip, two decimals of a percent)."""
    bars = next(m.value for m in app.markdown if "sends its attention" in m.value)
    rows = re.findall(r'text-align:right">([^<]+)</span><span style="flex:1 1 auto" title="([0-9.]+)%"', bars)
    return {html.unescape(name): float(share) / 100 for name, share in rows}


def assert_head(app: AppTest, layer: int, head: int) -> None:
    assert not app.exception, [e.message for e in app.exception]
    assert (app.query_params["layer"], app.query_params["head"]) == (str(layer), str(head))
    assert app.selectbox(key=CHOICE).value == (layer, head), "the head list follows"
    assert f"Layer {layer} of 6, head {head} —" in caption(app)
    assert _grid(app)[1]["chosen"] == [layer, head], "the grid frames the chosen head"


def test_page_shows_the_chosen_head_with_its_evidence():
    app = _run(sentence=ANIMAL, layer="4", head="8")
    assert_head(app, 4, 8)
    assert any(m.value.startswith("**Evidence**") for m in app.markdown)
    tables = [element.proto.body for element in app.get("html") if "<table" in element.proto.body]
    assert any("<th>pronoun</th>" in table and '<th scope="row">it</th>' in table for table in tables), \
        "where 'it' attends"


def test_the_score_tables_are_built_only_while_their_expander_is_open():
    """``ui.expanders.lazy_expander``: a closed expander sends nothing, so a head change does not redraw its grids."""
    app = _run(sentence=ANIMAL, layer="4", head="8")
    assert SCORES in [e.label for e in app.expander] and not app.dataframe
    app.session_state[SCORES_OPEN] = True  # what the browser sends when the expander is opened
    app.run()
    assert len(app.dataframe) == 2 and "points above chance" in app.dataframe[0].value.columns
    click_tile(app, 2, 5)
    assert_head(app, 2, 5)
    assert len(app.dataframe) == 2, "it stays open through a head change"
    app.session_state[SCORES_OPEN] = False
    app.run()
    assert not app.dataframe


def test_a_tile_click_chooses_its_head_and_the_url_follows():
    app = _run(sentence=ANIMAL, layer="4", head="8")
    click_tile(app, 2, 5)
    assert_head(app, 2, 5)
    app.run()  # a trigger lasts one run: a rerun must not undo or redo anything
    assert_head(app, 2, 5)


def test_choices_in_a_row_tile_list_same_tile_all_take():
    app = _run(sentence=ANIMAL)
    grid = _grid(app)[0].proto.id
    click_tile(app, 3, 1)
    assert_head(app, 3, 1)
    app.selectbox(key=CHOICE).set_value((6, 11)).run()
    assert_head(app, 6, 11)  # the earlier click does not pull it back
    click_tile(app, 3, 1)  # the same tile again: a trigger, not a selection that a second click would toggle off
    assert_head(app, 3, 1)
    app.selectbox(key=CHOICE).set_value((5, 2)).run()
    app.run()
    assert_head(app, 5, 2)
    assert _grid(app)[0].proto.id == grid, "the grid keeps its element: the browser updates it in place"


@pytest.mark.parametrize("preset", PRESETS, ids=lambda preset: preset.opens_on + "-" + preset.sentence.split()[1])
def test_a_preset_opens_on_the_best_head_of_its_kind(preset, report):
    app = _run(sentence="A dog chased the cat .", layer="1", head="1")
    app.selectbox(key="heads.preset:widget").set_value(preset.sentence).run()
    best = best_head(report.labels, preset.opens_on)
    assert best.label == preset.opens_on, "the bundled model has a labelled head of every kind"
    assert_head(app, best.layer, best.head)
    assert app.text_area(key="heads.sentence:widget").value == preset.sentence


def test_the_coreference_preset_shows_the_gap_test_with_the_heads_accuracy(report):
    app = _run()  # the default sentence is the animal puzzle, opened on the best coreference head
    best = best_head(report.labels, "coreference")
    assert best.label == "coreference" and (best.layer, best.head) == (5, 11)
    assert_head(app, 5, 11)
    shares = pronoun_bars(app)
    assert list(shares) == ["animal ✓", "street", "other words", "[CLS]/[SEP]"]
    assert sum(shares.values()) == pytest.approx(1.0, abs=3e-4)
    encoded = load_encoder("bert").encode([ANIMAL])[0]
    row = encoded.attentions[4, 10, encoded.words.index("it")]
    assert shares["animal ✓"] == pytest.approx(row[1], abs=1e-4)
    assert shares["street"] == pytest.approx(row[6], abs=1e-4)
    assert shares["[CLS]/[SEP]"] == pytest.approx(1 - row.sum(), abs=1e-4)
    assert shares["animal ✓"] > shares["street"], "head 5-11 passes the GAP test on this sentence"
    assert any("as the GAP test asks" in m.value for m in app.markdown)
    assert "'it' looks more at 'animal'" in caption(app)
    metric = app.metric[0]
    assert metric.value == f"{best.details['coreference']['confirm_accuracy']:.0%}", "the measured held-out accuracy"
    assert "nearer noun" in metric.delta


def test_a_head_that_fails_the_gap_test_says_so():
    trophy = next(p for p in PRESETS if p.candidates and p.candidates.right == "trophy")
    app = _run(sentence=trophy.sentence, layer="5", head="11")
    assert_head(app, 5, 11)
    shares = pronoun_bars(app)
    assert shares["trophy ✓"] < shares["suitcase"]
    assert any("fails the GAP test" in m.value for m in app.markdown)
    assert "'it' looks more at 'suitcase'" in caption(app)


def test_plain_names_with_the_technical_terms_in_tooltips():
    app = _run(sentence="The dog chased the cat up the tree.", layer="3", head="1")
    assert not app.exception
    pills = app.pills(key="heads.show:widget")
    assert "pronoun → name (6)" in pills.options and "grammar link (11)" in pills.options
    assert "coreference:" in pills.help and "syntax:" in pills.help
    chosen = app.selectbox(key=CHOICE)
    assert chosen.format_func(chosen.value) == "layer 3 of 6, head 1 · grammar link (verb and its object) +36 pts"
    assert "Layer 3 of 6, head 1 — grammar link (syntax): its strongest link here is" in caption(app)
    assert not any("sense acc" in m.value or "acc." in m.value for m in app.markdown)


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
    wait_until_idle(visit.page, ready="button[data-tile]")
    page = visit.page
    assert exceptions_on(page) == []
    assert page.locator("button[data-tile]").count() == 72, "the grid of heads is drawn, a button on every tile"
    frame = _bertviz_frames(page)[0]
    frame.wait_for_selector("#bertviz-head #vis svg text", timeout=20_000)
    drawn = frame.locator("#bertviz-head #vis svg text").all_text_contents()
    assert "animal" in drawn and "it" in drawn, "bertviz drew the sentence's words"
    assert frame.locator("#bertviz-head #vis svg line").count() > 0, "and the attention lines"
    screenshot(page, "attention_heads")
    assert visit.external_requests() == []


SHOWN_HEAD = """() => [document.querySelector('#bertviz-head #layer').value,
  [...document.querySelectorAll('#bertviz-head #vis svg > g:last-child rect')]
    .flatMap((box, i) => box.getAttribute('fill').startsWith('#') ? [i + 1] : [])]"""  # ticked heads: full colour


def test_head_view_follows_the_chosen_head_without_a_new_document(app_server, browser):
    visit = open_page(browser, f"{app_server.url}/Attention_heads?sentence={quote(ANIMAL)}&layer=4&head=8")
    wait_until_idle(visit.page, ready="button[data-tile]")
    page = visit.page
    frame = _bertviz_frames(page)[0]
    frame.wait_for_selector("#bertviz-head #vis svg text", timeout=20_000)
    assert frame.evaluate(SHOWN_HEAD) == ["4", [8]], "the head named in the address, alone"
    frame.evaluate("() => { window.__first_document = true; }")
    for layer, head in ((5, 11), (5, 12), (6, 1)):  # what the page shows of the head, above the view, differs
        page.locator(f'button[data-tile="{layer}-{head}"]').click()
        wait_until_idle(page)
        frame.wait_for_function(f"() => ({SHOWN_HEAD})()[0] === '{layer}'", timeout=10_000)
        assert frame.evaluate(SHOWN_HEAD) == [str(layer), [head]]
    assert frame.evaluate("() => window.__first_document") is True, "redrawn in place, not loaded again"
    assert exceptions_on(page) == [] and visit.external_requests() == []


def test_page_in_browser_never_runs_user_markup(app_server, browser):
    visit = open_page(browser, f"{app_server.url}/Attention_heads?sentence={quote(XSS)}&layer=1&head=1")
    wait_until_idle(visit.page, ready="button[data-tile]")
    page = visit.page
    assert exceptions_on(page) == []
    tile = page.locator('button[data-tile="1-1"]')
    tile.hover()  # the tooltip names the strongest link in the user's words: as text
    assert page.locator(".heads-grid .tip").is_visible() and page.locator(".heads-grid .tip img").count() == 0
    frames = _bertviz_frames(page)
    frames[0].wait_for_selector("#bertviz-head #vis svg text", timeout=20_000)
    assert "onerror" in " ".join(frames[0].locator("#bertviz-head #vis svg text").all_text_contents()), "shown as text"
    page.wait_for_timeout(500)
    assert _frames_flag(page) == [None] * len(page.frames)
    assert visit.external_requests() == []
