"""Messages the build worker posts to the app, named for what happened."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from digest.models import Digest


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
    """True when it replaces a digest already shown (another algorithm was picked)."""


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
