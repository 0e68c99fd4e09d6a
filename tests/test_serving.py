"""The server's allocator policy (``ui.serving``): a click's big blocks come from the heap, big batched work maps them.

Checked in a fresh interpreter: ``tune_for_serving`` also gives torch one thread, which the other tests must not get.
"""
from __future__ import annotations

import ctypes.util
import subprocess
import sys

import pytest

from tests.browser import ROOT

CHECK = """
import ctypes, ctypes.util
import numpy as np
from ui.serving import compact_allocations, tune_for_serving

class MallocInfo(ctypes.Structure):  # glibc's struct mallinfo2
    _fields_ = [(name, ctypes.c_size_t) for name in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.mallinfo2.restype = MallocInfo

def mapped(size):
    "Whether a block of ``size`` bytes gets a mapping of its own."
    before = libc.mallinfo2().hblks
    block = np.ones(size, dtype=np.uint8)
    return libc.mallinfo2().hblks > before

tune_for_serving()
print(mapped(16 << 20), end=" ")  # then kept free at the heap's top
with compact_allocations():
    with compact_allocations():  # nested, as two sessions' searches overlap
        pass
    print(mapped(24 << 20), end=" ")  # more than the heap has free
print(mapped(24 << 20), mapped(64 << 20))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or not ctypes.util.find_library("c"), reason="glibc only")
def test_big_blocks_come_from_the_heap_except_during_compact_work():
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # outside: from the heap; inside, even after a nested block ends, a block the heap cannot hold without growing:
    # mapped; after: the heap grows again; past the heap's ceiling: always mapped
    assert result.stdout.split() == ["False", "True", "False", "True"]


WARMED_UP = """
import gc
from engine.word_in_context.corpus_index import corpus_index
from engine.word_in_context.word_forms import word_forms
from ui.warmup import Warmup, page_finished

page_finished()
Warmup().thread.join()
lookups = [corpus_index().texts, word_forms().lemmas]  # loaded by the warm-up, else now
collected = {id(o) for o in gc.get_objects()}  # every generation the collector scans; not the frozen objects
print(*(id(lookup) in collected for lookup in lookups), gc.get_freeze_count() > 0)
"""


def test_the_warm_up_leaves_the_word_lookups_out_of_the_collectors_sight():
    """Streamlit collects garbage after every click: the corpus's 50,000 strings, loaded after the freeze, added
    milliseconds to every click of every page."""
    result = subprocess.run([sys.executable, "-c", WARMED_UP], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "True"]
