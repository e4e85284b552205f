"""The daily briefing: fetch the feeds, group articles into stories, keep what is new.

``run`` is what ``digest brief`` calls. It opens (and locks) the state, fetches every feed,
turns entries into Documents, builds the digest through the same core as ``digest build``
(``pipeline.build_from_documents``), keeps the stories that are new or gained articles since
the cutoff (``--since``), hands the digest to ``write``, and only when ``write`` returned
records in the state what was delivered. A failed write, a crash or a kill records nothing.

What is new: an article is new when the state has not seen it (by GUID, URL or text) or
first saw it after the cutoff. A story with no new article is left out (kept, marked not new,
with ``show_all``); a story with new articles whose older articles were shown in an earlier
story is an *update*: it shows only sentences not shown before, under that story's title.
Articles seen recently (``window_days``) are grouped with the new ones, so that an update
finds its story even when its feed answered 304 Not Modified.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from digest.brief.feeds import (
    Entry,
    FeedResult,
    Fetcher,
    FetchError,
    Validators,
    content_hash,
    feed_list,
    fetch_all,
    fetch_page,
    is_url,
    parse_time,
)
from digest.brief.state import FeedStatus, NewArticle, Receipt, ShownStory, State, StoredArticle
from digest.brief.userconfig import FetchSettings, UserConfig
from digest.errors import NothingToSummarize, TooMuchInput
from digest.models import Digest, Document, Pick, Story
from digest.pipeline import Progress, build_from_documents
from digest.sanitize import one_line, visible
from digest.settings import Settings
from digest.stages.ingest import LONG_LINE, has_long_line
from digest.stories import sources as story_sources

_NO_SENTENCE = ": no sentence to quote"
"""How build_from_documents' warning about an article of a story with nothing quotable ends."""


class BriefError(Exception):
    """A briefing that cannot be made (no feeds, none readable, a bad --since); one line."""


@dataclass(frozen=True)
class BriefOptions:
    """What the command line asks for, on top of the config file."""

    feeds: tuple[str, ...] = ()
    """--feed: used instead of the config file's feeds (with --opml)."""
    opml: tuple[str, ...] = ()
    """--opml files."""
    since: str = "last-run"
    """'last-run', 'yesterday', 'today', a date (2024-05-01), a time (ISO 8601) or an age
    (20m, 36h, 2d, 1w)."""
    show_all: bool = False
    """Keep stories with nothing new, marked as seen before."""
    full_text: bool | None = None
    """Fetch the pages of summary-only entries; None: as configured."""
    dry_run: bool = False
    """Do not record the run: the next one shows the same."""
    output_format: str = "terminal"
    """For the run log."""
    wait: float = 5.0
    """Seconds to wait for another run holding the state."""
    cutoff: str | None = None
    """A cutoff (ISO 8601 UTC) to use as the last run's instead of ``since``: a briefing made
    again as it was first made (``Pending.again``), whatever was recorded since."""


@dataclass
class Outcome:
    """What a run did, for the caller's messages."""

    digest: Digest
    """What was written."""
    since: str | None
    """The cutoff (ISO 8601 UTC), None on a first run."""
    feeds: int = 0
    """Feeds listed."""
    failed: int = 0
    """Feeds that could not be read."""
    new_articles: int = 0
    """Articles not seen before."""
    recorded: bool = False
    """Whether the state was updated."""
    warnings: list[str] = field(default_factory=list)
    """Problems that did not stop the run (also in ``digest.warnings``)."""
    pending: Pending | None = None
    """What recording the digest's stories needs (``record_read``); with ``dry_run``."""


