"""The static baseline: one GloVe vector per word type, whatever the sentence around it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from engine.encoders.base import Encoded, Encoder, Probe, WordReading
from engine.encoders.glove import GLOVE_DIM, glove_files, glove_table

if TYPE_CHECKING:
    import torch


class StaticEncoder(Encoder):
    name = "static"
    layer_names = ["glove"]
    dim = GLOVE_DIM
    contextual = False
    sequential_steps_per_layer = "0"  # no context, nothing to read in order
    neutral_input_description = "its GloVe vector set to zeros (the unknown-word vector)"

    def __init__(self) -> None:
        self.table = glove_table()
        self.weight_files = tuple(glove_files())
        self.description = (
            f"GloVe 6B 50d (Pennington et al. 2014; {len(self.table):,} lower-cased words, trained on "
            "Wikipedia 2014 + Gigaword 5, 6B tokens). One fixed vector per word; unknown words get zeros."
        )

    @classmethod
    def from_settings(cls) -> StaticEncoder:
        return cls()

    def parameter_count(self) -> int:
        return int(self.table.matrix.size)

    def word_reading(self, word: str) -> WordReading:
        known = bool(self.table.vectors([word])[1][0])
        return WordReading(f"Looks the lower-cased word up in a table of {len(self.table):,} words: one row, whatever "
                           "the sentence.", [word.lower()], [not known],
                           "" if known else "Not in the table: GloVe has no vector for it (zeros).")

    def encode_words(self, batch: list[list[str]]) -> list[Encoded]:
        results = []
        for words in batch:
            vectors, known = self.table.vectors(words)
            results.append(Encoded(words=words, vectors=vectors[None], unknown=list(~known)))
        return results

    def probe(self, words: list[str]) -> Probe:
        """The input is the GloVe vector itself (h_j = x_j); zeros, the unknown-word vector, are the neutral input."""
        import torch  # here, not at the top: the static encoder loads first and fast, without torch

        vectors = torch.from_numpy(self.table.vectors(words)[0])
        return Probe(vectors, torch.arange(len(words)), torch.zeros(GLOVE_DIM), _input_is_output)


def _input_is_output(batch: torch.Tensor, differentiable: bool) -> torch.Tensor:
    """The one layer of a static encoder is its input: (1, B, n_words, dim)."""
    return batch[None]
