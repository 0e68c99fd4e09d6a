"""Text the models are built from: the gold corpora's readers and the language-model corpus build."""
