"""``make bench``: how fast and how small the app is on this machine, measured in one run of a few minutes.

1. Encoding throughput of every encoder on 1,000 bundled sentences; BERT also against its bare transformers forward.
2. A naive baseline: a fresh ``python -c`` process running ``umap.UMAP().fit_transform`` on the bank preset's points.
3. Server A (real ``streamlit run``, headless Chromium): cold start until the home page's title is drawn, every page
   with every encoder, then warm interactions (median and p95); its process tree's peak RSS, sampled every 100 ms.
4. Server B, fresh: the first Word-in-context view (``?word=bank``) until its maps are drawn; and, for scale, the
   same measurement of a minimal Streamlit page holding one small Plotly chart (Streamlit's own floor here).

Prints a table and writes it to ``benchmarks/results.md`` and ``benchmarks/results.json`` with the machine.
A step that cannot run (a page missing, a widget renamed) is reported as n/a with the reason; the others go on.
"""
from __future__ import annotations

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
)
from benchmarks.memory import PeakMemory
from benchmarks.throughput import all_throughputs, bundled_sentences
from tests.browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    StreamlitServer,
    browser_unavailable_reason,
    exceptions_on,
    open_page,
    screenshot,
)
from ui.serving import tune_for_serving

HERE = Path(__file__).resolve().parent
HOME_TITLE = 'h1:has-text("Contextual Embeddings Explorer")'
WIC_URL = "/Word_in_context?word=bank"
LIVE_WIC_URL = "/Word_in_context?word=line"  # not a preset: 40 corpus sentences, encoded and mapped live
FLOOR_APP = """import plotly.graph_objects as go
import streamlit as st

st.title("Floor")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2], mode="markers")))
"""
WAIT = 300.0  # seconds: generous, for a crowded machine
REPEATS = 8
SENTENCE_REPEATS = 5  # each new sentence is computed from scratch
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


@dataclass
class Row:
    """One line of the results table: a value in s, ms (median, with p95), sentences/s, x or MB; or why it is n/a."""

    name: str
    value: float | None = None
    unit: str = "s"
    p95: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    samples: list[float] = field(default_factory=list)

    def shown(self) -> str:
        if self.value is None:
            return "n/a"
        if self.unit == "ms":
            return f"{self.value:.0f} ms (p95 {self.p95:.0f} ms)"
        if self.unit == "x":
            return f"{self.value:.2f}x"
        return f"{self.value:.2f} s" if self.unit == "s" else f"{self.value:,.0f} {self.unit}"

    def print(self) -> "Row":
        print(f"  {self.name}: {self.shown()}  {self.note}", flush=True)
        return self


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


def measured(name: str, measure, target: str = "", limit: float | None = None, page=None) -> Row:
    """A row in seconds from ``measure() -> (seconds, note)``; n/a with the reason when it raises."""
    row = Row(name, target=target)
    try:
        row.value, row.note = measure()
        row.met = None if limit is None else row.value < limit
    except Exception as error:  # noqa: BLE001 - one failed step must not stop the benchmark
        row.note = failure(error, page, name)
    return row.print()


def repeated(name: str, page, actions, target: str = "median < 300 ms") -> Row:
    """Median and p95 of the time from each action until the app is idle again."""
    row = Row(name, unit="ms", target=target)
    try:
        row.samples = [1000 * time_rerun(page, action) for action in actions]
        row.value, row.p95 = statistics.median(row.samples), float(np.percentile(row.samples, 95))
        row.met, row.note = row.value < 300, f"{len(row.samples)} repeats"
    except Exception as error:  # noqa: BLE001
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


# --- 3: server A ---------------------------------------------------------------------------------------------------

def open_url(browser, url: str):
    """A fresh browser context on ``url``, with generous timeouts (a crowded machine loads slowly)."""
    page = open_page(browser, "about:blank").page
    page.set_default_timeout(WAIT * 1000)
    install_recorder(page)
    page.goto(url)
    return page


def visit_every_page(browser, server: StreamlitServer, memory: PeakMemory, n_encoders: int) -> tuple[float, str]:
    """Word in context (a preset, then corpus sentences encoded live; every encoder at once, until every map is
    UMAP), Distance decay with each encoder, Attention heads."""
    start, page, encoders = time.monotonic(), None, []
    try:
        memory.step = "Word in context"
        page = open_url(browser, server.url + WIC_URL)
        page.wait_for_function(maps_drawn(n_encoders, umap=True), timeout=WAIT * 1000, polling=500)
        page.context.close()
        memory.step = "Word in context, live"
        page = open_url(browser, server.url + LIVE_WIC_URL)
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
    except Exception as error:  # noqa: BLE001 - reported with the page's screenshot
        raise RuntimeError(f"{memory.step}: {failure(error, page, 'visit ' + memory.step)}") from error
    return time.monotonic() - start, f"Distance decay with {', '.join(encoders)}"