@dataclass(frozen=True)
class Pending:
    """A briefing made and not recorded (``--dry-run``, ``digest tui --brief``), with what
    recording some of its stories as read needs (``record_read``)."""

    articles: tuple[_Article, ...]
    """The run's articles, new and seen."""
    shown: tuple[tuple[Story, int | None], ...]
    """The digest's stories, each with the stored story it updates."""
    since: str | None
    """The run's cutoff."""
    retention_days: float | None
    """The config's."""

    @property
    def again(self) -> str:
        """The cutoff that makes this briefing again (``BriefOptions.cutoff``): its own, or, for
        a first briefing, one before anything was seen, so that what was recorded as read
        since is new in it still."""
        return self.since or BEGINNING


BEGINNING = "0001-01-01T00:00:00.000000+00:00"
"""A cutoff before any article was seen."""


def now_utc() -> datetime:
    """The current time (UTC); a function so that tests can move the clock."""
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """The state's time format: ISO 8601 UTC with microseconds (sorts as text)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


_HOURS = {"m": 1 / 60, "h": 1.0, "d": 24.0, "w": 168.0}
"""Hours in a unit of an age (--since 20m, 36h, 2d, 1w)."""


def cutoff(since: str, state: State, now: datetime) -> tuple[str | None, bool]:
    """The cutoff time of ``--since``, and whether it is a date the user chose (not last-run).

    Raises:
        BriefError: ``since`` is not understood.
    """
    value = since.strip().lower()
    local_now = now.astimezone()
    if value in ("last-run", "last", ""):
        return state.last_run(), False
    if value in ("today", "yesterday"):
        day = local_now.date() - timedelta(days=1 if value == "yesterday" else 0)
        return stamp(datetime.combine(day, time(0), tzinfo=local_now.tzinfo)), True
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([mhdw])", value)
    if match:
        hours = float(match.group(1)) * _HOURS[match.group(2)]
        try:
            return stamp(now - timedelta(hours=hours)), True
        except (OverflowError, ValueError):
            raise BriefError(f"--since: {one_line(since)!r} reaches before the year 1") from None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            moment = datetime.combine(date.fromisoformat(value), time(0), tzinfo=local_now.tzinfo)
        else:
            moment = datetime.fromisoformat(since.strip().replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=local_now.tzinfo)
        stamped = stamp(moment)
    except OverflowError:
        raise BriefError(f"--since: {one_line(since)!r} is out of range") from None
    except ValueError:
        raise BriefError(
            f"--since: {one_line(since)!r} is not last-run, yesterday, today, a date "
            "(2024-05-01), a time (2024-05-01T08:00) or an age (20m, 36h, 2d, 1w)"
        ) from None
    return stamped, True


def sentence_key(text: str) -> str:
    """The state key of a shown sentence: case and whitespace do not count."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest()[:32]


@dataclass
class _Article:
    """An article of this run: its Document, and what the state knows of it."""

    doc: Document
    stored: StoredArticle | None
    new: bool
    entry: Entry | None = None
    keys: tuple[str, ...] = ()


def run(
    config: UserConfig,
    options: BriefOptions,
    state_path: Path,
    write: Callable[[Digest], None],
    progress: Progress | None = None,
    fetcher: Fetcher | None = None,
) -> Outcome:
    """Make the briefing, ``write`` it, then record it in the state.

    Raises:
        BriefError: no feeds, no feed readable, or a bad ``since``.
        digest.brief.state.StateError: the state file is busy or unusable.
        Whatever ``write`` raises (nothing is recorded then).
    """
    report = progress or (lambda stage, done, total: None)
    locations, warnings = _locations(config, options)
    fetch = (
        dataclasses.replace(config.fetch, full_text=options.full_text)
        if options.full_text is not None
        else config.fetch
    )
    with State.open(state_path, options.wait) as state:
        started = now_utc()
        since, chosen = (options.cutoff, False) if options.cutoff else cutoff(options.since, state, started)
        report("fetching", 0, len(locations))
        context = _Context(state, since, chosen, started, config, fetch, warnings, report)
        results, articles = _gathered(locations, context, fetcher)
        digest, shown = _briefing(articles, context, options.show_all, config.settings)
        outcome = Outcome(
            digest,
            since,
            len(locations),
            sum(1 for r in results if r.error),
            sum(1 for a in articles if a.stored is None),
            warnings=warnings,
        )
        write(digest)
        if not options.dry_run:
            _record(context, options, results, articles, shown, outcome)
        else:
            outcome.pending = Pending(tuple(articles), tuple(shown), since, config.retention_days)
        return outcome


