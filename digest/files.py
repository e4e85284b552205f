"""Reading a file that the user (or a feed list, or a saved digest) names: the one reader with
a size cap, for articles, local feeds and saved digests alike.

The file is opened non-blocking, so that a FIFO put in a file's place cannot hang the read, and
refused unless it is a regular file (a device, a FIFO, a socket or a folder is not); at most
``max_bytes + 1`` bytes are read, so that a file of any size costs no more memory than the cap.
"""

from __future__ import annotations

import os
import stat


class NotARegularFile(Exception):
    """A device, FIFO, socket or folder where a file should be."""


class TooLarge(Exception):
    """Larger than the cap (``args[0]``, in bytes)."""


class ReadFailed(Exception):
    """Opened, but reading failed (``args[0]``: the system's reason)."""


def read_capped(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path``, if it holds at most ``max_bytes``.

    Raises:
        OSError: it cannot be opened (missing, no permission ...), as ``os.open`` raised it.
        NotARegularFile, ReadFailed, TooLarge: as their names say.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise NotARegularFile(str(path))
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise ReadFailed(exc.strerror or str(exc)) from None
    if len(data) > max_bytes:
        raise TooLarge(max_bytes)
    return data
