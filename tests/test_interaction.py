"""Multi-step use through Streamlit's AppTest, as a teacher clicks: page switches, and every widget changed again and
again. Each change must stick (on screen and in the URL) and nothing may raise.

The whole app runs (``app.py`` with its navigation), so widget state is cleaned up between pages as in a browser.
A sidebar link opens a page with an empty query, so ``go`` clears the query before switching.
"""
from __future__ import annotations

import html
import json
import re
from functools import partial
from unittest.mock import patch

import pytest
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.testing.v1 import AppTest, local_script_runner

from engine.tokenize import tokenize
from engine.word_in_context.presets import load_presets
from tests.browser import ROOT
from tests.components import find_component, send_trigger
from ui.decay.sentence_chart import KEY as SENTENCE_CHART
from ui.word_in_context.figures import hover_html

PAGES = {"home": "app.py", "wic": "pages/1_Word_in_context.py", "decay": "pages/2_Distance_decay.py",
         "heads": "pages/3_Attention_heads.py", "inputs": "pages/4_Inputs.py"}


def widget(prefix: str, name: str) -> str:
    return f"{prefix}.{name}:widget"


def start(page: str = "home", drawn: bool = True, **query: str) -> AppTest:
    """A session on ``page``; with ``drawn``, as a browser leaves it once its first chart is drawn (``ui.chart_slot``:
    the boxes that wait for it are filled in)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page != "home":
        go(app, page, keep_query=bool(query))
    slots = [element for element in app.get("bidi_component") if element.proto.id.endswith(".slot")]
    if drawn and slots:
        send_trigger(app, slots[0], "drawn", True)
    assert_fine(app)
    return app


def go(app: AppTest, page: str, keep_query: bool = False) -> AppTest:
    """Open a page as its sidebar link does (the query emptied), or as a link does (``keep_query``)."""
    if not keep_query:
        app.query_params.clear()
    app.switch_page(PAGES[page]).run()
    assert_fine(app)
    return app


def assert_fine(app: AppTest) -> None:
    assert not app.exception, [e.message for e in app.exception]


def button(app: AppTest, label: str):
    """The button (or form submit button) labelled ``label``."""
    return next(b for b in app.button if b.label == label)


def set_each(app: AppTest, kind: str, key: str, values, param: str | None = None, spell=str) -> None:
    """Set one widget to each value in turn: each must stick, and show in the URL's ``param`` as ``spell(value)``."""
    for value in values:
        getattr(app, kind)(key=key).set_value(value).run()
        assert_fine(app)
        assert getattr(app, kind)(key=key).value == value
        if param is not None:
            assert app.query_params.get(param) == spell(value), (param, value)


def panel_titles(app: AppTest) -> list[str]:
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    return [re.sub("<[^>]+>", " ", a["text"]) for a in figure["layout"]["annotations"] if "<b>" in a["text"]]


# --- Word in context -------------------------------------------------------------------------------------------------

def test_word_in_context_survives_a_trip_to_another_page():
    app = start("wic", word="cell")
    app.select_slider(key=widget("wic", "layer")).set_value(0.5).run()
    titles = panel_titles(app)
    go(app, "decay")
    go(app, "wic")  # used to raise: st.session_state has no attribute "wic_text"
    assert app.text_input(key=widget("wic", "word")).value == "cell"
    assert app.select_slider(key=widget("wic", "layer")).value == 0.5
    assert panel_titles(app) == titles
    assert app.query_params["preset"] == "cell" and app.query_params["layer"] == "0.5"


def _two_runs_of_pages() -> None:
    import streamlit as st

    from ui.navigation import pages

    first, second = pages(), pages()
    st.text(f"same pages: {[page.title for page in first] == [page.title for page in second]}")
    st.text(f"new objects: {all(a is not b for a, b in zip(first, second))}")


def test_every_run_gets_its_own_page_objects():
    """``st.navigation`` marks on a page object that the run may call it: objects shared by every session raced when
    two opened the same page at once ("This page cannot be called directly" in the load test)."""
    app = AppTest.from_function(_two_runs_of_pages, default_timeout=60).run()
    assert_fine(app)
    assert [element.value for element in app.text] == ["same pages: True", "new objects: True"]


def test_five_preset_changes_in_a_row_each_stick():
    app = start("wic")
    for word in ("cell", "plant", "spring", "light", "bank"):
        app.selectbox(key=widget("wic", "preset")).set_value(word).run()
        assert_fine(app)  # the second or third change used to put a TypeError in place of the neighbours
        assert app.text_input(key=widget("wic", "word")).value == word
        assert app.query_params["preset"] == word and app.query_params["word"] == word
        assert any(h.value == "Nearest neighbours" for h in app.header)
        assert app.selectbox(key=widget("wic", "focus")).value in range(len(load_presets()[word].sentences) * 2)


