"""A real Streamlit server and headless Debian Chromium for browser tests.

The server runs on loopback; every request the page makes is recorded so tests can assert that
nothing leaves the machine. Screenshots go to ``test-output/``.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """``streamlit run app.py`` (or another ``script``) on a free loopback port, stopped with ``stop()``."""

    def __init__(self, env: dict[str, str] | None = None, script: Path = ROOT / "app.py") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.headless", "true", "--server.port", str(self.port), "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.process.stdout.read()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("streamlit did not become healthy in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def browser_unavailable_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"Debian chromium is not installed at {CHROMIUM} (tests/install_browser.sh needs root and apt)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make test installs requirements-test.txt)"
    return None


@dataclass
class PageVisit:
    """A page plus every URL it requested and every console error it logged."""

    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def external_requests(self) -> list[str]:
        return [url for url in self.requests
                if urlparse(url).scheme in ("http", "https", "ws", "wss") and urlparse(url).hostname not in LOOPBACK]


def open_page(browser, url: str, viewport: tuple[int, int] = (1400, 1000)) -> PageVisit:
    """Open ``url`` in a fresh context, recording requests and console errors."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    visit = PageVisit(page)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and visit.console_errors.append(message.text))
    page.goto(url)
    return visit


IDLE_APP = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def wait_until_idle(page, ready: str | None = None, timeout: float = 120.0, quiet: float = 1.5) -> None:
    """Wait for the ``ready`` selector (if given) and a finished script run, then until Streamlit has stopped
    running for ``quiet`` seconds. (The app's script state says "notRunning" only once a run has ended; the
    "Running…" widget appears only after a delay, so its absence alone proves nothing.)"""
    page.wait_for_selector(ready or '[data-testid="stAppViewContainer"]', timeout=timeout * 1000)
    page.wait_for_selector(IDLE_APP, timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline:
        running = page.locator(IDLE_APP).count() == 0 or page.locator('[data-testid="stStatusWidget"]').count() > 0
        if running:
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= quiet:
            return
        time.sleep(0.1)
    raise TimeoutError("the app kept running for longer than the timeout")


def exceptions_on(page) -> list[str]:
    """Texts of Streamlit exception boxes (tracebacks) on the page."""
    return [element.inner_text() for element in page.locator('[data-testid="stException"]').all()]


def screenshot(page, name: str) -> Path:
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path




# --- acting on Streamlit widgets the way a user does ------------------------------------------------------------------

def widget_box(page, testid: str, label: str):
    """The widget of kind ``testid`` (``stSelectbox``, ``stRadio``…) whose label is ``label``."""
    return page.locator(f'[data-testid="{testid}"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label)).first


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` by typing it, as a user searching the list does."""
    box = page.get_by_role("combobox", name=label, exact=True).first
    box.click()
    box.fill(option)
    page.locator('[role="option"]').filter(has_text=option).first.click()


def step_slider(page, label: str, key: str) -> None:
    """Move the (select) slider labelled ``label`` one step with the keyboard (``ArrowLeft`` / ``ArrowRight``)."""
    thumb = widget_box(page, "stSlider", label).locator('input[type="range"]')
    thumb.focus()
    thumb.press(key)


def pick(page, label: str, option: str) -> None:
    """Click ``option`` of the radio group labelled ``label``."""
    widget_box(page, "stRadio", label).locator("label").filter(has_text=option).first.click()


def follow_sidebar(page, title: str) -> None:
    """Open a page through its sidebar link and wait for it to settle."""
    page.locator('[data-testid="stSidebar"] a').filter(has_text=title).first.click()
    wait_until_idle(page, timeout=240)


def query(page) -> dict[str, str]:
    """The address bar's query parameters."""
    return dict(parse_qsl(urlparse(page.url).query))


# --- what a room can read ---------------------------------------------------------------------------------------------

_SMALLEST_TEXT = """(selector) => {
  const sizes = [...document.querySelectorAll(selector)]
    .filter(e => e.offsetParent !== null && e.textContent.trim() && e.getBoundingClientRect().width > 0)
    .map(e => parseFloat(getComputedStyle(e).fontSize));
  return sizes.length ? Math.min(...sizes) : null;
}"""
_OVERFLOWING = """() => {
  const clipped = e => { for (let a = e.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= innerWidth) return true; }
    return false; };
  const wide = [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > innerWidth + 1 && !clipped(e))
    .map(e => `${e.tagName.toLowerCase()} ${(e.textContent || '').trim().slice(0, 40)}`);
  if (document.documentElement.scrollWidth > innerWidth) wide.push(`page ${document.documentElement.scrollWidth}px`);
  return wide;
}"""
BODY_TEXT = '[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label'
CHART_TEXT = '[data-testid="stMain"] .main-svg text'


def smallest_text(page, selector: str = BODY_TEXT) -> float | None:
    """The smallest computed font size (px) of the visible elements ``selector`` matches (None: there are none)."""
    return page.evaluate(_SMALLEST_TEXT, selector)


def overflowing(page) -> list[str]:
    """Visible elements of the page body that reach past the viewport's right edge (and are not clipped by a
    scrolling or hidden-overflow box inside it), and the page itself when it scrolls sideways."""
    return page.evaluate(_OVERFLOWING)
