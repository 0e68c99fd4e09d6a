"""The one reader of the GAP coreference corpus (tab-separated, one Wikipedia snippet a row, see ../shared/README.md).

Each snippet names a pronoun and two candidate names, A and B, by their text and character offset in the snippet,
and says of each name whether it is the pronoun's antecedent (``TRUE``/``FALSE``).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

_COREF = {"TRUE": True, "FALSE": False}


class Mention(NamedTuple):
    """A span of the snippet: its text and the character offset where it starts."""

    text: str
    offset: int

    @property
    def end(self) -> int:
        return self.offset + len(self.text)


@dataclass(frozen=True)
class GapSnippet:
    """One row of a GAP file."""

    id: str  # "development-1"
    text: str
    pronoun: Mention
    a: Mention
    a_coref: bool  # A is the pronoun's antecedent
    b: Mention
    b_coref: bool
    url: str  # the Wikipedia page the snippet comes from


def read_gap_snippets(path: Path) -> list[GapSnippet]:
    """The snippets of a GAP file, in file order (the text is not quoted: tabs only separate columns)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [_snippet(row) for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]


def _snippet(row: dict[str, str]) -> GapSnippet:
    return GapSnippet(
        id=row["ID"],
        text=row["Text"],
        pronoun=Mention(row["Pronoun"], int(row["Pronoun-offset"])),
        a=Mention(row["A"], int(row["A-offset"])),
        a_coref=_COREF[row["A-coref"]],
        b=Mention(row["B"], int(row["B-offset"])),
        b_coref=_COREF[row["B-coref"]],
        url=row["URL"],
    )