def change_layer(browser, server: StreamlitServer, n_encoders: int) -> Row:
    name, page = "Warm: change layer (Word in context slider)", None
    try:
        page = open_url(browser, server.url + WIC_URL)
        page.wait_for_function(maps_drawn(n_encoders, umap=True), timeout=WAIT * 1000, polling=500)
        wait_idle(page)
        for key in ("ArrowLeft", "ArrowRight"):  # both layers' UMAP maps computed once, untimed
            time_rerun(page, lambda key=key: step_slider(page, "Layer", key), timeout=WAIT)
            page.wait_for_function(maps_drawn(n_encoders, umap=True), timeout=WAIT * 1000, polling=500)
            wait_idle(page)
    except Exception as error:  # noqa: BLE001
        return Row(name, note=failure(error, page, name)).print()
    keys = ["ArrowLeft", "ArrowRight"] * (REPEATS // 2)
    row = repeated(name, page, [lambda key=key: step_slider(page, "Layer", key) for key in keys])
    page.context.close()
    return row


def decay_interactions(browser, server: StreamlitServer) -> list[Row]:
    names, page = ["Warm: change encoder (Distance decay)", "Warm: new sentence (Distance decay)"], None
    try:
        page = open_url(browser, f"{server.url}/Distance_decay")
        wait_idle(page, WAIT)
        options = radio_options(page, "Encoder")
        if len(options) < 2:
            raise WidgetMissing("fewer than two encoders to switch between")
        for option in options:  # each encoder's view computed once, untimed
            click_radio(page, "Encoder", option)
            wait_idle(page, WAIT)
    except Exception as error:  # noqa: BLE001
        return [Row(name, note=failure(error, page, name)).print() for name in names]
    encoders = [options[i % len(options)] for i in range(REPEATS)]
    rows = [repeated(names[0], page, [lambda o=o: click_radio(page, "Encoder", o) for o in encoders]),
            repeated(names[1], page, [lambda s=s: type_text(page, "Sentence", s)
                                      for s in NEW_SENTENCES[:SENTENCE_REPEATS]])]
    page.context.close()
    return rows


def attention_sentence(browser, server: StreamlitServer) -> Row:
    name, page = "Warm: new sentence (Attention heads)", None
    try:
        page = open_url(browser, f"{server.url}/Attention_heads")
        wait_idle(page, WAIT)
    except Exception as error:  # noqa: BLE001
        return Row(name, note=failure(error, page, name)).print()
    row = repeated(name, page, [lambda s=s: type_text(page, "Sentence", s) for s in NEW_SENTENCES[-SENTENCE_REPEATS:]])
    page.context.close()
    return row


def server_a(browser, n_encoders: int) -> list[Row]:
    """Cold start, the home page complete, every page with every encoder, warm interactions; peak memory throughout."""
    name = "Cold start: `streamlit run` to the home page's title drawn"
    start = time.monotonic()
    try:
        server = StreamlitServer()
        page = open_url(browser, server.url)
        page.wait_for_selector(HOME_TITLE, state="visible")
    except Exception as error:  # noqa: BLE001
        return [Row(name, note=failure(error)).print()]
    rows = [Row(name, time.monotonic() - start, target="< 3 s", note="from process start, headless Chromium").print()]
    rows[0].met = rows[0].value < 3
    memory = PeakMemory(server.process.pid)

    def home_complete() -> tuple[float, str]:
        page.wait_for_selector(".js-plotly-plot")
        return time.monotonic() - start, "from process start; the models load after the first paint"

    try:
        memory.step = "Home"
        rows.append(measured("Home page complete (demo chart, every encoder)", home_complete, page=page))
        page.context.close()
        rows.append(measured("Visit every page with every encoder",
                             lambda: visit_every_page(browser, server, memory, n_encoders)))
        memory.step = "warm interactions"
        rows.append(change_layer(browser, server, n_encoders))
        rows += decay_interactions(browser, server)
        rows.append(attention_sentence(browser, server))
    finally:
        memory.stop()
        server.stop()
    peak = memory.peak / 2**20
    note = f"sampled every 100 ms from the first paint to the end; peak during: {memory.peak_step}"
    rows.append(Row("Peak server memory (RSS of the process tree)", peak, "MB", target="<= 690 MB", met=peak <= 690,
                    note=note).print())
    return rows


# --- 4: server B -----------------------------------------------------------------------------------------------------

def first_word_in_context(browser, n_encoders: int, naive: Row) -> list[Row]:
    """A fresh server, no visit yet: opening the bank view until its maps are drawn, then until all are UMAP."""
    names = ["First Word-in-context view, fresh server", "... until every map is UMAP (PCA shown meanwhile)"]
    try:
        server = StreamlitServer()
    except Exception as error:  # noqa: BLE001
        return [Row(name, note=failure(error)).print() for name in names]
    try:
        page = open_page(browser, "about:blank").page
        start = time.monotonic()
        page.goto(server.url + WIC_URL, timeout=WAIT * 1000)

        def until(condition: str, note: str):
            def measure() -> tuple[float, str]:
                page.wait_for_function(condition, timeout=WAIT * 1000, polling=100)
                seconds = time.monotonic() - start
                faster = f"; the naive baseline takes {naive.value / seconds:.1f}x as long" if naive.value else ""
                return seconds, note + faster
            return measure

        return [measured(names[0], until(maps_drawn(n_encoders), f"{n_encoders} maps with points, from opening "
                                         "the URL on a server no one has visited"), "< 2 s", 2.0, page),
                measured(names[1], until(maps_drawn(n_encoders, umap=True), "the presets' maps are precomputed"),
                         page=page)]
    finally:
        server.stop()


def streamlit_floor(browser) -> Row:
    """The same first view of a minimal Streamlit page with one small Plotly chart: what any Streamlit page costs."""
    def measure() -> tuple[float, str]:
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "floor.py"
            script.write_text(FLOOR_APP)
            server = StreamlitServer(script=script)
            try:
                page = open_page(browser, "about:blank").page
                start = time.monotonic()
                page.goto(server.url, timeout=WAIT * 1000)
                page.wait_for_function(maps_drawn(1), timeout=WAIT * 1000, polling=100)
                return time.monotonic() - start, "fresh server and browser context, same machine and browser"
            finally:
                server.stop()
    return measured("Floor: a minimal Streamlit page with one Plotly chart, first view", measure)


# --- the report ------------------------------------------------------------------------------------------------------

def table(rows: list[Row]) -> str:
    lines = ["| Measurement | Result | Target | Met | Note |", "|---|---|---|---|---|"]
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "**no**")
        lines.append(f"| {row.name} | {row.shown()} | {row.target} | {met} | {row.note} |")
    return "\n".join(lines)


