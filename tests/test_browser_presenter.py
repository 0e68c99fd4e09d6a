"""Presenter mode on a 1024×768 projector, in Chromium: Word in context at 20 px, two maps, a big caption on click."""
from __future__ import annotations

import pytest

from tests.browser import (
    CHART_TEXT,
    exceptions_on,
    follow_sidebar,
    open_page,
    overflowing,
    query,
    screenshot,
    smallest_text,
    wait_until_idle,
)

PROJECTOR = (1024, 768)

@pytest.fixture()
def projector(app_server, browser):
    visit = open_page(browser, f"{app_server.url}/Word_in_context?word=bank&present=1", viewport=PROJECTOR)
    wait_until_idle(visit.page, ready=".js-plotly-plot", timeout=240)  # Plotly may draw after the app is idle
    yield visit
    visit.page.context.close()


def test_word_in_context_reads_from_the_back_of_the_room(projector):
    page = projector.page
    assert exceptions_on(page) == []
    assert page.locator('[data-testid="stSidebar"][aria-expanded="true"]').count() == 0, "the sidebar is collapsed"
    assert smallest_text(page) >= 20
    assert smallest_text(page, CHART_TEXT) >= 20
    assert overflowing(page) == [], "nothing is wider than the projector"
    screenshot(page, "presenter-word-in-context-1024")
    assert projector.external_requests() == []


def test_a_clicked_point_is_named_in_large_type(projector):
    page = projector.page
    chart = page.locator(".js-plotly-plot").first
    point = chart.locator(".scatterlayer .trace .points path").last  # a point of the BERT panel (drawn last)
    point.scroll_into_view_if_needed()
    point.click(force=True)
    wait_until_idle(page, timeout=240)
    assert exceptions_on(page) == []
    caption = page.locator(".big-caption").first
    assert caption.inner_text().startswith("#") and "bank" in caption.inner_text()
    assert float(caption.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 24
    assert query(page)["present"] == "1"
    screenshot(page, "presenter-word-in-context-clicked")


def test_presenter_mode_follows_the_teacher_through_the_sidebar(projector):
    page = projector.page
    page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button').first.click()
    for title in ("Distance decay", "Home", "Word in context"):
        follow_sidebar(page, title)
        assert exceptions_on(page) == [], title
        assert query(page).get("present") == "1", title
    page.get_by_role("button", name="Leave presenter mode").click()
    wait_until_idle(page, timeout=240)
    assert "present" not in query(page)
    assert smallest_text(page, CHART_TEXT) < 20, "normal mode is back"
