"""One word across many sentences: occurrences, vectors, measures, presets, projections."""
