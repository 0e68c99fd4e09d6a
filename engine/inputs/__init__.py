"""What each encoder reads: characters, WordPiece pieces, positions, the input sum, word order and its cost."""
