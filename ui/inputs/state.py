"""The Inputs page's state (``ui.page_state``): the word whose characters are shown and the sentence BERT splits.

URL state: ``word``, ``sentence`` and ``pair``, the two encoders presenter mode shows side by side for one word
(four panels at once are too narrow for a room to read).
"""
from __future__ import annotations

from ui.page_state import Field, PageState

MAX_WORD_CHARS = 60
MAX_SENTENCE_CHARS = 1000
DEFAULT_SENTENCE = "The riverbank was unbelievably muddy after the storm, so we walked along the road instead."
EXAMPLE_WORDS = ("bank", "recieve", "blorf", "riverbank", "銀行")
DEFAULT_PAIR = ["static", "elmo"]  # a table row against characters: the contrast a made-up word shows best

STATE = PageState("inputs", {
    "word": Field("bank", parse=lambda text: text[:MAX_WORD_CHARS]),
    "sentence": Field(DEFAULT_SENTENCE, parse=lambda text: text[:MAX_SENTENCE_CHARS]),
    "pair": Field(DEFAULT_PAIR, parse=lambda text: text.split(",")[:2],
                  dump=lambda pair: None if pair == DEFAULT_PAIR else ",".join(pair)),
    "timings": Field(None, url=False),  # measured encode times, kept until the page is reset
})


def use_word(word: str) -> None:
    """An example button's callback."""
    STATE["word"] = word
