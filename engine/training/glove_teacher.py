"""GloVe as a teacher for ELMo's character CNN while it trains (``python -m engine.training.train elmo --glove-teacher W``).

Why: our corpus has 5M words, GloVe 6B saw 6 billion. A character CNN trained on 5M words learns spelling
and syntax well (low perplexity) but little about what rarer words mean, which is what tells a word's senses
apart from its neighbours. So, as in Mimick (Pinter et al. 2017), a linear read-out of the CNN's token vector
must also predict the word's GloVe vector (cosine loss), for words drawn uniformly from GloVe's most frequent
``n_words``. The read-out is dropped from the shipped checkpoint: the model still reads characters only.
"""
from __future__ import annotations

import torch
from torch import nn

from engine.encoders.elmo import CharCNN, word_char_ids
from engine.encoders.glove import GLOVE_DIM, glove_table, package_folder, word_lines

CHECK_SEED = 2**31 - 1  # draws the fixed sample of GloveTeacher.check, apart from the training draws (seed per step)


class GloveTeacher(nn.Module):
    """The linear read-out token vector -> GloVe vector, and the cosine loss on a random sample of words."""

    def __init__(self, token_dim: int, n_words: int = 100_000, sample: int = 256) -> None:
        super().__init__()
        self.readout = nn.Linear(token_dim, GLOVE_DIM)
        self.words = word_lines(package_folder()).decode("utf-8").split("\n")[:n_words]
        matrix = torch.from_numpy(glove_table().matrix[: len(self.words)].astype("float32"))
        self.register_buffer("targets", nn.functional.normalize(matrix, dim=-1), persistent=False)  # not saved
        self.sample = sample

    def loss(self, char_cnn: CharCNN, seed: int, sample: int | None = None) -> torch.Tensor:
        """Mean (1 - cosine) between read-out and GloVe vectors over ``sample`` words drawn with ``seed``."""
        generator = torch.Generator().manual_seed(seed)
        rows = torch.randint(len(self.words), (sample or self.sample,), generator=generator)
        chars = torch.tensor([word_char_ids(self.words[row], char_cnn.max_chars) for row in rows.tolist()])
        chars, rows = chars.to(self.targets.device), rows.to(self.targets.device)
        predicted = self.readout(char_cnn(chars[None])[0])
        return (1 - nn.functional.cosine_similarity(predicted, self.targets[rows], dim=-1)).mean()

    def check(self, char_cnn: CharCNN) -> float:
        """The loss on a fixed sample of 2,000 words, without learning: how well the CNN has been taught."""
        with torch.no_grad():
            return float(self.loss(char_cnn, seed=CHECK_SEED, sample=2_000))
