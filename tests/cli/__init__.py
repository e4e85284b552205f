"""The commands as a user runs them: build, eval, the man page."""
