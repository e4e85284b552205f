"""The user's config file (TOML): feeds, default format and budgets, email headers.

It lives in the platform's config directory (``platformdirs``: ``~/.config/digest/config.toml``
on Linux) unless ``--config`` names another file. A missing file means the defaults; an invalid
one is an error naming the file, the line and the key.

    feeds = ["https://example.org/rss", "feeds/local.xml"]   # relative paths: from this file
    opml = "subscriptions.opml"
    format = "terminal"
    algorithm = "lexrank"
    sentences = 4

    [email]
    from = "Digest <digest@example.org>"
    to = ["me@example.org"]
    subject = "Morning digest"

    [fetch]
    timeout = 10
    retries = 2
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from digest.render import RENDERERS
from digest.settings import ALGORITHMS, Settings

APP_NAME = "digest"
CONFIG_ENV = "DIGEST_CONFIG"
"""An environment variable that names the config file (``--config`` wins over it)."""
STATE_ENV = "DIGEST_STATE"
"""An environment variable that names the state file (``--state`` wins over it)."""
BRIEF_FORMATS = tuple(RENDERERS)
"""Every renderer's name: brief writes them all, email included."""


class ConfigError(Exception):
    """An invalid config file; the message names the file, the line and the key."""


@dataclass(frozen=True)
class EmailSettings:
    """Headers of ``--format email``."""

    sender: str = "digest <digest@localhost>"
    """From: address."""
    to: tuple[str, ...] = ()
    """To: addresses."""
    subject: str = "Digest for {date}"
    """Subject; {date} and {count} (the number of stories) are filled in."""
    cc: tuple[str, ...] = ()
    """Cc: addresses."""


@dataclass(frozen=True)
class FetchSettings:
    """How feeds and article pages are fetched."""

    timeout: float = 10.0
    """Seconds for connecting and for each read."""
    retries: int = 2
    """Further attempts after a connection error, a timeout, 429 or 5xx, with backoff."""
    backoff: float = 0.5
    """Seconds before the first retry; doubled for each next one."""
    max_bytes: int = 5 * 1024 * 1024
    """Largest response (feed or page) read; a larger one is a failure of that feed."""
    concurrency: int = 8
    """Feeds fetched at once."""
    max_entries: int = 100
    """Entries read per feed (the newest first, as the feed lists them)."""
    full_text: bool = False
    """Fetch the article page of entries that carry only a summary, and extract its main text."""
    allow_private: bool = False
    """Fetch from loopback, private, link-local and other non-public addresses (for feeds served
    on the local network); off, such a feed, page or redirect target is refused."""


@dataclass(frozen=True)
class UserConfig:
    """The config file as read, with defaults for what it leaves out."""

    path: Path
    """The file it was read from (which may not exist)."""
    exists: bool = False
    """Whether the file exists."""
    feeds: tuple[str, ...] = ()
    """Feed URLs and files (relative files resolved from the config file's folder)."""
    opml: tuple[str, ...] = ()
    """OPML subscription lists whose feeds are added."""
    format: str | None = None
    """Default output format of ``brief``; None: terminal on a terminal, else markdown."""
    settings: Settings = field(default_factory=Settings)
    """How the digest is built (algorithm, sentences, words, clusters, grouping, language: the
    keys of the file's top level that ``build`` takes as options)."""
    state: str | None = None
    """The state file, if not the default one."""
    window_days: float = 3.0
    """Articles seen within this many days are grouped with new ones, so updates find their story."""
    retention_days: float = 60.0
    """Articles, stories and sentences older than this are forgotten."""
    email: EmailSettings = field(default_factory=EmailSettings)
    """Headers of the email format."""
    fetch: FetchSettings = field(default_factory=FetchSettings)
    """Fetching."""

    def to_toml(self) -> str:
        """The settings in effect, as TOML that this module reads back."""
        lines = [f"# {'from ' + str(self.path) if self.exists else 'defaults: no file at ' + str(self.path)}"]
        for key in ("feeds", "opml", "format", *SETTINGS_KEYS, "state", "window_days", "retention_days"):
            value = getattr(self.settings if key in SETTINGS_KEYS else self, key)
            lines.append(f"{key} = {_toml(value)}" if value is not None else f"# {key} is not set")
        for section, obj in (("email", self.email), ("fetch", self.fetch)):
            lines.append(f"\n[{section}]")
            for f in fields(obj):
                lines.append(f"{_KEY_NAMES.get(f.name, f.name)} = {_toml(getattr(obj, f.name))}")
        return "\n".join(lines) + "\n"


