"""What the CLI does to its output stream: text the locale cannot encode is escaped, not an error."""

from __future__ import annotations

import codecs
from typing import TextIO


def _escape_unencodable(error: UnicodeError) -> tuple[str, int]:
    """Characters the output encoding lacks, as ``\\uXXXX`` (UTF-16 pairs above U+FFFF).

    Valid inside a JSON string (where all our non-ASCII text is), readable in text.
    """
    if not isinstance(error, UnicodeEncodeError):
        raise error
    escaped: list[str] = []
    for ch in error.object[error.start : error.end]:
        data = ch.encode("utf-16-be", "surrogatepass")
        escaped.extend(f"\\u{int.from_bytes(data[i : i + 2], 'big'):04x}" for i in range(0, len(data), 2))
    return "".join(escaped), error.end


def fit_stream(stream: TextIO) -> None:
    """Let ``stream`` take any text when its encoding cannot (an ASCII-only locale, LANG=C).

    What the encoding lacks is written as ``\\uXXXX`` instead of raising UnicodeEncodeError;
    a UTF encoding is left alone.
    """
    encoding = getattr(stream, "encoding", None)
    reconfigure = getattr(stream, "reconfigure", None)
    if not encoding or reconfigure is None:
        return
    try:
        if codecs.lookup(encoding).name.startswith("utf"):
            return
    except LookupError:
        pass
    codecs.register_error("digest-escape", _escape_unencodable)
    reconfigure(errors="digest-escape")


def detach_stdout() -> None:
    """The reader of standard output went away (``digest ... | head``): point it at /dev/null,
    so that no later write, nor the flush at exit, fails again."""
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
