"""Feeds: list them (options, OPML, config), fetch them politely, read their entries.

RSS 0.9x/1.0/2.0 and Atom are read by feedparser, whose sanitizing parser neither resolves
external entities nor expands entity bombs; JSON Feed, which feedparser 6.0 does not read, by
a small reader here. Fetching (httpx) is concurrent, with timeouts, a few retries with
backoff, conditional GET (ETag / Last-Modified) and a size cap on every response. Local files
are read with the same cap. Everything read from a feed is untrusted: titles go through
``one_line``, HTML through a tag stripper that keeps only text.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from digest import __version__
from digest.brief.userconfig import FetchSettings
from digest.sanitize import clean_text, one_line, plain_url, repair_mojibake, visible

USER_AGENT = f"digest/{__version__} (news-digest feed reader; +https://pypi.org/project/news-digest/)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
SUMMARY_ONLY_CHARS = 1000
"""An entry without a content element and with less text than this carries only a summary."""


class FetchError(Exception):
    """A feed or page that could not be fetched or read; the message is one line."""


def is_url(location: str) -> bool:
    """True for an http(s) URL."""
    return location.lower().startswith(("http://", "https://"))


# ---------------------------------------------------------------- listing feeds


def read_opml(path: str, max_bytes: int = 5 * 1024 * 1024) -> list[str]:
    """The feed locations (xmlUrl) of an OPML subscription list, in document order.

    Raises:
        FetchError: the file cannot be read or is not OPML.
    """
    import xml.etree.ElementTree as ElementTree

    data = read_file(path, max_bytes)
    # ElementTree expands internal entities: a DOCTYPE has no use in OPML and could hold a bomb.
    if re.search(rb"<!(?:DOCTYPE|ENTITY)", data[:65536], re.I):
        raise FetchError(f"{visible(path)}: OPML with a DOCTYPE is not read")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise FetchError(f"{visible(path)}: not valid OPML ({exc})") from None
    if root.tag.lower() != "opml":
        raise FetchError(f"{visible(path)}: not an OPML file (its root is <{one_line(root.tag)[:40]}>)")
    base = Path(path).parent
    found = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        if not is_url(url) and not url.startswith("file:") and not Path(url).is_absolute():
            url = str(base / url)
        found.append(url)
    return found


def feed_list(feeds: Iterable[str], opml: Iterable[str]) -> tuple[list[str], list[str]]:
    """Feeds named directly, then those of the OPML files, without repeats.

    Returns the locations and the warnings for OPML files that cannot be read.
    """
    locations: list[str] = []
    warnings: list[str] = []
    for item in feeds:
        locations.append(item.strip())
    for path in opml:
        try:
            locations.extend(read_opml(path))
        except FetchError as exc:
            warnings.append(str(exc))
    unique = list(dict.fromkeys(loc for loc in locations if loc))
    return unique, warnings


# ---------------------------------------------------------------- fetching


@dataclass(frozen=True)
class Validators:
    """What a server said about a feed's version, for the next conditional GET."""

    etag: str | None = None
    """The ETag header."""
    last_modified: str | None = None
    """The Last-Modified header."""


@dataclass(frozen=True)
class Response:
    """A fetched resource."""

    url: str
    """The final URL, after redirects."""
    status: int
    """HTTP status (200 for a file); 304 means not modified (``content`` empty)."""
    content: bytes
    """The body, at most ``max_bytes``."""
    content_type: str = ""
    """The Content-Type header."""
    validators: Validators = field(default_factory=Validators)
    """The response's ETag and Last-Modified."""


def read_file(path: str, max_bytes: int) -> bytes:
    """A local file's bytes, refusing what is not a regular file or is larger than ``max_bytes``."""

    if path.startswith("file://"):
        from urllib.parse import unquote

        path = unquote(urlsplit(path).path)
    from digest.files import NotARegularFile, ReadFailed, TooLarge, read_capped

    try:
        return read_capped(path, max_bytes)
    except OSError as exc:
        reason = "no such file" if isinstance(exc, FileNotFoundError) else (exc.strerror or str(exc))
        raise FetchError(f"{visible(path)}: {reason}") from None
    except NotARegularFile:
        raise FetchError(f"{visible(path)}: not a regular file") from None
    except ReadFailed as exc:
        raise FetchError(f"{visible(path)}: cannot read ({exc})") from None
    except TooLarge:
        raise FetchError(f"{visible(path)}: larger than the {max_bytes} byte limit") from None


