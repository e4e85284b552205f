"""Each stage, renderer and helper on its own: real text in, its output checked."""
