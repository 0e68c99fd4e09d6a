"""``make bench``: how fast and how small the app is on this machine, measured in one run of a few minutes.

1. Encoding throughput of every encoder on 1,000 bundled sentences; BERT also against its bare transformers forward.
2. A naive baseline: a fresh ``python -c`` process running ``umap.UMAP().fit_transform`` on the bank preset's points.
3. Server A (real ``streamlit run``, headless Chromium): cold start until the home page's title is drawn, every page
   with every encoder, then warm interactions (median and p95); its process tree's peak RSS, sampled every 100 ms.
4. Server B, fresh: the first Word-in-context view (``?word=bank``) until its four maps are drawn.

Prints a table and writes it to ``benchmarks/results.md`` and ``benchmarks/results.json`` with the machine.
A step that cannot run (a page missing, a widget renamed) is reported as n/a with the reason; the others go on.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

import numpy as np
import psutil

from benchmarks.browser_timing import (FOUR_MAPS, FOUR_UMAP_MAPS, WidgetMissing, click_radio, radio_options,
                                       step_slider, time_rerun, type_text, wait_idle)
from benchmarks.memory import PeakMemory
from benchmarks.throughput import Throughput, all_throughputs, bundled_sentences
from tests.browser import CHROMIUM, CHROMIUM_FLAGS, StreamlitServer, browser_unavailable_reason, open_page

HERE = Path(__file__).resolve().parent
HOME_TITLE = 'h1:has-text("Contextual Embeddings Explorer")'
REPEATS = 8
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
]
BASELINE_SCRIPT = ("import sys, numpy, umap\n"
                   "for points in numpy.load(sys.argv[1]).values(): umap.UMAP().fit_transform(points)")


@dataclass
class Row:
    """One line of the results table: a value in seconds, sentences/s, a ratio or MB, or why it is missing."""

    name: str
    value: float | None = None
    unit: str = "s"
    p95: float | None = None  # warm interactions: value is the median
    target: str = ""
    met: bool | None = None
    note: str = ""
    samples: list[float] = field(default_factory=list)

    def shown(self) -> str:
        if self.value is None:
            return "n/a"
        if self.unit == "ms":
            return f"{self.value:.0f} ms (p95 {self.p95:.0f} ms)" if self.p95 is not None else f"{self.value:.0f} ms"
        if self.unit == "x":
            return f"{self.value:.2f}x"
        return f"{self.value:.2f} s" if self.unit == "s" else f"{self.value:,.0f} {self.unit}"


def measured(name: str, measure, target: str = "", limit: float | None = None) -> Row:
    """A row in seconds from ``measure() -> (seconds, note)``; n/a with the reason when it raises."""
    row = Row(name, target=target)
    try:
        row.value, row.note = measure()
    except Exception as error:  # noqa: BLE001 - one failed step must not stop the benchmark
        row.note = f"{type(error).__name__}: {str(error).splitlines()[0][:160] if str(error) else ''}"
    if row.value is not None and limit is not None:
        row.met = row.value < limit
    print(f"  {row.name}: {row.shown()} {row.note}", flush=True)
    return row


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(terse=True), "python": platform.python_version(),
        "torch": version("torch"), "transformers": version("transformers"), "streamlit": version("streamlit"),
        "torch_threads": __import__("torch").get_num_threads(), "load_average_at_start": os.getloadavg()[0],
    }


# --- 1 and 2: in this process, and a naive baseline in a fresh one ---------------------------------------------------

def bank_points() -> dict[str, np.ndarray]:
    """The bank preset's target vectors at the top layer (the page's default view), per encoder that maps with UMAP."""
    import engine
    from engine.context_vectors import context_vectors
    from engine.occurrences import find_occurrences
    from engine.presets import load_presets
    from engine.projection import MIN_UMAP_POINTS

    preset = load_presets()["bank"]
    found = find_occurrences(preset.word, preset.lines(), True)
    points = {}
    for name in engine.ENCODER_NAMES:
        try:
            encoder = engine.load_encoder(name)
        except engine.EncoderUnavailable:
            continue
        top = context_vectors(encoder, found.words, found.occurrences).targets[-1]
        if len(np.unique(top, axis=0)) >= MIN_UMAP_POINTS:
            points[name] = top
    return points


def naive_umap_seconds(points: dict[str, np.ndarray]) -> tuple[float, str]:
    """A fresh interpreter importing umap and fitting each map once, the straightforward way, process start to exit."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "points.npz"
        np.savez(path, **points)
        start = time.monotonic()
        subprocess.run([sys.executable, "-c", BASELINE_SCRIPT, str(path)], check=True, capture_output=True)
        seconds = time.monotonic() - start
    sizes = ", ".join(f"{name} {len(array)}x{array.shape[1]}" for name, array in points.items())
    return seconds, f"{len(points)} fits ({sizes}), import + numba JIT + fit"


# --- 3: server A ---------------------------------------------------------------------------------------------------