class Fetcher:
    """An HTTP client for feeds and pages: timeouts, retries with backoff, a size cap.

    Thread-safe (one httpx.Client shared by the worker threads); use as a context manager.
    """

    def __init__(self, settings: FetchSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        import httpx  # deferred: only brief fetches anything, and httpx takes 0.15 s to import

        self.settings = settings
        self.sleep = sleep
        self.client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=True,
            max_redirects=5,
            # A new connection for every request: each is checked against allow_private
            # (digest.brief.feeds._Exchange), and a feed reader gains little from keep-alive.
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
                "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            trust_env=False,  # no proxy or .netrc from the environment reaching into requests
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def get(self, url: str, validators: Validators | None = None, accept: str | None = None) -> Response:
        """GET ``url``, conditionally when ``validators`` are given.

        Raises:
            FetchError: after the last attempt failed, or at once for a 4xx (but 429) or a
            response over the size cap.
        """
        import httpx

        headers = {}
        if validators is not None:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        if accept:
            headers["Accept"] = accept
        attempts = self.settings.retries + 1
        delay = self.settings.backoff
        problem = ""
        for attempt in range(attempts):
            if attempt:
                self.sleep(delay)
                delay *= 2
            try:
                response = self._get_once(url, headers)
            except httpx.TimeoutException:
                problem = f"timed out after {self.settings.timeout:g} s"
                continue
            except httpx.TransportError as exc:
                problem = f"cannot connect ({one_line(str(exc))[:100] or type(exc).__name__})"
                continue
            except httpx.HTTPError as exc:  # an invalid URL, too many redirects ...
                raise FetchError(f"{visible(url)}: {one_line(str(exc))[:100]}") from None
            if response.status in RETRY_STATUSES:
                problem = f"HTTP {response.status}"
                continue
            if response.status >= 400:
                raise FetchError(f"{visible(url)}: HTTP {response.status}")
            return response
        raise FetchError(f"{visible(url)}: {problem}" + (f" ({attempts} attempts)" if attempts > 1 else ""))

    def _get_once(self, url: str, headers: dict[str, str]) -> Response:
        import httpx

        limit = self.settings.max_bytes
        # A server that trickles bytes (in the headers too) never trips the read timeout: the
        # whole exchange has a deadline, at which its socket is shut down.
        budget = 3 * self.settings.timeout
        guard = _Exchange(url, self.settings.allow_private, budget)
        try:
            return self._exchange(url, headers, limit, guard)
        except httpx.HTTPError:
            if guard.expired:
                raise FetchError(f"{visible(url)}: too slow (over {budget:g} s)") from None
            raise
        finally:
            guard.close()

    def _exchange(self, url: str, headers: dict[str, str], limit: int, guard: _Exchange) -> Response:
        budget = 3 * self.settings.timeout
        with self.client.stream("GET", url, headers=headers, extensions={"trace": guard.trace}) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise FetchError(f"{visible(url)}: larger than the {limit} byte limit")
            content = b""
            if response.status_code == 200:
                # The raw stream, decoded here with a bound: httpx would expand every layer of a
                # stacked "gzip, gzip" without one, and a 20 KB reply can hold gigabytes.
                decoder = _Decoder(response.headers.get("Content-Encoding", ""), limit, url)
                for chunk in response.iter_raw():
                    decoder.feed(chunk)
                    if guard.expired or time.monotonic() > guard.deadline:
                        raise FetchError(f"{visible(url)}: too slow (over {budget:g} s)")
                if guard.expired:  # the shut-down socket ended a body that has no length
                    raise FetchError(f"{visible(url)}: too slow (over {budget:g} s)")
                content = decoder.finish()
            return Response(
                url=str(response.url),
                status=response.status_code,
                content=content,
                content_type=response.headers.get("Content-Type", ""),
                validators=Validators(response.headers.get("ETag"), response.headers.get("Last-Modified")),
            )


class _Exchange:
    """One request and its redirects: where they may connect, and their common deadline.

    Called by httpcore (the ``trace`` extension) when a connection is made. Without
    ``allow_private``, a connection to an address that is not public (loopback, private,
    link-local with the cloud metadata address, shared, reserved, multicast) is closed at
    once: the check is of the address connected to, after DNS resolution, for every redirect
    too (keep-alive is off, so every request connects). At the deadline the sockets are shut
    down, which ends a read that a trickling server keeps alive.
    """

    def __init__(self, url: str, allow_private: bool, budget: float) -> None:
        import threading

        self.url = url
        self.allow_private = allow_private
        self.deadline = time.monotonic() + budget
        self.expired = False
        self.sockets: list[Any] = []
        self.host = ""
        self.lock = threading.Lock()
        self.timer = threading.Timer(budget, self._expire)
        self.timer.daemon = True
        self.timer.start()

    def trace(self, name: str, info: dict[str, Any]) -> None:
        if name == "connection.connect_tcp.started":
            self.host = str(info.get("host", ""))
        elif name == "connection.connect_tcp.complete":
            stream = info["return_value"]
            sock = stream.get_extra_info("socket")
            with self.lock:
                self.sockets.append(sock)
                late = self.expired
            if late:
                self._shut(sock)
            if not self.allow_private:
                address = str(sock.getpeername()[0]) if sock is not None else ""
                if not _public(address):
                    stream.close()
                    raise FetchError(
                        f"{visible(self.url)}: refused: {visible(self.host)} is not a public address "
                        f"({visible(address)}); allow_private = true under [fetch] allows it"
                    )

    def _expire(self) -> None:
        with self.lock:
            self.expired = True
            sockets = list(self.sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: Any) -> None:
        import socket

        try:
            sock.shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):
            pass

    def close(self) -> None:
        self.timer.cancel()


