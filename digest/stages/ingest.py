"""Read articles from files, folders and standard input into Documents."""

from __future__ import annotations

import codecs
import errno
import logging
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from digest.files import NotARegularFile, ReadFailed, TooLarge, read_capped
from digest.models import Document
from digest.sanitize import clean_text, one_line, plain_url, repair_mojibake, visible

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
# Files that travel with articles but are not articles (attribution, licences, notes).
# README*, LICENSE*/LICENCE*, COPYING*, NOTICE*, SOURCE*, ATTRIBUTION* (SOURCES.md, README_fr.txt,
# LICENCE-data.html), but not a word that merely starts alike ("sourcebook.txt", "noticeboard.md").
NOT_ARTICLES = re.compile(
    r"^(readme|licen[cs]e|copying|notice|source|attribution|changelog|authors)s?(?![a-z])", re.I
)


MAX_LINE_CHARS = 100_000
"""An article with a longer line (after HTML extraction) is skipped: no news paragraph is that
long; such a line is data, a dump or minified code, and would only slow every stage down."""
LONG_LINE = f"a line longer than the {MAX_LINE_CHARS:,} character limit, skipped"
"""The warning for such an article (ingest, and feed entries in brief), after its name."""


def has_long_line(text: str) -> bool:
    """True when a line of ``text`` is longer than MAX_LINE_CHARS."""
    return len(text) > MAX_LINE_CHARS and max(map(len, text.splitlines())) > MAX_LINE_CHARS


class InputError(Exception):
    """An input that cannot be read as an article; the message is one line."""


@dataclass(frozen=True)
class RawInput:
    """An input found on the command line or in a folder, not yet read."""

    origin: str
    """Path as given (or '-')."""
    suffix: str
    """Lower-case file suffix, or '' for standard input."""


def discover(inputs: Iterable[str]) -> tuple[list[RawInput], list[str]]:
    """Expand paths and folders (recursively) into the inputs to read.

    Hidden files and folders, and files that are not articles, are skipped in folders; a file
    named explicitly is read whatever its name. Returns the inputs in a stable order (folders
    sorted by name) and the one-line warnings for paths that cannot be used.
    """
    found: list[RawInput] = []
    warnings: list[str] = []
    for item in inputs:
        if item == "-":
            found.append(RawInput("-", ""))
            continue
        if not item:
            warnings.append("'': empty path")  # Path("") would be the current folder
            continue
        path = Path(item)
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            warnings.append(f"{visible(item)}: {_stat_problem(path, exc)}")
            continue
        if stat.S_ISDIR(mode):
            before = len(found)
            found.extend(_walk(path, warnings))
            if len(found) == before:
                warnings.append(f"{visible(item)}: no articles in this directory")
        elif stat.S_ISREG(mode):
            found.append(RawInput(item, path.suffix.lower()))
        else:
            warnings.append(f"{visible(item)}: not a regular file")
    return _once(found), warnings


def _once(found: list[RawInput]) -> list[RawInput]:
    """Each file (and standard input) once, however often it was named or reached."""
    unique: list[RawInput] = []
    seen: set[object] = set()
    for raw in found:
        key: object = "-"
        if raw.origin != "-":
            try:
                info = os.stat(raw.origin)
                key = (info.st_dev, info.st_ino)
            except OSError:
                key = raw.origin
        if key not in seen:
            seen.add(key)
            unique.append(raw)
    return unique


def _stat_problem(path: Path, exc: OSError) -> str:
    """Why ``path`` cannot be used, from the error its stat() raised."""
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        if path.is_symlink():
            return "broken symbolic link"
        return "no such file or directory"
    return f"cannot read ({exc.strerror or exc})"


