"""A briefing-sized case of story grouping: eleven real WikiNews articles of three stories from two
feeds, then a third feed with an article of another story. Nothing is merged across stories, and
the new article is a new story, not an update of an old one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.brief.test_brief import Brief, as_json
from tests.conftest import CORPUS
from tests.feedserver import FeedServer, Item, rss

MULTILING = CORPUS / "multiling2011"
FEED_A = [
    "M001/M0010",
    "M001/M0011",
    "M001/M0012",
    "M001/M0019",  # the London bombings
    "M002/M0020",
    "M002/M0023",
    "M002/M0027",
    "M002/M0029",
]  # Iran seizes Royal Navy sailors
FEED_B = ["M000/M0002", "M000/M0001", "M000/M0000"]  # tsunami aid
LATER = "M003/M0038"  # Tour de France: one day until 'Le Grand Départ' (in London)


def item(name: str) -> Item:
    """The article as a feed entry: its title, its date line as the publication date, its text."""
    lines = (MULTILING / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    title, rest = lines[0].strip(), lines[1:]
    published = datetime(2000, 1, 1, tzinfo=UTC)
    for line in rest[:4]:
        try:
            published = datetime.strptime(line.strip(), "%A, %B %d, %Y").replace(hour=9, tzinfo=UTC)
            break
        except ValueError:
            continue
    text = "</p><p>".join(p.strip() for p in "\n".join(rest).split("\n\n") if p.strip())
    return Item(title, f"https://en.wikinews.example/{name}", text, published)


def stories(data: dict[str, Any]) -> list[set[str]]:
    """Each story of the briefing as the set of MultiLing stories its articles come from."""
    url = {d["id"]: d["url"] for d in data["documents"]}
    return [{url[d].split("/")[-2] for d in c["documents"]} for c in data["clusters"]]


def test_a_briefing_of_three_stories_then_a_new_one(server: FeedServer, brief: Brief, isolated: Path) -> None:
    a = server.serve("/a.xml", rss("WikiNews A", [item(n) for n in FEED_A]))
    b = server.serve("/b.xml", rss("WikiNews B", [item(n) for n in FEED_B]))
    first = as_json(brief("--feed", a, "--feed", b, "-f", "json"))
    found = stories(first)
    assert sorted(set().union(*found)) == ["M000", "M001", "M002"]
    assert all(len(s) == 1 for s in found), found  # no story mixes two
    # The reports of one event come together: Iran's detention of the sailors, 23-28 March 2007.
    sizes = [len(c["documents"]) for c in first["clusters"]]
    assert max(sizes) >= 3 and len(first["clusters"]) < len(FEED_A) + len(FEED_B)
    # Every story says why its articles are together.
    for cluster in first["clusters"]:
        assert {link["document"] for link in cluster["links"]} == set(cluster["documents"][1:])

    c = server.serve("/c.xml", rss("WikiNews C", [item(LATER)]))
    second = as_json(brief("--feed", a, "--feed", b, "--feed", c, "-f", "json"))
    [story] = second["clusters"]
    assert story["new"] and not story["update"]
    assert stories(second) == [{"M003"}]
    assert story["title"] == item(LATER).title


def test_the_same_articles_give_the_same_stories(server: FeedServer, brief: Brief) -> None:
    a = server.serve("/a.xml", rss("WikiNews A", [item(n) for n in FEED_A]))
    b = server.serve("/b.xml", rss("WikiNews B", [item(n) for n in FEED_B]))
    runs = [as_json(brief("--feed", a, "--feed", b, "-f", "json", "--dry-run")) for _ in range(2)]
    assert [c["documents"] for c in runs[0]["clusters"]] == [c["documents"] for c in runs[1]["clusters"]]
