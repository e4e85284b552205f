"""--format email and html: parsed back with the email package and an HTML parser, and inert."""

from __future__ import annotations

import email
import email.policy
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from digest.models import Candidate, Citation, Digest, Document, Pick, Story
from digest.render import RenderOptions, get_renderer
from digest.render.email import build_message
from digest.render.html import page, safe_url
from tests.feedserver import RATES, STORM, STORM_B, rss

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)> & [a](javascript:alert(1))'


def evil_digest(title: str = EVIL, url: str | None = "javascript:alert(1)") -> Digest:
    docs = (
        Document(
            "d1",
            "https://a.example/one?x=1&y=<2>",
            f"Doc {EVIL}",
            f"Body one. {EVIL}.",
            source=f"Out {EVIL}",
            url="https://a.example/one?x=1&y=2",
        ),
        Document("d2", "feeds/local.xml", "Doc two", "Body two.", url=url),
    )
    pick = Pick(
        Candidate(f"Sentence {EVIL}.", (Citation("d1", 0, 9), Citation("d2", 0, 9)), 0.0, (0, 0)), 0.5
    )
    old = Pick(Candidate("An old sentence.", (Citation("d2", 0, 9),), 0.0, (1, 0)), 0.4, new=False)
    story = Story("c1", title, ("d1", "d2"), (pick, old), sources=2, update=True)
    return Digest((story,), docs, {"since": "2024-05-06T07:00:00+00:00"}, "2024-05-06T08:00:00+00:00")


