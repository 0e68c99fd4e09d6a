"""Readers that turn each raw text source into documents of plain English paragraphs.

Each reader yields ``Document``s in the order of its input; ``engine.corpus.lm_corpus`` splits them into sentences,
tokenizes and filters them. What is dropped, and why:

* GCIDE (Webster 1913 plus later editors): a paragraph is kept only when the source tag that closes it names a
  printed dictionary (``[1913 Webster]``, ``[Webster 1913 Suppl.]``, ``[Century Dict. 1906]``, possibly
  ``+PJC``-edited). Paragraphs tagged ``[WordNet ...]`` are WordNet glosses, and those tagged only by an editor
  (``[PJC]``, ``[RDH]``, ``[AS]``, ``[MW10]``...) are modern additions largely paraphrased from WordNet; both are
  dropped, as is untagged text. Also dropped: headword lines (pronunciation, part of speech, etymology), ``Syn:``
  lists, sense numbers, subject labels such as ``(Zool.)``, ``[...]`` notes (``[Obs.]``, ``[R.]``; words an editor
  put into a quotation, ``[Man] starts``, stay), quotation attributions (``--Shak.``), derived-form lists
  (``-- {Bankable}, a.``) and cross-references (``See {Bench}.``). Character codes (``a["e]rial``) become Unicode.
* fortunes: the ``ascii-art`` (pictures) and ``translate-me`` (Latin and French) files, ``.dat`` indexes, the
  ``.u8`` links, subfolders (the offensive ones live in ``off/``), and attribution lines (``-- Mark Twain``).
* EWT train, SemCor brown1 and GAP are used whole (EWT dev is kept for the decay page).
"""
from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from engine.corpus.conllu import read_conllu
from engine.corpus.gap import read_gap_snippets
from engine.corpus.semcor import read_semcor, token_words
from engine.settings import (
    EWT_TRAIN,
    FORTUNES_DIR,
    GAP_DEVELOPMENT,
    GAP_VALIDATION,
    GCIDE_DICT,
    GCIDE_INDEX,
    SEMCOR_BROWN1,
)

GAP_FILES = (GAP_DEVELOPMENT, GAP_VALIDATION)


@dataclass(frozen=True)
class Document:
    """One unit of text that goes wholly into train or wholly into dev, so dev never shares a document."""

    doc_id: str
    paragraphs: tuple[str, ...]


# --- GCIDE -------------------------------------------------------------------------------------------------

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SOURCE_TAG = re.compile(  # [1913 Webster], [WordNet 1.5 +PJC], [Century Dict. 1906]: who wrote the text before
    r"\[(?=[^\[\]]*\b(?:Webster|WordNet|PJC|Century|RDH|RHUD|MW10|MI11)\b|(?:AS|RP)\])[\w .,+&#\n]{1,60}\]"
)
_QUOTE_INDENT = 40  # attribution lines continue right-aligned at column 50; quotations start at 12
_SENSE_MARK = re.compile(r"^(?:\d+\.|\([a-z\d]\))\s*")
_SECTION_LABEL = re.compile(r"^(?:Note|Usage|Specifically|Hence):\s*")
_SUBJECT_LABEL = re.compile(r"\s*\((?:[A-Z][\w.]*(?:\s*(?:&|,|and)\s*|\s+)?)+\)")  # (Zool.), (R. C. Ch.)
_HEADER_REST = re.compile(  # a headword or pronunciation that wrapped onto a definition line, and its "n."
    r'^(?:.*\\[^\\]*\\\s*(?:\([^()]*\))?|\([^()]*[*`"\[][^()]*\))[\s,]*(?:(?:[a-z]{1,5}\.|&)[\s,]*)*'
)
_POS_SWITCH = re.compile(r"--\s*(?:[a-z]{1,5}\.\s*)+(?=[A-Z(])")  # "... Elasmobranchii. -- n. One of ..."
_DERIVED_FORMS = re.compile(r"--\s*\{[^{}]*\}\s*,?\s*(?:(?:[a-z]{1,4}\.\s*)+|(?=--))")
_CROSS_REFERENCE = re.compile(  # "See {Bench}.", "See Note under {Gauge}, n., 5.", "See Illust. of Leo."
    r"\b(?:See|Cf\.|Same as)\s+(?:[\w ]*\{[^{}]*\}[\s,.]*(?:(?:and|or|under|[a-z]{1,5}\.|\d+)[\s,]*)*)+\.?"
    r"|\bSee (?:Illust|def)\.[^.]*\.?"
)
_INFLECTION_NOTE = re.compile(r"^(?:[a-z]{1,5}\.[\s,&]*)+(?:of|from)\s+\{.*")  # "imp. & p. p. of {Bank}"
_ATTRIBUTION = re.compile(r"(?:^|\s)--\s?(?=[A-Z0-9])\S.*$")
_BRACKETED = re.compile(r"\[[^\[\]]*\]")
_EDITORIAL_WORDS = re.compile(r"\[([A-Za-z][\w' ]*)\](?=\s+[a-z])")  # "[Man] starts ...": words added to a quote
_BRACES = re.compile(r"\{([^{}]*)\}")  # {Bank"a*ble}: a cross-reference or a term being defined
_HEADWORD_MARKUP = re.compile(r'[*"`]')  # syllable and stress marks
_CHAR_CODE = re.compile(r"\[([^\s\[\]]{1,8})\]")
_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
            ".": "\u0307", ",": "\u0327"}
