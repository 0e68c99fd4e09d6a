"""bertviz's head view and model view as HTML documents for ``st.iframe``, with no network beyond the app's server.

bertviz (Vig 2019) draws with its own ``head_view.js`` / ``model_view.js`` and fetches require.js, d3 and jQuery
from a CDN. Here its two scripts are fed the parameters its Python functions would build and their CDN
``require.config`` is removed; the three libraries come from the app's own server (``static/bertviz``, served by
Streamlit's static file serving at ``app/static/``, see ``ui/heads/vendor/README.md``) and are registered as the AMD
modules the scripts ask for. Served rather than inlined, they are cached by the browser: a new sentence sends a
document of a few tens of KB instead of 440 KB, and the browser does not parse 400 KB of script again. Both views
are our copies of bertviz's scripts (``ui/heads/vendor``). The model view colours each head by its label, as the
page's grid does, instead of by layer, and fits all the heads into the width of its frame (bertviz's fixed 970 px
showed only heads 1-7 at 1024 px). The head view holds every layer and follows the head chosen on the page, which it
reads from an element of the page (``chosen_head_marker``; Streamlit's frames are same-origin), so choosing another
head redraws it in place: no new document, no blank frame. Tokens travel as JSON inside a ``<script>``; ``<``, ``>``
and ``&`` are written as ``\\u003c``-style escapes so that no token can close the script element.
"""
from __future__ import annotations

import base64
import json
import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np

VENDOR = Path(__file__).resolve().parent / "vendor"
STATIC = Path(__file__).resolve().parents[2] / "static" / "bertviz"  # served by Streamlit at app/static/bertviz
STATIC_URL = "app/static/bertviz"  # relative: an iframe's srcdoc resolves it against the page's own address
VENDOR_SCRIPTS = ("jquery-3.7.1.min.js", "d3-5.7.0.min.js", "require-2.3.6.js")  # globals first, then require
VENDORED_VIEWS = {"head_view.js": VENDOR / "head_view-1.4.1.js",  # our changed copies of bertviz's views
                  "model_view.js": VENDOR / "model_view-1.4.1.js"}
CHOSEN_HEAD_ID = "chosen-head"  # the page's element naming the head the head view shows (``chosen_head_marker``)
# The head view's attention travels as bytes (``_packed``) and is unpacked into the nested lists bertviz reads.
UNPACK_ATTENTION = """function unpackAttention(params, packed) {
  const bytes = Uint8Array.from(atob(packed.bytes), (c) => c.charCodeAt(0));
  let at = 0;
  const unpack = ([count, ...inner]) =>
    Array.from({length: count}, () => (inner.length ? unpack(inner) : bytes[at++] / 255));
  params.attention[0].attn = unpack(packed.shape);
  return params;
}
"""
# Registered after require.js so that ``requirejs(['jquery', 'd3'], ...)`` finds them without loading anything.
AMD_SHIM = ("define('jquery', [], function () { return window.jQuery; });\n"
            "define('d3', [], function () { return window.d3; });")
MAX_CELLS = 400_000  # attention values one view may carry (about 3 MB of HTML); larger views are refused
_REQUIRE_CONFIG = re.compile(r"require\.config\(\{.*?\}\);", re.DOTALL)
_FONT = "font-family:'Helvetica Neue', Helvetica, Arial, sans-serif;"


class ViewTooLarge(ValueError):
    """The view would carry more attention values than ``MAX_CELLS``; the message says what to do."""


def script_json(value: object) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: no ``<``, ``>`` or ``&`` appears literally."""
    text = json.dumps(value, ensure_ascii=True)  # also escapes U+2028/U+2029, which end a JavaScript line
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _libraries() -> str:
    tags = [f'<script src="{STATIC_URL}/{name}"></script>' for name in VENDOR_SCRIPTS]
    return "\n".join(tags) + f"\n<script>\n{AMD_SHIM}\n</script>"


@lru_cache(maxsize=2)
def _bertviz_script(name: str) -> str:
    """bertviz's view script (or our copy of it) with its CDN ``require.config`` removed."""
    vendored = VENDORED_VIEWS.get(name)
    source = (vendored.read_text(encoding="utf-8") if vendored
              else files("bertviz").joinpath(name).read_text(encoding="utf-8"))
    stripped, count = _REQUIRE_CONFIG.subn("/* libraries inlined by ui/heads/bertviz.py */", source, count=1)
    if count != 1 or "PYTHON_PARAMS" not in stripped:
        raise ValueError(f"bertviz's {name} no longer has the layout this module expects")
    return stripped


def _check_size(attention: np.ndarray, what: str) -> None:
    if attention.size > MAX_CELLS:
        raise ViewTooLarge(
            f"The {what} would carry {attention.size:,} attention values (the limit is {MAX_CELLS:,}); "
            "shorten the sentence or switch to words instead of pieces."
        )