class Collector(HTMLParser):
    """Tags, attributes and text of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(document: str) -> Collector:
    collector = Collector()
    collector.feed(document)
    collector.close()
    return collector


def test_html_escapes_everything_and_links_only_http() -> None:
    parsed = parse_html(page(evil_digest()))
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert {name for name, _ in parsed.attrs} <= {
        "lang",
        "charset",
        "name",
        "content",
        "style",
        "href",
        "value",
    }
    hrefs = [value for name, value in parsed.attrs if name == "href"]
    assert hrefs == ["https://a.example/one?x=1&y=2"]
    text = "".join(parsed.text)
    assert EVIL in text  # shown as typed
    assert "Update" in text and "(seen before)" in text


def test_safe_url() -> None:
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in (
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        'https://x.org/" onclick=x',
        "http:///nohost",
        "https://x.org/\na",
        "vbscript:x",
        "//example.org",
    ):
        assert safe_url(bad) is None, bad


def test_email_is_multipart_alternative_and_reads_back() -> None:
    digest = evil_digest()
    headers = {"From": "Digest <digest@example.org>", "To": "me@example.org", "Subject": "Morning {count}"}
    raw = build_message(digest, headers).as_bytes()
    assert max(len(line) for line in raw.split(b"\n")) <= 998
    assert all(b < 128 for b in raw)  # 7-bit: quoted-printable bodies, RFC 2047 headers
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert message["From"] == "Digest <digest@example.org>" and message["To"] == "me@example.org"
    assert message["Subject"] == "Morning 1"
    assert message["Date"] and message["Message-ID"].endswith("@example.org>")
    assert message["MIME-Version"] == "1.0"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    text = plain.get_content()
    # Plain text, as --format text writes it: no Markdown, so no backslash escapes to read
    assert text.startswith("DIGEST: ") and "1. Update:" in text and "\\" not in text
    assert "<script>" in text  # inert in text/plain: shown as typed
    markup = html.get_content()
    assert "<script" not in markup and "&lt;script&gt;" in markup
    assert 'href="javascript' not in markup
    assert "<!DOCTYPE html>" in markup


def test_header_injection_through_a_title_is_impossible() -> None:
    digest = evil_digest(title="Big news\r\nBcc: victim@evil.example\r\n\r\n<h1>body</h1>")
    message = build_message(
        digest,
        {
            "To": "me@example.org",
            "Subject": "Digest {count}\r\nBcc: x@evil.example",
            "From": "a@example.org\nBcc: y@evil.example",
        },
    )
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert sorted(set(parsed.keys())) == sorted(
        {
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "Auto-Submitted",
            "User-Agent",
            "MIME-Version",
            "Content-Type",
        }
    )
    assert "\n" not in parsed["Subject"] and "\r" not in parsed["Subject"]


def test_non_ascii_subject_is_encoded() -> None:
    message = build_message(evil_digest(), {"To": "me@example.org", "Subject": "Café — Überblick {date}"})
    raw = message.as_bytes()
    assert b"=?utf-8?" in raw
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"].startswith("Café — Überblick ")


def test_registry_knows_html_and_email() -> None:
    import io

    out = io.StringIO()
    get_renderer("email")(evil_digest(), out, RenderOptions(headers=(("To", "me@example.org"),)))
    assert email.message_from_string(out.getvalue(), policy=email.policy.default)["To"] == "me@example.org"
    out = io.StringIO()
    get_renderer("html")(evil_digest(), out, RenderOptions())
    assert out.getvalue().startswith("<!DOCTYPE html>")


def test_brief_email_end_to_end(brief: Any, isolated: Path) -> None:
    feed = isolated / "local.xml"
    feed.write_bytes(rss("Local", [STORM, STORM_B, RATES]))
    missing = brief("--feed", str(feed), "-f", "email")
    assert missing.exit_code == 2 and "needs a recipient" in missing.stderr
    result = brief(
        "--feed",
        str(feed),
        "-f",
        "email",
        "--to",
        "me@example.org",
        "--from",
        "news@example.org",
        "--subject",
        "Briefing: {count}",
    )
    assert result.exit_code == 0, result.stderr
    message = email.message_from_string(result.stdout, policy=email.policy.default)
    assert message["To"] == "me@example.org" and message["Subject"] == "Briefing: 2"
    assert "Storm Elena floods Marlow" in message.get_body(("html",)).get_content()
    # Nothing new: still a well-formed message that says so.
    again = brief("--feed", str(feed), "-f", "email", "--to", "me@example.org")
    quiet = email.message_from_string(again.stdout, policy=email.policy.default)
    assert "Nothing new since" in quiet.get_body(("plain",)).get_content()


def test_email_headers_from_the_config(brief: Any, isolated: Path) -> None:
    feed = isolated / "local.xml"
    feed.write_bytes(rss("Local", [STORM]))
    (isolated / "config.toml").write_text(
        f'feeds = ["{feed}"]\nformat = "email"\n[email]\nfrom = "Robot <robot@example.org>"\n'
        'to = ["a@example.org", "b@example.org"]\nsubject = "Daily"\n',
        encoding="utf-8",
    )
    message = email.message_from_string(brief().stdout, policy=email.policy.default)
    assert message["To"] == "a@example.org, b@example.org" and message["Subject"] == "Daily"
    assert message["From"] == "Robot <robot@example.org>"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_scripts(shell: str) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    # Without the variable, typer ignores the SHELL argument and detects the shell from the
    # process tree, which fails under a process that no shell started (a service, nohup).
    out = subprocess.run(
        [sys.executable, "-m", "digest", "--show-completion", shell],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
    )
    assert out.returncode == 0, out.stderr
    assert "_DIGEST_COMPLETE" in out.stdout


def test_man_page_covers_brief_and_config() -> None:
    from tests.conftest import ROOT

    man = (ROOT / "man" / "digest.1").read_text(encoding="utf-8")
    for needle in ("brief", "config path", "config show", "\\-\\-since", "\\-\\-opml"):
        assert needle in man, needle


def test_new_and_update_flags_round_trip_through_json() -> None:
    from digest.serialization import from_dict, to_dict

    digest = evil_digest()
    data = to_dict(digest)
    assert data["clusters"][0]["new"] is True and data["clusters"][0]["update"] is True
    assert [s["new"] for s in data["clusters"][0]["sentences"]] == [True, False]
    back = from_dict(data)
    assert back.stories[0].update and [p.new for p in back.stories[0].sentences] == [True, False]
    del data["clusters"][0]["new"], data["clusters"][0]["update"]  # a digest/1 file from before the flags
    for sentence in data["clusters"][0]["sentences"]:
        del sentence["new"]
    older = from_dict(data)
    assert (
        older.stories[0].new
        and not older.stories[0].update
        and all(p.new for p in older.stories[0].sentences)
    )
