"""The Distance-decay page's parts: its state, the one-sentence view, the corpus view and their figures."""