def _public(address: str) -> bool:
    """True for a globally routable unicast IP address."""
    import ipaddress

    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


ACCEPT_ENCODING = "gzip, deflate"
"""The content codings asked for, and the only ones read (a reply in another one is refused)."""
_DECODE_STEP = 64 * 1024
"""Largest piece one decoding step may produce: what bounds the memory of a stacked encoding."""
_MAX_LAYERS = 3


class _Decoder:
    """The body of a response, its Content-Encoding layers undone with a bound on the output.

    Each layer is a zlib stream asked for at most ``_DECODE_STEP`` bytes at a time, so a
    decompression bomb (stacked or not) stops as soon as the decoded size passes ``limit``.
    """

    def __init__(self, header: str, limit: int, url: str) -> None:
        self.limit = limit
        self.url = url
        codings = [c.strip().lower() for c in header.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > _MAX_LAYERS:
            raise FetchError(f"{visible(url)}: {len(codings)} stacked content encodings are not read")
        self.layers: list[Any] = []
        for coding in reversed(codings):  # the last coding applied is undone first
            if coding in ("gzip", "x-gzip"):
                self.layers.append(_Layer(16 + zlib.MAX_WBITS))
            elif coding == "deflate":
                self.layers.append(_Layer(None))
            else:
                raise FetchError(f"{visible(url)}: content encoding {one_line(coding)[:20]!r} is not read")
        self.parts: list[bytes] = []
        self.size = 0

    def feed(self, data: bytes) -> None:
        self._push(0, data)

    def finish(self) -> bytes:
        for index, layer in enumerate(self.layers):
            self._push(index + 1, layer.flush(self))
        return b"".join(self.parts)

    def _push(self, index: int, data: bytes) -> None:
        if index == len(self.layers):
            self.size += len(data)
            if self.size > self.limit:
                raise FetchError(f"{visible(self.url)}: larger than the {self.limit} byte limit")
            self.parts.append(data)
            return
        layer = self.layers[index]
        while data:
            piece, data = layer.step(data, self)
            if piece:
                self._push(index + 1, piece)

    def broken(self) -> FetchError:
        return FetchError(f"{visible(self.url)}: its compressed content cannot be decoded")


class _Layer:
    """One zlib stream (gzip, or deflate: zlib-wrapped or raw, told by its first bytes)."""

    def __init__(self, wbits: int | None) -> None:
        self.wbits = wbits
        self.stream: Any = None
        self.head = b""

    def step(self, data: bytes, owner: _Decoder) -> tuple[bytes, bytes]:
        """Decode some of ``data``: at most ``_DECODE_STEP`` bytes out, and the input left."""
        if self.stream is None:
            if self.wbits is None:  # deflate: RFC 9110 says zlib format; some servers send raw
                self.head += data
                if len(self.head) < 2:
                    return b"", b""
                data, self.head = self.head, b""
                zlib_header = (data[0] & 0x0F) == 8 and (data[0] * 256 + data[1]) % 31 == 0
                self.wbits = zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS
            self.stream = zlib.decompressobj(self.wbits)
        if self.stream.eof:  # gzip allows members one after the other
            if self.wbits != 16 + zlib.MAX_WBITS:
                return b"", b""  # anything after a deflate stream's end is ignored
            self.stream = zlib.decompressobj(self.wbits)
        try:
            piece = self.stream.decompress(data, _DECODE_STEP)
        except zlib.error:
            raise owner.broken() from None
        rest = self.stream.unconsumed_tail or (self.stream.unused_data if self.stream.eof else b"")
        return piece, rest

    def flush(self, owner: _Decoder) -> bytes:
        if self.stream is None:
            if self.head:
                raise owner.broken()
            return b""
        try:
            return self.stream.flush()
        except zlib.error:
            raise owner.broken() from None


# ---------------------------------------------------------------- reading entries


@dataclass(frozen=True)
class Entry:
    """One feed entry, cleaned: what becomes a Document."""

    feed: str
    """The feed's location as listed."""
    guid: str | None
    """The entry's id (RSS guid, Atom id, JSON Feed id)."""
    url: str | None
    """The article's http(s) URL."""
    title: str
    """Headline, on one line."""
    text: str
    """Plain text of the entry's content or summary."""
    source: str | None
    """The feed's title: the outlet."""
    published: str | None
    """Publication (or update) time, ISO 8601 UTC ('2024-05-01T10:00Z')."""
    summary_only: bool = False
    """Only a short summary: ``--full-text`` fetches the page."""

    def keys(self) -> list[str]:
        """What identifies the article in the state: its GUID (within its feed) and its URL."""
        keys = []
        if self.guid:
            keys.append("guid:" + hashlib.sha256(f"{self.feed}\n{self.guid}".encode()).hexdigest()[:32])
        if self.url:
            keys.append("url:" + hashlib.sha256(normalize_url(self.url).encode()).hexdigest()[:32])
        return keys


@dataclass(frozen=True)
class FeedResult:
    """What fetching and reading one feed gave."""

    location: str
    """The feed as listed."""
    entries: tuple[Entry, ...] = ()
    """Its entries, as the feed orders them."""
    title: str | None = None
    """Its title."""
    validators: Validators | None = None
    """What to send next time (None for files)."""
    not_modified: bool = False
    """The server answered 304 Not Modified."""
    error: str | None = None
    """Why it failed (one line), or None."""
    warnings: tuple[str, ...] = ()
    """Problems that did not stop it."""


_TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ref_src)$", re.I)


