"""The sanitizer: escape sequences and control characters out, every printable character kept."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.sanitize import clean_text, one_line, visible

ESC = "\x1b"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Removed too (issue 15): bidi marks, zero-width space, word joiner, tag characters.
INVISIBLE = "\u061c\u200b\u200e\u200f\u2060" + "".join(map(chr, range(0xE0000, 0xE0080)))
# What the output may never hold: C0 controls but tab, newline and CR; DEL; C1; bidi controls.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
    "\u061c\u200b\u200e\u200f\u2060\U000e0000-\U000e007f]"
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # CSI: clear screen, colours, cursor moves, private modes.
        ("before\x1b[2Jafter", "beforeafter"),
        ("\x1b[31mred\x1b[0m text", "red text"),
        ("a\x1b[10;20Hb", "ab"),
        ("a\x1b[?25lb\x1b[?1049hc", "abc"),
        # OSC 0 (window title), terminated by BEL or by ST (ESC \).
        ("x\x1b]0;evil title\x07y", "xy"),
        ("x\x1b]0;evil title\x1b\\y", "xy"),
        # OSC 8 hyperlink: the link goes, its visible text stays.
        ("see \x1b]8;;https://evil.example/\x1b\\the report\x1b]8;;\x1b\\ today", "see the report today"),
        ("see \x1b]8;;https://evil.example/\x07the report\x1b]8;;\x07 today", "see the report today"),
        # OSC 52: writes to the clipboard.
        ("a\x1b]52;c;ZWNobyBwd25lZA==\x07b", "ab"),
        # DCS, APC, PM, SOS strings.
        ("a\x1bP1$r0m\x1b\\b", "ab"),
        ("a\x1b_apc payload\x1b\\b", "ab"),
        ("a\x1b^pm payload\x1b\\b", "ab"),
        ("a\x1bXsos payload\x1b\\b", "ab"),
        # Two- and three-character escapes: reset, save cursor, charset designation.
        ("a\x1bcb", "ab"),
        ("a\x1b7b\x1b8c", "abc"),
        ("a\x1b(Bb", "ab"),
        # 8-bit C1 forms: CSI 0x9b, OSC 0x9d (ended by BEL or ST 0x9c), DCS 0x90.
        ("a\x9b2Jb", "ab"),
        ("a\x9b31mb", "ab"),
        ("a\x9d0;title\x07b", "ab"),
        ("a\x9d8;;https://evil.example/\x9clink\x9d8;;\x9cb", "alinkb"),
        ("a\x90payload\x9cb", "ab"),
        # Lone C1 characters.
        ("a\x85b\x80c\x9fd", "abcd"),
        # Bidi embeddings, overrides and isolates.
        ("abc\u202edcba\u202c", "abcdcba"),
        ("x\u2066y\u2067z\u2068w\u2069", "xyzw"),
        # Other C0 controls and DEL; tab, newline, CR kept.
        ("a\x00b\x07c\x08d\x0be\x0cf\x7fg", "abcdefg"),
        ("tab\there\nnew line\r\nCRLF", "tab\there\nnew line\r\nCRLF"),
        # A BOM inside text.
        ("\ufeffHello", "Hello"),
        # Bidi marks, zero-width space, word joiner, tag characters (issue 15).
        (
            "left\u200eright\u200fmark\u061c, zero\u200bwidth\u2060, \U000e0074\U000e0061g",
            "leftrightmark, zerowidth, g",
        ),
        # Lone surrogates become U+FFFD (they cannot be encoded).
        ("a\ud800b\udc80c", "a\ufffdb\ufffdc"),
        # Lone ESC at the end, ESC before a newline.
        ("end\x1b", "end"),
        ("line\x1b\nnext", "line\nnext"),
    ],
)
def test_sequences_removed(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_unterminated_osc_keeps_following_text() -> None:
    text = "Title\x1b]0;never ended and the article goes on. The second sentence stays too.\nNext line."
    cleaned = clean_text(text)
    assert "the article goes on. The second sentence stays too." in cleaned
    assert cleaned.endswith("\nNext line.")
    assert ESC not in cleaned


def test_unterminated_8bit_osc_keeps_following_text() -> None:
    cleaned = clean_text("a\x9dthe rest of the paragraph stays")
    assert cleaned == "athe rest of the paragraph stays"


def test_osc_does_not_cross_lines() -> None:
    # An OSC opened on one line and "closed" by a BEL on the next does not swallow the newline.
    cleaned = clean_text("one\x1b]0;two\nthree\x07four")
    assert cleaned == "one0;two\nthreefour"


def test_joined_halves_do_not_leave_escapes() -> None:
    # Removing a control between ESC and '[' must not leave a working CSI behind.
    for text in ("\x1b\x00[2J", "\x1b\x1b[2J[2J", "\x1b\x9b2J", "\x1b\u202e[2J"):
        cleaned = clean_text(text)
        assert ESC not in cleaned and "\x9b" not in cleaned
        assert clean_text(cleaned) == cleaned


@pytest.mark.parametrize(
    "text",
    [
        "Русский текст, Ελληνικά, 中文新闻，日本語のニュース、한국어 기사",
        "עברית: ירושלים — العربية: القاهرة",  # right-to-left letters stay
        "Emoji 🎉👩🏽‍💻 🇺🇦 and ZWJ sequences",
        "Curly “quotes” ‘single’ — dashes – and … ellipsis, café, naïve, Straße",
        "Math ∑ ∫ ≤ ≥ and symbols © ® ™ € £ ¥",
        "Joiners stay: non\u200cjoiner, zero-width\u200djoiner",
    ],
)
def test_printable_text_kept(text: str) -> None:
    assert clean_text(text) == text


def test_empty() -> None:
    assert clean_text("") == ""


def test_long_input_is_fast() -> None:
    # Crafted input: many OSC introducers with no terminator, then nested escapes.
    text = ("\x1b]" + "a" * 100) * 20_000 + ("\x9d" + "b") * 100_000 + "\x1b" * 100_000 + "[2J" * 100_000
    cleaned = clean_text(text)
    assert ESC not in cleaned and "\x9d" not in cleaned


# --- properties -------------------------------------------------------------------------

# Text rich in what the sanitizer handles: ESC, C1, C0, bidi controls, sequence characters.
_nasty = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            list("\x1b\x9b\x9d\x90\x9c\x07\\[]P_^X;0123456789?mJH\n\r\t ")
            + list(BIDI)
            + list(INVISIBLE)
            + ["\ud800", "\udc80"]
        ),
        st.characters(min_codepoint=0, max_codepoint=0x9F),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=200,
)


@settings(max_examples=400, deadline=None)
@given(_nasty)
def test_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=400, deadline=None)
@given(_nasty)
def test_no_controls_in_output(text: str) -> None:
    cleaned = clean_text(text)
    assert ESC not in cleaned
    assert not FORBIDDEN.search(cleaned)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs"), blacklist_characters=BIDI + INVISIBLE + "\ufeff"
        ),
        max_size=200,
    )
)
def test_printable_passes_through(text: str) -> None:
    assert clean_text(text) == text


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs"), blacklist_characters=BIDI + INVISIBLE + "\ufeff"
        ),
        max_size=100,
    ),
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs"), blacklist_characters=BIDI + INVISIBLE + "\ufeff"
        ),
        max_size=100,
    ),
)
def test_text_around_a_sequence_is_kept(before: str, after: str) -> None:
    for sequence in ("\x1b[2J", "\x1b]0;title\x07", "\x1b]8;;http://x/\x1b\\", "\x9b1m", "\u202e"):
        assert clean_text(before + sequence + after) == before + after


# --- one_line and visible ----------------------------------------------------------------


def test_one_line_folds_whitespace_and_cleans() -> None:
    assert one_line("  A\x1b[1m title\n\nwith\tbreaks\u2028here \x07") == "A title with breaks here"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("evil\x1b[2J.txt", "evil\\x1b[2J.txt"),
        ("two\nlines.txt", "two\\nlines.txt"),
        ("cr\rname.txt", "cr\\rname.txt"),
        ("rlo\u202etxt.exe", "rlo\\u202etxt.exe"),
        ("c1\x9bname", "c1\\x9bname"),
        ("sep\u2028name", "sep\\u2028name"),
        ("bad\udcffbyte.txt", "bad\\xffbyte.txt"),  # os.fsdecode of a non-UTF-8 byte
        ("café — 新闻.txt", "café — 新闻.txt"),
    ],
)
def test_visible(name: str, shown: str) -> None:
    assert visible(name) == shown
    assert shown.isprintable()
