"""Shared fixtures: a Streamlit server and a headless Chromium, both started once per test session."""
from __future__ import annotations

import pytest

from tests.browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    StreamlitServer,
    browser_unavailable_reason,
)


def pytest_collection_modifyitems(items) -> None:
    """Tests that drive Chromium or start a server are marked ``browser`` (``make test-fast`` leaves them out)."""
    for item in items:
        if {"browser", "app_server"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def app_server():
    server = StreamlitServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    reason = browser_unavailable_reason()
    if reason:
        pytest.skip(f"browser test skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
