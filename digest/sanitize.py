"""One sanitizer for untrusted text: terminal control sequences and control characters out."""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/APC/PM/SOS terminated by BEL or ST
# within a bounded length (an unterminated one loses only its introducer, never the text that
# follows), then any other two-character escape.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b\n]{0,512}(?:\x07|\x1b\\)"
    r"|\x1b[\]PX^_\[]"
    r"|\x1b[ -~]?"
)
# 8-bit C1 sequences (CSI 0x9b, OSC 0x9d, DCS 0x90 ...) are removed as single characters below.
# Bidi embeddings/overrides/isolates can make a terminal show text in another order than it is.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_text(text: str) -> str:
    """Remove escape sequences and control characters, keeping tab, newline and CR.

    Idempotent: ``clean_text(clean_text(s)) == clean_text(s)``.
    """
    if not text:
        return text
    previous = None
    # Removing one sequence can join the halves of another (ESC ESC [ 2J): repeat until stable.
    while previous != text:
        previous = text
        text = _CONTROLS.sub("", _ESCAPES.sub("", text))
    return text


def one_line(text: str) -> str:
    """Clean ``text`` and fold all whitespace (newlines included) into single spaces."""
    return " ".join(clean_text(text).split())


def visible(text: str) -> str:
    """Show a file name or URL on one line: control characters become visible escapes."""
    out = []
    for ch in text:
        code = ord(ch)
        if code < 0x20 or 0x7F <= code <= 0x9F or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)