def record_read(state_path: Path, pending: Pending, story_ids: Sequence[str], wait: float = 5.0) -> Receipt:
    """Record stories of a briefing that was not recorded as delivered, as ``brief`` records
    what it shows: the next briefing treats them as seen, and an article that joins one later
    makes it an update. One run in the state (format "tui"), so that the next briefing's
    cutoff (``--since last-run``) comes after it.

    An article that another run stored meanwhile is not stored twice.

    Args:
        state_path: The state file the briefing was made from.
        pending: The briefing (``Outcome.pending``).
        story_ids: Ids of its stories (``Story.id``) to record.
        wait: Seconds to wait for another run holding the state.

    Returns:
        What was written, to take it back (``forget_read``).

    Raises:
        digest.brief.state.StateError: the state file is busy or cannot be written.
    """
    wanted = set(story_ids)
    shown = [(story, story_id) for story, story_id in pending.shown if story.id in wanted]
    delivered = {d for story, _ in shown for d in story.documents}
    with State.open(state_path, wait) as state:
        articles = [
            a if a.stored is not None else dataclasses.replace(a, stored=state.find(a.keys))
            for a in pending.articles
            if a.doc.id in delivered
        ]
        when = stamp(now_utc())
        new_ids = _remember(articles, state, when, delivered)
        added = [new_ids[a.doc.id] for a in articles if a.stored is None and a.doc.id in new_ids]
        return state.record(
            started=when,
            finished=when,
            since=pending.since,
            feeds=[],
            stories=[_shown_story(s, story_id, new_ids) for s, story_id in shown],
            new_articles=len(added),
            output_format="tui",
            retention_days=pending.retention_days,
            stored=added,
        )


def forget_read(state_path: Path, receipt: Receipt, wait: float = 5.0) -> None:
    """Take back what ``record_read`` wrote: the stories are new again for the next briefing.

    Raises:
        digest.brief.state.StateError: the state file is busy or cannot be written.
    """
    with State.open(state_path, wait) as state:
        state.take_back(receipt)


@dataclass(frozen=True)
class _Context:
    """What every step of one run reads: the state, the cutoff and the settings."""

    state: State
    since: str | None
    """The cutoff (ISO 8601 UTC), None on a first run."""
    chosen: bool
    """Whether the cutoff is a date the user chose (not the last run)."""
    started: datetime
    config: UserConfig
    fetch: FetchSettings
    """The config's fetch settings, with --full-text over them."""
    warnings: list[str]
    """The run's warnings so far; the steps add to it."""
    report: Progress
    reported: list[str] = field(default_factory=list)
    """The keys of the warnings about articles given in this run, to record."""

    def once(self, warning: str) -> bool:
        """Whether a warning about an article is to be given: not given in an earlier run
        (the state remembers it once the run is recorded) nor in this one."""
        key = "warning:" + hashlib.sha256(warning.encode()).hexdigest()[:32]
        if key in self.reported or self.state.reported([key]):
            return False
        self.reported.append(key)
        return True


def _locations(config: UserConfig, options: BriefOptions) -> tuple[list[str], list[str]]:
    """The feeds to read (the command line's, else the config file's) and the warnings of
    listing them.

    Raises:
        BriefError: there is none.
    """
    if options.feeds or options.opml:
        locations, warnings = feed_list(options.feeds, options.opml)
    else:
        locations, warnings = feed_list(config.feeds, config.opml)
    if not locations:
        raise BriefError(
            f"no feeds: pass --feed URL (or --opml FILE), or list feeds in {config.path} (digest config path)"
        )
    return locations, warnings


