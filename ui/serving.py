"""Process settings for the app's server: big temporary buffers go back to the system, one thread per request,
a bounded cache of compiled oneDNN kernels, and no full garbage-collector pass over the models after every click.

* glibc raises its mmap threshold every time a large block is freed (up to 32 MiB); from then on, big temporary
  buffers (torch activations, numpy arrays of a few MB) are carved from the heap, which fragments and keeps its
  pages: the server grew by about 100 MB over one tour of the pages. A fixed 256 KiB threshold gives every larger
  block its own mapping, handed back to the system when freed (encoding speed unchanged). It was 1 MiB until Find
  contexts split its encoding between two threads: a second thread's heap kept its own free blocks of a few hundred
  KB (BERT's hidden states for a batch of 256 pieces are 390 KB); with 256 KiB, three searches of 300 sentences
  peaked at 622 MB instead of 650.
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
  collector's sight, and the pass then takes under a millisecond.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import sys
from functools import lru_cache

M_MMAP_THRESHOLD = -3  # mallopt parameter number, from glibc's malloc.h
MMAP_THRESHOLD = 1 << 18
TORCH_THREADS = "1"
ONEDNN_KERNELS = "64"


@lru_cache(maxsize=1)
def tune_for_serving() -> None:
    """The allocator, thread and kernel-cache settings, once per process (the allocator one only where the C library
    is glibc)."""
    _fix_mmap_threshold()
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", ONEDNN_KERNELS)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if "torch" in sys.modules:  # a page imported it already: too late for the environment variable
        sys.modules["torch"].set_num_threads(int(os.environ.get("OMP_NUM_THREADS", TORCH_THREADS)))
    else:  # read when torch is imported, which then costs nothing now
        os.environ.setdefault("OMP_NUM_THREADS", TORCH_THREADS)


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


def _fix_mmap_threshold() -> bool:
    libc = _glibc()
    return libc is not None and libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1


def release_memory() -> bool:
    """Hand the free pages inside the C heap back to the system (glibc ``malloc_trim``), after a big computation.

    Blocks under the mapping threshold stay in the heap when freed; after encoding hundreds of sentences (or another
    thread's arena doing so) the server keeps tens of MB of free heap it never uses again. Returns False where the
    C library is not glibc."""
    libc = _glibc()
    return libc is not None and bool(libc.malloc_trim(0))


def freeze_long_lived() -> None:
    """Collect garbage once, then exempt every surviving object (models, libraries) from later collections."""
    gc.collect()
    gc.freeze()
