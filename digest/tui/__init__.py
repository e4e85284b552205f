"""The interactive digest browser (``digest tui``); the only package that imports textual."""
