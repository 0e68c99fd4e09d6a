"""A small table as plain HTML, for ``st.html``: a row per dict, the first column naming the row.

``st.table`` sends a pandas frame as Arrow, which the browser decodes and draws with a styled element per cell: on
Attention heads, the chosen head's table of the sentence's words was 15 ms of each head change's 86 (the floor's
slider rerun: 47). Plain HTML takes the page's own text, so presenter mode's large text too.
"""
from __future__ import annotations

import html
from collections.abc import Sequence

STYLE = """<style>
.plain-table { border-collapse: collapse; margin: 0.25em 0 1em; max-width: 100%; }
.plain-table th, .plain-table td { padding: 0.3em 0.9em 0.3em 0; border-bottom: 1px solid rgba(128, 128, 128, 0.3);
  text-align: left; vertical-align: top; overflow-wrap: anywhere; }
.plain-table thead th { font-weight: 600; border-bottom-width: 2px; }
.plain-table td.number { text-align: right; font-variant-numeric: tabular-nums; }
</style>"""


def html_table(rows: Sequence[dict[str, object]]) -> str:
    """The rows as an HTML table (every text escaped; None is an empty cell; numbers aligned right), its style with
    it."""
    columns = list(rows[0]) if rows else []
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in columns)
    body = "".join("<tr>" + "".join(_cell(row.get(column), first=k == 0) for k, column in enumerate(columns)) + "</tr>"
                   for row in rows)
    return f'{STYLE}<table class="plain-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cell(value: object, first: bool) -> str:
    if first:
        return f'<th scope="row">{html.escape(str(value))}</th>'
    if value is None:
        return "<td></td>"
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return f'<td class="number">{value:g}</td>' if number else f"<td>{html.escape(str(value))}</td>"