def cold_start(browser) -> tuple[StreamlitServer, object, float]:
    """Start the server and open the home page: seconds from process start until the title is drawn."""
    start = time.monotonic()
    server = StreamlitServer()
    visit = open_page(browser, server.url)
    visit.page.wait_for_selector(HOME_TITLE, state="visible", timeout=60_000)
    return server, visit, time.monotonic() - start


def visit_every_page(browser, server: StreamlitServer, memory: PeakMemory) -> str:
    """Word in context (all encoders at once, until every map is UMAP), Distance decay with each encoder, Attention."""
    memory.step = "Word in context"
    page = open_page(browser, f"{server.url}/Word_in_context?word=bank").page
    page.wait_for_function(FOUR_UMAP_MAPS, timeout=180_000, polling=500)
    wait_idle(page)
    page.context.close()
    memory.step = "Distance decay"
    page = open_page(browser, f"{server.url}/Distance_decay").page
    wait_idle(page)
    encoders = radio_options(page, "Encoder")
    for option in encoders[:-1]:  # the last one is the selected one
        click_radio(page, "Encoder", option)
        wait_idle(page)
    page.context.close()
    memory.step = "Attention heads"
    page = open_page(browser, f"{server.url}/Attention_heads").page
    wait_idle(page)
    page.context.close()
    return f"decay encoders: {', '.join(encoders)}"


def repeated(name: str, page, actions, target: str = "median < 300 ms") -> Row:
    """Median and p95 of the time each action takes until the app is idle again."""
    row = Row(name, unit="ms", target=target)
    try:
        row.samples = [1000 * time_rerun(page, action) for action in actions]
        row.value = statistics.median(row.samples)
        row.p95 = float(np.percentile(row.samples, 95))
        row.met = row.value < 300
        row.note = f"{len(row.samples)} repeats"
    except Exception as error:  # noqa: BLE001
        row.note = f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"
    print(f"  {row.name}: {row.shown()} {row.note}", flush=True)
    return row


