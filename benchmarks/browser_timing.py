"""Timing Streamlit in headless Chromium: from a user action until the app is idle again.

A script installed before the page loads records, with the page's clock, every message the server sends over the
WebSocket and every change of the session's state that Streamlit writes on the app root
(``data-test-script-state``: running / notRunning). A rerun is over when the state is notRunning and nothing has
arrived for a quiet moment; its end is the last message or state change. (The state alone is not enough: React
may draw a fast run's "running" and "notRunning" in one go, so no change is ever seen.) Widgets are found by
their label, the way a user finds them.
"""
from __future__ import annotations

import time

from tests import browser

RECORDER = """(() => {
  window.__benchEvents = [];
  const note = kind => window.__benchEvents.push([performance.now(), kind]);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); this.addEventListener('message', () => note('message')); }
  };
  new MutationObserver(records => records.forEach(r => note(r.target.getAttribute('data-test-script-state'))))
    .observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
  for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, () => note('user'), true);
})()"""
STATE = """() => { const app = document.querySelector('[data-testid="stApp"]');
                   return app ? app.getAttribute('data-test-script-state') : null; }"""

# How many maps with points are drawn in the main area: panels of one Plotly chart (2-D subplots holding points, or
# 3-D scenes), or separate charts. A panel that only says "loading the model…" holds no points and does not count.
DRAWN_MAPS = """() => {
  const main = document.querySelector('[data-testid="stMain"]') || document;
  const charts = [...main.querySelectorAll('.js-plotly-plot')];
  const maps = c => [...c.querySelectorAll('.cartesianlayer > .subplot')]
    .filter(s => s.querySelector('path.point')).length + c.querySelectorAll('.gl-container > div').length;
  return Math.max(0, ...charts.map(maps), charts.filter(c => maps(c) > 0).length);
}"""

# The Word-in-context page titles a panel "PCA for now: ..." until its UMAP map is ready.
PCA_STANDIN = """() => [...document.querySelectorAll('.js-plotly-plot .annotation-text')]
  .some(a => a.textContent.includes('PCA for now'))"""


def maps_drawn(expected: int, umap: bool = False) -> str:
    """A page condition: ``expected`` maps drawn (and, with ``umap``, none of them a PCA stand-in any more)."""
    return f"() => ({DRAWN_MAPS})() >= {expected}" + (f" && !({PCA_STANDIN})()" if umap else "")


class WidgetMissing(LookupError):
    """The page has no widget with that label (the page changed): the measurement is reported as n/a."""


def install_recorder(page) -> None:
    """Record messages and state changes in every document this page loads from now on."""
    page.add_init_script(RECORDER)


def _events(page) -> tuple[list, float, str | None]:
    return page.evaluate(f"() => [window.__benchEvents, performance.now(), ({STATE})()]")


def wait_idle(page, timeout: float = 120.0, quiet: float = 0.5) -> None:
    """Until a script has run, and the app is idle with nothing arriving for ``quiet`` seconds."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events, now, state = _events(page)
        if state == "notRunning" and now - (events[-1][0] if events else 0.0) >= quiet * 1000:
            return
        time.sleep(0.05)
    raise TimeoutError("the app kept running")


def time_rerun(page, action, timeout: float = 60.0, quiet: float = 0.4) -> float:
    """Seconds from the user's input in ``action()`` (its first pointer-down or key-down; Playwright's own work
    before it is not counted) until the app answered and went idle, with nothing more for ``quiet`` seconds."""
    called = page.evaluate("() => { window.__benchEvents.length = 0; return performance.now(); }")
    action()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events, now, state = _events(page)
        answers = [t for t, kind in events if kind != "user"]
        if answers and state == "notRunning" and now - events[-1][0] >= quiet * 1000:
            start = next((t for t, kind in events if kind == "user"), called)
            return (answers[-1] - start) / 1000
        time.sleep(0.03)
    raise TimeoutError("the app did not answer the action, or kept running")


def widget(page, testid: str, label: str, timeout: float = 30.0):
    """The first widget of that type whose label contains ``label`` (waiting for it to be drawn)."""
    found = page.locator(f'[data-testid="{testid}"]').filter(has_text=label).first
    try:
        found.wait_for(state="visible", timeout=timeout * 1000)
    except Exception as error:  # playwright's TimeoutError
        raise WidgetMissing(f"no {testid} labelled '{label}'") from error
    return found


def step_slider(page, label: str, key: str) -> None:
    """``tests.browser.step_slider`` once the slider is drawn (``WidgetMissing`` if it is not)."""
    widget(page, "stSlider", label)
    browser.step_slider(page, label, key)


def click_radio(page, label: str, option: str) -> None:
    widget(page, "stRadio", label).locator('[data-testid="stRadioOption"]').filter(has_text=option).first.click()


def radio_options(page, label: str) -> list[str]:
    """The options of a radio, starting with the one after the selected one (so each click changes something)."""
    options = widget(page, "stRadio", label).locator('[data-testid="stRadioOption"]')
    texts = [text.strip() for text in options.all_inner_texts()]
    selected = next((i for i in range(len(texts)) if options.nth(i).get_attribute("data-selected") == "true"), 0)
    return texts[selected + 1 :] + texts[: selected + 1]


def type_text(page, label: str, text: str) -> None:
    """Replace the text of a text area or input and apply it (Ctrl+Enter for an area, Enter for an input)."""
    boxes = page.locator('[data-testid="stTextArea"], [data-testid="stTextInput"]').filter(has_text=label).first
    try:
        boxes.wait_for(state="visible", timeout=30_000)
    except Exception as error:  # playwright's TimeoutError
        raise WidgetMissing(f"no text box labelled '{label}'") from error
    box = boxes.locator("textarea, input").first
    box.fill(text)
    box.press("Control+Enter" if box.evaluate("e => e.tagName") == "TEXTAREA" else "Enter")
