"""Timing Streamlit in headless Chromium: from a user action until the script run it caused is over.

Streamlit writes the session's state on the app root (``data-test-script-state``: running / notRunning); a
MutationObserver records every change with the page's clock, so even runs shorter than a polling interval
are seen. Widgets are found by their label, the way a user finds them.
"""
from __future__ import annotations

import time

RECORD_RUNS = """() => {
  if (window.__benchRuns) return;
  const app = document.querySelector('[data-testid="stApp"]');
  window.__benchRuns = [];
  new MutationObserver(() => window.__benchRuns.push([performance.now(), app.getAttribute('data-test-script-state')]))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""

# How many maps with points are drawn in the main area: panels of one Plotly chart (2-D subplots holding points, or
# 3-D scenes), or separate charts. A panel that only says "loading the model…" holds no points and does not count.
DRAWN_MAPS = """() => {
  const main = document.querySelector('[data-testid="stMain"]') || document;
  const charts = [...main.querySelectorAll('.js-plotly-plot')];
  const maps = c => [...c.querySelectorAll('.cartesianlayer > .subplot')].filter(s => s.querySelector('path.point')).length
                    + c.querySelectorAll('.gl-container > div').length;
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


def wait_idle(page, timeout: float = 120.0, quiet: float = 0.5) -> None:
    """Until the app is connected and no script has run for ``quiet`` seconds."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout * 1000)
    page.evaluate(RECORD_RUNS)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs, now = page.evaluate("() => [window.__benchRuns, performance.now()]")
        state = page.get_attribute('[data-testid="stApp"]', "data-test-script-state")
        last_change = runs[-1][0] if runs else 0.0
        if state == "notRunning" and now - last_change >= quiet * 1000:
            return
        time.sleep(0.05)
    raise TimeoutError("the app kept running")


def time_rerun(page, action, timeout: float = 60.0, quiet: float = 0.4) -> float:
    """Seconds from ``action()`` until the run it caused ended, once no further run followed for ``quiet`` s."""
    page.evaluate(RECORD_RUNS)
    start = page.evaluate("() => { window.__benchRuns.length = 0; return performance.now(); }")
    action()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs, now = page.evaluate("() => [window.__benchRuns, performance.now()]")
        if any(state != "notRunning" for _, state in runs) and runs[-1][1] == "notRunning":
            if now - runs[-1][0] >= quiet * 1000:
                return (runs[-1][0] - start) / 1000
        time.sleep(0.03)
    raise TimeoutError("no complete script run after the action")


def widget(page, testid: str, label: str, timeout: float = 30.0):
    """The first widget of that type whose label contains ``label`` (waiting for it to be drawn)."""
    found = page.locator(f'[data-testid="{testid}"]').filter(has_text=label).first
    try:
        found.wait_for(state="visible", timeout=timeout * 1000)
    except Exception as error:  # playwright's TimeoutError
        raise WidgetMissing(f"no {testid} labelled '{label}'") from error
    return found


def step_slider(page, label: str, key: str) -> None:
    """Move a (select) slider one step with the keyboard (``ArrowLeft`` / ``ArrowRight``)."""
    thumb = widget(page, "stSlider", label).locator('input[type="range"]')
    thumb.focus()
    thumb.press(key)


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
