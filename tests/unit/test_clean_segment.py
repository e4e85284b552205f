"""Boilerplate marking and sentence offsets: both sides (junk out, real prose kept)."""

from __future__ import annotations

import pytest

from digest.models import Document
from digest.stages import clean
from digest.stages.segment import segment


def doc(text: str, title: str | None = None) -> Document:
    first = text.strip().splitlines()[0]
    return Document(id="d1", origin="t.txt", title=title if title is not None else first, text=text)


@pytest.mark.parametrize(
    "line",
    [
        "CLICK HERE TO GET THE FOX NEWS APP",
        "RUSSIA BACKS OFF FROM UNPOPULAR COVID-19 RESTRICTIONS",
        "Subscribe to our newsletter for daily updates.",
        "Copyright 2022 The Associated Press. All rights reserved.",
        "© 2024 Example Media",
        "Saturday, January 8, 2005",
        "## Related stories",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert clean.line_is_boilerplate(line, title_key="")


@pytest.mark.parametrize(
    "line",
    [
        "The app was downloaded a million times, the company said on Tuesday.",
        "NATO said the alliance would respond to any attack on a member state.",
        "He said the copyright dispute would go to court next year.",
        "U.S. and EU officials met in Geneva on Monday.",
        "Click-through rates fell sharply after the change, analysts said.",
    ],
)
def test_prose_lines_are_kept(line: str) -> None:
    assert not clean.line_is_boilerplate(line, title_key="")
    assert clean.sentence_is_prose(line)
    assert not clean.is_notice(line)


def test_licence_footer_sentence() -> None:
    assert clean.is_notice(
        "All Content by Mehr News Agency is licensed under a Creative Commons "
        "Attribution 4.0 International License."
    )
    assert not clean.is_notice("The agency said its photos are licensed to partners worldwide.")


def test_dateline_is_left_out_of_the_quote() -> None:
    text = "TEHRAN (Iran News) – Accusations by the United States are unfounded, the embassy says."
    n = clean.dateline_length(text)
    assert text[n:].startswith("Accusations")
    assert clean.dateline_length("WASHINGTON (AP) — The Senate voted on Tuesday to pass the bill.") > 0
    assert clean.dateline_length("The U.S. - Russia talks ended without a deal, officials said.") == 0
    assert clean.dateline_length("U.S. - Russia talks ended without a deal, officials said.") == 0
    assert clean.dateline_length("NEW YORK, Jan. 5 (Reuters) - Stocks fell for a third day.") == 29


def test_offsets_are_exact_and_titles_not_glued() -> None:
    text = (
        "Storm hits coast\n\nStorm hits coast\nA storm hit the coast on Monday, officials said. "
        "Thousands lost power.\nPHOTOS: THE STORM IN PICTURES\nRepairs will take a week, the utility said.\n"
    )
    sentences = segment(doc(text))
    for s in sentences:
        assert text[s.start : s.end] == s.text
    candidates = [s.text for s in sentences if s.candidate]
    assert candidates == [
        "A storm hit the coast on Monday, officials said.",
        "Thousands lost power.",
        "Repairs will take a week, the utility said.",
    ]
    assert all(not s.text.startswith("Storm hits coast\n") for s in sentences)


def test_fragments_split_by_a_line_break_are_not_candidates() -> None:
    text = "Title line\nThe minister told local\n\nmedia his country may act, he said on Friday.\n"
    kept = [s.text for s in segment(doc(text)) if s.candidate]
    assert "media his country may act, he said on Friday." not in kept


def test_markdown_headings_and_bullets() -> None:
    text = "# A heading\n\n- The first point is that prices rose by ten percent.\n## Another heading\n"
    sentences = segment(doc(text, title="A heading"))
    kept = [s for s in sentences if s.candidate]
    assert [s.text for s in kept] == ["The first point is that prices rose by ten percent."]
    assert text[kept[0].start : kept[0].end] == kept[0].text


def test_a_one_line_article_is_quoted_although_its_title_is_named_after_it() -> None:
    line = "The storm cut power to homes on the coast. Repairs will take days."
    sentences = segment(doc(line + "\n", title=line))
    assert [s.text for s in sentences if s.candidate] == [
        "The storm cut power to homes on the coast.",
        "Repairs will take days.",
    ]
    # A headline alone is still a title, not a sentence to quote; so is a repeated title line.
    assert not any(s.candidate for s in segment(doc("Storm hits coast\n", title="Storm hits coast")))
    repeated = segment(doc(f"{line}\n\n{line}\nMore text follows here today.\n", title=line))
    assert [s.text for s in repeated if s.candidate] == ["More text follows here today."]


def test_a_list_of_short_lines_is_not_quoted_but_short_paragraphs_are() -> None:
    """Show notes: topics a line each, one a question; none is a sentence of the article (seen
    in a real podcast feed). Short paragraphs of prose, each a whole sentence, are."""
    notes = "\n\n".join(
        [
            "Follow up:",
            "Sky platform exclusivity",
            "John's chair",
            "What happens in landscape?",
            "Torx",
            "Apple Express Replacement Service",
            "The hosts discussed the new phones at length on the show.",
        ]
    )
    quoted = [s.text for s in segment(doc(f"Episode 245\n\n{notes}\n", title="Episode 245")) if s.candidate]
    assert quoted == ["The hosts discussed the new phones at length on the show."]
    prose = "\n\n".join(
        [
            "The storm hit at dawn.",
            "Roofs were torn off.",
            "Two people died.",
            "Schools closed early.",
            "Power failed in the north.",
            "Repairs will take a week, the utility said.",
        ]
    )
    quoted = [s.text for s in segment(doc(f"Storm\n\n{prose}\n", title="Storm")) if s.candidate]
    assert "Two people died." in quoted and len(quoted) == 6
