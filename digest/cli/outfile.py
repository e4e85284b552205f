"""Writing an output file (``-o``) without breaking what is already there.

- A target that exists and is not a regular file (a device such as /dev/null, a FIFO, a
  socket, /dev/stdout, or a symbolic link to one) is written in place: replacing it would put
  a regular file where the system expects a device (as root: no more /dev/null).
- A regular file is replaced atomically (a temporary file in its folder, then a rename): whole
  or not at all. The new file keeps the old one's permission bits; a new file gets the usual
  ``0666 & ~umask``.
- A symbolic link to a regular file stays a link: the file it points to is replaced.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

SUFFIX_FORMATS = {
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
}
"""The format an ``-o`` file's suffix asks for when ``--format`` is not given (build and brief)."""


def suffix_format(path: Path | None) -> str | None:
    """The format of ``SUFFIX_FORMATS`` that ``path`` ends with, None for another suffix or none."""
    return None if path is None else SUFFIX_FORMATS.get(path.suffix.lower())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_output(path: Path, write: Callable[[TextIO], None]) -> None:
    """Write ``path`` with ``write(handle)`` as described above.

    Raises:
        OSError: it cannot be written (nothing is left behind for a regular file).
    """
    try:
        info = os.stat(path)  # follows links
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "Is a directory")
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            write(handle)
        return
    target = Path(os.path.realpath(path)) if os.path.islink(path) else path
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
    folder = target.parent if str(target.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=".digest-", suffix=".tmp", dir=folder)
    from digest.cli.interrupt import pending

    pending.add(temp)  # removed if a signal ends digest first
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            write(handle)
            os.fchmod(handle.fileno(), mode)
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)
        pending.discard(temp)
