"""One word tokenizer shared by every encoder, so that word *i* means the same word everywhere.

Words keep inner hyphens ("well-known") and numbers their decimal point ("3.5"); clitics are split
off as in the Penn Treebank and GloVe's training text ("didn't" -> "did" "n't", "bank's" -> "bank"
"'s"), and every other punctuation mark is a word of its own (a run of the same mark, like "--" or
"...", stays one word). Letters of any
script (and their combining marks) count as word characters.
"""
from __future__ import annotations

import re
import unicodedata

_NUMBER = r"\d+(?:[.,:]\d+)*"
_WORD = r"[^\W_](?:[\w\u0300-\u036f]|['’\-](?=[^\W_]))*"
_CLITIC = r"(?:n['’]t|['’](?:s|re|ve|ll|d|m))"
_REPEATED_MARK = r"([^\w\s])\1*"  # "--", "...", "!!" stay one token, as in GloVe's vocabulary
_TOKEN = re.compile(rf"{_NUMBER}|{_CLITIC}\b|{_WORD}|{_REPEATED_MARK}", re.IGNORECASE)
_CLITIC_TAIL = re.compile(rf"^(.+?)({_CLITIC})$", re.IGNORECASE)


def tokenize(text: str) -> list[str]:
    """Split raw text into words and punctuation marks (NFC-normalised)."""
    words: list[str] = []
    for found in _TOKEN.finditer(unicodedata.normalize("NFC", text)):
        token = found.group()
        match = _CLITIC_TAIL.match(token)
        if match:
            words.extend(match.groups())
        else:
            words.append(token)
    return words


def is_punctuation(word: str) -> bool:
    """True for a word made only of punctuation or symbols (no letter or digit)."""
    return not any(ch.isalnum() for ch in word)