def _gathered(
    locations: list[str], context: _Context, fetcher: Fetcher | None
) -> tuple[list[FeedResult], list[_Article]]:
    """Every feed fetched, and this run's articles; with a client of its own unless given one."""
    fetch = context.fetch
    validators = {loc: Validators(*v) for loc, v in context.state.validators().items()}
    # --full-text fetches the pages of local feeds' entries too.
    own = fetcher is None and (fetch.full_text or any(is_url(loc) for loc in locations))
    client = Fetcher(fetch) if own else fetcher
    try:
        results = _fetched(locations, fetch, validators, client, context.warnings)
        return results, _articles(results, context, client)
    finally:
        if own and client is not None:
            client.client.close()


def _record(
    context: _Context,
    options: BriefOptions,
    results: list[FeedResult],
    articles: list[_Article],
    shown: list[tuple[Story, int | None]],
    outcome: Outcome,
) -> None:
    """Record in the state what was delivered, in one transaction."""
    state = context.state
    when = stamp(now_utc())
    delivered = {d for story in outcome.digest.stories for d in story.documents}
    new_ids = _remember(articles, state, when, delivered)
    state.record(
        started=stamp(context.started),
        finished=when,
        since=context.since,
        feeds=[_status(r, state) for r in results],
        stories=[_shown_story(s, story_id, new_ids) for s, story_id in shown],
        new_articles=outcome.new_articles,
        output_format=options.output_format,
        retention_days=context.config.retention_days,
        reported=context.reported,
    )
    outcome.recorded = True


def _fetched(
    locations: list[str],
    fetch: FetchSettings,
    validators: dict[str, Validators],
    client: Fetcher | None,
    warnings: list[str],
) -> list[FeedResult]:
    """Every feed fetched (or read), its problems added to ``warnings``.

    Raises:
        BriefError: no feed could be read.
    """
    results = fetch_all(locations, fetch, validators, client)
    for result in results:
        warnings.extend(result.warnings)
        if result.error:
            warnings.append(f"feed failed: {result.error}")
    if all(r.error for r in results):
        raise BriefError(f"no feed could be read ({len(results)} tried)")
    return results


def _shown_story(story: Story, story_id: int | None, new_ids: dict[str, int]) -> ShownStory:
    """What the state keeps of a delivered story: its stored articles and its sentences."""
    return ShownStory(
        story.title,
        tuple(a for d in story.documents for a in [new_ids.get(d)] if a is not None),
        tuple(sentence_key(p.candidate.text) for p in story.sentences),
        story_id,
    )


def _status(result: FeedResult, state: State) -> FeedStatus:
    validators = result.validators or Validators()
    return FeedStatus(result.location, result.title, validators.etag, validators.last_modified, result.error)


def _articles(results: Sequence[FeedResult], context: _Context, client: Fetcher | None) -> list[_Article]:
    """This run's articles: new entries of the feeds, then articles seen recently (context),
    numbered in reading order."""
    taken = _Taken(context.state, context.since)
    found = _with_text(_entries(results, taken, context), context, client)
    unique = taken.by_final_text(found)
    # Context: what was seen recently, so that new articles join the stories they continue.
    since = context.since
    window = stamp(context.started - timedelta(days=context.config.window_days))
    unique += taken.stored_since(min(window, since) if since else window)
    # Ids in reading order: new articles first, as the feeds list them.
    ordered = [a for a in unique if a.new] + [a for a in unique if not a.new]
    for number, article in enumerate(ordered, 1):
        article.doc = dataclasses.replace(article.doc, id=f"d{number}")
    return ordered


