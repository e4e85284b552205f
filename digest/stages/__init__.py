"""The stages of a build, each a pure function of its input: read, clean, split, copies, stories,
summaries."""
