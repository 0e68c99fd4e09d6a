"""The tour's state (``ui.page_state``): the step in the URL (``?step=N``, 1-based); per step, the teacher's text,
the room's guess and whether the answer is revealed, kept in session state (not in the URL, so a link opens a step
as the students first see it)."""
from __future__ import annotations

from ui.page_state import Field, PageState
from ui.tour.steps import STEPS


def parse_step(text: str) -> int:
    """A step number from the URL; ValueError (so the first step) when it is not one of the tour's."""
    number = int(text)
    if not 1 <= number <= len(STEPS):
        raise ValueError(f"no step {number}")
    return number


def text_field(key: str) -> str:
    return f"text.{key}"


def guess_field(key: str) -> str:
    return f"guess.{key}"


def shown_field(key: str) -> str:
    return f"shown.{key}"


STATE = PageState("tour", {
    "step": Field(1, parse=parse_step),
    **{text_field(step.key): Field(step.default, url=False) for step in STEPS},
    **{guess_field(step.key): Field(None, url=False) for step in STEPS},
    **{shown_field(step.key): Field(False, url=False) for step in STEPS},
})


def go_to(number: int) -> None:
    """Back / Next: another step (kept within the tour)."""
    STATE["step"] = min(max(1, number), len(STEPS))


def reveal(key: str) -> None:
    STATE[shown_field(key)] = True
