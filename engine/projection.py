"""2-D or 3-D maps of one layer's vectors: UMAP (cosine) when it is compiled and there are enough points, else PCA.

Rows are scaled to unit length first, so both methods see the cosine geometry the measures use. Identical vectors
are projected once and share a position (a static encoder's occurrences collapse onto one point per word form).

umap-learn compiles its numba code on first use in every process (10-27 s measured here); ``warm_up_umap`` does that
once, in the background thread ``ui.warmup`` starts, and ``BackgroundProjector`` computes UMAP maps off the request
path, so a page can show PCA at once and swap in UMAP when it is ready.
"""
from __future__ import annotations

import hashlib
import queue
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from engine.measures import unit_rows

MIN_UMAP_POINTS = 6  # below this many distinct vectors UMAP's neighbourhood graph means little: use PCA
UMAP_NEIGHBOURS = 15
UMAP_SEED = 42

_warm = threading.Event()
_warm_lock = threading.Lock()


@dataclass(frozen=True)
class Projection:
    coords: np.ndarray  # (n, dims) float32
    method: str  # "UMAP", "PCA" or "one point"
    distinct: int  # distinct vectors among the n


def warm_up_umap() -> None:
    """Compile UMAP's numba code for 2-D and 3-D maps (once per process; later calls return at once)."""
    with _warm_lock:
        if _warm.is_set():
            return
        sample = np.random.default_rng(0).normal(size=(40, 16)).astype(np.float32)
        for dims in (2, 3):
            _umap(sample, dims)
        _warm.set()


def umap_is_warm() -> bool:
    """True once ``warm_up_umap`` has finished: UMAP then answers in well under a second for a few hundred points."""
    return _warm.is_set()


def project(vectors: np.ndarray, dims: int = 2, method: str = "auto") -> Projection:
    """Map rows to ``dims`` coordinates: ``method`` "umap", "pca", or "auto" (UMAP if warm and enough points)."""
    distinct, inverse = np.unique(np.asarray(vectors, dtype=np.float32), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if len(distinct) == 1:
        return Projection(np.zeros((len(vectors), dims), dtype=np.float32), "one point", 1)
    use_umap = len(distinct) >= MIN_UMAP_POINTS and (method == "umap" or (method == "auto" and umap_is_warm()))
    coords = _umap(unit_rows(distinct), dims) if use_umap else pca(unit_rows(distinct), dims)
    return Projection(coords[inverse].astype(np.float32), "UMAP" if use_umap else "PCA", len(distinct))


def pca(vectors: np.ndarray, dims: int) -> np.ndarray:
    """Principal-component coordinates (signs fixed so the largest loading is positive; missing axes are 0)."""
    centred = vectors - vectors.mean(axis=0)
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    rank = int((singular > 1e-9 * max(singular.max(), 1e-30)).sum())
    components = components[: min(dims, rank)]
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    coords = centred @ (components * signs[:, None]).T
    return np.pad(coords, ((0, 0), (0, dims - coords.shape[1])))


def _umap(vectors: np.ndarray, dims: int) -> np.ndarray:
    import umap  # imported here: the import alone compiles numba code for several seconds

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # n_jobs overridden by the seed; spectral-init fallbacks on tiny inputs
        reducer = umap.UMAP(n_components=dims, n_neighbors=min(UMAP_NEIGHBOURS, len(vectors) - 1),
                            metric="cosine", random_state=UMAP_SEED, n_jobs=1)
        return reducer.fit_transform(vectors)


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

    def ready(self, vectors: np.ndarray, dims: int = 2) -> bool:
        with self._lock:
            return vectors_key(vectors, dims) in self._done

    def _work(self) -> None:
        while True:
            _, _, key, vectors, dims = self._jobs.get()
            try:
                warm_up_umap()
                result = project(vectors, dims, method="umap")
            except Exception:  # noqa: BLE001 - a failed UMAP must not leave the page waiting forever
                result = project(vectors, dims, method="pca")
            with self._lock:
                self._done[key] = result
                self._queued.discard(key)
                while len(self._done) > self._max_entries:
                    self._done.popitem(last=False)
