"""The tour as one self-contained HTML file for students to keep: every step's claim, figure (default text),
question, answer and what the view shows. plotly.js is inlined once; nothing is fetched from the network.

``python -m ui.tour.handout OUT.html`` writes it (about a minute: it loads every model); the tour page's download
button builds it on first click and keeps it for the server's life. The figures come from the same view functions
as the page, which work outside a Streamlit run.
"""
from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

import plotly.io as pio
import streamlit as st
from tqdm import tqdm

from ui.common import available_encoders
from ui.tour.steps import STEPS, Step
from ui.tour.views import TourInputError

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; line-height: 1.5; color: #222; }
section { border-top: 2px solid #ddd; padding-top: 1em; margin-top: 2em; }
blockquote { border-left: 5px solid #0072B2; margin: 0.5em 0; padding: 0.3em 1em; background: #F0F6FB; }
.key { font-weight: 600; font-size: 1.15em; }
.about { color: #555; font-size: 0.95em; }
.answer { border-left: 5px solid #009E73; padding: 0.3em 1em; background: #EEF8F4; }
"""


def _section(number: int, step: Step, figure_html: str, key_line: str, about: str) -> str:
    question, correct = step.question, step.question.correct()
    options = "".join(f"<li>{html.escape(option)}</li>" for option in question.options)
    return f"""<section id="step-{number}">
<h2>Step {number} of {len(STEPS)}: {html.escape(step.title)}</h2>
<blockquote><b>The notes:</b> {html.escape(step.notes)}</blockquote>
<p>{html.escape(step.input_label)}: <i>{html.escape(step.default)}</i></p>
{figure_html}
<p class="key">{html.escape(key_line)}</p>
<p class="about">{html.escape(about)}</p>
<h3>Predict, then reveal</h3>
<p>{html.escape(question.prompt)}</p>
<ol type="A">{options}</ol>
<details><summary>Answer</summary><div class="answer"><p><b>{html.escape(question.options[correct])}</b></p>
<p>{html.escape(step.answer())}</p></div></details>
</section>"""


def build_handout(progress: bool = False) -> str:
    """The whole handout as one HTML document (every model is loaded first, so every view draws in full)."""
    available_encoders()
    sections, plotly_inlined = [], False
    for number, step in enumerate(tqdm(STEPS, desc="handout steps", disable=not progress), start=1):
        try:
            view = step.show(step.default)
        except TourInputError as error:
            sections.append(_section(number, step, "", str(error), ""))
            continue
        figure = pio.to_html(view.figure, full_html=False, include_plotlyjs=not plotly_inlined,
                             config={"displaylogo": False, "responsive": True}, default_width="100%")
        plotly_inlined = True
        sections.append(_section(number, step, figure, view.key_line, view.about))
    contents = "".join(f'<li><a href="#step-{n}">{html.escape(step.title)}</a></li>'
                       for n, step in enumerate(STEPS, start=1))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Contextual embeddings: a guided tour</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body><h1>Contextual embeddings: a guided tour</h1>
<p>The course notes step by step, from the Contextual Embeddings Explorer: each step quotes the notes, shows a live
view of real models (static GloVe, a BiLSTM, ELMo and BERT) on an example sentence, asks a question and gives the
measured answer. Hover the figures for details; open each answer after you have guessed.</p>
<ol>{contents}</ol>
{"".join(sections)}
</body></html>
"""


@st.cache_data(show_spinner=False, max_entries=1)
def handout_bytes() -> bytes:
    """The handout, built once per server (the tour page's download button calls it on the first click)."""
    return build_handout().encode("utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the guided tour as one self-contained HTML file.")
    parser.add_argument("out", type=Path, help="where to write it, e.g. tour.html")
    args = parser.parse_args(argv)
    args.out.write_text(build_handout(progress=True), encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
