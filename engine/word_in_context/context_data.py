"""Build the small derived files of the "Word in context" view from the gold corpora in ``../shared/data``.

``python -m engine.word_in_context.context_data build`` writes, in order (each step reads the one before):
``engine/data/word_forms.json.gz`` (lemmas and irregular forms), ``engine/data/corpus_index.json.gz`` (the bundled
corpus for "Find contexts") and ``engine/data/presets.json`` (sense-labelled sentence sets). The output is
deterministic: rebuilding from the same corpora gives byte-identical files.
"""
from __future__ import annotations

import argparse

from tqdm import tqdm

from engine.corpus.gold_sentences import all_gold_sentences
from engine.word_in_context.corpus_index import build_corpus_index
from engine.word_in_context.presets import build_presets
from engine.word_in_context.word_forms import build_word_forms

GOLD_SENTENCES = 11_182 + 12_544 + 2_001  # SemCor brown1 + EWT train + EWT dev, for the progress bar


def build() -> None:
    sentences = list(tqdm(all_gold_sentences(), total=GOLD_SENTENCES, desc="reading SemCor + EWT", unit="sent"))
    print("word forms:", build_word_forms(sentences))
    print("corpus index:", build_corpus_index(tqdm(sentences, desc="indexing", unit="sent")))
    counts = build_presets(sentences)
    print(f"presets: {len(counts)} words,", ", ".join(f"{word} {n}" for word, n in counts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build"])
    parser.parse_args()
    build()


if __name__ == "__main__":
    main()
