"""2-D or 3-D maps of one layer's vectors: UMAP (cosine) when there are enough points, else PCA.

Rows are scaled to unit length first, so both methods see the cosine geometry the measures use. Identical vectors
are projected once and share a position (a static encoder's occurrences collapse onto one point per word form).

UMAP is ``engine.word_in_context.small_umap`` (NumPy; 0.1-1 s for 30-300 points). ``BackgroundProjector`` computes UMAP maps off
the request path, so a page shows PCA at once and swaps in UMAP when it is ready.
"""
from __future__ import annotations

import hashlib
import queue
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from engine.word_in_context import small_umap
from engine.word_in_context.measures import unit_rows

MIN_UMAP_POINTS = 6  # below this many distinct vectors UMAP's neighbourhood graph means little: use PCA
UMAP_SEED = 42


@dataclass(frozen=True)
class Projection:
    coords: np.ndarray  # (n, dims) float32
    method: str  # "UMAP", "PCA" or "one point"
    distinct: int  # distinct vectors among the n


def project(vectors: np.ndarray, dims: int = 2, method: str = "umap") -> Projection:
    """Map rows to ``dims`` coordinates: ``method`` "umap" (when there are enough distinct points) or "pca"."""
    distinct, inverse = np.unique(np.asarray(vectors, dtype=np.float32), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if len(distinct) == 1:
        return Projection(np.zeros((len(vectors), dims), dtype=np.float32), "one point", 1)
    use_umap = method == "umap" and len(distinct) >= MIN_UMAP_POINTS
    coords = small_umap.fit_transform(unit_rows(distinct), dims, seed=UMAP_SEED) if use_umap \
        else pca(unit_rows(distinct), dims)
    return Projection(coords[inverse].astype(np.float32), "UMAP" if use_umap else "PCA", len(distinct))


def distinct_rows(vectors: np.ndarray) -> int:
    """How many distinct rows ``vectors`` holds, as ``project`` counts them (``np.unique(..., axis=0)``), but from
    each row's bytes: ``np.unique`` on rows sorts them field by field, 10-20 ms for a preset's few dozen rows of a few
    hundred dimensions. (The counts differ only for rows equal as numbers but not as bytes, 0.0 against -0.0, which
    encoders' vectors do not hold side by side; ``tests/test_word_in_context.py`` checks every preset layer.)"""
    rows = np.ascontiguousarray(vectors, dtype=np.float32)
    return len(np.unique(rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel())) \
        if rows.ndim == 2 and rows.shape[1] else len(np.unique(rows, axis=0))


def pca(vectors: np.ndarray, dims: int) -> np.ndarray:
    """Principal-component coordinates (signs fixed so the largest loading is positive; missing axes are 0)."""
    centred = vectors - vectors.mean(axis=0)
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    rank = int((singular > 1e-9 * max(singular.max(), 1e-30)).sum())
    components = components[: min(dims, rank)]
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    coords = centred @ (components * signs[:, None]).T
    return np.pad(coords, ((0, 0), (0, dims - coords.shape[1])))


def vectors_key(vectors: np.ndarray, dims: int) -> str:
    """A content hash of the vectors and dimensionality: the same layer of the same sentences gets the same key."""
    array = np.ascontiguousarray(vectors, dtype=np.float32)
    digest = hashlib.sha1(array.tobytes())
    digest.update(f"{array.shape}/{dims}".encode())
    return digest.hexdigest()


class BackgroundProjector:
    """UMAP maps computed one at a time in a worker thread and kept in a bounded cache.

    ``get`` answers from the cache or queues the job and returns None; the caller shows PCA meanwhile and asks again.
    """

    def __init__(self, max_entries: int = 512) -> None:
        self._done: OrderedDict[str, Projection] = OrderedDict()
        self._queued: set[str] = set()
        self._jobs: queue.PriorityQueue = queue.PriorityQueue()
        self._order = 0
        self._lock = threading.Lock()
        self._max_entries = max_entries
        threading.Thread(target=self._work, name="umap-projector", daemon=True).start()

    def get(self, vectors: np.ndarray, dims: int = 2, urgent: bool = True) -> Projection | None:
        """The UMAP map if computed, else None after queueing it (``urgent`` jobs go before prefetches)."""
        key = vectors_key(vectors, dims)
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            if key not in self._queued:
                self._queued.add(key)
                self._order += 1
                self._jobs.put((0 if urgent else 1, self._order, key, np.array(vectors, dtype=np.float32), dims))
        return None

    def compute(self, vectors: np.ndarray, dims: int = 2) -> Projection:
        """The UMAP map now, in the calling thread (kept like the worker's), when the caller needs it before it can
        go on; a map already made is returned as is."""
        key = vectors_key(vectors, dims)
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
        try:
            result = project(vectors, dims, method="umap")
        except Exception:  # noqa: BLE001 - as in the worker: a failed UMAP shows PCA rather than nothing
            result = project(vectors, dims, method="pca")
        with self._lock:
            self._keep(key, result)
        return result

    def ready(self, vectors: np.ndarray, dims: int = 2) -> bool:
        """Whether the UMAP map is made, without queueing it."""
        with self._lock:
            return vectors_key(vectors, dims) in self._done

    def put(self, vectors: np.ndarray, dims: int, projection: Projection) -> None:
        """Keep a map computed ahead (``engine.word_in_context.preset_store``), as if this worker had made it."""
        with self._lock:
            self._keep(vectors_key(vectors, dims), projection)

    def _keep(self, key: str, projection: Projection) -> None:
        self._done[key] = projection
        self._done.move_to_end(key)
        while len(self._done) > self._max_entries:
            self._done.popitem(last=False)

    def _work(self) -> None:
        while True:
            _, _, key, vectors, dims = self._jobs.get()
            try:
                result = project(vectors, dims, method="umap")
            except Exception:  # noqa: BLE001 - a failed UMAP must not leave the page waiting forever
                result = project(vectors, dims, method="pca")
            with self._lock:
                self._keep(key, result)
                self._queued.discard(key)
