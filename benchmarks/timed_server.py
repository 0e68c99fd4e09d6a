"""A real ``streamlit run`` server that reports when each script run starts and ends.

Each run prints ``BENCH-RUN <start> <end>`` in ``time.monotonic()`` seconds, a clock every process of the machine
shares on Linux, so the bench can split a step it times into the server's script runs and the rest (the websocket,
Streamlit's front end and Plotly in the browser). The app and the floor app are started the same way. With
``BENCH_PROFILE_DIR`` set, each run is also profiled (cProfile, the script's thread) into ``<start>.prof`` there.
"""
from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path

from tests.browser import ROOT, StreamlitServer

RUN_MARK = "BENCH-RUN"
_MARKS = re.compile(RUN_MARK + r" ([0-9.]+) ([0-9.]+)")
SERVER_CODE = f"""
import cProfile, os, sys, time
from streamlit.runtime.scriptrunner import script_runner
run = script_runner.ScriptRunner._run_script
profiles = os.environ.get("BENCH_PROFILE_DIR")
def timed(self, rerun_data):
    start = time.monotonic()
    profiler = cProfile.Profile() if profiles else None
    if profiler:
        profiler.enable()
    try:
        return run(self, rerun_data)
    finally:
        end = time.monotonic()
        if profiler:
            profiler.disable()
            profiler.dump_stats(os.path.join(profiles, f"{{start:.3f}}.prof"))
        print("{RUN_MARK}", start, end, flush=True)
script_runner.ScriptRunner._run_script = timed
from streamlit.web import cli
sys.argv = ["streamlit", *sys.argv[1:]]
cli.main()
"""


class TimedServer(StreamlitServer):
    """``StreamlitServer`` started through SERVER_CODE; ``runs`` holds every script run's (start, end)."""

    def __init__(self, script: Path = ROOT / "app.py", env: dict[str, str] | None = None) -> None:
        self.runs: list[tuple[float, float]] = []
        self.lines: list[str] = []
        original = subprocess.Popen

        def popen(command, **kwargs):  # ``python -m streamlit run ...`` becomes ``python -c SERVER_CODE run ...``
            return original([command[0], "-c", SERVER_CODE, *command[3:]], **kwargs)

        subprocess.Popen = popen
        try:
            super().__init__(env=env, script=script)
        finally:
            subprocess.Popen = original
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        for line in self.process.stdout:  # another thread's output can land inside a mark's line: search for it
            marks = _MARKS.findall(line)
            self.runs += [(float(start), float(end)) for start, end in marks]
            if not marks:
                self.lines.append(line.rstrip())

    def script_seconds(self, since: float, until: float) -> float:
        """Seconds of script runs between ``since`` and ``until`` (monotonic), each run clipped to that window."""
        return sum(max(0.0, min(end, until) - max(start, since)) for start, end in list(self.runs))

    def first_run(self, since: float) -> tuple[float, float] | None:
        return next(((start, end) for start, end in list(self.runs) if start >= since), None)