def normalize_url(url: str) -> str:
    """The URL that identifies an article: scheme and host lower-cased, default port, fragment
    and tracking parameters (utm_*, fbclid ...) dropped."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.strip()
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode([(k, v) for k, v in pairs if not _TRACKING.match(k)])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def content_hash(text: str) -> str:
    """The state key of an article's text: case and whitespace do not count."""
    return "text:" + hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest()[:32]


class _TextExtractor(HTMLParser):
    """Text of an HTML fragment: tags dropped, blocks on their own lines, scripts and styles out."""

    SKIP = {"script", "style", "noscript", "template", "iframe", "object", "svg", "math", "head", "title"}
    BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "tr",
        "section",
        "article",
        "pre",
        "hr",
        "figure",
        "figcaption",
        "table",
        "dd",
        "dt",
        "header",
        "footer",
        "aside",
        "main",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n" if tag != "br" else "\n")
            self.pre += tag == "pre"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n\n")
            if tag == "pre":
                self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            # A line break in the markup is a space, as a browser shows it (HTML in feeds is
            # often wrapped at 80 columns); only <br>, blocks and <pre> break lines.
            self.parts.append(data if self.pre else re.sub(r"\s+", " ", data))


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed summary or content): paragraphs kept apart.

    Written with the standard HTMLParser rather than trafilatura: a summary is a fragment,
    not a page with boilerplate, and the parser never fetches or runs anything.
    """
    parser = _TextExtractor()
    try:
        parser.feed(fragment)
        parser.close()
    except Exception:  # noqa: BLE001 - HTMLParser is lenient; anything else: drop the markup crudely
        return clean_text(html.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    paragraphs = re.split(r"\n\s*\n", "".join(parser.parts))
    lines = []
    for paragraph in paragraphs:
        text = "\n".join(" ".join(line.split()) for line in paragraph.split("\n"))
        text = text.strip()
        if text:
            lines.append(text)
    return clean_text("\n\n".join(lines))


def _iso(value: Any) -> str | None:
    """feedparser's time.struct_time (UTC) as '2024-05-01T10:00Z'."""
    if not value:
        return None
    try:
        if not 1 <= value.tm_year <= 9999:  # 0001-01-01T00:00+14:00 in UTC is in the year 0
            return None
        return time.strftime("%Y-%m-%dT%H:%MZ", value)
    except (TypeError, ValueError, AttributeError):
        return None


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 time ('2024-05-01T10:00Z', '2024-05-01') as an aware datetime, or None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_BAD_URL_CHARS = re.compile(
    "[\\s\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff"
    "\U000e0000-\U000e007f]"
)


