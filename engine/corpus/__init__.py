"""Text the models are built from: one reader per gold format (``conllu``, ``semcor``, ``gap``), the gold sentences
in one shape for the "Word in context" build (``gold_sentences``) and the language-model corpus (``sources``,
``lm_corpus``). Nothing outside this package opens a gold file."""
