"""Sequential against parallel: how encoding time grows with sentence length, measured on this machine.

A recurrent layer must read a sentence one word after another (n steps for n words); a transformer layer reads all
of it at once (one step, whatever n), so the work can be spread over cores or a GPU. On one CPU thread both still do
work that grows with n, so the measured curves show how much of that ordering costs here, not a GPU's speed-up.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import torch

from engine.encoders.base import Encoder

LENGTHS = (5, 10, 20, 40, 80, 160)
FILLER = ("the cat sat on a mat while the dog slept by the warm old fire and the rain fell outside").split()


@dataclass(frozen=True)
class Timing:
    encoder: str
    words: int
    seconds: float  # median of the repeats, one sentence per call


@contextmanager
def one_thread():
    """Run torch on one thread (the measurement says so), then restore the previous setting."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def sentence_of(n_words: int) -> list[str]:
    """An ordinary English word sequence of exactly ``n_words`` words."""
    return [FILLER[i % len(FILLER)] for i in range(n_words)]


def time_encoding(encoder: Encoder, lengths: Sequence[int] = LENGTHS, repeats: int = 3,
                  progress: Callable[[int, int], None] | None = None) -> list[Timing]:
    """Median seconds to encode one sentence of each length, on one thread (after one warm-up call)."""
    timings = []
    with one_thread():
        encoder.encode([sentence_of(lengths[0])])
        for done, n_words in enumerate(lengths, start=1):
            words = sentence_of(n_words)
            runs = []
            for _ in range(repeats):
                start = time.perf_counter()
                encoder.encode([words])
                runs.append(time.perf_counter() - start)
            timings.append(Timing(encoder.name, n_words, sorted(runs)[len(runs) // 2]))
            if progress is not None:
                progress(done, len(lengths))
    return timings