def _entries(results: Sequence[FeedResult], taken: _Taken, context: _Context) -> list[_Article]:
    """The feeds' entries as articles, each once; new entries without text (and no page to
    fetch it from) are left out, with a warning."""
    found: list[_Article] = []
    textless = 0  # new ones: an entry is not stored, so it is skipped again on every run
    for entry in (entry for result in results for entry in result.entries):
        article = taken.entry(entry, context.chosen)
        if article is None:
            continue
        if article.stored is None and not entry.text.strip() and not (context.fetch.full_text and entry.url):
            textless += context.once(f"no text: {entry.feed}\n{(entry.keys() or [entry.title])[0]}")
            continue
        found.append(article)
    if textless:
        context.warnings.append(f"{textless} {'entry' if textless == 1 else 'entries'} without text skipped")
    return found


def _with_text(found: list[_Article], context: _Context, client: Fetcher | None) -> list[_Article]:
    """The articles with their final text (a page's, with --full-text) that can be read:
    not empty, and no line too long to split (with a warning)."""
    if context.fetch.full_text and client is not None:
        _full_text(found, client, context.fetch, context.warnings, context.report)
    kept: list[_Article] = []
    for article in found:
        if not article.doc.text.strip():
            continue
        if has_long_line(article.doc.text):
            warning = f"{visible(article.doc.origin)}: {LONG_LINE}"
            if context.once(warning):
                context.warnings.append(warning)
            continue
        kept.append(article)
    return kept


class _Taken:
    """What this run's articles already took: identity keys (with the feed and the text hash
    of the entry that took each) and stored articles."""

    def __init__(self, state: State, since: str | None) -> None:
        self.state, self.since = state, since
        self.keys: dict[str, tuple[str, str]] = {}
        self.ids: set[int] = set()

    def _seen(
        self, stored: StoredArticle, entry: Entry | None = None, keys: tuple[str, ...] = ()
    ) -> _Article | None:
        """The stored article as one of this run's, unless it is one already."""
        if stored.id in self.ids:
            return None
        self.ids.add(stored.id)
        new = self.since is not None and stored.first_seen > self.since
        return _Article(_from_state(stored), stored, new, entry, keys)

    def entry(self, entry: Entry, chosen: bool) -> _Article | None:
        """A feed's entry as one of this run's articles (stored, if the state knows it), or None:
        listed already, or older than the date asked for and never seen."""
        mine = (entry.feed, content_hash(entry.text))
        if self._listed(entry, mine[1]):
            return None  # the same article listed twice (in one feed, or with the same text in two)
        stored, keys = self._stored(entry)
        self.keys.update(dict.fromkeys(keys, mine))
        if stored is not None:
            return self._seen(stored, entry, keys)
        if chosen and self._before_cutoff(entry):
            return None  # older than the date asked for, and never seen: not part of this briefing
        return _Article(_from_entry(entry), None, True, entry, keys)

    def _listed(self, entry: Entry, text_hash: str) -> bool:
        """Whether one of the entry's keys was taken by an entry of the same feed, or with the
        same text."""
        taken = [self.keys[k] for k in entry.keys() if k in self.keys]
        return any(feed == entry.feed or other_hash == text_hash for feed, other_hash in taken)

    def _stored(self, entry: Entry) -> tuple[StoredArticle | None, tuple[str, ...]]:
        """The stored article the entry is, if any, and the keys the entry takes: those not
        taken yet (another feed's URL with other text is not), less its URL when that URL is
        another feed's article with other text."""
        keys = [k for k in entry.keys() if k not in self.keys]
        stored = self.state.find(keys)
        text = entry.text.strip()
        if (
            stored is not None
            and stored.feed not in (None, entry.feed)
            and text
            and content_hash(entry.text) != content_hash(stored.text)
        ):
            # Another feed's article under this URL, with other text: a feed cannot mark
            # another's article as seen by claiming its URL first. Seen only if this text was.
            stored = None
            keys = [k for k in keys if not k.startswith("url:")]
        if stored is None and text:
            stored = self.state.find([content_hash(entry.text)])
        return stored, tuple(keys)

    def _before_cutoff(self, entry: Entry) -> bool:
        """Whether the entry was published before the cutoff (False if it has no date)."""
        if self.since is None:
            return False
        published = parse_time(entry.published)
        return published is not None and stamp(published) < self.since

    def by_final_text(self, found: list[_Article]) -> list[_Article]:
        """Content keys of the new ones, now that their text is final; the same text twice is
        one article, and a text the state knows is that stored article."""
        unique: list[_Article] = []
        texts: set[str] = set()
        for article in found:
            if article.stored is None:
                key = content_hash(article.doc.text)
                stored = self.state.find([key])
                if key in texts or stored is not None:
                    again = None if stored is None else self._seen(stored, article.entry, article.keys)
                    if again is not None:
                        unique.append(again)
                    continue
                texts.add(key)
                article.keys = (*article.keys, key)
            unique.append(article)
        return unique

    def stored_since(self, start: str) -> list[_Article]:
        """Articles the state saw from ``start`` on that this run has not taken."""
        return [
            a for a in (self._seen(stored) for stored in self.state.articles_since(start)) if a is not None
        ]


