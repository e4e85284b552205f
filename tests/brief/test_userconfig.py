"""The config file: defaults, what `config path` and `config show` say, errors naming file, line and key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from digest.brief.userconfig import ConfigError, default_path, load


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_default_file_means_defaults(isolated: Path) -> None:
    (isolated / "config.toml").unlink()
    config = load()
    assert not config.exists and config.feeds == () and config.settings.algorithm == "lexrank"
    with pytest.raises(ConfigError, match="no such config file"):
        load(isolated / "other.toml")


def test_default_location_is_the_platform_config_dir(monkeypatch: pytest.MonkeyPatch, isolated: Path) -> None:
    monkeypatch.delenv("DIGEST_CONFIG")
    path = default_path()
    assert path.name == "config.toml" and path.parent.name == "digest"
    assert str(isolated / "xdg-config") in str(path) or "digest" in str(path)


def test_a_full_config(isolated: Path) -> None:
    path = write(
        isolated / "c.toml",
        """
feeds = ["https://example.org/rss", "local/feed.xml", "/abs/feed.xml"]
opml = "subs.opml"
format = "email"
algorithm = "textrank"
sentences = 3
clusters = 5
window_days = 2

[email]
from = "Digest <digest@example.org>"
to = ["me@example.org", "you@example.org"]
subject = "Morning: {count}"

[fetch]
timeout = 3.5
retries = 0
full_text = true
""",
    )
    config = load(path)
    assert config.feeds == ("https://example.org/rss", str(isolated / "local/feed.xml"), "/abs/feed.xml")
    assert config.opml == (str(isolated / "subs.opml"),)
    assert (
        config.format,
        config.settings.algorithm,
        config.settings.sentences,
        config.settings.clusters,
    ) == (
        "email",
        "textrank",
        3,
        "5",
    )
    assert config.email.to == ("me@example.org", "you@example.org")
    assert config.fetch.timeout == 3.5 and config.fetch.retries == 0 and config.fetch.full_text
    shown = tomllib.loads(config.to_toml())  # `config show` prints TOML that reads back
    assert shown["feeds"][0] == "https://example.org/rss" and shown["email"]["from"] == config.email.sender


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('feeds = ["a"]\nformat = "pdf"\n', ":2: format: must be one of terminal"),
        ('feeds = "https://x"\n', ":1: feeds: must be a list of non-empty strings"),
        ("\n\nsentences = 0\n", ":3: sentences: must be a whole number of at least 1"),
        ('colour = "red"\n', ":1: colour: unknown key"),
        (
            '[email]\nto = ["me@example.org"]\nfrom = "bad\\nBcc: x@evil.example"\n',
            ":3: email.from: not an email address",
        ),
        ('[fetch]\n\ntimeout = "fast"\n', ":3: fetch.timeout: must be a number"),
        ('[fetch]\nproxy = "x"\n', ":2: fetch.proxy: unknown key"),
        ('feeds = [\n"a",\n', ":2: invalid TOML at the end of the file"),
        ('format = "md"\nfeeds = [\n"a" "b"]\n', ":3: invalid TOML"),
        ("email = 3\n", ":1: email: must be a table"),
    ],
)
def test_errors_name_file_line_and_key(isolated: Path, text: str, expected: str) -> None:
    path = write(isolated / "bad.toml", text)
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert str(caught.value).startswith(str(path))
    assert expected in str(caught.value)


def test_config_commands(brief: Any, isolated: Path) -> None:
    result = brief("path", command="config")
    assert result.exit_code == 0 and result.stdout.strip() == str(isolated / "config.toml")
    assert "state file:" in result.stderr
    write(isolated / "config.toml", 'feeds = ["https://example.org/rss"]\n[email]\nto = "me@example.org"\n')
    shown = brief("show", command="config")
    assert shown.exit_code == 0
    assert 'feeds = ["https://example.org/rss"]' in shown.stdout and f"# from {isolated}" in shown.stdout
    write(isolated / "config.toml", "feeds = [1]\n")
    bad = brief("show", command="config")
    assert bad.exit_code == 2 and f"{isolated / 'config.toml'}:1: feeds:" in bad.stderr
    other = brief("show", "--config", str(isolated / "nope.toml"), command="config")
    assert other.exit_code == 2 and "no such config file" in other.stderr


def test_invalid_config_stops_brief_before_anything(brief: Any, isolated: Path) -> None:
    write(isolated / "config.toml", 'format = "pdf"\n')
    result = brief()
    assert result.exit_code == 2 and ":1: format: must be one of" in result.stderr
    assert not (isolated / "state.db").exists()
