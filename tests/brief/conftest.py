"""Fixtures for the briefing tests: an isolated config and state, and ``digest brief`` in-process.

The loopback feed server is tests/feedserver.py (the ``server`` fixture of tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import invoke
from tests.feedserver import FAST_FETCH


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the user's config or state: both point into tmp_path."""
    monkeypatch.setenv("DIGEST_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("DIGEST_STATE", str(tmp_path / "state.db"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    (tmp_path / "config.toml").write_text(FAST_FETCH, encoding="utf-8")
    return tmp_path


@pytest.fixture
def brief(tmp_path: Path) -> Callable[..., object]:
    """Run ``digest brief ARGS`` in-process; returns typer's Result (stdout and stderr apart)."""

    def run(*args: str, command: str = "brief") -> object:
        return invoke(command, *args, catch_exceptions=False)

    return run