def write_report(info: dict, rows: list[Row]) -> str:
    machine_line = (f"{info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM, {info['os']}; Python "
                    f"{info['python']}, torch {info['torch']} ({info['torch_threads']} thread(s)), transformers "
                    f"{info['transformers']}, streamlit {info['streamlit']}. Load average "
                    f"{info['load_average_at_start']} at the start, {info['load_average_at_end']} at the end; "
                    f"{info['seconds']:.0f} s in all.")
    markdown = f"**Machine:** {machine_line}\n\n{table(rows)}\n"
    (HERE / "results.md").write_text(markdown)
    (HERE / "results.json").write_text(json.dumps(
        {"machine": info, "results": [asdict(row) | {"shown": row.shown()} for row in rows]}, indent=2) + "\n")
    return markdown


def main() -> None:
    started = time.monotonic()
    tune_for_serving()  # encode here as the server does: same allocator setting, same torch threads
    info = machine()
    print(f"Machine: {info}", flush=True)
    print("Encoding throughput…", flush=True)
    rows, n_encoders = throughput_rows()
    print("Naive UMAP baseline…", flush=True)
    naive = measured("Naive baseline: fresh `python -c` UMAP fit_transform, same points", naive_umap)
    rows.append(naive)
    reason = browser_unavailable_reason()
    if reason:
        rows.append(Row("Browser measurements", note=f"n/a: {reason}").print())
    else:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            print("Server A: cold start, every page, warm interactions, memory…", flush=True)
            rows += server_a(browser, n_encoders)
            print("Server B: the first Word-in-context view…", flush=True)
            rows += first_word_in_context(browser, n_encoders, naive)
            rows.append(streamlit_floor(browser))
            browser.close()
    info["load_average_at_end"] = round(os.getloadavg()[0], 1)
    info["seconds"] = round(time.monotonic() - started)
    print("\n" + write_report(info, rows))


if __name__ == "__main__":
    main()
