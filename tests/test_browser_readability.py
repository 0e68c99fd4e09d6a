"""Readable from the back of a classroom (issue 17): Home, Distance decay and Inputs in headless Chromium at a
projector's 1024x768 (sidebar open; and in presenter mode, ``?present=1``, sidebar collapsed) and at 1400x1000.

Each view must draw without an exception box, fit the window's width (nothing scrolls sideways, no visible element
pokes out on the right), and keep its text large: chart text >= 14 px normally, and body and chart text >= 20 px in
presenter mode. A full-length screenshot of each view goes to ``test-output/readability-<page>-<mode>-<width>.png``
so a person can look at it as a room would.
"""
from __future__ import annotations

import pytest

from tests.browser import exceptions_on, open_page, screenshot, wait_until_idle

PAGES = {"home": "/", "decay": "/Distance_decay", "inputs": "/Inputs?word=bank"}
SIZES = ((1024, 768), (1400, 1000))
BODY_TEXT = '[data-testid="stMain"] :is(p, li, label)'
CHART_TEXT = ".main-svg text"

# Visible elements whose right edge, once cut by every scrolling or clipping ancestor, lies beyond the window.
_BEYOND_RIGHT = """() => {
  const width = window.innerWidth, found = [];
  const clippedRight = (element) => {
    let right = element.getBoundingClientRect().right;
    for (let up = element.parentElement; up; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') right = Math.min(right, up.getBoundingClientRect().right);
    }
    return right;
  };
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect(), style = getComputedStyle(element);
    if (box.width < 1 || box.height < 1 || style.visibility === 'hidden' || style.opacity === '0') continue;
    if (box.right <= width + 1) continue;
    const right = clippedRight(element);
    if (right > width + 1) {
      const id = element.getAttribute('data-testid') || element.className?.baseVal || element.className || '';
      found.push(`${element.tagName.toLowerCase()}.${id} right=${Math.round(right)}: `
                 + (element.textContent || '').trim().slice(0, 40));
    }
  }
  return found.slice(0, 15);
}"""

# Visible, non-empty text elements matching the selector whose computed font size is under the floor.
_SMALL_TEXT = """([selector, floor]) => [...document.querySelectorAll(selector)]
  .filter((element) => {
    const box = element.getBoundingClientRect(), style = getComputedStyle(element);
    return box.width >= 1 && box.height >= 1 && style.visibility !== 'hidden' && (element.textContent || '').trim();
  })
  .map((element) => [parseFloat(getComputedStyle(element).fontSize), (element.textContent || '').trim().slice(0, 40)])
  .filter(([size]) => size < floor - 0.01)
  .slice(0, 15)"""

_SIDEWAYS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return [document.documentElement.scrollWidth - window.innerWidth,
          main ? main.scrollWidth - main.clientWidth : 0];
}"""

_SIDEBAR_RIGHT = """() => {
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  return sidebar ? Math.max(0, sidebar.getBoundingClientRect().right) : 0;
}"""

_CONTENT_HEIGHT = """() => Math.max(document.documentElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
     .map((element) => element.scrollHeight))"""


def _address(base: str, page: str, presenting: bool) -> str:
    path = PAGES[page]
    if presenting:
        path += ("&" if "?" in path else "?") + "present=1"
    return base + path


def _full_length_screenshot(page, name: str) -> None:
    """The whole view in one image: the window grows to the content's height (the width, so the layout, stays)."""
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(page.evaluate(_CONTENT_HEIGHT), 16000)})
    page.wait_for_timeout(800)  # Plotly redraws on resize
    screenshot(page, name)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: str(size[0]))
@pytest.mark.parametrize("presenting", (False, True), ids=("normal", "present"))
@pytest.mark.parametrize("page_name", tuple(PAGES))
def test_view_fits_and_reads_at_classroom_sizes(app_server, browser, page_name, presenting, size):
    visit = open_page(browser, _address(app_server.url, page_name, presenting), viewport=size)
    page = visit.page
    try:
        wait_until_idle(page, ready=".js-plotly-plot", timeout=240)
        page.wait_for_timeout(500)  # the last chart's text is laid out
        where = f"{page_name}, {'presenter' if presenting else 'normal'} mode, {size[0]}x{size[1]}"
        assert exceptions_on(page) == [], where
        assert page.locator(".js-plotly-plot").count() >= 1, where
        document_extra, main_extra = page.evaluate(_SIDEWAYS)
        assert document_extra <= 0 and main_extra <= 0, f"{where}: scrolls sideways"
        assert page.evaluate(_BEYOND_RIGHT) == [], f"{where}: elements beyond the window's right edge"
        chart_floor = 20 if presenting else 14
        assert page.evaluate(_SMALL_TEXT, [CHART_TEXT, chart_floor]) == [], f"{where}: chart text under {chart_floor} px"
        canvas_charts = page.locator(".decay-chart")  # drawn on a canvas: each says the text size it drew with
        if page_name == "decay":
            canvas_charts.first.wait_for()
        for canvas_chart in canvas_charts.all():
            assert float(canvas_chart.get_attribute("data-text-px")) >= chart_floor, f"{where}: canvas chart text"
        if presenting:
            assert page.evaluate(_SMALL_TEXT, [BODY_TEXT, 20]) == [], f"{where}: body text under 20 px"
            sidebar_right = page.evaluate(_SIDEBAR_RIGHT)
            assert sidebar_right < 60, f"{where}: the sidebar starts collapsed (its right edge is at {sidebar_right})"
        assert visit.external_requests() == []
    finally:
        _full_length_screenshot(page, f"readability-{page_name}-{'present' if presenting else 'normal'}-{size[0]}")
        page.context.close()
