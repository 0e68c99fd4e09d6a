"""The home page through Streamlit's AppTest: the demo, and its messages for bad input."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.browser import ROOT


def run_home(**query: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "ui" / "home.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def test_demo_draws_one_line_per_encoder():
    app = run_home()
    assert not app.exception
    assert len(app.get("plotly_chart")) == 1
    table = app.dataframe[0].value
    static = table[table["encoder"] == "Static (GloVe)"]
    assert list(static["cosine"]) == [1.0], "GloVe gives the same vector in both sentences"
    bert = table[table["encoder"] == "BERT"]
    assert bert["cosine"].iloc[-1] < 0.99, "BERT's top layer tells the two banks apart"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"a": "", "b": "x"}, "no words|not in"),
        ({"a": "   ", "b": "   "}, "no words|not in"),
        ({"a": "?!. ,", "b": "..."}, "no words"),
        ({"word": "zebra"}, "not in the first sentence"),
        ({"word": "two words"}, "one word"),
        ({"word": ""}, "one word"),
    ],
)
def test_bad_input_gets_a_message_and_keeps_the_text(query, message):
    app = run_home(**query)
    assert not app.exception
    assert app.warning, "a clear message is shown"
    import re

    assert re.search(message, app.warning[0].value)
    if "word" in query:
        assert app.text_input[0].value == query["word"], "what the user typed stays in the box"


def test_too_long_for_bert_is_explained():
    long_text = "bank " + "word " * 700
    app = run_home(a=long_text, b="the bank")
    assert not app.exception
    assert any("512" in w.value for w in app.warning)