_KEY_NAMES = {"sender": "from"}
SETTINGS_KEYS = ("algorithm", "sentences", "words", "clusters", "grouping", "language")
"""The top-level keys that are fields of Settings."""


def _toml(value: Any) -> str:
    """A TOML literal (JSON string escapes are valid TOML basic-string escapes)."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value))


def default_path() -> Path:
    """Where the config file is looked for: $DIGEST_CONFIG, else the platform's config directory."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def default_state_path() -> Path:
    """Where the state lives: $DIGEST_STATE, else the platform's data directory."""
    if os.environ.get(STATE_ENV):
        return Path(os.environ[STATE_ENV])
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "state.db"


def load(path: Path | None = None) -> UserConfig:
    """Read the config file at ``path`` (default: :func:`default_path`).

    Raises:
        ConfigError: the file cannot be read, is not TOML, or has an unknown key or a bad value.
    """
    explicit = path is not None
    path = path if path is not None else default_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"{path}: no such config file") from None
        return UserConfig(path=path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if match:
            message = message[: match.start()].strip()
            raise ConfigError(f"{path}:{match.group(1)}: invalid TOML: {message}") from None
        if "(at end of document)" in message:
            message = message.replace("(at end of document)", "").strip()
            raise ConfigError(
                f"{path}:{max(1, len(text.splitlines()))}: invalid TOML at the end of the file: {message}"
            ) from None
        raise ConfigError(f"{path}: invalid TOML: {message}") from None
    return _Reader(path, text).read(data)


class _Reader:
    """Validates the parsed TOML and says where a bad key is."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, key: str, problem: str, section: str | None = None) -> ConfigError:
        line = self.line_of(key.rsplit(".", 1)[-1], section)
        where = f"{self.path}:{line}" if line else str(self.path)
        return ConfigError(f"{where}: {key}: {problem}")

    def line_of(self, key: str, section: str | None) -> int | None:
        """The line where ``key`` is set, in ``section`` (None: the top level)."""
        current: str | None = None
        pattern = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
        for number, line in enumerate(self.lines, 1):
            header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
            if header:
                current = header.group(1).strip()
                continue
            if current == section and pattern.match(line):
                return number
        if section is not None:  # the section itself, for a missing or odd key
            for number, line in enumerate(self.lines, 1):
                if re.match(rf"^\s*\[\s*{re.escape(section)}\s*\]", line):
                    return number
        return None

    def read(self, data: dict[str, Any]) -> UserConfig:
        top = dict(data)
        email = top.pop("email", {})
        fetch = top.pop("fetch", {})
        if not isinstance(email, dict):
            raise self.fail("email", "must be a table ([email])")
        if not isinstance(fetch, dict):
            raise self.fail("fetch", "must be a table ([fetch])")
        values = self.top_level(top)
        values["settings"] = Settings(**{key: values.pop(key) for key in SETTINGS_KEYS if key in values})
        values["email"] = self.email(email)
        values["fetch"] = self.fetch(fetch)
        return UserConfig(path=self.path, exists=True, **values)

    def top_level(self, top: dict[str, Any]) -> dict[str, Any]:
        """The keys outside the tables, each checked by its reader (in this order)."""
        base = self.path.parent
        readers: dict[str, Callable[[], Any]] = {
            "feeds": lambda: tuple(_resolve(f, base) for f in self.strings(top, "feeds")),
            "opml": lambda: tuple(_resolve(f, base) for f in self.strings(top, "opml", single=True)),
            "format": lambda: self.choice(top, "format", BRIEF_FORMATS),
            "algorithm": lambda: self.choice(top, "algorithm", ALGORITHMS),
            "sentences": lambda: self.integer(top, "sentences", 1),
            "words": lambda: self.integer(top, "words", 1),
            "clusters": lambda: self.clusters(top["clusters"]),
            "grouping": lambda: self.grouping(top["grouping"]),
            "language": lambda: self.string(top, "language"),
            "state": lambda: _resolve(self.string(top, "state"), base),
            "window_days": lambda: self.number(top, "window_days", 0),
            "retention_days": lambda: self.number(top, "retention_days", 0),
        }
        for key in top:
            if key not in readers:
                known = ", ".join(sorted({*readers, "email", "fetch"}))
                raise self.fail(key, f"unknown key (known: {known})")
        return {key: read() for key, read in readers.items() if key in top}

    def clusters(self, value: Any) -> str:
        if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
            return str(value)
        raise self.fail("clusters", 'must be "auto" or a whole number of at least 1')

    def grouping(self, value: Any) -> str:
        from digest.stages.cluster import threshold_of

        try:
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise ValueError
            threshold_of(str(value))
        except ValueError:
            raise self.fail(
                "grouping", 'must be "strict", "default", "loose" or a number between 0 and 1'
            ) from None
        return str(value)

    def email(self, table: dict[str, Any]) -> EmailSettings:
        known = {"from", "to", "cc", "subject"}
        for key in table:
            if key not in known:
                raise self.fail(f"email.{key}", f"unknown key (known: {', '.join(sorted(known))})", "email")
        values: dict[str, Any] = {}
        if "from" in table:
            values["sender"] = self.address(table, "from", "email")
        for key in ("to", "cc"):
            if key in table:
                addresses = self.strings(table, key, single=True, section="email")
                for address in addresses:
                    self.check_address(address, key, "email")
                values[key] = addresses
        if "subject" in table:
            values["subject"] = self.string(table, "subject", "email")
        return EmailSettings(**values)

    def fetch(self, table: dict[str, Any]) -> FetchSettings:
        known = {f.name for f in fields(FetchSettings)}
        for key in table:
            if key not in known:
                raise self.fail(f"fetch.{key}", f"unknown key (known: {', '.join(sorted(known))})", "fetch")
        values: dict[str, Any] = {}
        for key in ("timeout", "backoff"):
            if key in table:
                values[key] = self.number(table, key, 0, "fetch")
        for key, low in (("retries", 0), ("max_bytes", 1024), ("concurrency", 1), ("max_entries", 1)):
            if key in table:
                values[key] = self.integer(table, key, low, "fetch")
        for key in ("full_text", "allow_private"):
            if key in table:
                if not isinstance(table[key], bool):
                    raise self.fail(f"fetch.{key}", "must be true or false", "fetch")
                values[key] = table[key]
        return FetchSettings(**values)

    # Typed getters: each raises a ConfigError naming the key and its line.

    def name(self, key: str, section: str | None) -> str:
        return f"{section}.{key}" if section else key

    def string(self, table: dict[str, Any], key: str, section: str | None = None) -> str:
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(self.name(key, section), "must be a non-empty string", section)
        return value

    def strings(
        self, table: dict[str, Any], key: str, single: bool = False, section: str | None = None
    ) -> tuple[str, ...]:
        value = table[key]
        if single and isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(self.name(key, section), "must be a list of non-empty strings", section)
        return tuple(value)

    def choice(self, table: dict[str, Any], key: str, choices: tuple[str, ...]) -> str:
        value = table[key]
        if value not in choices:
            raise self.fail(key, f"must be one of {', '.join(choices)}")
        return str(value)

    def integer(self, table: dict[str, Any], key: str, low: int, section: str | None = None) -> int:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise self.fail(self.name(key, section), f"must be a whole number of at least {low}", section)
        return value

    def number(self, table: dict[str, Any], key: str, low: float, section: str | None = None) -> float:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
            raise self.fail(self.name(key, section), f"must be a number of at least {low:g}", section)
        return float(value)

    def address(self, table: dict[str, Any], key: str, section: str) -> str:
        value = self.string(table, key, section)
        self.check_address(value, key, section)
        return value

    def check_address(self, value: str, key: str, section: str) -> None:
        from email.headerregistry import Address  # noqa: F401 - parsed for real when sending
        from email.utils import getaddresses

        if any(ch in value for ch in "\r\n\x00") or not getaddresses([value])[0][1]:
            raise self.fail(f"{section}.{key}", f"not an email address: {value!r}", section)


def _resolve(entry: str, base: Path) -> str:
    """A feed entry as given; a relative file path is taken from the config file's folder."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", entry):
        return entry
    path = Path(entry).expanduser()
    return str(path if path.is_absolute() else base / path)
