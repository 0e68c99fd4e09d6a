"""``make bench``: how fast and how small the app is on this machine, each figure against its floor, in one run.

Absolute times on shared machines drift (1.5x between machines, and with the load of the moment), so every browser
figure is compared with the same step of a minimal Streamlit app (``benchmarks/floor_app.py``: a title, a slider and
one Plotly chart) measured in the same run, and the ratio is what the targets hold:

1. Encoding throughput of every encoder on 1,000 bundled sentences; BERT also against its bare transformers forward.
2. A naive baseline: a fresh ``python -c`` process running ``umap.UMAP().fit_transform`` on the bank preset's points.
3. Cold start (process start until the first paint: the home page's title / the floor's title) and the first view
   on a fresh server (``/Word_in_context?word=bank`` until its maps are drawn / the floor's chart), app and floor
   alternately, ``COLD_REPEATS`` times each.
4. One server for the rest, its process tree's RSS sampled every 100 ms throughout: the home page, a tour of every
   page, the warm interactions (from the key or pointer event until the app is idle again; the floor's slider rerun
   timed before and after them), and Find contexts (40 and 300 corpus sentences: from the click until the first
   maps, until every shown map is UMAP, and until everything, other layers and measures, has filled in).

Every server is started through ``benchmarks.timed_server`` (real ``streamlit run``, each script run's start and end
reported), so each step also splits into the server's script time and the rest: the websocket, Streamlit's front end
and Plotly drawing in Chromium.

Prints a table and writes it to ``benchmarks/results.md`` and ``benchmarks/results.json`` with the machine.
``--only cold,warm,find`` runs some sections (``throughput``, ``cold``, ``warm``, ``find``; the tour and memory run
with ``warm``). A step that cannot run (a page missing, a widget renamed) is reported as n/a with the reason.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path

import numpy as np
import psutil

from benchmarks.browser_timing import (
    WidgetMissing,
    click_radio,
    install_recorder,
    maps_drawn,
    radio_options,
    step_slider,
    time_rerun,
    type_text,
    wait_idle,
    widget,
)
from benchmarks.memory import PeakMemory
from benchmarks.throughput import all_throughputs, bundled_sentences
from benchmarks.timed_server import TimedServer
from tests.browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    browser_unavailable_reason,
    exceptions_on,
    open_page,
    screenshot,
)
from ui.serving import tune_for_serving

HERE = Path(__file__).resolve().parent
FLOOR_APP = HERE / "floor_app.py"
HOME_TITLE = 'h1:has-text("Contextual Embeddings Explorer")'
FLOOR_TITLE = 'h1:has-text("Floor")'
WIC_URL = "/Word_in_context?word=bank"
LIVE_WIC_URL = "/Word_in_context?word=line"  # not a preset: 40 corpus sentences, encoded and mapped live
WAIT = 300.0  # seconds: generous, for a crowded machine
COLD_REPEATS = 3
REPEATS = 8
SENTENCE_REPEATS = 5  # each new sentence is computed from scratch
FIND_40 = ["point", "run", "head"]  # no preset, >= 40 corpus sentences each, not searched before in the run
FIND_300 = ["time", "way", "man"]  # >= 300 corpus sentences each
NEW_SENTENCES = [
    "The old fisherman mended his nets while the children played on the shore.",
    "A committee of experts reviewed the proposal before the vote on Tuesday.",
    "She poured the coffee and read the letter that had arrived that morning.",
    "The engine stalled twice on the hill, so we walked the last mile home.",
    "My neighbour's dog barks whenever the postman opens the garden gate.",
    "The museum moved its paintings to the basement during the long storm.",
    "Students who finish the exam early may leave the hall quietly.",
    "After the concert, the band signed programmes for their patient fans.",
    "The river flooded the fields, and the farmers lost most of the harvest.",
    "Our teacher explained why the moon looks larger near the horizon.",
]
BASELINE_SCRIPT = ("import sys, numpy, umap\n"
                   "for points in numpy.load(sys.argv[1]).values(): umap.UMAP().fit_transform(points)")
SECTIONS = ("throughput", "cold", "warm", "find")
TILES = [(3, 1), (4, 8), (2, 5), (5, 11)]  # grid tiles clicked in turn (every label shown)


@dataclass
class Row:
    """One line of the results table: a median in s or ms (with p95 for ms), sentences/s, x or MB; its floor and
    ratio when it has one; the server's share; or why it is n/a."""

    name: str
    value: float | None = None
    unit: str = "s"
    p95: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    samples: list[float] = field(default_factory=list)
    floor: float | None = None  # the same step of the floor app, same unit, median of the same run
    limit: float | None = None  # the target ratio to the floor (value / floor <= limit), or the target value
    server: float | None = None  # median seconds (or ms) of that step spent in the server's script runs

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.value is not None and self.floor else None

    def judge(self) -> "Row":
        if self.limit is not None and self.value is not None:
            self.met = (self.ratio if self.floor else self.value) <= self.limit
        return self

    def number(self, value: float | None) -> str:
        if value is None:
            return ""
        if self.unit == "ms":
            return f"{value:.0f} ms"
        if self.unit == "x":
            return f"{value:.2f}x"
        return f"{value:.2f} s" if self.unit == "s" else f"{value:,.0f} {self.unit}"

    def shown(self) -> str:
        if self.value is None:
            return "n/a"
        text = self.number(self.value)
        if self.p95 is not None:
            text += f" (p95 {self.number(self.p95)})"
        return text + (f" [{len(self.samples)}x]" if len(self.samples) > 1 else "")

    def split(self) -> str:
        """The server's script time and the rest (transfer, Streamlit's front end, the browser)."""
        if self.server is None or self.value is None:
            return ""
        return f"{self.number(self.server)} / {self.number(max(0.0, self.value - self.server))}"

    def print(self) -> "Row":
        floor = f"  floor {self.number(self.floor)}, ratio {self.ratio:.2f}" if self.ratio else ""
        split = f"  server/rest {self.split()}" if self.split() else ""
        print(f"  {self.name}: {self.shown()}{floor}{split}  {self.note}", flush=True)
        return self


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def failure(error: BaseException, page=None, name: str = "") -> str:
    """Why a measurement is n/a; with the page, its Streamlit exceptions and a screenshot in test-output/."""
    note = f"n/a: {type(error).__name__}: {(str(error).splitlines() or [''])[0][:160]}"
    if page is not None:
        try:
            shot = screenshot(page, "bench-" + "-".join(re.findall(r"[a-z]+", name.lower()))[:60])
            errors = exceptions_on(page)
            note += f" (screenshot test-output/{shot.name}" + (f"; exception: {errors[0][:200]})" if errors else ")")
        except Exception:  # noqa: BLE001 - the page itself may be gone
            pass
    return note


