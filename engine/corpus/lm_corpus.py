"""Build the language-model training text of the BiLSTM and ELMo encoders, deterministically.

``python -m engine.corpus.lm_corpus build [--out data/corpus] [--quick]`` writes ``train.txt`` and ``dev.txt`` (one
sentence a line, tokens from ``engine.tokenize`` joined by single spaces) and ``sources.json`` (licence and size of
each source). The sources and what is cleaned out of them are described in ``engine.corpus.sources``.

* Paragraphs are cut into sentences at ``.``, ``!`` or ``?`` before a capital, except after common abbreviations
  and initials. A sentence over 60 tokens is cut at ``;`` and ``:`` into pieces of at most 60 tokens (a clause still
  longer is dropped); pieces under 3 tokens, or whose characters are less than 60% letters, are dropped. URLs are
  removed and Penn Treebank quotes (``` `` ```, ``''``) made ``"`` first.
* A document (dictionary headword, fortune, EWT or SemCor document, GAP snippet) goes wholly to dev when the
  SHA-256 of its id falls in the first 1.5% of the range, so dev shares no document with train.
* Documents are written in the order of that hash (a fixed shuffle that interleaves the sources and keeps each
  document's sentences together), and a sentence already written anywhere is not written again.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from engine.corpus.sources import (
    GAP_FILES,
    Document,
    ewt_documents,
    fortune_documents,
    gap_documents,
    gcide_documents,
    semcor_documents,
)
from engine.settings import (
    EWT_TRAIN,
    FORTUNES_DIR,
    GCIDE_DICT,
    LM_CORPUS_DIR,
    SEMCOR_BROWN1,
)
from engine.tokenize import tokenize

DEFAULT_OUT = LM_CORPUS_DIR
MIN_TOKENS = 3
MAX_TOKENS = 60
MIN_LETTER_SHARE = 0.6
DEV_SHARE = 0.015
QUICK_DEV_SHARE = 0.1  # a tiny corpus needs a larger share for dev.txt never to be empty
QUICK_DOCUMENTS = 20  # per quick source


@dataclass(frozen=True)
class Source:
    """A text source, its licence and where it is read from."""

    name: str
    licence: str
    origin: str
    documents: Callable[[], Iterator[Document]]


SOURCES = (
    Source("gcide", "GPL-2.0-or-later (GCIDE 0.48, Debian dict-gcide)", str(GCIDE_DICT), gcide_documents),
    Source("fortunes", "BSD (Debian fortunes, see /usr/share/doc/fortunes/copyright)", str(FORTUNES_DIR),
           fortune_documents),
    Source("ewt-train", "CC BY-SA 4.0", f"shared/data/{EWT_TRAIN.name}", ewt_documents),
    Source("semcor-brown1", "WordNet 3.0 licence (Princeton)", f"shared/data/{SEMCOR_BROWN1.name}", semcor_documents),
    Source("gap", "Apache-2.0", " + ".join(f"shared/data/{path.name}" for path in GAP_FILES), gap_documents),
)
QUICK_SOURCES = ("ewt-train", "semcor-brown1")


@dataclass(frozen=True)
class PreparedDocument:
    """A document's tokenized lines, with the hash that orders it and the split it belongs to."""

    order: bytes
    source: str
    split: str
    lines: tuple[str, ...]


