"""`digest tui`: the command builds the app from its arguments (the app itself is mocked here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from digest.settings import Settings
from tests.conftest import invoke


class FakeApp:
    made: list[dict[str, Any]] = []

    def __init__(
        self,
        inputs: list[str],
        settings: Settings,
        saved: Path | None,
        export_dir: Path | None,
        quiet: bool,
        cache: bool = False,
        brief: object = None,
    ) -> None:
        FakeApp.made.append(
            {"inputs": inputs, "settings": settings, "saved": saved, "export_dir": export_dir, "quiet": quiet}
            | ({"brief": brief} if brief is not None else {})
        )
        self.failure: str | None = None
        self.ran = False

    def run(self) -> None:
        self.ran = True


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> type[FakeApp]:
    FakeApp.made = []
    monkeypatch.setattr("digest.tui.app.make_app", FakeApp)
    return FakeApp


def test_tui_takes_the_build_options(fake_app: type[FakeApp]) -> None:
    result = invoke(
        "tui",
        "corpus/seeds",
        "extra.txt",
        "-a",
        "textrank",
        "-n",
        "2",
        "-c",
        "3",
        "--export-dir",
        "out",
        "-q",
    )
    assert result.exit_code == 0, result.output
    assert fake_app.made == [
        {
            "inputs": ["corpus/seeds", "extra.txt"],
            "settings": Settings(algorithm="textrank", sentences=2, clusters="3"),
            "saved": None,
            "export_dir": Path("out"),
            "quiet": True,
        }
    ]


def test_one_json_file_opens_as_a_saved_digest(fake_app: type[FakeApp]) -> None:
    result = invoke("tui", "today.JSON")
    assert result.exit_code == 0, result.output
    assert fake_app.made[0]["saved"] == Path("today.JSON") and fake_app.made[0]["inputs"] == []


@pytest.mark.parametrize(
    "args", [["-"], ["a.txt", "-c", "x"], ["a.txt", "--language", "klingon"], ["a.txt", "-a", "nope"], []]
)
def test_bad_arguments_are_usage_errors(fake_app: type[FakeApp], args: list[str]) -> None:
    result = invoke("tui", *args)
    assert result.exit_code == 2
    assert fake_app.made == []


def test_no_digest_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    class Failing(FakeApp):
        def run(self) -> None:
            self.failure = "no usable input"

    monkeypatch.setattr("digest.tui.app.make_app", Failing)
    assert invoke("tui", "nothing-here").exit_code == 2


def test_output_options_are_not_taken(fake_app: type[FakeApp]) -> None:
    for option in ("--format", "--output", "--include-text"):
        assert invoke("tui", "a.txt", option, "json").exit_code == 2