def test_find_contexts_after_changing_the_word():
    app = start("wic")
    app.selectbox(key=widget("wic", "focus")).set_value(7).run()
    app.text_input(key=widget("wic", "word")).set_value("guitar").run()
    assert any("does not occur" in w.value for w in app.warning)
    next(b for b in app.button if b.label.startswith("Find contexts")).click().run()
    assert_fine(app)
    assert app.query_params["word"] == "guitar" and app.query_params["search"] == "guitar"
    assert any("corpus sentences with" in i.value for i in app.info)
    assert app.selectbox(key=widget("wic", "focus")).value == 0, "an occurrence of the new sentences is chosen"


def test_the_layer_slider_keeps_its_value_through_a_word_that_is_not_found():
    app = start("wic")
    app.select_slider(key=widget("wic", "layer")).set_value(0.5).run()
    titles = panel_titles(app)
    app.text_input(key=widget("wic", "word")).set_value("guitar").run()  # the page stops before the slider
    app.text_input(key=widget("wic", "word")).set_value("bank").run()
    assert app.select_slider(key=widget("wic", "layer")).value == 0.5  # used to read "input"
    assert panel_titles(app) == titles, "the maps show the layer the slider reads"


def test_every_word_in_context_widget_changes_three_times():
    app = start("wic")
    set_each(app, "select_slider", widget("wic", "layer"), (0.0, 0.5, 1.0), "layer", lambda d: f"{d:.3g}")
    set_each(app, "toggle", widget("wic", "dims"), (True, False, True), "dims", lambda on: "3" if on else None)
    set_each(app, "checkbox", widget("wic", "inflections"), (False, True, False), "inflections",
             lambda on: None if on else "0")
    set_each(app, "selectbox", widget("wic", "encoder"), ("elmo", "static", "bilstm"), "encoder")
    set_each(app, "number_input", widget("wic", "k"), (3, 8, 2))


def test_the_measures_chart_follows_the_maps_once_per_session():
    """``ui.chart_slot``: a fresh session gets the maps and, for the measures chart, a box that asks for it once the
    browser has drawn the maps; from then on, through layer changes and page switches, it comes with the maps."""
    app = start("wic", drawn=False, word="bank")
    slot = find_component(app, "wic_measures.slot")
    assert len(app.get("plotly_chart")) == 1 and slot is not None and not app.dataframe, "the maps only, and the box"
    send_trigger(app, slot, "drawn", True)
    assert_fine(app)
    assert len(app.get("plotly_chart")) == 2, "the measures chart"
    assert not app.dataframe, "its table is built only when its expander is opened (ui.expanders)"
    app.session_state["wic.numbers_open"] = True
    app.run()
    assert app.dataframe and len(app.dataframe[0].value) > 4, "every encoder's layers"
    assert find_component(app, "wic_measures.slot") is None
    app.select_slider(key=widget("wic", "layer")).set_value(0.5).run()
    go(app, "decay")
    go(app, "wic")
    assert len(app.get("plotly_chart")) == 2 and find_component(app, "wic_measures.slot") is None


def test_hover_text_shows_quotes_as_quotes():
    hover = hover_html('He said "bank" & <b>left</b>', 9, 13, 'a "label"', "typed in")
    assert "&quot;" not in hover and '"' in hover  # Plotly shows &quot; literally
    assert "&lt;b&gt;" in hover and "&amp;" in hover


# --- Home ------------------------------------------------------------------------------------------------------------

def test_every_compare_on_home_keeps_the_new_sentence():
    app = start()
    for n, sentence in enumerate(["The bank was closed.", "A bank of fog rolled in.", "She robbed a bank."]):
        app.text_area[0].input(sentence)
        app.text_input[0].input("bank")
        button(app, "Compare").click().run()  # every second Compare used to snap the box back
        assert_fine(app)
        assert app.text_area[0].value == sentence, n
        assert app.query_params["a"] == sentence
        assert app.dataframe, "the comparison is drawn"
    go(app, "heads")
    go(app, "home")
    assert app.text_area[0].value == sentence


# --- Distance decay --------------------------------------------------------------------------------------------------

