"""What every section of the Attention-heads page draws from: the model's labels and the sentence in the chosen
units."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine import Encoded
from engine.heads.labels import HeadLabel, HeadReport
from ui.heads.data import units_of


@dataclass(frozen=True)
class HeadsView:
    """The model's labels and the sentence, in words or WordPiece pieces (``pieces``)."""

    report: HeadReport
    n_layers: int
    n_heads: int
    encoded: Encoded
    pieces: bool

    @cached_property
    def labels(self) -> dict[tuple[int, int], HeadLabel]:
        """Each head's label by (layer, head), 1-based."""
        return {(x.layer, x.head): x for x in self.report.labels}

    @property
    def attention(self) -> np.ndarray:
        """(layers, heads, n, n) in the chosen units."""
        return units_of(self.encoded, self.pieces)[0]

    @property
    def tokens(self) -> list[str]:
        return units_of(self.encoded, self.pieces)[1]

    @property
    def special(self) -> tuple[int, ...]:
        """Positions of [CLS]/[SEP] (pieces only), left out of a head's strongest link."""
        return units_of(self.encoded, self.pieces)[2]
