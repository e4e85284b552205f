"""One sanitizer for untrusted text: terminal control sequences and control characters out."""

from __future__ import annotations

import re
import unicodedata

# Escape sequences, 7-bit (ESC ...) and 8-bit (C1 introducers), as a terminal would parse them:
# - CSI: ESC [ or 0x9b, parameters, intermediates, one final byte (ESC [ 2J, ESC [ 31m);
# - string sequences (OSC ESC ] / 0x9d, DCS ESC P / 0x90, SOS ESC X / 0x98, PM ESC ^ / 0x9e,
#   APC ESC _ / 0x9f) ended by BEL, ST (ESC \) or 8-bit ST (0x9c) within a bounded length, on
#   one line, with no other ESC or C1 character inside; an unterminated one loses only its
#   introducer, never the text that follows;
# - any other escape: ESC, intermediates (0x20-0x2f), one final byte (ESC c, ESC ( B, ESC \).
# A lone ESC or C1 character left over is removed with the other control characters.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\n\x80-\x9f]{0,4096}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[\]PX^_\[]"
    r"|\x1b[ -/]*[0-~]"
)
# C0 controls except tab, newline and carriage return; DEL and C1 controls; bidi embeddings,
# overrides, isolates and marks (they make a terminal show text in another order than it is,
# U+061C, U+200E, U+200F included); the zero-width space and word joiner (U+200B, U+2060) and
# BOM, which hide text or split words invisibly; the tag characters (U+E0000-U+E007F). The
# zero-width (non-)joiners U+200C and U+200D stay: Persian, Indic scripts and emoji need them.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
    "\U000e0000-\U000e007f]"
)
# Lone surrogates (from JSON "\ud800" escapes, or os.fsdecode) cannot be encoded: U+FFFD.
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Remove escape sequences and control characters, keeping tab, newline and CR.

    One pass is enough and the result is stable (``clean_text(clean_text(s)) ==
    clean_text(s)``): every escape sequence starts with ESC or a C1 character, and the second
    step removes every one of those left, so the output holds nothing the first step matches.
    Linear in the length of the text.
    """
    if not text:
        return text
    return _CONTROLS.sub("", _ESCAPES.sub("", _SURROGATES.sub("\ufffd", text)))


# A UTF-8 sequence read as Latin-1 or cp1252 ("hesabÄ±", "2009â€™s"): a lead byte's letter
# (Â-ô) followed by what a continuation byte reads as (U+0080-U+00BF, or cp1252's symbols).
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


def repair_mojibake(text: str) -> str:
    """Undo double-encoded UTF-8 ("hesabÄ±" -> "hesabı") with ftfy's encoding repair only (no
    other change of quotes, widths or forms); text without a sign of it is returned as is.
    Control characters that a repair could reveal are removed as ``clean_text`` removes them."""
    if not text or not _MOJIBAKE.search(text):
        return text
    import ftfy  # deferred: only text that looks double-encoded needs it

    return clean_text(ftfy.fix_encoding(text))


def one_line(text: str) -> str:
    """Clean ``text`` and fold all whitespace (newlines included) into single spaces."""
    return " ".join(clean_text(text).split())


def visible(text: str) -> str:
    """Show a file name or URL on one line: control characters become visible escapes.

    C0/C1 controls, DEL, bidi controls, line/paragraph separators and the other invisible
    (format) characters are shown as ``\\x1b``,
    ``\\n``, ``\\u202e`` ...; the undecodable bytes of a file name (lone surrogates from
    ``os.fsdecode``) as ``\\xff``, so the result can always be printed.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not valid UTF-8
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        elif (
            code < 0x20
            or 0x7F <= code <= 0x9F
            or 0x202A <= code <= 0x202E
            or 0x2066 <= code <= 0x2069
            or 0x200B <= code <= 0x200F
            or 0xE0000 <= code <= 0xE007F
            or code in (0x061C, 0x2028, 0x2029, 0x2060, 0xFEFF)
            or (code > 0x7F and unicodedata.category(ch) == "Cf")
        ):  # soft hyphen, U+2062 ...: invisible
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


_URL_ASCII_BAD = re.compile(r"[\x00-\x20\x7f]")


def plain_url(url: str) -> bool:
    """Whether ``url`` may stand in a link: no whitespace, no control character, and no
    invisible character that disguises where it goes or splits it unseen (bidi controls and
    marks, zero-width characters, BOM, soft hyphen, tag characters: every Unicode format
    character, Cf), no lone surrogate, private-use or unassigned code point. Other letters
    (an IRI's ``Straße``) are kept. A link that fails is dropped, not repaired: removing the
    characters would silently point it somewhere else."""
    if url.isascii():
        return not _URL_ASCII_BAD.search(url)
    return not _URL_ASCII_BAD.search(url) and not any(
        unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")
        for ch in url
        if ord(ch) > 0x7F
    )
