"""Torch work split in two, for a server where torch runs each operation on one thread.

The app's server gives torch one thread per operation (``ui.serving``: a server answers several sessions, and
operations that wait for every core were 2-20x slower on a busy machine). A computation that has the two cores to
itself can still use both: its work in two parts, one in the calling thread and one in a helper thread. Occlusion
(``engine.decay.influence``) and the Word-in-context encodings (``engine.word_in_context.context_vectors``) do so.
One helper thread, shared, so that the server grows by one thread's allocator arena rather than one per feature.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

Part = TypeVar("Part")
Result = TypeVar("Result")
THREADS = 2
HELPER = "torch-split"


def split_ways() -> int:
    """How many parts a computation should be split into here: 2 where torch runs one thread per operation, there
    are two cores or more and this is not the helper thread itself (it would wait for itself); else 1."""
    import torch  # loaded by the encoders already; importing ``engine`` stays light

    if torch.get_num_threads() > 1 or threading.current_thread().name.startswith(HELPER):
        return 1
    return min(THREADS, os.cpu_count() or 1)


@lru_cache(maxsize=1)
def _helper() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(THREADS - 1, thread_name_prefix=HELPER)


def run_split(work: Callable[[Part], Result], parts: Sequence[Part]) -> list[Result]:
    """``work(part)`` for every part, in order: the first in this thread, the others in the helper thread meanwhile.
    ``work`` sets torch's per-thread modes (``no_grad``) itself: the caller's do not reach the helper."""
    others = [_helper().submit(work, part) for part in parts[1:]]
    return [work(parts[0])] + [future.result() for future in others]
