"""A real HTTP server on 127.0.0.1 for the tests that fetch feeds, and the feeds it serves.

One server for every test (the ``server`` fixture in tests/conftest.py): routes are set per
test, answered from fields (status, ETag, delay, headers, a gate that holds the answer) or by a
handler of the test's own (a trickle, an endless body, a redirect). Nothing reaches beyond
127.0.0.1: the port is the system's choice and the server runs in a thread of the test.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from tests.brief import articles

FEEDS = Path(__file__).resolve().parent / "data" / "feeds"


@dataclass(frozen=True)
class Item:
    """A feed entry."""

    title: str
    link: str
    text: str
    published: datetime = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)


STORM = Item("Storm Elena floods Marlow", "https://a.example/storm", articles.STORM_1)
STORM_B = Item("Marlow under water", "https://b.example/flood", articles.STORM_2)
STORM_UPDATE = Item(
    "Marlow begins clean-up after Storm Elena", "https://a.example/storm-2", articles.STORM_UPDATE
)
RATES = Item("Central bank raises rates", "https://a.example/rates", articles.RATES_1)
RATES_B = Item("Rates up again", "https://b.example/rates", articles.RATES_2)
LAUNCH = Item("Weather satellite launched", "https://b.example/launch", articles.LAUNCH)


def rss(title: str, items: Sequence[Item]) -> bytes:
    """An RSS 2.0 feed whose descriptions are HTML paragraphs."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>https://example.org/</link><description>test</description>",
    ]
    for item in items:
        out.append(
            f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
            f"<guid>{escape(item.link)}</guid>"
            f"<pubDate>{format_datetime(item.published, usegmt=True)}</pubDate>"
            f"<description>{escape('<p>' + item.text + '</p>')}</description></item>"
        )
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    etag: str | None = None
    delay: float = 0.0
    fail_first: int = 0
    """Answer 503 this many times before the body."""
    gate: threading.Event | None = None
    """Wait for this event before answering (a hung server)."""
    entered: threading.Event = field(default_factory=threading.Event)
    """Set when a request for this path arrives."""
    headers: dict[str, str] = field(default_factory=dict)
    """Further response headers (Content-Encoding, Location ...)."""
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None
    """Answers the request itself (a trickle, a redirect ...), instead of the fields above."""


class FeedServer:
    """An HTTP server on 127.0.0.1 whose routes the test changes between runs."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stopping = threading.Event()
        """Set on close: a handler that sends forever stops when it is."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt: str, *args: object) -> None:  # noqa: ARG002 - quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                route.entered.set()
                if route.handler is not None:
                    try:
                        route.handler(self)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                if route.gate is not None:
                    route.gate.wait(60)
                if route.delay:
                    time.sleep(route.delay)
                if route.fail_first > 0:
                    route.fail_first -= 1
                    self.send_error(503)
                    return
                if route.status != 200:
                    self.send_error(route.status)
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def serve(self, path: str, body: bytes, **kwargs: object) -> str:
        self.routes[path] = Route(body=body, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]

    def close(self) -> None:
        self.stopping.set()
        for route in self.routes.values():
            if route.gate is not None:
                route.gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()


FAST_FETCH = "[fetch]\ntimeout = 0.5\nretries = 1\nbackoff = 0.05\nallow_private = true\n"  # loopback server