def _document(root_id: str, controls: str, script: str, params: str, zoom: float = 1.0, prelude: str = "") -> str:
    """The page: libraries, controls and the view, whose script reads the JavaScript expression ``params`` (after
    ``prelude``, which may define what it calls); ``zoom`` enlarges everything (the frame must grow with it)."""
    body = prelude + script.replace("PYTHON_PARAMS", params, 1)
    return (
        # overflow: bertviz sizes its SVG to the token rows, and the last token's descenders fell outside it; the layer
        # menu, disabled when the page chooses the layer, reads as text ("Layer: 4")
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>#vis svg {{overflow: visible}} #layer:disabled '
        f'{{appearance: none; background: none; border: none; color: inherit; font: inherit; opacity: 1}}</style>'
        f'</head>'
        f'<body style="margin:0; zoom:{zoom}">\n{_libraries()}\n'
        f'<div id="{root_id}" style="{_FONT}">\n<span style="user-select:none">{controls}</span>\n'
        f"<div id='vis'></div>\n</div>\n<script>\n{body}\n</script>\n</body></html>"
    )


def _attention_data(attention: np.ndarray, tokens: list[str], values: bool = True) -> list[dict]:
    """bertviz's attention parameter: the tokens, and the values unless they travel packed (an empty list then)."""
    if attention.shape[-1] != len(tokens):
        raise ValueError(f"attention covers {attention.shape[-1]} positions but there are {len(tokens)} tokens")
    attn = np.round(attention.astype(np.float64), 4).tolist() if values else []
    return [{"name": None, "attn": attn, "left_text": list(tokens), "right_text": list(tokens)}]


def _packed(attention: np.ndarray) -> dict:
    """The values in 1/255 steps, one byte each, in base64 (a sixth of their JSON): bertviz draws them as opacities."""
    levels = np.clip(np.rint(attention.astype(np.float64) * 255), 0, 255).astype(np.uint8)
    return {"bytes": base64.b64encode(levels.tobytes()).decode("ascii"), "shape": list(levels.shape)}


def head_view_html(attention: np.ndarray, tokens: list[str], layer: int, zoom: float = 1.0) -> str:
    """bertviz's head view: ``attention`` (layers, heads, n, n), every layer when they fit in ``MAX_CELLS``, else
    ``layer`` (0-based) alone. It shows the head that the page's ``chosen_head_marker`` names and follows it: the
    document does not depend on the chosen head, so choosing another one redraws the frame in place instead of
    loading a new document (unless the layers did not fit and the layer changes). bertviz shows the numbers it is
    given as labels, so it is given the 1-based numbers the rest of the app uses. ``zoom`` enlarges it (presenter
    mode)."""
    first, last = (0, len(attention)) if attention.size <= MAX_CELLS else (layer, layer + 1)
    shown = attention[first:last]
    _check_size(shown, "head view")
    params = {"attention": _attention_data(shown, tokens, values=False), "default_filter": "0",
              "root_div_id": "bertviz-head", "layer": first + 1, "include_layers": list(range(first + 1, last + 1)),
              "chosen_head_id": CHOSEN_HEAD_ID}
    # The layer menu shows the layer drawn; the page chooses it (the grid, the head list).
    return _document("bertviz-head", 'Layer: <select id="layer" disabled></select>', _bertviz_script("head_view.js"),
                     f"unpackAttention({script_json(params)}, {script_json(_packed(shown))})", zoom,
                     prelude=UNPACK_ATTENTION)


def chosen_head_marker(layer: int, head: int) -> str:
    """An element naming the chosen head (1-based), for the head view to follow; shown with ``st.html`` on the page
    around the view's frame, before it. Its place on the page is hidden (no gap above the view)."""
    return (f'<style>[data-testid="stElementContainer"]:has(#{CHOSEN_HEAD_ID}) {{display: none}}</style>'
            f'<span id="{CHOSEN_HEAD_ID}" data-layer="{int(layer)}" data-head="{int(head)}"></span>')


def model_view_html(attention: np.ndarray, tokens: list[str], head_colours: list[list[str]]) -> str:
    """bertviz's model view: a thumbnail per layer and head (labelled from 1), drawn in ``head_colours``
    [layer][head] (CSS colours); click one to enlarge it. It does not depend on the chosen head, so choosing another
    head sends the browser the same HTML and the frame is not redrawn."""
    _check_size(attention, "model view")
    n_layers, n_heads = attention.shape[:2]
    if (len(head_colours), {len(row) for row in head_colours}) != (n_layers, {n_heads}):
        raise ValueError(f"head_colours must be {n_layers} rows of {n_heads} colours")
    params = {"attention": _attention_data(attention, tokens), "default_filter": "0", "display_mode": "light",
              "root_div_id": "bertviz-model", "include_layers": list(range(1, n_layers + 1)),
              "include_heads": list(range(1, n_heads + 1)), "total_heads": n_heads, "head_colors": head_colours}
    return _document("bertviz-model", "", _bertviz_script("model_view.js"), script_json(params))


def head_view_height(n_tokens: int, zoom: float = 1.0) -> int:
    """Pixels the head view needs: bertviz draws 22.5 px per token plus its head checkboxes and layer menu."""
    return int((n_tokens * 22.5 + 90) * zoom)


def model_view_height(n_layers: int, n_heads: int, n_tokens: int) -> int:
    """Pixels the model view needs (bertviz's own thumbnail arithmetic, plus its axis labels)."""
    thumbnail = n_tokens * 7 * (12 / n_heads) + 10
    detail = n_tokens * 18 + 55
    return int(max(n_layers * thumbnail + 40, detail) + 30)