def measured(name: str, measure, page=None) -> Row:
    """A row in seconds from ``measure() -> (seconds, note)``; n/a with the reason when it raises."""
    row = Row(name)
    try:
        row.value, row.note = measure()
    except Exception as error:  # noqa: BLE001 - one failed step must not stop the benchmark
        row.note = failure(error, page, name)
    return row.print()


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    import torch

    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(terse=True), "python": platform.python_version(), "torch": version("torch"),
        "torch_threads": torch.get_num_threads(), "transformers": version("transformers"),
        "streamlit": version("streamlit"), "load_average_at_start": round(os.getloadavg()[0], 1),
    }


# --- 1 and 2: in this process, and a naive baseline in a fresh one ---------------------------------------------------

def throughput_rows() -> tuple[list[Row], int]:
    """Rows for every encoder (and BERT's raw forward), and how many encoders load in this checkout."""
    results, skipped = all_throughputs(bundled_sentences())
    rows = [Row(f"Encoding throughput: {r.encoder}", r.sentences_per_s, "sentences/s",
                note="1,000 bundled sentences, raw text in, vectors out") for r in results]
    bert = next((r for r in results if r.encoder == "bert"), None)
    if bert:
        rows.append(Row("Encoding throughput: bert, raw transformers forward", bert.raw_sentences_per_s,
                        "sentences/s", note="model(input_ids, attention_mask) on the same batches, padding, threads"))
        rows.append(Row("BERT engine / raw forward", bert.ratio, "x", target=">= 0.8x", met=bert.ratio >= 0.8))
    rows += [Row(f"Encoding throughput: {name}", note=f"n/a: {reason[:120]}") for name, reason in skipped.items()]
    for row in rows:
        row.print()
    return rows, len(results)


