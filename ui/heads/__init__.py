"""The Attention-heads page's parts: its state, the grid of every head, the bertviz views and the sections."""
