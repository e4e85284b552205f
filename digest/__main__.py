"""Allows ``python -m digest``."""

from digest.interrupt import install

install()  # Ctrl-C while the command is still being imported: exit 130 quietly, too
from digest.cli import main  # noqa: E402

main()