def _from_entry(entry: Entry) -> Document:
    return Document(
        id="d0",
        origin=entry.url or entry.feed,
        title=entry.title or "(untitled)",
        text=entry.text,
        source=entry.source,
        published=entry.published,
        url=entry.url,
        kind="text",
    )


def _from_state(stored: StoredArticle) -> Document:
    return Document(
        id="d0",
        origin=stored.url or stored.feed or f"article {stored.id}",
        title=stored.title,
        text=stored.text,
        source=stored.source,
        published=stored.published,
        url=stored.url,
        kind=stored.kind if stored.kind in ("text", "extracted") else "text",
    )


def _full_text(
    articles: list[_Article], client: Fetcher, fetch: FetchSettings, warnings: list[str], report: Progress
) -> None:
    """Replace the summary of new summary-only entries by the main text of their page."""
    from digest.stages.ingest import InputError, parse_html

    wanted = [
        a
        for a in articles
        if a.stored is None and a.entry is not None and a.entry.summary_only and a.entry.url
    ]

    def page(article: _Article) -> Document | str:
        url = article.entry.url  # type: ignore[union-attr]
        try:
            doc = parse_html(fetch_page(url, client), url, article.doc.id)  # type: ignore[arg-type]
        except (FetchError, InputError) as exc:
            return str(exc)
        return doc

    if not wanted:
        return
    report("fetching pages", 0, len(wanted))
    with ThreadPoolExecutor(max_workers=max(1, fetch.concurrency)) as pool:
        pages = list(pool.map(page, wanted))
    for article, result in zip(wanted, pages, strict=True):
        if isinstance(result, str):
            warnings.append(f"full text: {result}; the feed's summary is used")
            continue
        article.doc = dataclasses.replace(
            article.doc,
            text=result.text,
            kind="extracted",
            title=article.doc.title if article.doc.title != "(untitled)" else result.title,
        )


def _briefing(
    articles: list[_Article], context: _Context, show_all: bool, settings: Settings
) -> tuple[Digest, list[tuple[Story, int | None]]]:
    """The digest to show, and the stories to record with the stored story each one updates."""
    warnings = context.warnings
    info: dict[str, object] = {**settings.to_dict(), "since": context.since, "show_all": show_all}
    empty = Digest((), (), info, now_utc().replace(microsecond=0).isoformat(), tuple(warnings))
    if not articles or (not any(a.new for a in articles) and not show_all):
        return empty, []
    built = _built(articles, settings, context)
    if built is None:
        return dataclasses.replace(empty, warnings=tuple(warnings)), []
    chosen = _chosen(built, articles, context, settings, show_all)
    stories = [dataclasses.replace(s, id=f"c{n}") for n, (s, _) in enumerate(chosen, 1)]
    cited = {d for s in stories for d in s.documents}
    documents = tuple(d for d in built.documents if d.id in cited)
    digest = Digest(tuple(stories), documents, info, built.generated_at, tuple(warnings))
    return digest, [(s, story_id) for s, (_, story_id) in zip(stories, chosen, strict=True)]