def test_distance_decay_keeps_its_sentence_and_every_choice_across_pages():
    app = start("decay")
    sentence = "A dog chased the small cat up a tall tree ."
    app.text_area(key=widget("decay", "sentence")).set_value(sentence).run()
    set_each(app, "radio", widget("decay", "encoder"), ("bert", "static", "bilstm"), "encoder")
    set_each(app, "radio", widget("decay", "direction"), ("forward", "backward", "both"), "direction",
             lambda direction: None if direction == "both" else direction)
    layers = ["glove", "lstm-1", "lstm-2"]  # the BiLSTM's layer ids (the selectbox shows plain names)
    set_each(app, "selectbox", widget("decay", "layer"), (layers[0], layers[-1], layers[1]), "layer")
    set_each(app, "selectbox", widget("decay", "row"), (2, 5, 9), "word", lambda row: str(row + 1))
    set_each(app, "toggle", widget("decay", "log"), (True, False, True), "log", lambda on: "1" if on else None)
    go(app, "heads")
    go(app, "decay")  # used to come back to the default sentence
    assert app.text_area(key=widget("decay", "sentence")).value == sentence
    assert app.radio(key=widget("decay", "encoder")).value == "bilstm"
    assert app.selectbox(key=widget("decay", "layer")).value == layers[1]
    assert app.selectbox(key=widget("decay", "row")).value == 9
    assert app.toggle(key=widget("decay", "log")).value is True
    assert app.query_params["sentence"] == sentence


def test_a_preset_button_then_a_typed_sentence_then_a_preset_again():
    app = start("decay")
    presets = [b for b in app.button if b.label in ("A pronoun", "A long sentence")]
    assert len(presets) == 2
    presets[0].click().run()
    assert "trophy" in app.text_area(key=widget("decay", "sentence")).value
    app.text_area(key=widget("decay", "sentence")).set_value("One two three four .").run()
    assert app.query_params["sentence"] == "One two three four ."
    next(b for b in app.button if b.label == "A long sentence").click().run()
    assert_fine(app)
    assert app.text_area(key=widget("decay", "sentence")).value.startswith("After the meeting")
    assert app.selectbox(key=widget("decay", "row")).format_func(
        app.selectbox(key=widget("decay", "row")).value).endswith("went")


def test_a_new_decay_sentence_sends_its_result_and_not_the_choices():
    """The sentence box lives in the decay view's inner fragment: its rerun sends the box, the word list, the
    headline and the chart for the new sentence, and not the presets and the four choices above them."""
    app = start("decay")
    app.radio(key=widget("decay", "encoder")).set_value("bert").run()
    sentence = "A dog chased the small cat up a tall tree ."
    app.text_area(key=widget("decay", "sentence")).set_value(sentence)
    rerun_fragment(app, "sentence_result")
    assert_fine(app)
    assert not app.button and not app.radio, "the presets and the choices are not sent again"
    assert app.text_area(key=widget("decay", "sentence")).value == sentence
    words = app.selectbox(key=widget("decay", "row"))
    assert [option.split(" · ")[1] for option in words.options] == tokenize(sentence)
    drawn = json.loads(find_component(app, SENTENCE_CHART).proto.json)
    assert drawn["words"] == tokenize(sentence) and any("is moved most by" in m.value for m in app.markdown)
    assert app.query_params["sentence"] == sentence and app.query_params["encoder"] == "bert"


# --- Attention heads -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def heads_app() -> AppTest:
    return start("heads")


def test_three_head_choices_in_a_row_each_stick(heads_app):
    app = heads_app
    for choice in ((5, 11), (6, 11), (3, 1)):  # the second used to be dropped, the third to land on 3-10
        app.selectbox(key=widget("heads", "choice")).set_value(choice).run()
        assert_fine(app)
        assert app.selectbox(key=widget("heads", "choice")).value == choice
        assert (app.query_params["layer"], app.query_params["head"]) == tuple(map(str, choice))
        assert any(f"Layer {choice[0]} of 6, head {choice[1]} —" in html.unescape(m.value) for m in app.markdown)


def test_units_filter_view_and_preset_each_change_twice(heads_app):
    app = heads_app
    set_each(app, "radio", widget("heads", "units"), ("pieces", "words", "pieces"), "units",
             lambda units: None if units == "words" else units)
    set_each(app, "pills", widget("heads", "show"), (["syntax"], ["coreference", "meaning"], ["topic"]), "show",
             ",".join)
    set_each(app, "segmented_control", widget("heads", "view"), ("Heatmap", "Model view (all heads)", "Head view"),
             "view", lambda view: None if view == "Head view" else view)
    presets = app.selectbox(key=widget("heads", "preset")).options
    for preset in (presets[2], presets[4], presets[1]):
        app.selectbox(key=widget("heads", "preset")).set_value(preset).run()
        assert_fine(app)
        assert app.query_params["sentence"] == preset
        assert app.text_area(key=widget("heads", "sentence")).value == preset
    go(app, "wic")
    go(app, "heads")  # used to come back to the default sentence
    assert app.query_params["sentence"] == presets[1] and app.query_params["units"] == "pieces"
    assert app.pills(key=widget("heads", "show")).value == ["topic"]


