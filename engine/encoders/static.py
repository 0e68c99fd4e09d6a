"""The static baseline: one GloVe vector per word type, whatever the sentence around it."""
from __future__ import annotations

from engine.encoders.base import Encoded, Encoder
from engine.encoders.glove import GLOVE_DIM, glove_table


class StaticEncoder(Encoder):
    name = "static"
    layer_names = ["glove"]
    dim = GLOVE_DIM

    def __init__(self) -> None:
        self.table = glove_table()
        self.description = (
            f"GloVe 6B 50d (Pennington et al. 2014; {len(self.table):,} lower-cased words, trained on "
            "Wikipedia 2014 + Gigaword 5, 6B tokens). One fixed vector per word; unknown words get zeros."
        )

    def encode_words(self, batch: list[list[str]]) -> list[Encoded]:
        results = []
        for words in batch:
            vectors, known = self.table.vectors(words)
            results.append(Encoded(words=words, vectors=vectors[None], unknown=list(~known)))
        return results
