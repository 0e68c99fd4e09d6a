"""The guided tour through Streamlit's AppTest (the whole app, real models and data): every step draws, Next/Back
and ?step=N move through it and the URL follows, a teacher's text redraws the view (or says what is wrong), the
reveal judges the guess, the reset clears everything; and the handout is one offline HTML file."""
from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.browser import ROOT
from ui.tour.handout import build_handout
from ui.tour.state import guess_field, text_field
from ui.tour.steps import STEPS

TOUR = "pages/0_Tour.py"


def start(**query: str) -> AppTest:
    """The app opened at /Tour with ``query``, as a link opens it."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    app.run()  # the home page first (it would drop another page's parameters from the address)
    app.query_params.clear()
    for key, value in query.items():
        app.query_params[key] = value
    app.switch_page(TOUR).run()
    assert_fine(app)
    return app


def assert_fine(app: AppTest) -> None:
    assert not app.exception, [e.message for e in app.exception]


def widget(name: str) -> str:
    return f"tour.{name}:widget"


def shown_step(app: AppTest) -> int:
    """The step the page draws, read from its header and the step list."""
    header = app.title[0].value
    number = app.selectbox(key=widget("step")).value
    assert header == STEPS[number - 1].title
    return number


def url_step(app: AppTest) -> str | None:
    value = app.query_params.get("step")
    return value[0] if isinstance(value, list) else value


def button(app: AppTest, label: str, where: str = "top"):
    keys = {"← Back": f"tour:back:{where}", "Next →": f"tour:next:{where}"}
    return next(b for b in app.button if b.key == keys.get(label, b.key) and b.label == label)


def chart_text(app: AppTest) -> str:
    return json.dumps(json.loads(app.get("plotly_chart")[0].proto.spec))


def markdown_text(app: AppTest) -> str:
    return "\n".join(element.value for element in app.markdown)


def test_next_walks_every_step_and_back_returns():
    app = start()
    for number, step in enumerate(STEPS, start=1):
        assert shown_step(app) == number
        assert url_step(app) == str(number)
        assert app.get("plotly_chart"), f"step {number} drew no chart"
        assert not app.warning, (number, [w.value for w in app.warning])
        assert "The notes:" in markdown_text(app)
        assert app.radio(key=widget(guess_field(step.key))).value is None
        if number < len(STEPS):
            button(app, "Next →").click().run()
            assert_fine(app)
    assert button(app, "Next →").disabled
    button(app, "← Back", "bottom").click().run()
    assert_fine(app)
    assert shown_step(app) == len(STEPS) - 1 and url_step(app) == str(len(STEPS) - 1)


def test_a_link_opens_its_step_and_the_step_list_moves():
    app = start(step="5")
    assert shown_step(app) == 5
    app.selectbox(key=widget("step")).set_value(8).run()
    assert_fine(app)
    assert shown_step(app) == 8 and url_step(app) == "8"
    button(app, "← Back").click().run()
    assert shown_step(app) == 7 and url_step(app) == "7"


@pytest.mark.parametrize("asked", ["0", "99", "-2", "three", "2.5", ""])
def test_a_wrong_step_in_the_link_opens_the_first(asked):
    app = start(step=asked)
    assert shown_step(app) == 1
    assert url_step(app) == "1"
    assert not app.warning


def test_a_new_sentence_redraws_the_view():
    app = start(step="2")
    before = chart_text(app)
    key = widget(text_field(STEPS[1].key))
    app.text_input(key=key).set_value("Yesterday the quick brown fox jumped over the lazy dog.").run()
    assert_fine(app)
    after = chart_text(app)
    assert "lazy" in after and "lazy" not in before
    assert "cabinet" in before and "cabinet" not in after
    # it is kept per step: away and back, the step still shows the teacher's sentence
    button(app, "Next →").click().run()
    button(app, "← Back").click().run()
    assert app.text_input(key=key).value.startswith("Yesterday") and "lazy" in chart_text(app)


@pytest.mark.parametrize("step, text, message", [
    (2, "", "empty"),
    (2, " ".join(["word"] * 80), "at most"),
    (1, "qzxvbwrk", "fewer than two sentences"),
    (1, "two words", "single word"),
    (9, "Nobody came to the party at all.", None),  # no pronoun: said in the caption, still drawn
])
def test_unusable_text_gets_a_message_not_a_traceback(step, text, message):
    app = start(step=str(step))
    app.text_input(key=widget(text_field(STEPS[step - 1].key))).set_value(text).run()
    assert_fine(app)
    if message is None:
        assert app.get("plotly_chart") and "no pronoun" in "\n".join(c.value for c in app.caption)
    else:
        assert any(message in w.value for w in app.warning), [w.value for w in app.warning]
        assert not app.get("plotly_chart")
    assert app.button(key=f"tour:reveal:{STEPS[step - 1].key}")  # the question is still there


def test_reveal_judges_the_guess():
    app = start(step="3")
    step = STEPS[2]
    correct = step.question.correct()
    wrong = (correct + 1) % len(step.question.options)
    app.radio(key=widget(guess_field(step.key))).set_value(wrong).run()
    app.button(key=f"tour:reveal:{step.key}").click().run()
    assert_fine(app)
    assert "Not this time" in app.warning[0].value and step.question.options[correct] in app.warning[0].value
    assert re.search(r"\d\.\d words", markdown_text(app))  # the measured half-lives
    app.radio(key=widget(guess_field(step.key))).set_value(correct).run()
    assert app.success and step.question.options[correct] in app.success[0].value


def test_reset_returns_to_the_first_step_and_its_defaults():
    app = start(step="2")
    key = widget(text_field(STEPS[1].key))
    app.text_input(key=key).set_value("A different sentence about nothing.").run()
    app.button(key=f"tour:reveal:{STEPS[1].key}").click().run()
    button(app, "Next →").click().run()
    app.button(key="tour:reset").click().run()
    assert_fine(app)
    assert shown_step(app) == 1 and url_step(app) == "1"
    app.selectbox(key=widget("step")).set_value(2).run()
    assert app.text_input(key=key).value == STEPS[1].default
    assert app.button(key=f"tour:reveal:{STEPS[1].key}")  # hidden again


def test_the_handout_is_one_offline_file_with_every_step():
    document = build_handout()
    for step in STEPS:
        assert step.title.replace("“", "").replace("”", "") in document.replace("“", "").replace("”", "")
    external = re.findall(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""",
                          document, flags=re.IGNORECASE)
    assert not external, external
    assert not re.search(r"<script[^>]+src=", document), "every script is inline"
    assert not re.search(r"<link\b", document) and "@import" not in document and "url(http" not in document
    assert document.count("Plotly.newPlot(") == len(STEPS)
    assert document.count("plotly.js v") <= 2  # inlined once (its banner may name the version twice)
    assert len(document) < 12_000_000
