"""Read articles from files, folders and standard input into Documents."""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from digest.models import Document
from digest.sanitize import clean_text, one_line, visible

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
# Files that travel with articles but are not articles (attribution, licences, notes).
NOT_ARTICLES = re.compile(r"^(readme|licen[cs]e|copying|notice|source|attribution|changelog|authors)\b", re.I)


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

    Hidden files and folders, and files that are not articles, are skipped in folders.
    Returns the inputs in a stable order and the warnings for paths that cannot be used.
    """
    found: list[RawInput] = []
    warnings: list[str] = []
    for item in inputs:
        if item == "-":
            found.append(RawInput("-", ""))
            continue
        path = Path(item)
        try:
            mode = path.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            warnings.append(f"{visible(item)}: no such file or directory")
            continue
        except OSError as exc:
            warnings.append(f"{visible(item)}: cannot read ({exc.strerror or exc})")
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
    return found, warnings


def _walk(root: Path, warnings: list[str]) -> Iterator[RawInput]:
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[RawInput]:
        try:
            info = folder.stat()
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            warnings.append(f"{visible(str(folder))}: cannot read directory ({exc.strerror or exc})")
            return
        if (info.st_dev, info.st_ino) in seen:  # a symlink loop
            return
        seen.add((info.st_dev, info.st_ino))
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    yield from visit(Path(entry.path))
                    continue
                regular = entry.is_file()
            except OSError:
                regular = False
            suffix = Path(entry.name).suffix.lower()
            if not regular or suffix not in ARTICLE_SUFFIXES or NOT_ARTICLES.match(entry.name):
                continue
            yield RawInput(entry.path, suffix)

    yield from visit(root)


def read_bytes(raw: RawInput, max_bytes: int) -> bytes:
    """Read an input's bytes, refusing files over ``max_bytes``."""
    if raw.origin == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        try:
            with open(raw.origin, "rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{visible(raw.origin)}: cannot read ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise InputError(f"{visible(raw.origin)}: larger than {max_bytes // (1024 * 1024)} MB, skipped")
    return data


def decode(data: bytes) -> str:
    """Decode article bytes: BOMs first, then UTF-8, then a detected legacy encoding.

    Raises InputError for content that is not text.
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if _looks_binary(data):
        raise InputError("binary content, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return data.decode(_legacy_encoding(data), errors="replace")


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        # A few NUL bytes inside text are tolerated; many mean a binary format.
        return sample.count(b"\x00") > max(8, len(sample) // 100)
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and controls > len(sample) // 20


def _legacy_encoding(data: bytes) -> str:
    """Pick the legacy encoding of non-UTF-8 bytes.

    charset-normalizer tells Western from other scripts, but it was seen reading cp1252 as
    cp1250, so any Western or Central European guess is settled here: cp1252 when its
    bytes are all defined there (curly quotes, dashes), else latin-1.
    """
    from charset_normalizer import from_bytes  # deferred: only legacy files need it

    best = from_bytes(data).best()
    guess = best.encoding if best is not None else "cp1252"
    western = {"cp1252", "cp1250", "latin_1", "iso8859_15", "iso8859_2", "mac_roman", "ascii", "cp850", "cp437"}
    if guess in western or best is None:
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            return "latin_1"
    return guess


_DATE_PREFIX = re.compile(r"^\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})\s+")
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_DATE_LINE = re.compile(
    r"^\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(january|february|march|april|may|june|july|august|september|october|november|december)"
    r"\s+(\d{1,2}),?\s+(\d{4})\s*$", re.I)
_DATELINE_SOURCE = re.compile(r"^\s*[A-Z][A-Z .'-]{1,40}\s*\(([^()\n]{2,40})\)\s*[-–—]")
_FOOTER_SOURCE = re.compile(r"All (?:Content|material|articles?) (?:by|from|of) ([^\n.]{2,60}?) (?:is|are) licensed", re.I)


def _title_from_text(text: str) -> tuple[str, str | None]:
    """Title and leading date of a plain-text article."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    first = first.strip().lstrip("#").strip()
    published = None
    match = _DATE_PREFIX.match(first)
    if match:
        published = _iso(*match.groups())
        first = first[match.end():]
    words = first.split()
    if len(words) > 20:  # a single-line article: its first words stand for a title
        first = " ".join(words[:16]) + "…"
    return one_line(first), published


def _iso(year: str, month: str, day: str) -> str | None:
    try:
        y, m, d = int(year), int(month), int(day)
    except ValueError:
        return None
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _date_from_text(text: str) -> str | None:
    for line in text.splitlines()[:6]:
        match = _DATE_LINE.match(line)
        if match:
            return _iso(match.group(3), str(_MONTHS[match.group(1).lower()]), match.group(2))
    return None


def _source_from_text(text: str) -> str | None:
    for line in text.splitlines()[:8]:
        match = _DATELINE_SOURCE.match(line)
        if match:
            return one_line(match.group(1))
    match = _FOOTER_SOURCE.search(text[-2000:])
    return one_line(match.group(1)) if match else None


def parse_text(text: str, origin: str, doc_id: str) -> Document:
    """Build a Document from decoded plain text or Markdown."""
    text = clean_text(text)
    if not text.strip():
        raise InputError(f"{visible(origin)}: empty, nothing to read")
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
    """Build a Document from an HTML page: main text by trafilatura, metadata from the page."""
    import trafilatura  # deferred: a heavy import only HTML input needs

    result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                         include_tables=False, favor_precision=True)
    meta = result.as_dict() if result is not None and hasattr(result, "as_dict") else (result or {})
    text = clean_text(meta.get("text") or "")
    if not text.strip():
        raise InputError(f"{visible(origin)}: no article text found in this HTML page")
    title = one_line(meta.get("title") or "") or _title_from_text(text)[0]
    url = meta.get("url")
    return Document(
        id=doc_id,
        origin=origin,
        title=title,
        text=text,
        source=one_line(meta.get("sitename") or "") or None,
        published=meta.get("date") or None,
        url=one_line(url) if isinstance(url, str) and url.startswith(("http://", "https://")) else None,
        kind="extracted",
    )


def _is_html(raw: RawInput, text: str) -> bool:
    if raw.suffix in HTML_SUFFIXES:
        return True
    if raw.suffix:
        return False
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head


def read(raw: RawInput, doc_id: str, max_bytes: int) -> Document:
    """Read one input into a Document; raises InputError with a one-line message."""
    data = read_bytes(raw, max_bytes)
    if not data.strip():
        raise InputError(f"{visible(raw.origin)}: empty, nothing to read")
    try:
        text = decode(data)
    except InputError as exc:
        raise InputError(f"{visible(raw.origin)}: {exc}") from None
    if _is_html(raw, text):
        return parse_html(text, raw.origin, doc_id)
    return parse_text(text, raw.origin, doc_id)


def ingest(inputs: Iterable[str], max_bytes: int) -> tuple[list[Document], list[str]]:
    """Read every input; unusable ones become warnings.

    Returns:
        The documents in input order (ids d1, d2 ...) and the warnings.
    """
    raws, warnings = discover(inputs)
    documents: list[Document] = []
    for raw in raws:
        try:
            documents.append(read(raw, f"d{len(documents) + 1}", max_bytes))
        except InputError as exc:
            warnings.append(str(exc))
    return documents, warnings
