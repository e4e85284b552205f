"""The progress line on standard error that build, brief and eval show on a terminal."""

from __future__ import annotations

import sys
import time


class ProgressLine:
    """Stage, count and rate on one stderr line, only when ``enabled`` (stderr is a terminal).

    Called as a ``digest.pipeline.Progress``: ``(stage, done, total)``.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False
        self.stage = ""
        self.started = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if stage != self.stage:
            self.stage, self.started = stage, now
        text = f"{stage} {done}/{total}" if total else f"{stage}…"
        if total and done and now - self.started >= 0.5:
            text += f" ({done / (now - self.started):.0f}/s)"
        sys.stderr.write(f"\r\x1b[2K{text}")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        """Erase the line, before other output goes to stderr or the run ends."""
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
            self.shown = False