def _built(articles: list[_Article], settings: Settings, context: _Context) -> Digest | None:
    """Every article of the run (new and context) built into stories, the run's warnings
    replaced by the run's and the build's after them; None if nothing could be quoted.

    An article with nothing to quote is said once: it is built again on every run (as
    context, or as new: a new article is stored only when it was quoted).

    Raises:
        BriefError: too many articles.
    """
    warnings = context.warnings
    built: Digest | None = None
    try:
        built = build_from_documents([a.doc for a in articles], settings, warnings, context.report)
        warnings[:] = built.warnings
    except NothingToSummarize as exc:
        if isinstance(exc, TooMuchInput):
            raise BriefError(str(exc)) from None
        warnings[:] = exc.warnings
    warnings[:] = [w for w in warnings if not w.endswith(_NO_SENTENCE) or context.once(w)]
    return built


def _chosen(
    built: Digest, articles: list[_Article], context: _Context, settings: Settings, show_all: bool
) -> list[tuple[Story, int | None]]:
    """The built stories this briefing shows, with the stored story each one continues: the
    fresh ones first, then the updates, then (``show_all``) those with nothing new."""
    by_id = {a.doc.id: a for a in articles}
    kinds: dict[str, list[tuple[Story, int | None]]] = {"fresh": [], "update": [], "seen": []}
    for story in built.stories:
        members = [by_id[d] for d in story.documents]
        found = _classify(story, members, built, settings, context.state, context.since, show_all)
        if found is not None:
            kinds[found[0]].append(found[1:])
    return kinds["fresh"] + kinds["update"] + kinds["seen"]


def _classify(
    story: Story,
    members: list[_Article],
    built: Digest,
    settings: Settings,
    state: State,
    since: str | None,
    show_all: bool,
) -> tuple[str, Story, int | None] | None:
    """What a built story is for this briefing, with the stored story it continues: "fresh"
    (new), "update" (what its new articles add to a story shown before) or "seen" (nothing
    new, kept with ``show_all``); None to leave it out."""
    old_ids = [a.stored.id for a in members if a.stored is not None and not a.new]
    shown_before = state.story_of(old_ids, since) if old_ids else None
    if not any(a.new for a in members):
        if not show_all:
            return None
        old = tuple(dataclasses.replace(p, new=False) for p in story.sentences)  # nothing in it is news
        return (
            "seen",
            dataclasses.replace(story, sentences=old, new=False),
            shown_before[0] if shown_before else None,
        )
    picks = tuple(
        dataclasses.replace(p, new=not state.shown(sentence_key(p.candidate.text), since))
        for p in story.sentences
    )
    if shown_before is None:
        return "fresh", dataclasses.replace(story, sentences=picks), None
    update = _update(story, picks, members, built, settings, state, since, show_all)
    if update is None:
        return None
    return "update", dataclasses.replace(update, title=shown_before[1], update=True), shown_before[0]


def _update(
    story: Story,
    picks: tuple[Pick, ...],
    members: list[_Article],
    built: Digest,
    settings: Settings,
    state: State,
    since: str | None,
    show_all: bool,
) -> Story | None:
    """An update of a story shown before: what its new articles say that was not shown yet.

    The new articles are summarized on their own (the story's summary would favour what
    was known already); their sentences shown before are left out before the budget is
    filled, so that a new sentence is not crowded out by old ones (the articles are recorded
    as seen, and it would never be shown). None if nothing is left.
    """
    new_picks = _within_budget(_unshown(members, built, settings, state, since), settings)
    if not new_picks and not show_all:
        return None
    if show_all:  # the story's own sentences too, marked as shown before
        texts = {p.candidate.text for p in new_picks}
        old = [dataclasses.replace(p, new=False) for p in picks if p.candidate.text not in texts]
        shown = _in_reading_order(old + new_picks, built)
    else:
        shown = _in_reading_order(new_picks, built)
    documents = _update_documents(story, shown, members)
    docs = {d.id: d for d in built.documents}
    sources = story_sources([docs[d] for d in documents if docs[d].copy_of is None]) or 1
    return dataclasses.replace(story, sentences=tuple(shown), documents=documents, sources=sources)