def _walk(root: Path, warnings: list[str]) -> Iterator[RawInput]:
    """The articles under ``root``, depth first, each folder in name order.

    Iterative (a tree thousands of levels deep is no RecursionError), and contained: a
    symbolic link that resolves outside ``root`` is skipped with a warning, so that a link
    to ~/secrets in a folder of articles is not quoted.
    """
    seen: set[tuple[int, int]] = set()
    top = os.path.realpath(root)

    def entries(folder: str) -> list[os.DirEntry[str]]:
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:  # a symlink back to a folder being read
                return []
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as scan:
                return sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            warnings.append(f"{visible(folder)}: cannot read directory ({exc.strerror or exc})")
            return []

    stack = [iter(entries(str(root)))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        suffix = Path(entry.name).suffix.lower()
        article = suffix in ARTICLE_SUFFIXES and not NOT_ARTICLES.match(entry.name)
        try:
            mode = os.stat(entry.path).st_mode
        except OSError as exc:
            if article:  # a broken link or a link loop named like an article
                warnings.append(f"{visible(entry.path)}: {_stat_problem(Path(entry.path), exc)}")
            continue
        if entry.is_symlink() and (stat.S_ISDIR(mode) or article):
            target = os.path.realpath(entry.path)
            if os.path.commonpath([target, top]) != top:
                warnings.append(
                    f"{visible(entry.path)}: a symbolic link out of {visible(str(root))}, skipped"
                )
                continue
        if stat.S_ISDIR(mode):
            stack.append(iter(entries(entry.path)))
        elif not article:
            continue
        elif stat.S_ISREG(mode):
            yield RawInput(entry.path, suffix)
        else:
            warnings.append(f"{visible(entry.path)}: not a regular file")


def _name(raw: RawInput) -> str:
    """How warnings name an input: its path made visible, or 'standard input'."""
    return "standard input" if raw.origin == "-" else visible(raw.origin)


def _size(count: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"


def read_bytes(raw: RawInput, max_bytes: int) -> bytes:
    """Read an input's bytes, refusing files over ``max_bytes`` and anything but a regular file."""
    if raw.origin == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise InputError("standard input: not available")
        try:
            data = stream.read(max_bytes + 1)
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise InputError(f"standard input: cannot read ({reason})") from None
        if len(data) > max_bytes:
            raise InputError(f"{_name(raw)}: larger than the {_size(max_bytes)} limit, skipped")
        return data
    try:
        return read_capped(raw.origin, max_bytes)
    except OSError as exc:
        raise InputError(f"{_name(raw)}: {_stat_problem(Path(raw.origin), exc)}") from None
    except NotARegularFile:
        raise InputError(f"{_name(raw)}: not a regular file") from None
    except ReadFailed as exc:
        raise InputError(f"{_name(raw)}: cannot read ({exc})") from None
    except TooLarge:
        raise InputError(f"{_name(raw)}: larger than the {_size(max_bytes)} limit, skipped") from None


# Formats that are never articles, recognised by their first bytes.
_MAGIC = (
    b"\x89PNG\r\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"%PDF-",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"7z\xbc\xaf\x27\x1c",
    b"\xfd7zXZ\x00",
    b"Rar!\x1a",
    b"\x7fELF",
    b"MZ\x90\x00",
    b"OggS\x00",
    b"fLaC",
    b"wOFF",
    b"wOF2",
    b"SQLite format 3\x00",
    b"ID3\x03",
    b"ID3\x04",
)
_WESTERN = {
    "cp1252",
    "cp1250",
    "latin_1",
    "iso8859_15",
    "iso8859_2",
    "mac_roman",
    "mac_latin2",
    "ascii",
    "cp850",
    "cp437",
    "utf_8",
}
_HTML_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-z0-9_.:-]{2,40})""", re.I)


def decode(data: bytes, html: bool = False) -> str:
    """Decode article bytes: BOMs first, then UTF-8, then a detected legacy encoding.

    ``html``: honour a ``<meta charset>`` of a page that is not UTF-8.
    Raises InputError for content that is not text.
    """
    if data.startswith(_MAGIC):
        raise InputError("binary content, not text")
    text = _decode_bom(data)
    if text is None:
        if _looks_binary(data):
            raise InputError("binary content, not text")
        text = _decode_unmarked(data, html)
    if _implausible(text):
        raise InputError("binary content, not text")
    return text


def _decode_bom(data: bytes) -> str | None:
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM starts it
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    # UTF-16 without a BOM: text mostly in the first 256 code points has a NUL in every other byte.
    sample = data[:4096]
    if len(sample) >= 8 and len(data) % 2 == 0:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) / 2
        if odd >= 0.6 * half and even <= 0.05 * half:
            return data.decode("utf-16-le", errors="replace")
        if even >= 0.6 * half and odd <= 0.05 * half:
            return data.decode("utf-16-be", errors="replace")
    return None


def _decode_unmarked(data: bytes, html: bool) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few bad bytes (a truncated or spliced file) stays UTF-8: legacy text hardly
    # ever holds valid multi-byte UTF-8 sequences, so more valid ones than invalid ones decide.
    replaced = data.decode("utf-8", errors="replace")
    invalid = replaced.count("\ufffd") - data.count("\ufffd".encode())
    valid = sum(1 for ch in replaced if ord(ch) > 0x7F) - invalid
    if valid > invalid:
        return replaced
    if html:
        declared = _declared_charset(data)
        if declared:
            return data.decode(declared, errors="replace")
    return data.decode(_legacy_encoding(data), errors="replace")


def _declared_charset(data: bytes) -> str | None:
    """The legacy charset a page declares in <meta>, as Python names it (latin-1 read as cp1252)."""
    match = _HTML_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if name in ("latin-1", "iso8859-1", "ascii", "iso8859-15"):
        return "cp1252"  # as browsers do (WHATWG Encoding)
    if name.startswith(("utf-8", "utf-16", "utf-32")):
        return None  # not what these bytes are, or they would have decoded
    return name


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    # A few NUL bytes inside text are tolerated; many mean a binary format.
    if sample.count(b"\x00") > max(8, len(sample) // 100):
        return True
    # Control bytes other than whitespace and ESC (coloured terminal text has many ESC).
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    return controls > max(1, len(sample) // 20)


def _implausible(text: str) -> bool:
    """True when decoded text is mostly what text never holds: a binary file that decoded anyway."""
    sample = text[:8192]
    if not sample:
        return False
    # ASCII by a regular expression; a category lookup only for the other characters.
    odd = len(_ASCII_ODD.findall(sample))
    for ch in _NOT_ASCII.findall(sample):
        if ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs"):
            odd += 1
    return odd > max(2, len(sample) // 20)


# The ASCII characters of category Cc that _implausible counts (not tab, newlines, form feed, ESC).
_ASCII_ODD = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _legacy_encoding(data: bytes) -> str:
    """Pick the legacy encoding of non-UTF-8 bytes.

    Text in a Latin script has its bytes above 0x7f mostly alone or in pairs (é, “ ”, ł): it is
    read as cp1252, as cp1250 when cp1252 cannot read it or reads symbols inside words
    ("Za¿ó³æ" for "Zażółć"), else as latin-1. charset-normalizer, which was seen reading cp1252
    as cp1250 and a lone curly quote as Big5, only decides for other scripts (Cyrillic, Greek,
    CJK ...), whose letters are all above 0x7f and come in runs; among its equally good
    guesses the most common encoding wins (cp1251 over mac_cyrillic).
    """
    high = sum(1 for b in data if b > 0x7F)
    in_runs = sum(len(run) for run in _HIGH_RUN.findall(data))
    if in_runs < 0.6 * high:
        return _latin_encoding(data)
    from charset_normalizer import from_bytes  # deferred: only non-Latin legacy files need it

    results = list(from_bytes(data))
    if not results:
        return _latin_encoding(data)
    best = results[0]
    tied = [
        r.encoding for r in results if r.chaos <= best.chaos + 0.01 and r.coherence >= best.coherence - 0.05
    ]
    encoding = min(tied, key=lambda e: _COMMON.index(e) if e in _COMMON else len(_COMMON))
    if encoding in _WESTERN:
        return _latin_encoding(data)
    return encoding


_HIGH_RUN = re.compile(rb"[\x80-\xff]{3,}")
# Legacy encodings by how common they are, to settle charset-normalizer's ties.
_COMMON = [
    "cp1251",
    "koi8_r",
    "cp1253",
    "cp1255",
    "cp1256",
    "cp1254",
    "cp1257",
    "cp874",
    "gb18030",
    "cp932",
    "shift_jis",
    "euc_jp",
    "cp949",
    "euc_kr",
    "big5",
    "koi8_u",
    "cp866",
    "iso8859_5",
    "mac_cyrillic",
]


def _latin_encoding(data: bytes) -> str:
    best, best_score = "latin_1", _oddness(data.decode("latin_1"))
    for encoding in ("cp1250", "cp1252"):  # cp1252 last: it wins ties
        try:
            score = _oddness(data.decode(encoding))
        except UnicodeDecodeError:
            continue
        if score <= best_score:
            best, best_score = encoding, score
    return best


_WORD_PUNCTUATION = set("’‘'·-‐‑")


def _oddness(text: str) -> int:
    """How unlike text a decoding looks: control characters, and symbols inside words."""
    score = 0
    for i, ch in enumerate(text):
        if ord(ch) < 0x80:
            continue
        if unicodedata.category(ch).startswith("C"):
            score += 3
        elif (
            not ch.isalpha()
            and ch not in _WORD_PUNCTUATION
            and 0 < i < len(text) - 1
            and text[i - 1].isalpha()
            and text[i + 1].isalpha()
        ):
            score += 1
    return score


_DATE_PREFIX = re.compile(r"^\s*(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?:\s+|$)")
_MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}
_MONTH = (
    r"(jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|aug(?:ust|\.)?|"
    r"sep(?:tember|t?\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)"
)
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
# "Saturday, January 8, 2005", "January 8, 2005", "Sat 8 January 2005", "2005-01-08" alone on a line.
_DATE_LINE = re.compile(
    rf"^\s*{_WEEKDAY}(?:{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})"
    rf"|(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(\d{{4}})"
    r"|(\d{4})[/.-](\d{1,2})[/.-](\d{1,2}))\s*$",
    re.I,
)
# "TEHRAN (Iran News) –", "WASHINGTON (AP) —", "LONDON, Jan. 5 (Reuters) -"
_DATELINE_SOURCE = re.compile(
    r"^\s*[A-Z]{3,}[A-Z .'’-]{0,40}(?:,\s*[A-Z][A-Za-z]{2,8}\.?\s+\d{1,2})?\s*\(([^()\n]{2,40})\)\s*[-–—:]"
)
_FOOTER_SOURCE = re.compile(
    r"All (?:Content|material|articles?|stories) (?:by|from|of) ([^\n.]{2,60}?) (?:is|are) licensed", re.I
)
_HEADING = re.compile(r"^#{1,6}\s+|\s+#+\s*$")
_TITLE_WORDS = 16


def _title_from_text(text: str) -> tuple[str, str | None]:
    """Title and leading date of a plain-text article.

    The title is the first line with a letter or digit (Markdown heading marks stripped),
    skipping a line that is only a date. A leading "2005/01/08 " goes to the date. A long
    line standing for a title (a single-line article, or a first line of over 20 words, i.e.
    a paragraph) is cut to its first 16 words and "…".
    """
    lines = [line for line in text.splitlines() if any(c.isalnum() for c in line)]
    published = None
    title = ""
    for line in lines[:6]:
        line = _HEADING.sub("", line.strip()).strip()
        match = _DATE_PREFIX.match(line)
        if match:
            found = _iso(*match.groups())
            if found:
                published = published or found
                line = line[match.end() :].strip()
        elif _DATE_LINE.match(line):
            published = published or _date_from_line(line)
            line = ""
        if any(c.isalnum() for c in line):
            title = line
            break
    words = title.split()
    if len(words) > _TITLE_WORDS and (len(lines) == 1 or len(words) > 20):
        title = " ".join(words[:_TITLE_WORDS]) + "…"
    return one_line(title), published


def _iso(year: str, month: str, day: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _date_from_line(line: str) -> str | None:
    match = _DATE_LINE.match(line)
    if not match:
        return None
    g = match.groups()
    if g[0]:
        month, day, year = g[0], g[1], g[2]
    elif g[4]:
        day, month, year = g[3], g[4], g[5]
    else:
        return _iso(g[6], g[7], g[8])
    number = next(i for name, i in _MONTHS.items() if name.startswith(month.lower().rstrip(".")))
    return _iso(year, str(number), day)


def _date_from_text(text: str) -> str | None:
    """The date of a "Saturday, January 8, 2005" line among the first lines."""
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines[:6]:
        found = _date_from_line(line)
        if found:
            return found
    return None


def _source_from_text(text: str) -> str | None:
    """The outlet named by a dateline ("TEHRAN (Iran News) –") or a licence footer."""
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines[:8]:
        match = _DATELINE_SOURCE.match(line)
        if match:
            return one_line(match.group(1)) or None
    match = _FOOTER_SOURCE.search(text[-2000:])
    return (one_line(match.group(1)) or None) if match else None


def parse_text(text: str, origin: str, doc_id: str) -> Document:
    """Build a Document from decoded plain text or Markdown.

    ``Document.text`` is ``text`` with escape sequences and control characters removed: the
    text that citation offsets index.
    """
    text = clean_text(text)
    name = "standard input" if origin == "-" else visible(origin)
    if not text.strip():
        raise InputError(f"{name}: empty (only whitespace), nothing to read")
    title, published = _title_from_text(text)
    return Document(
        id=doc_id,
        origin=origin,
        title=title or visible(Path(origin).name),
        text=text,
        source=_source_from_text(text),
        published=published or _date_from_text(text),
        kind="text",
    )


def parse_html(html: str, origin: str, doc_id: str) -> Document:
    """Build a Document from an HTML page: main text by trafilatura, metadata from the page.

    trafilatura only parses the string given: it never fetches anything. Dates come from the
    page's metadata and markup (no guess from, say, a copyright year).
    """
    from digest.stages.extract import extract  # deferred: heavy imports only HTML input needs
    from digest.stages.titles import choose_outlet, choose_title, page_metadata

    name = "standard input" if origin == "-" else visible(origin)
    _quiet_html_loggers()
    html = _whole_page(html)
    try:
        meta = extract(html)
    except Exception as exc:  # noqa: BLE001 - a parser failure is a bad input, not a crash
        raise InputError(f"{name}: cannot parse this HTML page ({one_line(str(exc))[:80]})") from None
    text = repair_mojibake(clean_text(meta.get("text") or ""))
    if not text.strip():
        raise InputError(f"{name}: no article text found in this HTML page")
    url = _page_url(meta.get("url"))
    page = page_metadata(html)
    outlet = choose_outlet(one_line(meta.get("sitename") or "") or None, page, meta.get("title") or "", url)
    title = repair_mojibake(one_line(choose_title(one_line(meta.get("title") or ""), page, outlet, url)))
    title = title or _title_from_text(text)[0]
    published = meta.get("date")
    return Document(
        id=doc_id,
        origin=origin,
        title=title or visible(Path(origin).name),
        text=text,
        source=one_line(outlet or "") or None,
        published=published if isinstance(published, str) and _ISO_DAY.fullmatch(published) else None,
        url=url,
        kind="extracted",
    )


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _whole_page(html: str) -> str:
    """``html`` as lxml and trafilatura take it: without an XML declaration (lxml refuses a
    str that declares its encoding; the text is decoded already), a fragment made a page."""
    html = _XML_DECLARATION.sub("", html, count=1)
    if not _HTML_START.search(_after_prelude(html)[:8192]):
        html = f"<html><body>{html}</body></html>"  # a fragment: trafilatura wants a whole page
    return html


def _page_url(url: object) -> str | None:
    """The page's own URL from its metadata, when it is a plain http(s) URL."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if url.startswith(("http://", "https://")) and plain_url(url) else None