# --- reset and short links -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("page, change", [
    ("home", lambda app: (app.text_area[0].input("A bank of fog."), button(app, "Compare").click())),
    ("wic", lambda app: app.selectbox(key=widget("wic", "preset")).set_value("cell")),
    ("decay", lambda app: app.radio(key=widget("decay", "encoder")).set_value("bert")),
    ("heads", lambda app: app.selectbox(key=widget("heads", "choice")).set_value((3, 1))),
])
def test_reset_puts_every_page_back_to_its_defaults(page, change):
    app = start(page)
    before = dict(app.query_params)
    change(app)
    app.run()
    assert dict(app.query_params) != before, "the change shows in the URL"
    button(app, "↺ Reset this page").click().run()
    assert_fine(app)
    assert dict(app.query_params) == before, "back to the defaults, and the URL says so"


def test_a_corpus_search_links_by_word_and_count():
    app = start("wic")
    app.text_input(key=widget("wic", "word")).set_value("guitar").run()
    app.number_input(key=widget("wic", "n")).set_value(12).run()
    next(b for b in app.button if b.label.startswith("Find contexts")).click().run()
    assert_fine(app)
    assert app.query_params["search"] == "guitar" and app.query_params["n"] == "12"
    assert "sentences" not in app.query_params
    link = dict(app.query_params)
    assert len("&".join(f"{k}={v}" for k, v in link.items())) < 200
    again = start("wic", **link)  # the link reopens the same view
    assert again.text_area(key=widget("wic", "sentences")).value == app.text_area(key=widget("wic", "sentences")).value
    edited = app.text_area(key=widget("wic", "sentences")).value + "\nMy own guitar line."
    app.text_area(key=widget("wic", "sentences")).set_value(edited).run()
    assert "search" not in app.query_params and app.query_params["sentences"] == edited.strip()


def rerun_fragment(app: AppTest, name: str) -> AppTest:
    """What the browser sends when a fragment asks for a rerun (a component's trigger, ``run_every``): a rerun of
    only the fragment function ``name`` as the last full run registered it. (AppTest's own reruns are full runs.)"""
    fragments = app._fragment_storage._fragments  # AppTest has no public handle on its fragments
    [fragment_id] = [key for key, fragment in fragments.items()
                     if any(getattr(cell.cell_contents, "__name__", None) == name for cell in fragment.__closure__)]
    with patch.object(local_script_runner, "RerunData",
                      partial(RerunData, fragment_id_queue=[fragment_id], is_fragment_scoped_rerun=True)):
        return app.run()


@pytest.mark.parametrize("fragment", ["render_view", "render_layer_view"])
def test_a_view_rerun_after_a_word_that_is_not_found_is_ignored(fragment):
    """The maps' first paint (or the poll, or the layer slider) asks a fragment of the view to rerun just as a full
    run for a new word stops before the view: that rerun used to write into the top row's boxes and put an error on
    the page (load test)."""
    app = start("wic", word="bank")
    app.text_input(key=widget("wic", "word")).set_value("guitar").run()  # the page stops before the view
    assert any("does not occur" in w.value for w in app.warning)
    rerun_fragment(app, fragment)
    assert_fine(app)
    assert not app.get("plotly_chart") and not app.select_slider, "the old view is not drawn again"
    app.run()  # AppTest keeps only the last run's elements: the page again
    app.text_input(key=widget("wic", "word")).set_value("bank").run()
    rerun_fragment(app, fragment)  # the view the last full run drew reruns as before
    assert_fine(app)
    assert app.get("plotly_chart") and app.select_slider(key=widget("wic", "layer"))


def test_a_layer_change_sends_what_the_layer_changes_and_not_the_measures():
    """The layer slider lives in the view's inner fragment: its rerun sends the maps, their download and the
    neighbours at the new layer, and leaves the measures across layers (the browser rendered them again for
    nothing: a third of a layer change's time) where they are."""
    app = start("wic", word="bank")
    headers = [h.value for h in app.header]
    assert headers.index("Nearest neighbours") < headers.index("Which layer separates the senses?")
    captions = lambda: [c.value for c in app.caption if "Closest occurrences" in c.value]  # noqa: E731
    before = captions()
    app.select_slider(key=widget("wic", "layer")).set_value(0.0)  # kept for the fragment's rerun below
    rerun_fragment(app, "render_layer_view")
    assert_fine(app)
    assert [h.value for h in app.header] == ["Nearest neighbours"], "the measures are not sent again"
    assert len(app.get("plotly_chart")) == 1 and app.get("download_button")
    assert captions() != before and "input" in captions()[0].lower(), "the neighbours follow the layer"
