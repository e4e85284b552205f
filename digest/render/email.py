"""A complete email (RFC 5322, MIME): the plain-text digest as text/plain, the HTML page as text/html.

Built with the standard ``email`` package (``EmailMessage``, ``email.policy.default``): header
values are folded onto one line first, and the policy refuses CR or LF in a header, so a
title cannot add headers; non-ASCII headers are RFC 2047 encoded. Both bodies are
quoted-printable, so the message is 7-bit and lines stay short. Lines end in LF, as
``sendmail -t`` and other local mail commands expect.
"""

from __future__ import annotations

import io
from datetime import datetime
from email.message import EmailMessage
from email.policy import default as DEFAULT_POLICY
from email.utils import format_datetime, getaddresses, make_msgid
from typing import TextIO

from digest import __version__
from digest.models import Digest
from digest.render.common import RenderOptions
from digest.render.html import page, since_text
from digest.sanitize import one_line

DEFAULT_FROM = "digest <digest@localhost>"
DEFAULT_SUBJECT = "Digest for {date}"


def subject_line(template: str, digest: Digest, now: datetime) -> str:
    """The Subject: {date} and {count} (the number of stories) filled in, on one line, at
    most 200 characters."""
    text = template.replace("{date}", now.strftime("%a %d %b %Y")).replace(
        "{count}", str(len(digest.stories))
    )
    return one_line(text)[:200] or "Digest"


def plain_text(digest: Digest) -> str:
    """The text/plain part: the plain-text digest (``--format text``: no markup, so nothing
    to escape, control characters removed, wrapped at 78 columns), or a line saying nothing
    is new. A mail reader shows it as it is: Markdown's backslashes would show too."""
    if not digest.stories:
        return f"DIGEST\n\n{since_text(digest)}\n"
    from digest.render.text import render

    buffer = io.StringIO()
    render(digest, buffer, RenderOptions())
    return buffer.getvalue()


def build_message(digest: Digest, headers: dict[str, str], now: datetime | None = None) -> EmailMessage:
    """The email: headers (From, To, Cc, Subject) from ``headers``, Date and Message-ID added.

    Raises:
        ValueError: a header value the email package refuses.
    """
    now = now or datetime.now().astimezone()
    message = EmailMessage(policy=DEFAULT_POLICY)
    sender = one_line(headers.get("From") or DEFAULT_FROM)
    message["From"] = sender
    for name in ("To", "Cc"):
        if headers.get(name):
            message[name] = one_line(headers[name])
    message["Subject"] = subject_line(headers.get("Subject") or DEFAULT_SUBJECT, digest, now)
    message["Date"] = format_datetime(now)
    domain = (getaddresses([sender])[0][1].rpartition("@")[2] or "localhost").strip("[]") or "localhost"
    message["Message-ID"] = make_msgid("digest", domain=domain)  # a domain: no slow getfqdn()
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    message["User-Agent"] = f"digest/{__version__}"
    message.set_content(plain_text(digest), subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(page(digest, "Digest"), subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def render(digest: Digest, out: TextIO, options: RenderOptions) -> None:
    """Write the digest as an email message (headers from ``options.headers``)."""
    out.write(build_message(digest, dict(options.headers)).as_string())
