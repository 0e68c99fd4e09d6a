"""The home page in a real browser: it renders, shows no traceback and requests nothing off this machine."""
from tests.browser import exceptions_on, open_page, screenshot, wait_until_idle


def test_home_page_renders_offline(app_server, browser):
    visit = open_page(browser, app_server.url)
    wait_until_idle(visit.page, ready=".js-plotly-plot")
    page = visit.page
    assert page.get_by_text("Contextual Embeddings Explorer").first.is_visible()
    assert page.locator(".js-plotly-plot").count() >= 1, "the two-sentence demo chart is drawn"
    assert exceptions_on(page) == []
    screenshot(page, "home")
    assert visit.external_requests() == []