_SYMBOLS = {"ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "eth": "ð", "thorn": "þ", "yogh": "ȝ", "deg": "°",
            "sect": "§", "pounds": "£", "times": "×", "middot": "·", "nbsp": " ", "frac12": "½",
            "frac14": "¼", "frac34": "¾", "imac": "ī", "min": "′", "sec": "″"}


def gcide_documents() -> Iterator[Document]:
    """Dictionary entries (all the senses under one headword form one document)."""
    data = gzip.open(GCIDE_DICT).read()
    for start, length in _gcide_spans():
        text = _decode(data[start:start + length])
        headword = text.split(" \\", 1)[0].strip().lower()
        paragraphs = tuple(gcide_paragraphs(text))
        if paragraphs and not headword.startswith("00-"):
            yield Document(f"gcide:{headword}", paragraphs)


def _gcide_spans() -> list[tuple[int, int]]:
    """Distinct (offset, length) entries of the dictd index in file order (several headwords share one)."""
    spans = set()
    for line in GCIDE_INDEX.read_text(encoding="utf-8").splitlines():
        _, offset, length = line.split("\t")
        spans.add((_b64_number(offset), _b64_number(length)))
    return sorted(spans)


def _b64_number(digits: str) -> int:
    """A dictd index number, written in base 64."""
    value = 0
    for digit in digits:
        value = value * 64 + _B64.index(digit)
    return value


def _decode(raw: bytes) -> str:
    """UTF-8, except for a few entries pasted in Windows-1252."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def gcide_paragraphs(entry: str) -> Iterator[str]:
    """The cleaned running-text paragraphs of an entry's printed-dictionary blocks."""
    position = 0
    for tag in _SOURCE_TAG.finditer(entry):
        if _is_printed_source(tag.group(0)):
            for paragraph in _block_paragraphs(entry[position:tag.start()]):
                cleaned = _clean_gcide_text(paragraph)
                if cleaned:
                    yield cleaned
        position = tag.end()


def _is_printed_source(tag: str) -> bool:
    """Webster 1913 or the Century Dictionary, and no WordNet material mixed in."""
    return ("1913" in tag or "Century" in tag) and "WordNet" not in tag


def _block_paragraphs(block: str) -> Iterator[str]:
    """A block's definition and quotation paragraphs; a sense number starts a new one, synonym lists go."""
    paragraph: list[str] = []
    for line in _content_lines(block):
        if paragraph and (not line or _SENSE_MARK.match(line)):
            if not paragraph[0].startswith("Syn:"):
                yield " ".join(paragraph)
            paragraph = []
        if line:
            paragraph.append(line)
    if paragraph and not paragraph[0].startswith("Syn:"):
        yield " ".join(paragraph)


def _content_lines(block: str) -> Iterator[str]:
    """Stripped lines without headword headers or attributions; an empty string marks a paragraph break."""
    header, follows_header = None, False
    for line in block.split("\n"):
        if header is None and (line[:1].strip() or follows_header and line.lstrip().startswith("[")):
            header = ""  # a headword line at column 0, or an etymology on the lines after it
        follows_header = header is not None
        if header is not None:
            header += f" {line}"
            header = header if _is_open(header) else None
            yield ""
        elif len(line) - len(line.lstrip()) < _QUOTE_INDENT:
            yield _ATTRIBUTION.sub("", line.strip())


