"""The Inputs page's parts: its state, its figures and its sections (characters, WordPiece, positions, order)."""