def encoder_count() -> int:
    import engine

    count = 0
    for name in engine.ENCODER_NAMES:
        try:
            engine.load_encoder(name)
            count += 1
        except engine.EncoderUnavailable:
            pass
    return count


def bank_points() -> dict[str, np.ndarray]:
    """The bank preset's target vectors at the top layer (the page's default view), per encoder it maps with UMAP."""
    import engine
    from engine.word_in_context.context_vectors import context_vectors
    from engine.word_in_context.preset_store import preset_contexts
    from engine.word_in_context.presets import load_presets
    from engine.word_in_context.projection import MIN_UMAP_POINTS

    contexts = preset_contexts(load_presets()["bank"])
    points = {}
    for name in engine.ENCODER_NAMES:
        try:
            encoder = engine.load_encoder(name)
        except engine.EncoderUnavailable:
            continue
        words = [list(sentence) for sentence in contexts.sentences]
        top = context_vectors(encoder, words, contexts.occurrences()).targets[-1]
        if len(np.unique(top, axis=0)) >= MIN_UMAP_POINTS:
            points[name] = top
    return points


def naive_umap() -> tuple[float, str]:
    """A fresh interpreter importing umap and fitting each map once, the straightforward way: process start to exit."""
    points = bank_points()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "points.npz"
        np.savez(path, **points)
        start = time.monotonic()
        subprocess.run([sys.executable, "-c", BASELINE_SCRIPT, str(path)], check=True, capture_output=True)
        seconds = time.monotonic() - start
    sizes = ", ".join(f"{name} {len(array)}x{array.shape[1]}" for name, array in points.items())
    return seconds, f"{len(points)} fits ({sizes}): import, numba compilation, fit"


# --- 3: cold start and first view, app and floor alternately ---------------------------------------------------------

def open_url(browser, url: str):
    """A fresh browser context on ``url``, with generous timeouts (a crowded machine loads slowly)."""
    page = open_page(browser, "about:blank").page
    page.set_default_timeout(WAIT * 1000)
    install_recorder(page)
    page.goto(url)
    return page


@dataclass
class Timed:
    """One timed sample: its seconds and how many of them the server spent in script runs."""

    seconds: float
    server: float


def cold_start(browser, script: Path, ready: str) -> Timed:
    """Process start until ``ready`` is drawn in a fresh browser context; server share: until the server answers
    (Streamlit's own start-up) plus the first script run up to the paint."""
    start = time.monotonic()
    server = TimedServer(script=script)
    healthy = time.monotonic()
    try:
        page = open_url(browser, server.url)
        page.wait_for_selector(ready, state="visible")
        painted = time.monotonic()
        page.context.close()
        run = server.first_run(healthy)
        script_s = max(0.0, min(run[1], painted) - run[0]) if run else 0.0
        return Timed(painted - start, healthy - start + script_s)
    finally:
        server.stop()


def first_view(browser, script: Path, path: str, condition: str) -> Timed:
    """A fresh server no one has visited: opening ``path`` until ``condition`` holds."""
    server = TimedServer(script=script)
    try:
        page = open_page(browser, "about:blank").page
        start = time.monotonic()
        page.goto(server.url + path, timeout=WAIT * 1000)
        page.wait_for_function(condition, timeout=WAIT * 1000, polling=50)
        done = time.monotonic()
        page.context.close()
        return Timed(done - start, server.script_seconds(start, done))
    finally:
        server.stop()