def _update_documents(story: Story, shown: list[Pick], members: list[_Article]) -> tuple[str, ...]:
    """The documents an update lists: those it quotes and its new articles, in story order."""
    new_members = {a.doc.id for a in members if a.new}
    cited = {c.document for p in shown for c in p.candidate.citations}
    return tuple(d for d in story.documents if d in cited or d in new_members)


def _in_reading_order(picks: list[Pick], built: Digest) -> list[Pick]:
    """``picks`` by the place of their first citation: document order, then position."""
    order = {d.id: i for i, d in enumerate(built.documents)}
    return sorted(
        picks, key=lambda p: (order[p.candidate.citations[0].document], p.candidate.citations[0].start)
    )


def _unshown(
    members: list[_Article], built: Digest, settings: Settings, state: State, since: str | None
) -> list[Pick]:
    """The sentences of the story's new articles, summarized on their own and all ranked,
    that were not shown before."""
    new_ids = {a.doc.id for a in members if a.new}
    new_docs = [d for d in built.documents if d.id in new_ids]
    originals = [d for d in new_docs if d.copy_of is None or d.copy_of not in new_ids]
    # A second build, of one story's new articles alone: the briefing's build cannot serve.
    # It ranked these sentences among the old articles' (LexRank and the source-overlap prior
    # are relative to the documents summarized together), which favours what was known; and
    # it kept only the story's budget, not every sentence ranked, from which the unshown ones
    # are then chosen. Grouping is skipped (clusters="1"); one build per updated story.
    try:
        alone = build_from_documents(
            [dataclasses.replace(d, copy_of=None) for d in originals],
            dataclasses.replace(settings, clusters="1", sentences=10_000, words=None),  # all, ranked
            [],
            lambda stage, done, total: None,
        )
    except NothingToSummarize:
        return []
    return [
        dataclasses.replace(p, new=True)
        for s in alone.stories
        for p in s.sentences
        if not state.shown(sentence_key(p.candidate.text), since)
    ]


def _within_budget(picks: list[Pick], settings: Settings) -> list[Pick]:
    """The best ``picks`` that fit the sentence or word budget, in their reading order."""
    chosen: list[Pick] = []
    words = 0
    for pick in sorted(picks, key=lambda p: -p.score):
        length = len(pick.candidate.text.split())
        if settings.words is not None:
            if chosen and words + length > settings.words:
                continue
        elif len(chosen) >= settings.sentence_budget:
            break
        chosen.append(pick)
        words += length
    order = {id(p): i for i, p in enumerate(picks)}
    return sorted(chosen, key=lambda p: order[id(p)])


def _remember(articles: list[_Article], state: State, when: str, delivered: set[str]) -> dict[str, int]:
    """Store the new articles that were delivered (quoted in a story of the digest) and the new
    keys of known ones; the row id of every stored document.

    A new article with nothing quotable (a teaser: "details to follow") is not stored, so the
    full text that comes later under the same GUID or URL is news.
    """
    ids: dict[str, int] = {}
    fresh = [a for a in articles if a.stored is None and a.doc.id in delivered]
    stored_ids = state.add_articles(
        [
            NewArticle(
                a.keys,
                a.entry.feed if a.entry else None,
                a.doc.title,
                a.doc.url,
                a.doc.source,
                a.doc.published,
                a.doc.text,
                a.doc.kind,
            )
            for a in fresh
        ],
        when,
    )
    for article, row in zip(fresh, stored_ids, strict=True):
        ids[article.doc.id] = row
    for article in articles:
        if article.stored is not None:
            ids[article.doc.id] = article.stored.id
            if article.keys:
                state.add_keys(article.stored.id, article.keys)
    return ids