def _quiet_html_loggers() -> None:
    """Give the HTML libraries' loggers a handler, so that Python does not print their
    warnings ("discarding data: None") on stderr when the application configured no logging."""
    for name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# What may come before <html> or <head> in a page as saved: style sheets, scripts, comments,
# <meta>/<link> tags (a page that opens with 8 KB of <style> is still a whole page).
_PRELUDE = re.compile(
    r"\s*(?:<style\b.*?</style\s*>|<script\b.*?</script\s*>|<!--.*?-->|<(?:meta|link)\b[^>]*>)", re.I | re.S
)


def _after_prelude(text: str) -> str:
    """``text`` after its leading style sheets, scripts, comments and meta or link tags."""
    position = 0
    while match := _PRELUDE.match(text, position):
        if match.end() == position:
            break
        position = match.end()
    return text[position:]


_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body)[\s>]", re.I)


def _is_html(raw: RawInput, head: str) -> bool:
    """HTML by suffix; for standard input or a file without suffix, by its first characters."""
    if raw.suffix in HTML_SUFFIXES:
        return True
    if raw.suffix:
        return False
    head = _after_prelude(head)[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    return head.startswith("<") and bool(_HTML_START.search(head))


def read(raw: RawInput, doc_id: str, max_bytes: int) -> Document:
    """Read one input into a Document; raises InputError with a one-line message."""
    return parse(raw, read_bytes(raw, max_bytes), doc_id)


def parse(raw: RawInput, data: bytes, doc_id: str) -> Document:
    """An input's bytes (as ``read_bytes`` returned them) into a Document; raises InputError.

    Touches no file: a Dask worker parses bytes that the client read (digest.run.dask).
    """
    if not data:
        raise InputError(f"{_name(raw)}: empty file, nothing to read")
    if not data.strip():
        raise InputError(f"{_name(raw)}: empty (only whitespace), nothing to read")
    try:
        text = decode(data, html=_is_html(raw, data[:65536].decode("latin_1")))
    except InputError as exc:
        raise InputError(f"{_name(raw)}: {exc}") from None
    if _is_html(raw, text):
        doc = parse_html(text, raw.origin, doc_id)
    else:
        doc = parse_text(text, raw.origin, doc_id)
    if has_long_line(doc.text):
        raise InputError(f"{_name(raw)}: {LONG_LINE}")
    return doc


def ingest(inputs: Iterable[str], max_bytes: int) -> tuple[list[Document], list[str]]:
    """Read every input; unusable ones become one-line warnings.

    Returns:
        The documents in input order (ids d1, d2 ...) and the warnings.
    """
    raws, warnings = discover(inputs)
    documents, more = read_all(raws, max_bytes)
    return documents, warnings + more


def read_all(raws: Iterable[RawInput], max_bytes: int) -> tuple[list[Document], list[str]]:
    """Read discovered inputs in order (ids d1, d2 ...); unusable ones become one-line warnings."""
    documents: list[Document] = []
    warnings: list[str] = []
    for raw in raws:
        try:
            documents.append(read(raw, f"d{len(documents) + 1}", max_bytes))
        except InputError as exc:
            warnings.append(str(exc))
    return documents, warnings