def timed_row(name: str, samples: list[Timed], floor: list[Timed], limit: float | None, note: str) -> Row:
    """A row against its floor; ``limit`` None: the ratio is shown without a target."""
    row = Row(name, median([s.seconds for s in samples]), samples=[s.seconds for s in samples],
              floor=median([s.seconds for s in floor]), limit=limit,
              target=f"<= {limit}x the floor" if limit is not None else "",
              server=median([s.server for s in samples]), note=note)
    if floor:
        row.note += (f"; floor: {row.number(row.floor)}, of which the server "
                     f"{row.number(median([s.server for s in floor]))}")
    return row.judge().print()


def cold_and_first(browser, n_encoders: int) -> list[Row]:
    """Cold start and the first Word-in-context view against the floor app, alternately, ``COLD_REPEATS`` times."""
    names = ["Cold start: process start to the home page's title drawn",
             "First Word-in-context view (?word=bank), fresh server, until its maps are drawn",
             "The same first view against the floor opened at the same address"]
    samples: dict[str, list[Timed]] = {"cold": [], "floor cold": [], "first": [], "floor first": [],
                                       "floor first at the address": []}
    try:
        for _ in range(COLD_REPEATS):
            samples["floor cold"].append(cold_start(browser, FLOOR_APP, FLOOR_TITLE))
            samples["cold"].append(cold_start(browser, HERE.parent / "app.py", HOME_TITLE))
            samples["floor first"].append(first_view(browser, FLOOR_APP, "", maps_drawn(1)))
            samples["first"].append(first_view(browser, HERE.parent / "app.py", WIC_URL, maps_drawn(n_encoders)))
            samples["floor first at the address"].append(first_view(browser, FLOOR_APP, WIC_URL, maps_drawn(1)))
    except Exception as error:  # noqa: BLE001
        return [Row(name, note=failure(error)).print() for name in names]
    return [
        timed_row(names[0], samples["cold"], samples["floor cold"], 1.3,
                  "server: until it answers + the first script run until the paint; floor: the same for a title"),
        timed_row(names[1], samples["first"], samples["floor first"], 1.4,
                  f"{n_encoders} maps with points (the preset's UMAP maps are precomputed); floor: a page with one "
                  "small Plotly chart"),
        timed_row(names[2], samples["first"], samples["floor first at the address"], None,
                  f"no target: Streamlit's front end, opened at a page's address ({WIC_URL}), first looks for its "
                  "server under that path (a 404) and then at the root; the floor pays this too when opened there"),
    ]


# --- 4: one server for the tour, the warm interactions, Find contexts and memory -------------------------------------

def visit_every_page(browser, server: TimedServer, memory: PeakMemory, n_encoders: int) -> tuple[float, str]:
    """Word in context (a preset), Distance decay with each encoder, Attention heads, Inputs, then Word in context
    with corpus sentences encoded live (every encoder at once, until every map is UMAP)."""
    start, page, encoders = time.monotonic(), None, []
    try:
        memory.step = "Word in context"
        page = open_url(browser, server.url + WIC_URL)
        page.wait_for_function(maps_drawn(n_encoders, umap=True), timeout=WAIT * 1000, polling=500)
        page.context.close()
        memory.step = "Distance decay"
        page = open_url(browser, f"{server.url}/Distance_decay")
        wait_idle(page, WAIT)
        encoders = radio_options(page, "Encoder")
        for option in encoders[:-1]:  # the last one is the one already shown
            click_radio(page, "Encoder", option)
            wait_idle(page, WAIT)
        page.context.close()
        memory.step = "Attention heads"
        page = open_url(browser, f"{server.url}/Attention_heads")
        wait_idle(page, WAIT)
        page.context.close()
        memory.step = "Inputs"
        page = open_url(browser, f"{server.url}/Inputs?word=bank")
        wait_idle(page, WAIT, quiet=1.5)
        page.context.close()
        memory.step = "Word in context, live"
        page = open_url(browser, server.url + LIVE_WIC_URL)
        page.wait_for_function(maps_drawn(n_encoders, umap=True), timeout=WAIT * 1000, polling=500)
        wait_idle(page, WAIT, quiet=1.5)
        page.context.close()
    except Exception as error:  # noqa: BLE001 - reported with the page's screenshot
        raise RuntimeError(f"{memory.step}: {failure(error, page, 'visit ' + memory.step)}") from error
    return time.monotonic() - start, f"Distance decay with {', '.join(encoders)}"