def _is_open(header: str) -> bool:
    """A header (headword, pronunciation, etymology) runs on while a bracket or a \\headword\\ is open."""
    return header.count("[") > header.count("]") or header.count("(") > header.count(")") \
        or header.count("\\") % 2 == 1


def _clean_gcide_text(text: str) -> str:
    """Plain prose from one paragraph of GCIDE markup."""
    text = _HEADER_REST.sub("", _SENSE_MARK.sub("", text))
    text = _INFLECTION_NOTE.sub("", text)
    text = _SECTION_LABEL.sub("", text)
    text = _POS_SWITCH.sub("", _DERIVED_FORMS.sub("", text))
    text = _CROSS_REFERENCE.sub("", text)
    text = _CHAR_CODE.sub(_character, text)
    text = _EDITORIAL_WORDS.sub(r"\1", text)
    text = _BRACKETED.sub("", text)
    text = _BRACES.sub(lambda braced: _HEADWORD_MARKUP.sub("", braced.group(1)), text)
    text = _SUBJECT_LABEL.sub("", text)
    return " ".join(text.split())


def _character(code: "re.Match[str]") -> str:
    """The character a GCIDE code such as ``["e]`` or ``[ae]`` stands for (the code itself when unknown)."""
    name = code.group(1)
    if name in _SYMBOLS:
        return _SYMBOLS[name]
    if len(name) == 2 and name[0] in _ACCENTS and name[1].isalpha():
        return unicodedata.normalize("NFC", name[1] + _ACCENTS[name[0]])
    if len(name) == 2 and name[1] == "^" and name[0].isalpha():
        return unicodedata.normalize("NFC", name[0] + "\u0306")
    try:
        case = "CAPITAL" if name[0].isupper() else "SMALL"
        return unicodedata.lookup(f"GREEK {case} LETTER {name.upper()}")
    except KeyError:
        return code.group(0)


# --- fortunes, EWT, SemCor, GAP ----------------------------------------------------------------------------

_FORTUNE_SKIP = frozenset({"ascii-art", "translate-me"})
_FORTUNE_ATTRIBUTION = re.compile(r"^\s*--\s")
_OVERSTRIKE = re.compile(r"_+\x08+|[^\x08]\x08")  # nroff underlining: "_\bW" is an underlined W
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def fortune_documents() -> Iterator[Document]:
    """Each fortune cookie is a document; paragraphs are separated by blank lines."""
    for path in sorted(FORTUNES_DIR.iterdir()):
        if path.is_file() and not path.is_symlink() and path.suffix != ".dat" and path.name not in _FORTUNE_SKIP:
            cookies = path.read_text(encoding="utf-8", errors="replace").split("\n%\n")
            for number, cookie in enumerate(cookies):
                paragraphs = fortune_paragraphs(cookie)
                if paragraphs:
                    yield Document(f"fortunes:{path.name}:{number}", paragraphs)


def fortune_paragraphs(cookie: str) -> tuple[str, ...]:
    """Blank-line separated paragraphs, lines joined, attribution lines and terminal control codes left out."""
    cookie = _CONTROL.sub("", _OVERSTRIKE.sub("", cookie))
    lines = [line for line in cookie.split("\n") if not _FORTUNE_ATTRIBUTION.match(line) and line != "%"]
    paragraphs = "\n".join(lines).split("\n\n")
    return tuple(" ".join(p.split()) for p in paragraphs if p.strip())


def ewt_documents() -> Iterator[Document]:
    """EWT train sentences grouped by document."""
    for doc_id, group in groupby(read_conllu(EWT_TRAIN), key=lambda sentence: sentence.document):
        yield Document(f"ewt:{doc_id}", tuple(sentence.text for sentence in group))


def semcor_documents() -> Iterator[Document]:
    """SemCor brown1 texts, multiword tokens opened up (``took_place`` -> ``took place``)."""
    for doc_id, group in groupby(read_semcor(SEMCOR_BROWN1), key=lambda sentence: sentence.doc):
        yield Document(f"semcor:{doc_id}", tuple(_semcor_text(sentence.tokens) for sentence in group))


def _semcor_text(tokens: tuple[str, ...]) -> str:
    """Raw-looking text from SemCor tokens: their words joined by spaces."""
    return " ".join(word for token in tokens for word in token_words(token))


def gap_documents() -> Iterator[Document]:
    """Each GAP Wikipedia snippet (development and validation) is a document."""
    for path in GAP_FILES:
        for snippet in read_gap_snippets(path):
            yield Document(f"gap:{snippet.id}", (snippet.text,))