def build_corpus(out_dir: Path, quick: bool = False) -> dict:
    """Write train.txt, dev.txt and sources.json under ``out_dir``; return the sources summary."""
    sources = [source for source in SOURCES if not quick or source.name in QUICK_SOURCES]
    dev_share = QUICK_DEV_SHARE if quick else DEV_SHARE
    prepared: list[PreparedDocument] = []
    for source in tqdm(sources, desc="corpus sources", unit="source"):
        documents = source.documents()
        if quick:
            documents = islice(documents, QUICK_DOCUMENTS)
        prepared.extend(_prepare(source.name, document, dev_share) for document in documents)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = _write_splits(out_dir, prepared)
    summary = _summary(sources, counts, quick, dev_share)
    (out_dir / "sources.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def read_sentences(path: Path) -> Iterator[list[str]]:
    """The tokens of each sentence of a train.txt or dev.txt file."""
    with Path(path).open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield line.split()


def document_split(doc_id: str, dev_share: float = DEV_SHARE) -> str:
    """"dev" or "train": a fixed function of the document id, so a document never straddles the two."""
    return "dev" if int.from_bytes(_digest(doc_id)[:8], "big") < dev_share * 2**64 else "train"


def _digest(doc_id: str) -> bytes:
    """The SHA-256 of a document id: decides its split and its place in the output."""
    return hashlib.sha256(doc_id.encode("utf-8")).digest()


def _prepare(source: str, document: Document, dev_share: float) -> PreparedDocument:
    """Tokenize a document and place it."""
    lines = tuple(" ".join(tokens) for paragraph in document.paragraphs for tokens in sentence_tokens(paragraph))
    split = document_split(document.doc_id, dev_share)
    return PreparedDocument(_digest(document.doc_id), source, split, lines)


def sentence_tokens(paragraph: str) -> Iterator[list[str]]:
    """The kept sentences of a paragraph, tokenized, long ones cut at clause boundaries."""
    for sentence in split_sentences(_normalise(paragraph)):
        for piece in _fit_length(tokenize(sentence)):
            if MIN_TOKENS <= len(piece) and _mostly_letters(piece):
                yield piece


# --- sentences ---------------------------------------------------------------------------------------------

_URL = re.compile(r"\S*(?:https?:|www\.)\S*")
_PTB_QUOTE = re.compile(r"``|''")  # SemCor and GAP write quotation marks the Penn Treebank way
_BOUNDARY = re.compile(r"[.!?]+[\"')\]’”]*\s+(?=[\"'(\[‘“]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"[(\"'‘“]*(?:[A-Za-z]|\w+\.\w+|Mr|Mrs|Ms|Dr|St|Mt|Jr|Sr|Prof|Gen|Col|Capt|Lt|Sgt|Rev|Hon|Gov|Sen|Rep"
    r"|No|Nos|vs|etc|viz|cf|Cf|al|esp|Esp|specif|Specif|Fig|fig|vol|Vol|ch|Ch|pp|Co|Corp|Inc|Ltd"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\."
)
_CLAUSE_ENDS = frozenset({";", ":"})


def _normalise(paragraph: str) -> str:
    """Drop URLs (the tokenizer would shred them) and make PTB quotation marks plain."""
    return _PTB_QUOTE.sub('"', _URL.sub(" ", paragraph))


def split_sentences(paragraph: str) -> list[str]:
    """Cut a paragraph after sentence-final punctuation that is followed by a capital (not after "Mr.", "J.")."""
    sentences, start = [], 0
    for boundary in _BOUNDARY.finditer(paragraph):
        last_word = paragraph[paragraph.rfind(" ", start, boundary.start()) + 1:boundary.start() + 1]
        if not _ABBREVIATION.fullmatch(last_word):
            sentences.append(paragraph[start:boundary.end()].strip())
            start = boundary.end()
    sentences.append(paragraph[start:].strip())
    return [sentence for sentence in sentences if sentence]


def _fit_length(tokens: list[str]) -> Iterator[list[str]]:
    """The sentence itself, or if too long, runs of its ``;``/``:`` clauses of at most MAX_TOKENS tokens."""
    piece: list[str] = []
    for clause in _clauses(tokens) if len(tokens) > MAX_TOKENS else [tokens]:
        if piece and len(piece) + len(clause) > MAX_TOKENS:
            yield piece
            piece = []
        if len(clause) <= MAX_TOKENS:
            piece.extend(clause)
    if piece:
        yield piece


def _clauses(tokens: list[str]) -> Iterator[list[str]]:
    """Token runs each ending at a semicolon or colon (the last run may end anywhere)."""
    start = 0
    for position, token in enumerate(tokens):
        if token in _CLAUSE_ENDS:
            yield tokens[start:position + 1]
            start = position + 1
    if start < len(tokens):
        yield tokens[start:]


def _mostly_letters(tokens: list[str]) -> bool:
    """At least MIN_LETTER_SHARE of the characters are letters (drops tables, code and ASCII art)."""
    characters = "".join(tokens)
    return sum(ch.isalpha() for ch in characters) >= MIN_LETTER_SHARE * len(characters)


# --- output ------------------------------------------------------------------------------------------------

def _write_splits(out_dir: Path, prepared: list[PreparedDocument]) -> Counter[tuple[str, str, str]]:
    """Write documents in hash order, each sentence once; count (source, split, measure)."""
    counts: Counter[tuple[str, str, str]] = Counter()
    seen: set[str] = set()
    with _open_text(out_dir / "train.txt") as train, _open_text(out_dir / "dev.txt") as dev:
        files = {"train": train, "dev": dev}
        for document in sorted(prepared, key=lambda document: document.order):
            new_lines = [line for line in dict.fromkeys(document.lines) if line not in seen]
            seen.update(new_lines)
            files[document.split].writelines(f"{line}\n" for line in new_lines)
            _count(counts, document, new_lines)
    return counts


def _open_text(path: Path) -> TextIO:
    """A UTF-8 file for writing with "\\n" line ends on every platform, for byte-identical output."""
    return path.open("w", encoding="utf-8", newline="\n")


def _count(counts: Counter[tuple[str, str, str]], document: PreparedDocument, lines: list[str]) -> None:
    """Add a document's written sentences and tokens to the counts."""
    key = (document.source, document.split)
    counts[(*key, "documents")] += bool(lines)
    counts[(*key, "sentences")] += len(lines)
    counts[(*key, "tokens")] += sum(line.count(" ") + 1 for line in lines)


def _summary(sources: Iterable[Source], counts: Counter[tuple[str, str, str]], quick: bool, dev_share: float) -> dict:
    """The sources.json content: per source its licence, origin and train/dev sizes, then totals."""
    measures = ("documents", "sentences", "tokens")
    rows = []
    for source in sources:
        splits = {split: {m: counts[(source.name, split, m)] for m in measures} for split in ("train", "dev")}
        totals = {m: splits["train"][m] + splits["dev"][m] for m in measures}
        rows.append({"name": source.name, "licence": source.licence, "origin": source.origin, **totals, **splits})
    total = {m: sum(row[m] for row in rows) for m in measures}
    return {"quick": quick, "dev_share": dev_share, "sources": rows, "total": total}


def format_table(summary: dict) -> str:
    """A plain-text table of the sources: sizes, dev share and licence."""
    header = f"{'source':<14} {'documents':>9} {'sentences':>10} {'tokens':>10} {'dev tokens':>10}  licence"
    rows = [header, "-" * len(header)]
    for row in summary["sources"]:
        rows.append(f"{row['name']:<14} {row['documents']:>9,} {row['sentences']:>10,} {row['tokens']:>10,} "
                    f"{row['dev']['tokens']:>10,}  {row['licence']}")
    total = summary["total"]
    rows.append(f"{'total':<14} {total['documents']:>9,} {total['sentences']:>10,} {total['tokens']:>10,}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    """Command line: ``build [--out DIR] [--quick]``."""
    parser = argparse.ArgumentParser(prog="python -m engine.corpus.lm_corpus", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="write train.txt, dev.txt and sources.json")
    build.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    build.add_argument("--quick", action="store_true", help="a tiny corpus from EWT and SemCor, for tests")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    summary = build_corpus(args.out, quick=args.quick)
    print(format_table(summary))
    print(f"written to {args.out} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