def _http_url(value: Any) -> str | None:
    if (
        isinstance(value, str)
        and is_url(value.strip())
        # no control, bidi, zero-width or BOM character (they disguise where a link goes) and
        # no lone surrogate (it cannot be encoded): such a link is dropped
        and not _BAD_URL_CHARS.search(value.strip())
        and plain_url(value.strip())  # nor any other invisible (format) character
    ):
        return value.strip()
    return None


_INTERNAL_SUBSET = re.compile(rb"(<!DOCTYPE\b[^\[>]*)\[.*?\]\s*>", re.S | re.I)
_ENTITY = re.compile(rb"<!ENTITY\b", re.I)


def _without_entity_declarations(data: bytes, location: str) -> bytes:
    """The feed without its DOCTYPE's internal subset, where entities are declared: expat
    expands them (a "billion laughs" of 500 bytes made 300 MB of text and took half a
    minute), and no real feed needs one; its entity references are then read as text.

    Raises:
        FetchError: an entity declaration is left that cannot be removed.
    """
    if not _ENTITY.search(data):
        return data
    data = _INTERNAL_SUBSET.sub(rb"\1>", data)
    if _ENTITY.search(data):
        raise FetchError(f"{visible(location)}: the feed declares XML entities; refused")
    return data


def parse_feed(data: bytes, location: str, content_type: str = "", max_entries: int = 100) -> FeedResult:
    """Read a feed's bytes (RSS, Atom or JSON Feed) into entries.

    Raises:
        FetchError: the bytes are not a feed.
    """
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{") or "json" in content_type.lower():
        return _parse_json_feed(data, location, max_entries)
    import feedparser  # deferred: 0.1 s, and only brief reads feeds

    data = _without_entity_declarations(data, location)
    # A stream, never a string: feedparser fetches a str that looks like a URL or a file name.
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers={"content-location": location, "content-type": content_type or "application/xml"},
    )
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        reason = f" ({one_line(str(problem))[:80]})" if problem else ""
        raise FetchError(f"{visible(location)}: not an RSS, Atom or JSON feed{reason}")
    title = _title_text(parsed.feed.get("title", "")) or None
    warnings = []
    if parsed.get("bozo") and not isinstance(
        parsed.get("bozo_exception"), feedparser.CharacterEncodingOverride
    ):
        warnings.append(f"{visible(location)}: malformed feed, read leniently")
    entries = [_xml_entry(item, location, title) for item in parsed.entries[:max_entries]]
    return FeedResult(location, tuple(entries), title, warnings=tuple(warnings))


def _xml_entry(item: Any, location: str, source: str | None) -> Entry:
    """One entry of feedparser's: its longest content, else its summary, as text."""
    has_content = bool(item.get("content"))
    detail: Any
    if has_content:
        detail = max(item["content"], key=lambda c: len(c.get("value", "")))
    else:
        detail = item.get("summary_detail") or {"value": item.get("summary", ""), "type": "text/html"}
    value = detail.get("value", "") or ""
    text = html_to_text(value) if "html" in (detail.get("type") or "text/html") else clean_text(value)
    return _entry(
        location,
        item.get("id"),
        item.get("link"),
        item.get("title", ""),
        text,
        source,
        _iso(item.get("published_parsed") or item.get("updated_parsed")),
        summary_only=not has_content and len(text) < SUMMARY_ONLY_CHARS,
    )


def _title_text(title: Any) -> str:
    """A title as one line of text: a title of type="html" keeps its markup and entities
    ("Just The&nbsp;Tip", "2009&#8217;s"), decoded here; double-encoded UTF-8 repaired."""
    raw = str(title or "")
    return repair_mojibake(one_line(html_to_text(raw) if "<" in raw or "&" in raw else raw))


