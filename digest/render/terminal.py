"""The terminal view, with rich: every untrusted string goes in as Text, never as markup."""

from __future__ import annotations

import os
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from digest.models import Digest
from digest.render.common import (
    SEEN_MARK,
    RenderOptions,
    heading_line,
    markers,
    source_numbers,
    source_parts,
    story_line,
    update_prefix,
)
from digest.sanitize import one_line


def render(digest: Digest, out: TextIO, options: RenderOptions) -> None:
    """Write the digest for a terminal: colour only when it is one and NO_COLOR is unset."""
    no_color = bool(os.environ.get("NO_COLOR")) if options.color is None else not options.color
    console = Console(
        file=out,
        no_color=no_color,
        highlight=False,
        markup=False,
        emoji=False,
        width=options.width,
        force_terminal=options.color or None,
        color_system=None if no_color else "auto",
    )
    console.print(Text(heading_line(digest), style="bold"))
    for number, story in enumerate(digest.stories, 1):
        numbers = source_numbers(story)
        console.print()
        console.print(
            Text.assemble(
                (f"{number}. ", "bold"),
                (update_prefix(story), "bold yellow"),
                (one_line(story.title), "bold cyan"),
                ("" if story.new else f" {SEEN_MARK}", "dim"),
            )
        )
        console.print(Text(story_line(story), style="dim"))
        body = Table.grid(padding=(0, 1))
        body.add_column(no_wrap=True)
        body.add_column()
        for pick in story.sentences:
            refs = "".join(f"[{n}]" for n in markers(story, numbers, pick.candidate.citations))
            body.add_row(
                "•",
                Text.assemble(
                    (one_line(pick.candidate.text), "" if pick.new else "dim"),
                    " ",
                    (refs, "yellow"),
                    ("" if pick.new else f" {SEEN_MARK}", "dim"),
                ),
            )
        console.print(body)
        console.print(Text("Sources", style="bold dim"))
        sources = Table.grid(padding=(0, 1))
        sources.add_column(no_wrap=True, justify="right")
        sources.add_column()
        for doc_id, n in numbers.items():
            parts = source_parts(digest.document(doc_id), digest, numbers)
            sources.add_row(Text(f"[{n}]", style="yellow"), Text(" · ".join(parts), style="dim"))
        console.print(sources)
