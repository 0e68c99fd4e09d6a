"""The guided tour as a room sees it: every step in headless Chromium at a projector's 1024x768 in presenter mode
(``?present=1``), moved through with Next. Each step must draw without an exception box or a request off the
machine, keep body and chart text at 20 px or more, and fit the window's width. Screenshots go to
``test-output/tour-step-N.png``. The handout must draw its figures offline from a file:// URL.
"""
from __future__ import annotations

import time
from urllib.parse import urlparse

from tests.browser import (
    IDLE_APP,
    OUTPUT,
    exceptions_on,
    open_page,
    query,
    screenshot,
    wait_until_idle,
)
from ui.tour.handout import build_handout
from ui.tour.steps import STEPS

FLOOR = 20  # px, presenter mode
BODY_TEXT = '[data-testid="stMain"] :is(p, li, label)'
CHART_TEXT = '[data-testid="stMain"] .main-svg text'

# visible, non-empty elements matching the selector whose computed font size is under the floor
SMALL_TEXT = """([selector, floor]) => [...document.querySelectorAll(selector)]
  .filter((e) => { const box = e.getBoundingClientRect(), style = getComputedStyle(e);
                   return box.width >= 1 && box.height >= 1 && style.visibility !== 'hidden'
                          && style.opacity !== '0' && (e.textContent || '').trim(); })
  .map((e) => [parseFloat(getComputedStyle(e).fontSize), (e.textContent || '').trim().slice(0, 40)])
  .filter(([size]) => size < floor - 0.01).slice(0, 10)"""

# visible elements whose right edge, after clipping by scrolling or clipping ancestors, lies beyond the window
BEYOND_RIGHT = """() => {
  const width = window.innerWidth, found = [];
  for (const e of document.querySelectorAll('body *')) {
    const box = e.getBoundingClientRect(), style = getComputedStyle(e);
    if (box.width < 1 || box.height < 1 || style.visibility === 'hidden' || box.right <= width + 1) continue;
    let right = box.right;
    for (let up = e.parentElement; up; up = up.parentElement)
      if (getComputedStyle(up).overflowX !== 'visible') right = Math.min(right, up.getBoundingClientRect().right);
    if (right > width + 1) found.push(`${e.tagName} ${e.getAttribute('data-testid') || ''} right=${Math.round(right)}`);
  }
  return found.slice(0, 10);
}"""


CONTENT_HEIGHT = """() => Math.max(document.documentElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
     .map((element) => element.scrollHeight))"""


def _full_length_screenshot(page, name: str) -> None:
    """The whole step in one image (the window grows to the content's height, then returns to 1024x768)."""
    page.set_viewport_size({"width": 1024, "height": min(page.evaluate(CONTENT_HEIGHT), 12000)})
    page.wait_for_timeout(800)  # Plotly redraws on resize
    screenshot(page, name)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.wait_for_timeout(300)


def _local(url: str, base: str) -> bool:
    scheme = urlparse(url).scheme
    return url.startswith(base) or scheme in ("data", "blob", "about")


def test_every_step_in_presenter_mode_at_1024(app_server, browser):
    visit = open_page(browser, f"{app_server.url}/Tour?step=1&present=1", viewport=(1024, 768))
    page, timings = visit.page, []
    try:
        for number, step in enumerate(STEPS, start=1):
            wait_until_idle(page, '.js-plotly-plot', timeout=240)
            assert exceptions_on(page) == [], f"step {number}"
            assert query(page).get("step") == str(number) and query(page).get("present") == "1"
            assert page.get_by_role("heading", name=step.title).count() == 1
            assert page.locator('[data-testid="stMain"] .js-plotly-plot').count() >= 1, f"step {number}: no chart"
            assert page.evaluate(SMALL_TEXT, [BODY_TEXT, FLOOR]) == [], f"step {number}: small body text"
            assert page.evaluate(SMALL_TEXT, [CHART_TEXT, FLOOR]) == [], f"step {number}: small chart text"
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"step {number}"
            assert page.evaluate(BEYOND_RIGHT) == [], f"step {number}: wider than the window"
            _full_length_screenshot(page, f"tour-step-{number}")
            if number < len(STEPS):
                started = time.perf_counter()
                page.get_by_role("button", name="Next →").first.click()
                page.wait_for_function(f"() => new URL(location.href).searchParams.get('step') === '{number + 1}'",
                                       timeout=60_000)
                page.get_by_role("heading", name=STEPS[number].title).wait_for(timeout=60_000)
                page.wait_for_selector(f"{IDLE_APP} .js-plotly-plot", timeout=60_000)
                timings.append(f"step {number + 1}: {time.perf_counter() - started:.2f} s")
        with page.expect_download(timeout=240_000) as download:  # built on the click, from the same views
            page.get_by_role("button", name="Download the handout (one HTML file)").click()
        handout = download.value.path().read_text(encoding="utf-8")
        assert all(f"Step {n} of {len(STEPS)}" in handout for n in range(1, len(STEPS) + 1))
        assert exceptions_on(page) == []
        external = [url for url in visit.requests if not _local(url, app_server.url)]
        assert external == [], external
        (OUTPUT / "tour-timings.txt").write_text("Next to the step drawn (browser, 1024x768, presenter mode):\n"
                                                 + "\n".join(timings) + "\n")
    finally:
        page.context.close()


def test_the_handout_draws_offline(browser, tmp_path):
    path = tmp_path / "tour.html"
    path.write_text(build_handout(), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1024, "height": 768}, offline=True)
    page = context.new_page()
    asked = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
               else (asked.append(route.request.url), route.abort()))
    try:
        page.goto(path.as_uri())
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length >= {len(STEPS)}",
                               timeout=60_000)
        assert page.locator(".js-plotly-plot .main-svg").count() >= len(STEPS)
        assert [url for url in asked if not url.startswith("data:")] == []
    finally:
        context.close()