def settle(server: TimedServer, timeout: float = 120.0, quiet: float = 2.0) -> None:
    """Until the server has used under 5% of a core for ``quiet`` seconds: the pages visited before leave work in
    the background (the other layers' UMAP maps of a live view), which would be timed as part of the first clicks."""
    process, deadline, calm_since = psutil.Process(server.process.pid), time.monotonic() + timeout, None
    used = sum(process.cpu_times()[:2])
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = sum(process.cpu_times()[:2])
        calm_since = (calm_since or time.monotonic()) if now - used < 0.025 else None
        used = now
        if calm_since and time.monotonic() - calm_since >= quiet:
            return


def reruns(server: TimedServer, page, actions) -> list[Timed]:
    """Each action timed from its input event until the app is idle again, with the server's script time."""
    samples = []
    for action in actions:
        since = time.monotonic()
        seconds = time_rerun(page, action)
        samples.append(Timed(seconds * 1000, server.script_seconds(since, time.monotonic()) * 1000))
    return samples


def warm_row(name: str, samples: list[Timed], floor: list[Timed], limit: float = 2.0) -> Row:
    values = [s.seconds for s in samples]
    row = Row(name, median(values), "ms", float(np.percentile(values, 95)), f"<= {limit}x the floor",
              samples=values, floor=median([s.seconds for s in floor]), limit=limit,
              server=median([s.server for s in samples]))
    return row.judge().print()


