"""Streamlit's browser code for charts, loaded while the server still works on a page.

Streamlit's front end loads its Plotly module (4.7 MB, about a second of the browser's time to start) only when a
page first shows a chart, which a page sends after its computing. ``load_chart_library``, called with every page's
heading, has the browser import that module and the slider's at once. The modules they import in turn are asked for
at the same time: found only once Plotly's module had arrived, they were fetched from a server busy with the page's
first run and started Plotly 0.3 s late on a fresh Word-in-context view. The table module is left to Streamlit: asked
for early, it competed with Plotly's for the server and the browser on that same view (the page sends its table later).
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import streamlit as st

STREAMLIT_SCRIPTS = Path(st.__file__).parent / "static" / "static" / "js"  # Streamlit's browser code
EARLY_MODULES = ("PlotlyChart", "Slider")  # the largest modules a page's first view uses
STATIC_IMPORT = re.compile(r'\s*import\s*(?:[\w$]+\s*,?\s*)?(?:\{[^}]*\}|\*\s*as\s*[\w$]+)?\s*(?:from\s*)?"\./([^"]+\.js)"\s*;?')
IMPORTS_WITHIN = 20_000  # characters: a module's static imports all come first


def load_chart_library() -> None:
    """Start loading Streamlit's Plotly and slider modules, and what they import, in the browser now. A hidden script
    element; modules this Streamlit does not have are left out (Streamlit then loads its own, as before)."""
    if script := _library_loader():
        st.html(script, unsafe_allow_javascript=True)


def early_modules() -> list[str]:
    """The file names of ``EARLY_MODULES`` and every module they import, directly or not, the largest first."""
    found = [match.name for name in EARLY_MODULES for match in sorted(STREAMLIT_SCRIPTS.glob(f"{name}.*.js"))[:1]]
    modules, queue = [], found
    while queue:
        name, *queue = queue
        if name not in modules and (STREAMLIT_SCRIPTS / name).is_file():
            modules.append(name)
            queue += _static_imports(name)
    return modules


def _static_imports(name: str) -> list[str]:
    text = (STREAMLIT_SCRIPTS / name).read_text(encoding="utf-8", errors="replace")[:IMPORTS_WITHIN]
    imports, position = [], 0
    while match := STATIC_IMPORT.match(text, position):
        imports.append(match.group(1))
        position = match.end()
    return imports


@functools.lru_cache(maxsize=1)
def _library_loader() -> str:
    if not (modules := early_modules()):
        return ""
    return (  # the modules' addresses are relative to Streamlit's main script, wherever the app is served (those it
        # has loaded already are not fetched again); they load after the next frame, so that starting Plotly never
        # holds up the paint of the heading drawn just before
        '<style>[data-testid="stElementContainer"]:has(#chart-library) {display: none}</style>'
        '<span id="chart-library"></span><script>(() => {'
        'const main = document.querySelector(\'script[src*="/static/js/index."]\');'
        f'const load = () => {{ for (const name of {modules!r}) import(new URL(name, main.src)).catch(() => {{}}); }};'
        "if (main) requestAnimationFrame(() => setTimeout(load, 0));"
        "})();</script>"
    )
