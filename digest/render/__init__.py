"""Renderers: a digest to terminal, Markdown, plain text, JSON, HTML or email, looked up by name.

The registry only; what the renderers share is digest.render.common."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from digest.models import Digest
from digest.render.common import RenderOptions

__all__ = ["BUILD_FORMATS", "FORMATS", "RENDERERS", "RenderOptions", "Renderer", "get_renderer"]


Renderer = Callable[[Digest, TextIO, RenderOptions], None]


def _terminal(digest: Digest, out: TextIO, options: RenderOptions) -> None:
    from digest.render.terminal import render

    render(digest, out, options)


def _markdown(digest: Digest, out: TextIO, options: RenderOptions) -> None:
    from digest.render.markdown import render

    render(digest, out, options)


def _text(digest: Digest, out: TextIO, options: RenderOptions) -> None:
    from digest.render.text import render

    render(digest, out, options)


def _json(digest: Digest, out: TextIO, options: RenderOptions) -> None:
    import json

    from digest.serialization import to_dict

    json.dump(to_dict(digest, options.include_text), out, ensure_ascii=False, indent=2, allow_nan=False)
    out.write("\n")


def _html(digest: Digest, out: TextIO, options: RenderOptions) -> None:
    from digest.render.html import render

    render(digest, out, options)


def _email(digest: Digest, out: TextIO, options: RenderOptions) -> None:
    from digest.render.email import render

    render(digest, out, options)


RENDERERS: dict[str, Renderer] = {
    "terminal": _terminal,
    "markdown": _markdown,
    "md": _markdown,
    "text": _text,
    "json": _json,
    "html": _html,
    "email": _email,
}
FORMATS = tuple(name for name in RENDERERS if name != "md")
"""Every format, by the name shown to users (``md`` is an alias of markdown)."""
BUILD_FORMATS = tuple(name for name in RENDERERS if name != "email")
"""What ``build`` writes (with the alias): an email needs ``brief``'s sender and recipients."""


def get_renderer(name: str) -> Renderer:
    """The renderer called ``name``."""
    try:
        return RENDERERS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}. Try one of: {', '.join(FORMATS)}") from None
