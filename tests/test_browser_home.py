"""The home page in a real browser: it renders, shows no traceback and requests nothing off this machine; and every
page has the browser load its chart code early."""
import re

from tests.browser import exceptions_on, open_page, screenshot, wait_until_idle
from ui.chart_library import EARLY_MODULES, STREAMLIT_SCRIPTS, early_modules


def test_home_page_renders_offline(app_server, browser):
    visit = open_page(browser, app_server.url)
    wait_until_idle(visit.page, ready=".js-plotly-plot")
    page = visit.page
    assert page.get_by_text("Contextual Embeddings Explorer").first.is_visible()
    assert page.locator(".js-plotly-plot").count() >= 1, "the two-sentence demo chart is drawn"
    assert exceptions_on(page) == []
    screenshot(page, "home")
    assert visit.external_requests() == []


def test_the_chart_library_loads_before_the_first_chart_and_takes_no_room(app_server, browser):
    """``ui.chart_library.load_chart_library``: the browser asks for Streamlit's Plotly and slider modules, and those
    they import, with the heading, before any chart exists, and the element that asks is invisible."""
    visit = open_page(browser, f"{app_server.url}/Distance_decay")
    page = visit.page
    page.wait_for_selector("h1")
    page.wait_for_function("() => performance.getEntriesByType('resource').some(e => /PlotlyChart/.test(e.name))",
                           timeout=60_000)
    wait_until_idle(page, ready=".js-plotly-plot")
    for name in EARLY_MODULES:
        assert any(f"/static/js/{name}." in url for url in visit.requests), f"{name} module requested"
    loader = page.locator('[data-testid="stElementContainer"]:has(#chart-library)')
    assert loader.count() == 1 and loader.bounding_box() is None, "the loader takes no room on the page"
    assert exceptions_on(page) == []
    assert all("404" in error for error in visit.console_errors), \
        "no script error (the only ones: Streamlit's own health probes under the page's path)"


def test_the_modules_loaded_early_exist_in_this_streamlit():
    """A Streamlit release that renames its browser modules would silently lose the early loading."""
    for name in EARLY_MODULES:
        assert list(STREAMLIT_SCRIPTS.glob(f"{name}.*.js")), f"Streamlit has no {name} module any more"
    modules = early_modules()
    plotly = modules[0]
    assert plotly.startswith("PlotlyChart.") and all((STREAMLIT_SCRIPTS / name).is_file() for name in modules)
    head = (STREAMLIT_SCRIPTS / plotly).read_text(encoding="utf-8")[:2000]
    assert all(name in modules for name in re.findall(r'from"\./([^"]+\.js)"', head)), \
        "the modules Plotly's imports are found too"
