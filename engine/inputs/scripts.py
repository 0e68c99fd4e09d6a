"""Which writing systems a WordPiece vocabulary can spell: single-character pieces per script, counted.

The course notes credit WordPiece with the "ease of Asian languages": a multilingual vocabulary holds thousands of CJK
characters as pieces, so Chinese needs no word segmentation. An English vocabulary holds few, and the rest of those
texts become [UNK]. Counting the pieces says which case a model is.
"""
from __future__ import annotations

SCRIPTS = {  # name -> the Unicode block(s) its letters are in
    "Chinese characters (CJK)": ((0x4E00, 0x9FFF),),
    "Japanese kana": ((0x3040, 0x30FF),),
    "Korean Hangul": ((0xAC00, 0xD7AF), (0x1100, 0x11FF)),
    "Devanagari (Hindi)": ((0x0900, 0x097F),),
    "Arabic": ((0x0600, 0x06FF),),
    "Cyrillic": ((0x0400, 0x04FF),),
    "Greek": ((0x0370, 0x03FF),),
}
CJK_UNIFIED = 0x9FFF - 0x4E00 + 1  # 20,992 characters in the main CJK block


def script_of(character: str) -> str | None:
    """The name of the script a single character belongs to, among SCRIPTS."""
    code = ord(character)
    return next((name for name, blocks in SCRIPTS.items() if any(lo <= code <= hi for lo, hi in blocks)), None)


def pieces_per_script(pieces: list[str]) -> dict[str, int]:
    """How many single-character pieces (``##`` continuations included) the vocabulary has in each script."""
    counts = dict.fromkeys(SCRIPTS, 0)
    for piece in pieces:
        text = piece.removeprefix("##")
        if len(text) == 1 and (name := script_of(text)) is not None:
            counts[name] += 1
    return counts
