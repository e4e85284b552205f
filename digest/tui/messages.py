"""Messages to the app, named for what happened: from the build worker, and from the screens
(which ask the app for what only it can do through these, never by calling it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from digest.models import Digest, Document

if TYPE_CHECKING:
    from digest.brief.run import Pending


@dataclass
class BuildProgressed(Message):
    """The build reached a stage: (stage, done, total) as ``pipeline.build`` reports it."""

    stage: str
    done: int
    total: int


@dataclass
class DigestBuilt(Message):
    """A digest is ready to show: built from the inputs, or opened from a saved file."""

    digest: Digest
    notes: tuple[str, ...] = ()
    """Things the user should know (inputs skipped, articles that could not be read again)."""
    rebuilt: bool = False
    """True when it replaces a digest already shown (another algorithm was picked, or ``r``)."""
    pending: Pending | None = None
    """A briefing's: what recording its stories as read needs."""
    refreshed: bool = False
    """True when it is the same digest made again from its feeds or files (``r``)."""


@dataclass
class MarkFailed(Message):
    """A read mark could not be written to the state: the story is shown as it was."""

    story: str
    """The story's id."""
    message: str
    """Why, in one line."""
    read: bool
    """Whether it was being marked read (else unread)."""


@dataclass
class BuildFailed(Message):
    """No digest came out: nothing usable in the inputs, a broken saved digest, or a bug."""

    title: str
    """What failed, in a few words."""
    message: str
    """Why, in one line."""
    details: tuple[str, ...] = ()
    """Further lines (the warnings for each skipped input)."""
    rebuilt: bool = False
    """True when a digest is already shown and stays: only the recomputation failed."""
    usage: bool = True
    """Whether the input is at fault (exit 2), not a file digest needs (exit 1)."""


@dataclass
class ReadRequested(Message):
    """The reader opened stories, or marked them read or unread."""

    stories: tuple[str, ...]
    """Their ids."""
    read: bool = True


@dataclass
class RefreshRequested(Message):
    """The reader asked for the feeds (or files) to be read again (``r``)."""


@dataclass
class RecomputeRequested(Message):
    """The reader picked another summarizer: the app builds the digest again with it."""

    algorithm: str


@dataclass
class OpenRequested(Message):
    """The reader asked to open an article's URL or file outside the terminal."""

    document: Document


@dataclass
class ScreenReady(Message):
    """The main screen is mounted and can show the outcome: the app starts the first build."""
