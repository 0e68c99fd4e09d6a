"""Process settings for the app's server: where big temporary buffers come from, one thread per request, a bounded
cache of compiled oneDNN kernels, and no full garbage-collector pass over the models after every click.

* Big temporary buffers (torch activations and oneDNN's per-call working memory: blocks of 256 KiB to a few MB) come
  from one of two places. A click's computation (one sentence's occlusion or attention) takes them from the C heap,
  whose pages it touched before. Big batched work (``compact_allocations``: encoding the sentences Find contexts
  found) never grows the heap for them: each gets its own mapping, handed back to the system when freed. Mappings
  everywhere cost a click its page faults: one BiLSTM occlusion of 14 words mapped 32 MB of fresh pages, and the decay
  page's script run for a new sentence took 43 ms instead of 29. The heap everywhere kept, between its live blocks,
  what three 300-sentence searches left: 736 MB at the peak instead of 667. A thread hands the heap's free pages back
  (``malloc_trim``) once the process has grown by 32 MB: a click's pages stay for the next click, a 60-word sentence's
  250 MB of BERT activations do not.
* torch runs every operation on all cores by default. A server answers several sessions at once, and each of
  those operations then waits for every core to be free: with other work on the machine, encoding was 2-20x slower
  with two threads than with one (measured on 2 cores). ``OMP_NUM_THREADS`` overrides the single thread. The
  WordPiece tokenizer's thread pool is turned off for the same reason (``TOKENIZERS_PARALLELISM``): splitting one
  sentence's words took 30 ms of a click on a busy machine waiting for its threads, 0.1 ms alone.
* oneDNN, which runs torch's convolutions and fused LSTMs, compiles a kernel for every input shape it meets and keeps
  up to 1,024 of them: every batch of new sentences has new shapes, so the recurrent encoders' memory grew by about
  8 MB with every 300-sentence search and never stopped. ``ONEDNN_PRIMITIVE_CACHE_CAPACITY`` 64 keeps a batch's
  kernels (about 20 MB less after three searches, and a bound); oneDNN reads it when it first compiles one.
* Streamlit runs a full garbage collection after every script run (``runner.postScriptGC``). With torch,
  transformers loaded that pass scans about 650,000 objects, 200-330 ms added to every click. The
  objects alive once the models are loaded live as long as the process; ``gc.freeze`` takes them out of the
  collector's sight, and the pass then takes under a millisecond. The warm-up freezes once it has loaded the models
  and the word lookups; the Inputs page freezes again once it has built its spelling space. After a tour of every
  page the pass took 6-7 ms of each click while those lookups were loaded after the freeze, and 2-4 ms since.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt parameter numbers, from glibc's malloc.h
HEAP_BLOCKS = 32 << 20  # a click's blocks come from the heap up to glibc's own ceiling for its sliding threshold
COMPACT_BLOCKS = 1 << 18  # during big batched work, every block over 256 KiB gets its own mapping
HEAP_KEPT = 2 * HEAP_BLOCKS  # free heap top kept within a click (glibc's sliding rule: twice the threshold)
COMPACT_KEPT = 128 << 10  # and during big batched work: glibc's default
TRIM_EVERY = 1.0  # seconds between looks at the process's size
TRIM_AFTER_GROWTH = 32 << 20  # bytes the process may grow by before the heap's free pages are handed back
TORCH_THREADS = "1"
ONEDNN_KERNELS = "64"


@lru_cache(maxsize=1)
def tune_for_serving() -> None:
    """The allocator, thread and kernel-cache settings, once per process (the allocator ones only where the C
    library is glibc)."""
    if _thresholds(HEAP_BLOCKS, HEAP_KEPT):
        threading.Thread(target=_release_memory_forever, name="malloc-trim", daemon=True).start()
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", ONEDNN_KERNELS)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if "torch" in sys.modules:  # a page imported it already: too late for the environment variable
        sys.modules["torch"].set_num_threads(int(os.environ.get("OMP_NUM_THREADS", TORCH_THREADS)))
    else:  # read when torch is imported, which then costs nothing now
        os.environ.setdefault("OMP_NUM_THREADS", TORCH_THREADS)


class _CompactWork:
    """How many big batched computations run now: the first one in maps big blocks, the last one out stops it."""

    lock = threading.Lock()
    running = 0


@contextmanager
def compact_allocations() -> Iterator[None]:
    """Within this block, and while any such block runs in another thread, the heap does not grow for blocks over
    256 KiB: they reuse its free space or get their own mapping (see the module's docstring). The heap's free pages
    are handed back first. Does nothing where the C library is not glibc."""
    with _CompactWork.lock:
        _CompactWork.running += 1
        if _CompactWork.running == 1:
            _thresholds(COMPACT_BLOCKS, COMPACT_KEPT)
            release_memory()
    try:
        yield
    finally:
        with _CompactWork.lock:
            _CompactWork.running -= 1
            if not _CompactWork.running:
                _thresholds(HEAP_BLOCKS, HEAP_KEPT)


@lru_cache(maxsize=1)
def _glibc() -> ctypes.CDLL | None:
    """The C library where it is glibc, looked up once: ``find_library`` runs ``ldconfig``, a fork of the whole
    server (a 600 MB process counted twice while it lasts)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def _thresholds(mapped_from: int, kept_free: int) -> bool:
    """Blocks of ``mapped_from`` bytes or more get their own mapping; up to ``kept_free`` bytes of free heap top stay
    (glibc ``mallopt``). False where the C library is not glibc or refused."""
    libc = _glibc()
    return (libc is not None and libc.mallopt(M_MMAP_THRESHOLD, mapped_from) == 1
            and libc.mallopt(M_TRIM_THRESHOLD, kept_free) == 1)


def release_memory() -> bool:
    """Hand the free pages inside the C heap back to the system (glibc ``malloc_trim``, every arena's). Returns False
    where the C library is not glibc or there was nothing to hand back."""
    libc = _glibc()
    return libc is not None and bool(libc.malloc_trim(0))


def _release_memory_forever() -> None:
    """Every ``TRIM_EVERY`` s, once the process is ``TRIM_AFTER_GROWTH`` larger than it has been since it last handed
    memory back, hand back the heap's free pages: the pages a click used stay for the next click, a long sentence's
    hundreds of MB of activations do not."""
    smallest = _resident_bytes()
    while True:
        time.sleep(TRIM_EVERY)
        size = _resident_bytes()
        if size > smallest + TRIM_AFTER_GROWTH:
            release_memory()
            smallest = _resident_bytes()
        else:
            smallest = min(smallest, size)


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def freeze_long_lived() -> None:
    """Collect garbage once, then exempt every surviving object (models, libraries) from later collections."""
    gc.collect()
    gc.freeze()
