"""Load test: many browser sessions using every page at once, on loopback, for a bounded time.

A Streamlit server is started whose encoder loader prints a marker per model build (so "models loaded once" is
counted, not assumed); ``--users`` Playwright pages (separate contexts of one headless Chromium) then open the pages
and interact with them for ``--seconds``. Reported: steps, errors (exception boxes or timeouts), p50/p95 time from
an action until the app is idle again, model builds, and the server's peak memory (process tree RSS, psutil).
Run with ``make load-test`` (``python -m benchmarks.load_test``); it stops by itself.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

import psutil

from tests.browser import CHROMIUM, CHROMIUM_FLAGS, StreamlitServer

MARKER = "LOAD-TEST-BUILD"
# The real server, with the registry's class lookup wrapped to print a marker each time a model is actually built
# (``load_encoder`` looks the class up only to build it, under its lock).
SERVER_CODE = f"""
import sys
import engine.encoders.registry as registry
lookup = registry.encoder_class
def counted(name):
    print("{MARKER}", name, flush=True)
    return lookup(name)
registry.encoder_class = counted
from streamlit.web import cli
sys.argv = ["streamlit", *sys.argv[1:]]
cli.main()
"""
SENTENCES = ["The bank raised its rates.", "We sat on the bank of the river.", "She saw the bat fly at dusk.",
             "The animal didn't cross the street because it was too tired.", "He plays the bass in a band."]
WORDS = ["bank", "bat", "bass", "plant", "light"]
RUN_STATE = "() => document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state')"


class MarkedServer(StreamlitServer):
    """``StreamlitServer`` started through SERVER_CODE, its output collected in ``lines``."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        original = subprocess.Popen

        def popen(command, **kwargs):
            return original([command[0], "-c", SERVER_CODE, *command[3:]], **kwargs)

        subprocess.Popen = popen
        try:
            super().__init__()
        finally:
            subprocess.Popen = original
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip())

    def tracebacks(self) -> list[str]:
        """Each traceback the server logged: its last frame and its exception line."""
        found, frame, inside = [], "", False
        for line in self.lines:
            if line.startswith("Traceback"):
                inside = True
            elif inside and line.strip().startswith("File "):
                frame = line.strip()
            elif inside and not line.startswith(" "):
                found.append(f"{frame} -> {line.strip()}")
                inside = False
        return found

    def builds(self) -> list[str]:
        return [line.split()[1] for line in self.lines if line.startswith(MARKER)]


def tree_rss_mb(pid: int) -> float:
    process = psutil.Process(pid)
    members = [process, *process.children(recursive=True)]
    return sum(member.memory_info().rss for member in members if member.is_running()) / 2**20


async def until_idle(page, timeout: float, quiet: float = 0.5) -> None:
    """Until a script run has happened (or none comes within 1.5 s) and the app stayed idle for ``quiet`` s."""
    deadline = time.monotonic() + timeout
    started = time.monotonic()
    seen_running = False
    idle_since = None
    while time.monotonic() < deadline:
        state = await page.evaluate(RUN_STATE)
        if state == "running":
            seen_running, idle_since = True, None
        elif state == "notRunning" and (seen_running or time.monotonic() - started > 1.5):
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= quiet:
                return
        await asyncio.sleep(0.05)
    raise TimeoutError


async def act(page, url: str, rng: random.Random) -> str:
    """One user step: open a page by URL (state in the query), then one interaction on it."""
    path = rng.choice(["", "Word_in_context", "Distance_decay", "Attention_heads"])
    sentence, word = rng.choice(SENTENCES), rng.choice(WORDS)
    query = {"": {"a": f"The {word} is here.", "b": f"A {word} was there.", "word": word},
             "Word_in_context": {"word": word}, "Distance_decay": {"sentence": sentence},
             "Attention_heads": {"sentence": sentence}}[path]
    await page.goto(f"{url}/{path}?{urlencode(query)}")
    await page.wait_for_selector('[data-testid="stApp"]')
    return path


async def interact(page, path: str, rng: random.Random) -> None:
    if path == "Word_in_context":
        box = page.get_by_label("Target word")
        await box.fill(rng.choice(WORDS))
        await box.press("Enter")
        return
    box = page.locator("textarea").first
    await box.fill(rng.choice(SENTENCES) + (" bank" if path == "" else ""))
    if path == "Distance_decay":
        await box.press("Control+Enter")
    else:
        await page.get_by_role("button", name="Compare" if path == "" else "Show the heads").click()


async def user(browser, url: str, seed: int, stop_at: float, times: list[float], errors: list[str],
               exceptions: list[str]) -> None:
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(90_000)  # on 2 shared cores a page can take a minute under full load
    page = await context.new_page()
    while time.monotonic() < stop_at:
        path = "(opening a page)"
        try:
            start = time.monotonic()
            path = await act(page, url, rng)
            await until_idle(page, timeout=90)
            times.append(time.monotonic() - start)
            start = time.monotonic()
            await interact(page, path, rng)
            await until_idle(page, timeout=90)
            times.append(time.monotonic() - start)
            boxes = page.locator('[data-testid="stException"]')
            if await boxes.count():
                message = " ".join((await boxes.first.inner_text()).split())
                errors.append(f"exception box on /{path}: {message[:300]}")
                exceptions.append(path)
        except Exception as error:  # a timeout or a vanished widget is an error of the run, counted and reported
            errors.append(f"{type(error).__name__} on /{path}: {str(error)[:120]}")
    await context.close()


async def main(users: int, seconds: float) -> int:
    from playwright.async_api import async_playwright

    server = MarkedServer()
    rss: list[float] = []
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            rss.append(tree_rss_mb(server.process.pid))
            time.sleep(1.0)

    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            warm = await browser.new_page()
            for path in ("", "Word_in_context", "Distance_decay", "Attention_heads"):  # load models, compile UMAP
                await warm.goto(f"{server.url}/{path}")
                await until_idle(warm, timeout=300, quiet=3)
            await warm.close()
            after_warmup = tree_rss_mb(server.process.pid)
            print(f"warm: server tree RSS {after_warmup:.0f} MB; {users} users for {seconds:.0f} s", flush=True)
            threading.Thread(target=sample, daemon=True).start()
            times: list[float] = []
            errors: list[str] = []
            exceptions: list[str] = []
            stop_at = time.monotonic() + seconds
            await asyncio.wait_for(
                asyncio.gather(*(user(browser, server.url, seed, stop_at, times, errors, exceptions) for seed in range(users))),
                timeout=seconds + 180,
            )
            await browser.close()
    finally:
        sampling.set()
        server.stop()
    times.sort()
    p50 = statistics.median(times) if times else float("nan")
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))] if times else float("nan")
    builds = server.builds()
    print(f"steps: {len(times)}  errors: {len(errors)} ({len(exceptions)} exception boxes)  p50 {p50:.2f} s  p95 {p95:.2f} s  max {max(times or [0]):.2f} s")
    print(f"server RSS: after warm-up {after_warmup:.0f} MB, peak {max(rss or [0]):.0f} MB, end {rss[-1] if rss else 0:.0f} MB")
    print(f"model builds: {len(builds)} ({', '.join(builds)}); each encoder built once: {len(builds) == len(set(builds))}")
    for error in sorted(set(errors))[:10]:
        print("  error:", error)
    for traceback in sorted(set(server.tracebacks()))[:10]:
        print("  server traceback:", traceback)
    return 0 if not errors and len(builds) == len(set(builds)) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.users, arguments.seconds)))
