"""A standalone HTML page, with inline CSS that mail clients render too (it is the email's HTML part).

Every untrusted string (titles, sentences, outlets, dates, paths) goes through ``html.escape``.
Article text never becomes a link; a source's URL does only when it is http(s), and then
escaped. Styles are inline ``style`` attributes: many mail clients drop ``<style>`` blocks.
"""

from __future__ import annotations

import html
import re
from typing import TextIO
from urllib.parse import urlsplit

from digest.models import Digest, Document, Pick, Story
from digest.render.common import SEEN_MARK, RenderOptions, heading_line, markers, source_numbers, story_line
from digest.sanitize import one_line, plain_url, visible

FONT = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
STYLES = {
    "body": "margin:0;padding:0;background:#f4f4f5;",
    "page": f"max-width:680px;margin:0 auto;padding:24px 28px;background:#ffffff;color:#1f2328;"
    f"font-family:{FONT};font-size:16px;line-height:1.5;",
    "h1": "font-size:26px;margin:0 0 4px 0;",
    "lead": "color:#57606a;font-size:14px;margin:0 0 16px 0;",
    "h2": "font-size:20px;margin:28px 0 2px 0;line-height:1.3;",
    "meta": "color:#57606a;font-size:13px;margin:0 0 10px 0;font-style:italic;",
    "update": "display:inline-block;background:#fff3bf;color:#7a5c00;font-size:12px;font-weight:bold;"
    "padding:1px 6px;border-radius:3px;margin-right:6px;vertical-align:middle;",
    "seen": "color:#8c959f;font-size:12px;font-weight:normal;",
    "ul": "margin:0 0 10px 0;padding-left:22px;",
    "li": "margin:0 0 8px 0;",
    "old": "color:#8c959f;",
    "refs": "color:#9a6700;font-size:12px;",
    "sources": "color:#57606a;font-size:13px;margin:8px 0 4px 0;font-weight:bold;",
    "ol": "margin:0 0 8px 0;padding-left:26px;color:#57606a;font-size:13px;",
    "code": "font-family:Menlo,Consolas,monospace;font-size:12px;word-break:break-all;",
    "a": "color:#0969da;word-break:break-all;",
    "none": "margin:24px 0;font-size:16px;",
}


def esc(text: str) -> str:
    """Untrusted text as inert HTML: on one line, control characters out, everything escaped."""
    return html.escape(one_line(text), quote=True)


def safe_url(url: str | None) -> str | None:
    """``url`` if it may be a link: http(s), a host, no whitespace, control characters or quotes,
    no bidi, zero-width, BOM, tag or other invisible character (``sanitize.plain_url``)."""
    if not url or re.search(r"[\s\x00-\x1f\x7f-\x9f\"'<>\\`]", url) or not plain_url(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def since_text(digest: Digest) -> str:
    """'Nothing new since 2024-05-01 07:30 +02:00.' (local time, with its offset from UTC, or
    'UTC') for a briefing without stories."""
    since = digest.settings.get("since")
    if not isinstance(since, str) or not since:
        return "Nothing new."
    from datetime import datetime, timedelta

    try:
        moment = datetime.fromisoformat(since)
    except ValueError:
        return f"Nothing new since {one_line(since)}."
    try:
        local = moment.astimezone()
    except (OverflowError, ValueError):  # 0001-01-01 UTC is before the year 1 west of Greenwich
        local = moment
    minutes = round((local.utcoffset() or timedelta(0)).total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    zone = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}" if minutes else "UTC"
    shown = f"{local.year:04d}-{local:%m-%d %H:%M} {zone}"  # %Y is "1" for the year 1 (glibc)
    return f"Nothing new since {shown}."


def _location(doc: Document) -> str:
    url = safe_url(doc.url or (doc.origin if doc.origin.startswith(("http://", "https://")) else None))
    if url:
        shown = html.escape(url, quote=True)
        return f'<a href="{shown}" style="{STYLES["a"]}">{shown}</a>'
    return f'<code style="{STYLES["code"]}">{html.escape(visible(doc.url or doc.origin), quote=True)}</code>'


def _sentence(story: Story, pick: Pick, numbers: dict[str, int]) -> str:
    refs = "".join(f"[{n}]" for n in markers(story, numbers, pick.candidate.citations))
    text = esc(pick.candidate.text)
    if not pick.new:
        text = (
            f'<span style="{STYLES["old"]}">{text}</span> <span style="{STYLES["seen"]}">{SEEN_MARK}</span>'
        )
    return f'<li style="{STYLES["li"]}">{text} <span style="{STYLES["refs"]}">{refs}</span></li>'


def _story(digest: Digest, story: Story, number: int) -> list[str]:
    numbers = source_numbers(story)
    badge = f'<span style="{STYLES["update"]}">Update</span>' if story.update else ""
    seen = "" if story.new else f' <span style="{STYLES["seen"]}">{SEEN_MARK}</span>'
    out = [
        f'<h2 style="{STYLES["h2"]}">{number}. {badge}{esc(story.title)}{seen}</h2>',
        f'<p style="{STYLES["meta"]}">{esc(story_line(story))}</p>',
        f'<ul style="{STYLES["ul"]}">',
    ]
    out.extend(_sentence(story, pick, numbers) for pick in story.sentences)
    out.append("</ul>")
    out.append(f'<p style="{STYLES["sources"]}">Sources</p>')
    out.append(f'<ol style="{STYLES["ol"]}">')
    for doc_id, n in numbers.items():
        doc = digest.document(doc_id)
        parts = [esc(doc.title) or "(untitled)"]
        if doc.source:
            parts.append(esc(doc.source))
        if doc.published:
            parts.append(esc(doc.published))
        parts.append(_location(doc))
        if doc.copy_of is not None and doc.copy_of in numbers:
            parts.append(f"copy of [{numbers[doc.copy_of]}]")
        out.append(f'<li value="{n}">' + " — ".join(parts) + "</li>")
    out.append("</ol>")
    return out


def page(digest: Digest, title: str = "Digest") -> str:
    """The whole HTML document."""
    lead = f"{heading_line(digest)}, built {digest.generated_at}."
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        "</head>",
        f'<body style="{STYLES["body"]}">',
        f'<div style="{STYLES["page"]}">',
        f'<h1 style="{STYLES["h1"]}">{esc(title)}</h1>',
        f'<p style="{STYLES["lead"]}">{esc(lead)}</p>',
    ]
    if not digest.stories:
        lines.append(f'<p style="{STYLES["none"]}">{esc(since_text(digest))}</p>')
    for number, story in enumerate(digest.stories, 1):
        lines.extend(_story(digest, story, number))
    lines += ["</div>", "</body>", "</html>"]
    return "\n".join(lines) + "\n"


def render(digest: Digest, out: TextIO, options: RenderOptions) -> None:
    """Write the digest as a standalone HTML page."""
    out.write(page(digest))