def warm_interactions(browser, server: StreamlitServer, memory: PeakMemory) -> list[Row]:
    rows = []
    memory.step = "warm: layer"
    page = open_page(browser, f"{server.url}/Word_in_context?word=bank").page
    wait_idle(page)
    try:
        for key in ("ArrowLeft", "ArrowRight"):  # both layers' UMAP maps computed once, untimed
            time_rerun(page, lambda key=key: step_slider(page, "Layer", key))
            page.wait_for_function(FOUR_UMAP_MAPS, timeout=120_000, polling=500)
            wait_idle(page)
    except (WidgetMissing, TimeoutError):
        pass
    keys = ["ArrowLeft", "ArrowRight"] * (REPEATS // 2)
    rows.append(repeated("Warm: change layer (Word in context slider)", page,
                         [lambda key=key: step_slider(page, "Layer", key) for key in keys]))
    page.context.close()

    memory.step = "warm: encoder and sentence (decay)"
    page = open_page(browser, f"{server.url}/Distance_decay").page
    wait_idle(page)
    try:
        options = radio_options(page, "Encoder")
    except WidgetMissing:
        options = []
    cycle = [options[i % len(options)] for i in range(REPEATS)] if len(options) > 1 else []
    rows.append(repeated("Warm: change encoder (Distance decay)", page,
                         [lambda option=option: click_radio(page, "Encoder", option) for option in cycle]
                         or [lambda: (_ for _ in ()).throw(WidgetMissing("fewer than two encoders"))]))
    rows.append(repeated("Warm: new sentence (Distance decay)", page,
                         [lambda s=s: type_text(page, "Sentence", s) for s in NEW_SENTENCES[: REPEATS // 2 + 2]]))
    page.context.close()

    memory.step = "warm: sentence (attention)"
    page = open_page(browser, f"{server.url}/Attention_heads").page
    wait_idle(page)
    rows.append(repeated("Warm: new sentence (Attention heads)", page,
                         [lambda s=s: type_text(page, "entence", s) for s in NEW_SENTENCES[-(REPEATS // 2 + 2):]]))
    page.context.close()
    return rows


def server_a(browser) -> list[Row]:
    """Cold start, the home page complete, every page with every encoder, warm interactions; peak memory throughout."""
    started = time.monotonic()
    try:
        server, visit, seconds = cold_start(browser)
    except Exception as error:  # noqa: BLE001
        return [Row("Cold start: `streamlit run` to the home page drawn", note=f"{type(error).__name__}: {error}")]
    memory = PeakMemory(server.process.pid)
    rows = [Row("Cold start: `streamlit run` to the home page drawn", seconds, target="< 3 s", met=seconds < 3,
                note="process start to the title drawn in Chromium")]
    print(f"  {rows[0].name}: {rows[0].shown()}", flush=True)
    memory.step = "home"

    def home_complete() -> tuple[float, str]:
        visit.page.wait_for_selector(".js-plotly-plot", timeout=120_000)
        return time.monotonic() - started, "process start to the demo chart (every encoder loaded in the background)"

    def every_page() -> tuple[float, str]:
        begin = time.monotonic()
        note = visit_every_page(browser, server, memory)
        return time.monotonic() - begin, note

    try:
        rows.append(measured("Home page complete (demo chart)", home_complete))
        visit.page.context.close()
        rows.append(measured("Visit every page with every encoder", every_page))
        rows += warm_interactions(browser, server, memory)
    finally:
        memory.stop()
        server.stop()
    peak = memory.peak / 2**20
    rows.append(Row("Peak server memory (RSS of the process tree)", peak, "MB", target="<= 690 MB", met=peak <= 690,
                    note=f"sampled every 100 ms; peak during: {memory.peak_step}"))
    print(f"  {rows[-1].name}: {rows[-1].shown()} ({rows[-1].note})", flush=True)
    return rows


# --- 4: server B -----------------------------------------------------------------------------------------------------

def first_word_in_context(browser) -> list[Row]:
    """A fresh server, no visit yet: opening ``/Word_in_context?word=bank`` until its four maps, then UMAP in all."""
    server = StreamlitServer()
    try:
        page = open_page(browser, "about:blank").page
        start = time.monotonic()
        page.goto(f"{server.url}/Word_in_context?word=bank")

        def until(condition: str, note: str):
            def measure() -> tuple[float, str]:
                page.wait_for_function(condition, timeout=180_000, polling=100)
                return time.monotonic() - start, note
            return measure

        return [
            measured("First Word-in-context view, fresh server (4 maps drawn)",
                     until(FOUR_MAPS, "from opening the URL on a server no one has visited yet"), "< 2 s", 2.0),
            measured("... until every map is UMAP (PCA meanwhile)",
                     until(FOUR_UMAP_MAPS, "includes numba's one-time compilation, in the background")),
        ]
    finally:
        server.stop()


# --- the report ------------------------------------------------------------------------------------------------------

def table(rows: list[Row]) -> str:
    lines = ["| Measurement | Result | Target | Met | Note |", "|---|---|---|---|---|"]
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "**no**")
        lines.append(f"| {row.name} | {row.shown()} | {row.target} | {met} | {row.note} |")
    return "\n".join(lines)


def write_report(info: dict, rows: list[Row]) -> str:
    machine_line = (f"{info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM, {info['os']}; Python "
                    f"{info['python']}, torch {info['torch']} ({info['torch_threads']} threads), transformers "
                    f"{info['transformers']}, streamlit {info['streamlit']}; load average {info['load_average_at_start']:.1f} "
                    f"at start, {info['load_average_at_end']:.1f} at end; {info['seconds']:.0f} s in all.")
    markdown = f"**Machine:** {machine_line}\n\n{table(rows)}\n"
    (HERE / "results.md").write_text(markdown)
    (HERE / "results.json").write_text(json.dumps(
        {"machine": info, "results": [row.__dict__ | {"shown": row.shown()} for row in rows]}, indent=2) + "\n")
    return markdown


def main() -> None:
    started = time.monotonic()
    info = machine()
    print(f"Machine: {info}", flush=True)
    rows: list[Row] = []

    print("Encoding throughput (1,000 bundled sentences)…", flush=True)
    results, skipped = all_throughputs(bundled_sentences())
    for result in results:
        rows.append(Row(f"Encoding throughput: {result.encoder}", result.sentences_per_s, "sentences/s"))
    bert = next((r for r in results if r.encoder == "bert"), None)
    if bert:
        rows.append(Row("Encoding throughput: raw transformers forward (bert)", bert.raw_sentences_per_s, "sentences/s",
                        note="model(input_ids, attention_mask), same batches, padding and threads"))
        rows.append(Row("BERT engine / raw forward", bert.ratio, "x", target=">= 0.8x", met=bert.ratio >= 0.8))
    rows += [Row(f"Encoding throughput: {name}", note=f"unavailable: {reason[:120]}") for name, reason in skipped.items()]
    for row in rows:
        print(f"  {row.name}: {row.shown()} {row.note}", flush=True)

    print("Naive UMAP baseline…", flush=True)
    rows.append(measured("Naive baseline: fresh `python -c` UMAP fit_transform, same points",
                         lambda: naive_umap_seconds(bank_points())))

    reason = browser_unavailable_reason()
    if reason:
        rows.append(Row("Browser measurements", note=f"skipped: {reason}"))
    else:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            print("Server A: cold start, every page, warm interactions, memory…", flush=True)
            rows += server_a(browser)
            print("Server B: first Word-in-context view…", flush=True)
            first = first_word_in_context(browser)
            naive = next(r for r in rows if r.name.startswith("Naive baseline"))
            if first[0].value and naive.value:
                first[0].note += f"; {naive.value / first[0].value:.1f}x faster than the naive baseline"
            rows += first
            browser.close()

    info["load_average_at_end"] = os.getloadavg()[0]
    info["seconds"] = time.monotonic() - started
    print("\n" + write_report(info, rows))


if __name__ == "__main__":
    main()
