"""Resident memory of a process tree, sampled in a background thread: the peak and the step it happened in."""
from __future__ import annotations

import threading
import time

import psutil


def tree_rss(root: psutil.Process) -> int:
    """Bytes resident in ``root`` and all its children (a process that exits meanwhile counts as 0)."""
    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total


class PeakMemory:
    """Samples a process tree's RSS every ``interval`` seconds until ``stop()``; ``step`` names what runs now."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.step = "start"
        self.peak, self.peak_step, self.last = 0, "", 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="memory-sampler", daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.last = tree_rss(self.root)
            if self.last > self.peak:
                self.peak, self.peak_step = self.last, self.step
            time.sleep(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
