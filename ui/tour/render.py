"""How the tour page draws a step: where it is in the tour, the notes' claim, the teacher's text and its live view,
the question, and the measured answer once revealed. Charts and key lines go through ``ui.presenter`` so that
``?present=1`` makes them readable from the back of a room."""
from __future__ import annotations

import streamlit as st

from ui.charts import show_chart
from ui.common import escape_markdown
from ui.presenter import big_caption
from ui.tour.state import STATE, go_to, guess_field, reveal, shown_field, text_field
from ui.tour.steps import STEPS, Step
from ui.tour.views import TourInputError

MAX_CHARS = 2000


def step_title(number: int) -> str:
    return f"Step {number} of {len(STEPS)}: {STEPS[number - 1].title}"


def navigation(where: str) -> None:
    """Back, the step list (it is the step indicator too) and Next; ``where`` keeps the two copies' keys apart."""
    number = STATE["step"]
    back, pick, forward = st.columns([1, 4, 1], vertical_alignment="bottom")
    back.button("← Back", key=f"tour:back:{where}", on_click=go_to, args=(number - 1,), disabled=number == 1,
                width="stretch")
    forward.button("Next →", key=f"tour:next:{where}", on_click=go_to, args=(number + 1,),
                   disabled=number == len(STEPS), width="stretch", type="primary")
    if where == "top":
        pick.selectbox("Step", range(1, len(STEPS) + 1), format_func=step_title, label_visibility="collapsed",
                       **STATE.widget("step"))
    else:
        pick.markdown(f"**{escape_markdown(step_title(number))}**")


def render_step(step: Step) -> None:
    """The claim, the live view of the teacher's text, the question and (once revealed) the answer."""
    st.title(step.title)
    st.markdown(f"> **The notes:** {escape_markdown(step.notes)}")
    _predict(step)
    st.text_input(step.input_label, max_chars=MAX_CHARS, **STATE.widget(text_field(step.key)))
    text = STATE[text_field(step.key)]
    try:
        with st.spinner("Computing the view…"):
            view = step.show(text)
    except TourInputError as error:
        st.warning(str(error))
    else:
        show_chart(view.figure, key=f"tour:chart:{step.key}", config={"displaylogo": False})
        big_caption(view.key_line)
        st.caption(escape_markdown(view.about))
    _reveal(step)


def _predict(step: Step) -> None:
    """The question, asked before the view is looked at; the guess is kept per step."""
    question = step.question
    st.radio(f"**Predict:** {escape_markdown(question.prompt)}", range(len(question.options)),
             format_func=question.options.__getitem__, **STATE.widget(guess_field(step.key)))


def _reveal(step: Step) -> None:
    """The reveal: whether the guess was right, and the measured answer."""
    question = step.question
    if not STATE[shown_field(step.key)]:
        st.button("Reveal the answer", key=f"tour:reveal:{step.key}", on_click=reveal, args=(step.key,))
        return
    correct, guess = question.correct(), STATE[guess_field(step.key)]
    right_answer = question.options[correct]
    if guess is None:
        st.info(f"No guess was chosen. The answer: **{escape_markdown(right_answer)}**")
    elif guess == correct:
        st.success(f"Right: **{escape_markdown(right_answer)}**")
    else:
        st.warning(f"Not this time. The answer: **{escape_markdown(right_answer)}**")
    big_caption(step.answer())
