"""The Word-in-context page's parts: its state, cached data, figures and sections."""
