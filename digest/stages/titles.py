"""Headlines and outlets of web pages: the article's title without the site's name, slogans and
section labels; the outlet from the page's publisher metadata, never from its title.

``<title>`` is usually "Headline - Site", "Site | Headline" or "Headline | Section | Site";
og:title is often the bare headline, or a CMS placeholder ("escenic"). The site's own names
come from og:site_name, application-name, the JSON-LD publisher and the URL's host; a title
segment that is one of them (or contains one, or is contained in one) is dropped from either
end, then a section label left at that end ("Opinion", "Editorial").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

_SEPARATOR = re.compile(r"\s+(?:[|–—:·»/\\-]|::|-{2})\s+|\s+\|\s*|\s*\|\s+")
_WORD = re.compile(r"\w+")
SECTIONS = frozenset(
    {
        "opinion",
        "opinions",
        "editorial",
        "editorials",
        "analysis",
        "commentary",
        "column",
        "columns",
        "review",
        "reviews",
        "news",
        "blog",
        "blogs",
        "feature",
        "features",
        "interview",
        "letters",
        "world",
        "world news",
        "business",
        "politics",
        "sport",
        "sports",
        "tech",
        "technology",
        "science",
        "health",
        "culture",
        "entertainment",
        "lifestyle",
        "auto news",
        "breaking news",
        "latest news",
        "local news",
        "national",
        "local",
        "us",
        "uk",
        "video",
        "photos",
        "podcast",
        "live",
    }
)
"""Section labels a site puts beside its headlines, in lower case."""
_HOST_PREFIX = re.compile(r"^(?:www\d?|m|amp|mobile|news|edition)\.")
_GENERIC_HOST = {"com", "co", "org", "net", "news", "info", "de", "uk", "br", "it", "ru", "jp", "kr", "in"}


def _key(text: str) -> str:
    return "".join(_WORD.findall(text.casefold())).removesuffix("com")


def site_keys(names: Iterable[str | None], url: str | None = None) -> set[str]:
    """Comparison keys of a site's names, and of its host's name ("nj" of www.nj.com)."""
    keys = {_key(n) for n in names if n and n.strip()}
    if url:
        host = _HOST_PREFIX.sub("", (urlsplit(url).hostname or "").casefold())
        if host:
            keys.add(_key(host))
            labels = [p for p in host.split(".") if p not in _GENERIC_HOST]
            if labels:
                keys.add(_key(labels[-1]))
    return {k for k in keys if len(k) >= 2}


def _is_site(segment: str, keys: set[str]) -> bool:
    key = _key(segment)
    if not key:
        return True  # only punctuation
    return any(
        key == k or (len(k) >= 4 and (k in key or key in k) and len(key) <= 2 * len(k) + 4) for k in keys
    )


def clean_title(title: str, names: Iterable[str | None] = (), url: str | None = None) -> str:
    """``title`` without the site names, slogans and section labels at either end."""
    given = [n for n in names if n and n.strip()]
    title = _without_names(" ".join(title.split()), given)
    parts = _SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    seps = _SEPARATOR.findall(title)
    start, end = _headline_span(parts, site_keys(given, url))
    if (start, end) == (0, len(parts)):
        return title
    out = parts[start]
    for i in range(start + 1, end):
        out += seps[i - 1] + parts[i]
    return out.strip() if _enough(out) else title


def _without_names(title: str, names: list[str]) -> str:
    """``title`` without the site ``names`` written whole at its start or end, behind a
    separator; first the longest, for a site name that holds separators itself ("Remember
    80/90 - Memorabilia anni 80/90")."""
    for name in sorted({" ".join(n.split()) for n in names}, key=len, reverse=True):
        for pattern in (
            rf"^{re.escape(name)}\s*(?:[|–—:·»-]|::)\s*(?=\S)",
            rf"\s*(?:[|–—:·»-]|::)\s*{re.escape(name)}$",
        ):
            shorter = re.sub(pattern, "", title, flags=re.I)
            if shorter != title and _enough(shorter):
                title = shorter
    return title


def _headline_span(parts: list[str], keys: set[str]) -> tuple[int, int]:
    """The parts of a title split at its separators that are the headline, as a range: the
    site's name and what follows or precedes it, and section labels, left out."""
    start, end = 0, len(parts)
    # The site's name after the headline ends it: what follows is its slogan or place
    # ("... crash - WSVN 7News | Miami News, Weather, Sports | Fort Lauderdale").
    later = next((i for i in range(1, len(parts)) if _is_site(parts[i], keys)), None)
    if later is not None:
        end = later
    elif _is_site(parts[0], keys):
        start = 1
    while end - start > 1:  # section labels left at either end ("Opinion | ...", "... | Editorial")
        if _section(parts[end - 1]) and _longer(parts[start : end - 1]):
            end -= 1
        elif _section(parts[start]) and _longer(parts[start + 1 : end]):
            start += 1
        else:
            break
    return start, end


def _enough(text: str) -> bool:
    """Enough of a headline: two words, or six letters of a script written without spaces."""
    return len(_WORD.findall(text)) >= 2 or sum(c.isalpha() for c in text) >= 6


def _section(segment: str) -> bool:
    return segment.strip().casefold() in SECTIONS


def _longer(rest: list[str]) -> bool:
    return sum(len(_WORD.findall(p)) for p in rest) >= 3


def page_metadata(html: str) -> dict[str, Any]:
    """What a page says of its title and publisher: og:title, twitter:title, the first h1, the
    <title>, og:site_name, application-name and the JSON-LD publisher's names."""
    import lxml.html

    found: dict[str, Any] = {"publishers": []}
    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - metadata that cannot be read is none
        return found
    found.update(_meta_tags(tree))
    for tag in ("title", "h1"):
        element = next(tree.iter(tag), None)
        if element is not None:
            text = " ".join(element.text_content().split())
            if text:
                found[tag] = text
    found["publishers"] = _ld_publishers(tree)
    return found


_META_NAMES = ("og:title", "twitter:title", "og:site_name", "application-name", "twitter:site")


def _meta_tags(tree: Any) -> dict[str, str]:
    """The first non-empty content of each of the <meta> names (or properties) we read."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or "").strip().casefold()
        content = " ".join((meta.get("content") or "").split())
        if content and name in _META_NAMES and name not in found:
            found[name] = content
    return found


def _ld_publishers(tree: Any) -> list[str]:
    """The publishers' names of the page's JSON-LD scripts (those that parse)."""
    names: list[str] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().casefold() == "application/ld+json" and script.text:
            try:
                data = json.loads(script.text)
            except ValueError:
                continue
            names.extend(_publishers(data))
    return names


def _publishers(data: Any, depth: int = 0) -> list[str]:
    names: list[str] = []
    if depth > 4:
        return names
    if isinstance(data, list):
        for item in data[:20]:
            names += _publishers(item, depth + 1)
    elif isinstance(data, dict):
        publisher = data.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            names.append(" ".join(publisher["name"].split()))
        elif isinstance(publisher, list):
            names += [
                " ".join(p["name"].split())
                for p in publisher[:5]
                if isinstance(p, dict) and isinstance(p.get("name"), str)
            ]
        if "@graph" in data:
            names += _publishers(data["@graph"], depth + 1)
    return [n for n in names if n]


def _junk(title: str) -> bool:
    """A placeholder where a headline should be: one word ("escenic"), or no letters."""
    words = _WORD.findall(title)
    if len(words) == 1 and sum(c.isalpha() for c in title) >= 6 and not title.isascii():
        return False  # a headline in a script written without spaces
    return len(words) <= 1 or not any(c.isalpha() for c in title)


def choose_title(extracted: str, meta: dict[str, Any], outlet: str | None, url: str | None) -> str:
    """The headline: trafilatura's title (from og:title, JSON-LD or <title>), unless it is a
    placeholder, then og:title, twitter:title, the h1 or the <title>; cleaned of site names."""
    names = [outlet, meta.get("og:site_name"), meta.get("application-name"), *meta.get("publishers", [])]
    choices = [extracted, meta.get("og:title"), meta.get("twitter:title"), meta.get("h1"), meta.get("title")]
    for choice in choices:
        if choice and not _junk(choice):
            cleaned = clean_title(choice, names, url)
            if not _junk(cleaned) and not _is_site(cleaned, site_keys(names)):
                return cleaned
    return extracted or ""


def choose_outlet(extracted: str | None, meta: dict[str, Any], title: str, url: str | None) -> str | None:
    """The outlet: trafilatura's site name when the page's metadata gives it (og:site_name,
    application-name, the JSON-LD publisher, twitter:site) or when it is not a piece of the
    <title> (trafilatura falls back to a title's "| Site" part, which may be the headline
    itself); else og:site_name, the publisher or application-name; else the URL's host. Never
    the title."""
    names = [meta.get("og:site_name"), *meta.get("publishers", []), meta.get("application-name")]
    known = {_key(n) for n in [*names, meta.get("twitter:site")] if n} | site_keys([], url)
    if extracted and _plausible_outlet(extracted) and _not_the_title(extracted, meta, title, known):
        return extracted
    for name in names:
        if name and _plausible_outlet(name):
            return name
    if url:
        host = _HOST_PREFIX.sub("", (urlsplit(url).hostname or "").casefold())
        return host or None
    return None


def _not_the_title(extracted: str, meta: dict[str, Any], title: str, known: set[str]) -> bool:
    """Whether trafilatura's site name is one the page's metadata or URL gives, or is neither
    the title nor a piece of the <title>."""
    key = _key(extracted)
    from_title = key and any(key == _key(part) for part in _SEPARATOR.split(meta.get("title") or title))
    return key in known or not (from_title or key == _key(title))


def _plausible_outlet(name: str) -> bool:
    """Not a URL, a copyright notice or a number where a name should be."""
    lowered = name.casefold()
    return (
        bool(_WORD.search(name))
        and not lowered.startswith(("http://", "https://", "copyright", "©"))
        and any(c.isalpha() for c in name)
        and len(name) <= 80
    )