def _entry(
    feed: str,
    guid: Any,
    link: Any,
    title: Any,
    text: str,
    source: str | None,
    published: str | None,
    summary_only: bool,
) -> Entry:
    url = _http_url(link)
    guid_text = one_line(str(guid))[:500] if guid else None
    return Entry(
        feed=feed,
        guid=guid_text or None,
        url=url,
        title=_title_text(title),
        text=repair_mojibake(text),
        source=source,
        published=published,
        summary_only=summary_only,
    )


def _parse_json_feed(data: bytes, location: str, max_entries: int) -> FeedResult:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1): feedparser 6.0 does not read it."""
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FetchError(f"{visible(location)}: not a valid JSON feed ({one_line(str(exc))[:80]})") from None
    # Real feeds name the version with http:// too (the spec's own examples did at first).
    if not isinstance(feed, dict) or not str(feed.get("version", "")).startswith(
        ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")
    ):
        raise FetchError(f"{visible(location)}: not a JSON feed (no jsonfeed.org version)")
    title = one_line(str(feed.get("title") or "")) or None
    items: list[Any] = feed["items"] if isinstance(feed.get("items"), list) else []
    entries = [_json_entry(item, location, title) for item in items[:max_entries] if isinstance(item, dict)]
    return FeedResult(location, tuple(entries), title)


def _json_entry(item: dict[str, Any], location: str, source: str | None) -> Entry:
    """One item of a JSON Feed: its HTML content, else its text content, else its summary."""
    if isinstance(item.get("content_html"), str):
        text, full = html_to_text(item["content_html"]), True
    elif isinstance(item.get("content_text"), str):
        text, full = clean_text(item["content_text"]), True
    else:
        text, full = clean_text(str(item.get("summary") or "")), False
    return _entry(
        location,
        item.get("id"),
        item.get("url") or item.get("external_url"),
        item.get("title") or "",
        text,
        source,
        _json_date(item),
        summary_only=not full and len(text) < SUMMARY_ONLY_CHARS,
    )


def _json_date(item: dict[str, Any]) -> str | None:
    """An item's date (published, else modified) in UTC, None if it has none that is valid."""
    published = parse_time(str(item.get("date_published") or item.get("date_modified") or ""))
    try:
        return published.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ") if published else None
    except (OverflowError, ValueError):  # 9999-12-31T23:59-12:00 is past the year 9999 in UTC
        return None  # the bad date is dropped, the entry kept


def fetch_feed(
    location: str, fetcher: Fetcher | None, settings: FetchSettings, validators: Validators | None = None
) -> FeedResult:
    """Fetch and read one feed; never raises: a failure is in ``FeedResult.error``."""
    try:
        if is_url(location):
            if fetcher is None:
                raise FetchError(f"{visible(location)}: no HTTP client")
            response = fetcher.get(location, validators)
            if response.status == 304:
                return FeedResult(location, validators=validators, not_modified=True)
            result = parse_feed(response.content, location, response.content_type, settings.max_entries)
            return FeedResult(
                result.location, result.entries, result.title, response.validators, warnings=result.warnings
            )
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]+://", location) and not location.startswith("file://"):
            raise FetchError(f"{visible(location)}: only http, https and local files are read")
        return parse_feed(read_file(location, settings.max_bytes), location, "", settings.max_entries)
    except FetchError as exc:
        return FeedResult(location, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one broken feed must not stop the others
        return FeedResult(
            location, error=f"{visible(location)}: {type(exc).__name__}: {one_line(str(exc))[:100]}"
        )


def fetch_all(
    locations: Sequence[str],
    settings: FetchSettings,
    validators: dict[str, Validators],
    fetcher: Fetcher | None = None,
) -> list[FeedResult]:
    """Fetch every feed concurrently; results in the order of ``locations``."""
    if not locations:
        return []
    own = fetcher is None and any(is_url(loc) for loc in locations)
    client = Fetcher(settings) if own else fetcher
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(settings.concurrency, len(locations)))) as pool:
            return list(
                pool.map(lambda loc: fetch_feed(loc, client, settings, validators.get(loc)), locations)
            )
    finally:
        if own and client is not None:
            client.client.close()


def fetch_page(url: str, fetcher: Fetcher) -> str:
    """An article page as decoded HTML, for ``--full-text``.

    Raises:
        FetchError: it could not be fetched or decoded.
    """
    from digest.stages.ingest import InputError, decode

    response = fetcher.get(url, accept="text/html, application/xhtml+xml;q=0.9, */*;q=0.5")
    try:
        return decode(response.content, html=True)
    except InputError as exc:
        raise FetchError(f"{visible(url)}: {exc}") from None