def floor_reruns(browser, floor: TimedServer) -> list[Timed]:
    page = open_url(browser, floor.url)
    page.wait_for_function(maps_drawn(1), timeout=WAIT * 1000, polling=100)
    wait_idle(page)
    keys = ["ArrowLeft", "ArrowRight"] * (REPEATS // 2)
    samples = reruns(floor, page, [lambda key=key: step_slider(page, "Points", key) for key in keys])
    page.context.close()
    return samples


def warm_interactions(browser, server: TimedServer, floor: list[Timed], n_encoders: int) -> list[Row]:
    """Change layer (Word in context), change encoder and new sentence (Distance decay), new sentence and change
    head in the head list and by a tile click (Attention heads): each against the floor's slider rerun."""
    rows = []

    def attempt(names: list[str], prepare, measure) -> None:
        page = None
        try:
            page = prepare()
            for name, samples in zip(names, measure(page)):
                rows.append(warm_row(name, samples, floor))
            page.context.close()
        except Exception as error:  # noqa: BLE001
            rows.extend(Row(name, unit="ms", note=failure(error, page, name)).print() for name in names)

    def word_in_context():
        page = open_url(browser, server.url + WIC_URL)
        page.wait_for_function(maps_drawn(n_encoders, umap=True), timeout=WAIT * 1000, polling=500)
        wait_idle(page)
        for key in ("ArrowLeft", "ArrowRight"):  # both layers' UMAP maps computed once, untimed
            time_rerun(page, lambda key=key: step_slider(page, "Layer", key), timeout=WAIT)
            page.wait_for_function(maps_drawn(n_encoders, umap=True), timeout=WAIT * 1000, polling=500)
            wait_idle(page)
        return page

    def layer_changes(page):
        keys = ["ArrowLeft", "ArrowRight"] * (REPEATS // 2)
        return [reruns(server, page, [lambda key=key: step_slider(page, "Layer", key) for key in keys])]

    def distance_decay():
        page = open_url(browser, f"{server.url}/Distance_decay")
        wait_idle(page, WAIT)
        options = radio_options(page, "Encoder")
        if len(options) < 2:
            raise WidgetMissing("fewer than two encoders to switch between")
        for option in options:  # each encoder's view computed once, untimed
            click_radio(page, "Encoder", option)
            wait_idle(page, WAIT)
        page.encoders = options
        return page

    def decay_changes(page):
        encoders = [page.encoders[i % len(page.encoders)] for i in range(REPEATS)]
        return [reruns(server, page, [lambda o=o: click_radio(page, "Encoder", o) for o in encoders]),
                reruns(server, page, [lambda s=s: type_text(page, "Sentence", s)
                                      for s in NEW_SENTENCES[:SENTENCE_REPEATS]])]

    def attention_heads():
        page = open_url(browser, f"{server.url}/Attention_heads")
        wait_idle(page, WAIT)
        return page

    def heads_changes(page):
        sentences = reruns(server, page, [lambda s=s: type_text(page, "Sentence", s)
                                          for s in NEW_SENTENCES[-SENTENCE_REPEATS:]])
        heads = []
        for _ in range(REPEATS):  # the list opened and the next head highlighted untimed, then chosen: Enter to idle
            box = widget(page, "stSelectbox", "Head").locator("input").first
            box.click()
            page.locator('[role="option"]').first.wait_for(state="visible")
            box.press("ArrowDown")  # only highlights: Playwright's round trip before Enter is not the app's
            heads += reruns(server, page, [lambda box=box: box.press("Enter")])
            wait_idle(page, WAIT)
        tiles = [page.locator(f'button[data-tile="{layer}-{head}"]') for layer, head in TILES * (REPEATS // len(TILES))]
        if not tiles[0].count():
            raise WidgetMissing("no grid tiles (button[data-tile])")
        return [sentences, heads, reruns(server, page, [tile.click for tile in tiles])]

    attempt(["Warm: change layer (Word in context slider)"], word_in_context, layer_changes)
    attempt(["Warm: change encoder (Distance decay)", "Warm: new sentence (Distance decay)"], distance_decay,
            decay_changes)
    attempt(["Warm: new sentence (Attention heads)", "Warm: change head (Attention heads)",
             "Warm: change head, a tile clicked (Attention heads)"], attention_heads, heads_changes)
    return rows


# The Find-contexts maps: the main chart holds other data than before the click (``window.__before``, the chart's
# data array then: the previous view's maps stay on screen until the new ones replace them), ``n`` maps hold points,
# and (``umap``) none of them is a PCA stand-in.
MAIN_CHART = """() => document.querySelector('[data-testid="stMain"] .js-plotly-plot')"""
FIND_STATE = """() => {
  const chart = (%s)();
  const ours = !!(chart && chart.data && chart.data.length && chart.data !== window.__before);
  const app = document.querySelector('[data-testid="stApp"]');
  return [performance.now(), ours && (%s)(), ours && (%s)(),
          document.querySelectorAll('[data-testid="stProgress"], [data-testid="stStatusWidget"]').length,
          app ? app.getAttribute('data-test-script-state') : null];
}"""


def find_contexts(page, server: TimedServer, word: str, n: int, n_encoders: int) -> dict[str, float]:
    """Type the word, set How many, then time the Find-contexts click: until the first maps of the new sentences
    are drawn (any method), until every shown map is UMAP, and until the page is complete (no progress shown, the
    app idle for 1.5 s)."""
    box = page.get_by_label("Target word")
    box.fill(word)
    box.press("Enter")
    wait_idle(page, WAIT)
    sentences = page.locator('[data-testid="stExpander"]').filter(has_text="one per line").first
    count = sentences.get_by_label("How many")
    if not count.is_visible():
        sentences.locator("summary").first.click()
    count.fill(str(n))
    count.press("Enter")
    wait_idle(page, WAIT)
    drawn = maps_drawn(n_encoders).removeprefix("() => ")
    umap = maps_drawn(n_encoders, umap=True).removeprefix("() => ")
    state = FIND_STATE % (MAIN_CHART, f"() => {drawn}", f"() => {umap}")
    page.evaluate(f"() => {{ const chart = ({MAIN_CHART})(); window.__before = chart ? chart.data : undefined; }}")
    button = page.get_by_role("button", name=re.compile("^Find contexts"))
    since = time.monotonic()
    clicked = page.evaluate("() => performance.now()")
    button.click()
    times: dict[str, float] = {}
    quiet_since = None
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        now, first, all_umap, busy, run_state = page.evaluate(state)
        if first and "first maps" not in times:
            times["first maps"] = (now - clicked) / 1000
        if all_umap and "UMAP maps" not in times:
            times["UMAP maps"] = (now - clicked) / 1000
        idle = all_umap and not busy and run_state == "notRunning"
        quiet_since = (quiet_since or now) if idle else None
        if quiet_since is not None and now - quiet_since >= 1500:
            times["complete"] = (quiet_since - clicked) / 1000
            break
        time.sleep(0.05)
    else:
        raise TimeoutError(f"Find contexts for {word!r} did not complete; reached: {sorted(times)}")
    times["server"] = server.script_seconds(since, since + times["complete"])
    return times


def find_rows(browser, server: TimedServer, memory: PeakMemory, n_encoders: int) -> list[Row]:
    """Find contexts on a warm server, 40 then 300 sentences, a word not searched before each time."""
    rows, page = [], None
    for n, words, limits in ((40, FIND_40, (3.0, None, None)), (300, FIND_300, (10.0, None, None))):
        names = [f"Find contexts, {n} sentences: click to the first maps",
                 f"Find contexts, {n} sentences: click to every shown map UMAP",
                 f"Find contexts, {n} sentences: click to complete (every layer, measures)"]
        samples: list[dict[str, float]] = []
        try:
            memory.step = f"Find contexts {n}"
            page = open_url(browser, server.url + WIC_URL)
            page.wait_for_function(maps_drawn(n_encoders, umap=True), timeout=WAIT * 1000, polling=500)
            wait_idle(page, WAIT)
            for word in words:
                samples.append(find_contexts(page, server, word, n, n_encoders))
                print(f"    {word}: " + ", ".join(f"{k} {v:.2f} s" for k, v in samples[-1].items()), flush=True)
            page.context.close()
        except Exception as error:  # noqa: BLE001
            rows += [Row(name, note=failure(error, page, name)).print() for name in names]
            continue
        for name, key, limit in zip(names, ("first maps", "UMAP maps", "complete"), limits):
            values = [s[key] for s in samples]
            row = Row(name, median(values), samples=values, limit=limit, note=", ".join(words),
                      target=f"<= {limit:g} s" if limit else "")
            if key == "complete":
                row.server = median([s["server"] for s in samples])
            rows.append(row.judge().print())
    return rows


def server_rows(browser, n_encoders: int, sections: set[str]) -> list[Row]:
    """Home, the tour, warm interactions against the floor's rerun, Find contexts; peak memory throughout."""
    rows: list[Row] = []
    server = TimedServer()
    memory = PeakMemory(server.process.pid)
    floor = TimedServer(script=FLOOR_APP) if "warm" in sections else None
    tour_peak, tour_step = 0, ""
    try:
        memory.step = "Home"
        start = time.monotonic()
        page = open_url(browser, server.url)

        def home_complete() -> tuple[float, str]:
            page.wait_for_selector(".js-plotly-plot")
            return time.monotonic() - start, "from opening the URL on a fresh server; the models load after the paint"

        rows.append(measured("Home page complete (demo chart, every encoder)", home_complete, page))
        page.context.close()
        if "warm" in sections:
            rows.append(measured("Visit every page with every encoder",
                                 lambda: visit_every_page(browser, server, memory, n_encoders)))
            memory.step = "warm interactions"
            settle(server)
            floor_samples = floor_reruns(browser, floor)
            warm = warm_interactions(browser, server, floor_samples, n_encoders)
            floor_samples += floor_reruns(browser, floor)
            values = [s.seconds for s in floor_samples]
            floor_row = Row("Floor: the minimal app's warm rerun on a slider change", median(values), "ms",
                            float(np.percentile(values, 95)), samples=values,
                            server=median([s.server for s in floor_samples]),
                            note="timed before and after the app's warm interactions")
            rows.append(floor_row.print())
            for row in warm:  # against every floor sample of the run, before and after
                if row.value is not None:
                    row.floor = floor_row.value
                    row.judge()
            rows += warm
        tour_peak, tour_step = memory.peak, memory.peak_step
        if "find" in sections:
            rows += find_rows(browser, server, memory, n_encoders)
    finally:
        memory.stop()
        server.stop()
        if floor:
            floor.stop()
    if "warm" in sections:
        rows.append(Row("Peak server memory through the tour and the warm interactions", tour_peak / 2**20, "MB",
                        target="<= 690 MB", met=tour_peak / 2**20 <= 690,
                        note="RSS of the process tree every 100 ms: home, every page (Inputs and a live 40-sentence "
                             f"Word-in-context view included), warm interactions; peak during: {tour_step}").print())
    if "find" in sections:
        peak = memory.peak / 2**20
        rows.append(Row("Peak server memory, Find contexts of 40 and 300 sentences included", peak, "MB",
                        target="<= 690 MB", met=peak <= 690, note=f"peak during: {memory.peak_step}").print())
    return rows


# --- the report ------------------------------------------------------------------------------------------------------

def table(rows: list[Row]) -> str:
    lines = ["| Measurement | Median [repeats] | Floor, same run | Ratio | Target | Met | Server / rest | Note |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "**no**")
        ratio = f"{row.ratio:.2f}" if row.ratio else ""
        lines.append(f"| {row.name} | {row.shown()} | {row.number(row.floor)} | {ratio} | {row.target} | {met} | "
                     f"{row.split()} | {row.note} |")
    return "\n".join(lines)


def write_report(info: dict, rows: list[Row], sections: set[str]) -> str:
    machine_line = (f"{info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM, {info['os']}; Python "
                    f"{info['python']}, torch {info['torch']} ({info['torch_threads']} thread(s)), transformers "
                    f"{info['transformers']}, streamlit {info['streamlit']}. Load average "
                    f"{info['load_average_at_start']} at the start, {info['load_average_at_end']} at the end; "
                    f"{info['seconds']:.0f} s in all.")
    markdown = (f"**Machine:** {machine_line}\n\n*Server / rest*: the step's time in the server's script runs, and "
                "the rest (the websocket, Streamlit's front end, Plotly drawing in Chromium).\n\n"
                f"{table(rows)}\n")
    if sections == set(SECTIONS):  # a partial run (--only) prints its table but keeps the last full report
        (HERE / "results.md").write_text(markdown)
        (HERE / "results.json").write_text(json.dumps(
            {"machine": info, "results": [asdict(row) | {"shown": row.shown(), "ratio": row.ratio}
                                          for row in rows]}, indent=2) + "\n")
    return markdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections of {SECTIONS}")
    sections = set(parser.parse_args().only.split(","))
    started = time.monotonic()
    tune_for_serving()  # encode here as the server does: same allocator setting, same torch threads
    info = machine()
    print(f"Machine: {info}", flush=True)
    rows: list[Row] = []
    if "throughput" in sections:
        print("Encoding throughput…", flush=True)
        rows, n_encoders = throughput_rows()
        print("Naive UMAP baseline…", flush=True)
        rows.append(measured("Naive baseline: fresh `python -c` UMAP fit_transform, same points", naive_umap))
    else:
        n_encoders = encoder_count()
    reason = browser_unavailable_reason()
    if reason:
        rows.append(Row("Browser measurements", note=f"n/a: {reason}").print())
    else:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            if "cold" in sections:
                print(f"Cold start and first view, app and floor alternately, {COLD_REPEATS} times…", flush=True)
                rows += cold_and_first(browser, n_encoders)
            if sections & {"warm", "find"}:
                print("One server: home, tour, warm interactions against the floor, Find contexts, memory…",
                      flush=True)
                rows += server_rows(browser, n_encoders, sections)
            browser.close()
    info["load_average_at_end"] = round(os.getloadavg()[0], 1)
    info["seconds"] = round(time.monotonic() - started)
    print("\n" + write_report(info, rows, sections))


if __name__ == "__main__":
    main()
