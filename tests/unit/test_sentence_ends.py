"""True sentence ends: abbreviations, quotations, numbers, line breaks, dates and title lines.

Each case is checked on both sides where a rule could overreach: the cut that must not be
made, and the sentence end next to it that must stay one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.models import Document
from digest.stages.ingest import parse_html, parse_text
from digest.stages.segment import segment

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def split(text: str, title: str = "A headline", kind: str = "text") -> list[str]:
    doc = Document(id="d1", origin="t.txt", title=title, text=text, kind=kind)
    sentences = segment(doc)
    for s in sentences:
        assert text[s.start : s.end] == s.text
    return [s.text for s in sentences]


def candidates(doc: Document) -> list[str]:
    sentences = segment(doc)
    for s in sentences:
        assert doc.text[s.start : s.end] == s.text
    return [s.text for s in sentences if s.candidate]


@pytest.mark.parametrize(
    "text, expected",
    [
        # abbreviations and initials inside a sentence
        (
            "Sumitomo Denko K.K. (SDK) is the world's largest maker of cables. It said so.",
            ["Sumitomo Denko K.K. (SDK) is the world's largest maker of cables.", "It said so."],
        ),
        (
            "Showa Denko K.K. said on Monday it would expand. Shares rose.",
            ["Showa Denko K.K. said on Monday it would expand.", "Shares rose."],
        ),
        (
            "The U.S. Senate voted on Monday. The E.U. disagreed with it.",
            ["The U.S. Senate voted on Monday.", "The E.U. disagreed with it."],
        ),
        (
            "Gov. Jerry Brown spoke. He lives on St. Mark's Place. The Acme Corp. board met.",
            ["Gov. Jerry Brown spoke.", "He lives on St. Mark's Place.", "The Acme Corp. board met."],
        ),
        (
            "Martin Luther King Jr. gave a speech. Dr. Smith agreed with John F. Kennedy.",
            ["Martin Luther King Jr. gave a speech.", "Dr. Smith agreed with John F. Kennedy."],
        ),
        (
            "It was item No. 5 on the list. Mr. and Mrs. Smith arrived late.",
            ["It was item No. 5 on the list.", "Mr. and Mrs. Smith arrived late."],
        ),
        (
            "Add 4 oz. cooked chicken and 1 tsp. olive oil. Stir well.",
            ["Add 4 oz. cooked chicken and 1 tsp. olive oil.", "Stir well."],
        ),
        # the same abbreviations ending a sentence
        ("He moved to the U.S. It was 1990.", ["He moved to the U.S.", "It was 1990."]),
        (
            "She works for Apple Inc. The company said so.",
            ["She works for Apple Inc.", "The company said so."],
        ),
        ("He is Bob Smith Jr. He was born in 1990.", ["He is Bob Smith Jr.", "He was born in 1990."]),
        ("He works at Acme Corp. It makes tools.", ["He works at Acme Corp.", "It makes tools."]),
        # "!" and "?" inside quotations and titles
        ('He shouted "Stop!" and ran. Nobody followed.', ['He shouted "Stop!" and ran.', "Nobody followed."]),
        (
            'The film "Who Framed Roger Rabbit?" opened. It was a hit.',
            ['The film "Who Framed Roger Rabbit?" opened.', "It was a hit."],
        ),
        (
            "France has sent the research ship Pourquoi Pas? to the scene.",
            ["France has sent the research ship Pourquoi Pas? to the scene."],
        ),
        (
            '"Why?", he asked. "I don\'t have anything to steal." said one resident, Omen Cola.',
            ['"Why?", he asked.', '"I don\'t have anything to steal." said one resident, Omen Cola.'],
        ),
        ('He asked "Why not?" Then he left.', ['He asked "Why not?"', "Then he left."]),
        # decimals and ellipses
        (
            "Prices rose 3.5 percent in May. It rose by 3.5. Then it fell.",
            ["Prices rose 3.5 percent in May.", "It rose by 3.5.", "Then it fell."],
        ),
        (
            "It was a big success... [15 billion lei] is a lot of money. Wait... what?",
            ["It was a big success... [15 billion lei] is a lot of money.", "Wait... what?"],
        ),
    ],
)
def test_sentence_ends(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_a_line_break_inside_an_html_paragraph_is_not_a_sentence_end() -> None:
    html = """<html><head><title>Dogs of the city</title></head><body><article><h1>Dogs of the city</h1>
    <p>The group Animal Rights and Kindness<br>(Baark) with their work in the city has helped hundreds
    of dogs this year, officials said on Monday.</p>
    <p>Sumitomo Denko K.K.<br>(SDK) is the world's largest manufacturer of cables, the company says.</p>
    <p>The volunteers met every weekend,<br>and the city paid for food and medicine for the dogs.</p>
    <p>Photo of a dog shelter in the city</p>
    <p>The shelter will open a second site next year, the group said in a statement.</p>
    </article></body></html>"""
    doc = parse_html(html, "dogs.html", "d1")
    assert "\n(Baark)" in doc.text  # trafilatura writes a <br> as a line break
    # (the text after a <br> keeps the page's own line wrap: compared with spacing folded)
    quoted = [" ".join(s.split()) for s in candidates(doc)]
    assert quoted == [
        "The group Animal Rights and Kindness (Baark) with their work in the city has helped hundreds "
        "of dogs this year, officials said on Monday.",
        "Sumitomo Denko K.K. (SDK) is the world's largest manufacturer of cables, the company says.",
        "The volunteers met every weekend, and the city paid for food and medicine for the dogs.",
        "The shelter will open a second site next year, the group said in a statement.",
    ]
    # the caption stays a line of its own, not glued to the next paragraph
    assert "Photo of a dog shelter in the city" in split(doc.text, doc.title, doc.kind)


def test_plain_text_paragraphs_titles_and_wrapped_lines() -> None:
    text = (
        "Storm hits coast\n"
        "A storm hit the coast on Monday, officials said.\n"
        "PHOTOS: THE STORM IN PICTURES\n"
        "Repairs will take a week, the utility said.\n\n"
        "The minister told local\n\n"
        "media his country may act, he said on Friday.\n\n"
        "The minister said on Monday that the talks with\n"
        "the opposition would resume next week, and that\n"
        "Prime Minister Smith would attend the meeting in\n"
        "Geneva. Officials did not comment.\n"
        "- The first point is that prices rose.\n"
    )
    doc = parse_text(text, "storm.txt", "d1")
    assert candidates(doc) == [
        "A storm hit the coast on Monday, officials said.",
        "Repairs will take a week, the utility said.",
        # a blank line ends a paragraph whatever the words: "media ..." is a fragment
        "The minister said on Monday that the talks with\nthe opposition would resume next week, and "
        "that\nPrime Minister Smith would attend the meeting in\nGeneva.",
        "Officials did not comment.",
        "The first point is that prices rose.",
    ]
    assert "Storm hits coast" in split(text, doc.title)


def test_a_date_glued_to_the_text_is_left_out_of_the_sentence() -> None:
    doc = parse_text(
        (CORPUS / "multiling2011" / "M000" / "M0004.txt").read_text(encoding="utf-8"), "M0004.txt", "d1"
    )
    assert "Tuesday, January 18, 2005Through a telethon" in doc.text
    quoted = candidates(doc)
    assert quoted[0].startswith("Through a telethon, Romanians have raised 15 billion lei")
    assert not any("2005Through" in s for s in split(doc.text, doc.title))
    sentence = "Up to four times as many women as men died, Oxfam said."
    text = f"Oxfam report\n\nSaturday, March 26, 2005 {sentence}\n"
    assert candidates(parse_text(text, "x.txt", "d1")) == [sentence]
    # a date inside a sentence, or its subject, stays in it
    for sentence in (
        "On March 26, 2005 Oxfam published its report on the tsunami.",
        "March 26, 2005 was the day Oxfam published its report on the tsunami.",
    ):
        assert candidates(parse_text(f"Oxfam report\n\n{sentence}\n", "x.txt", "d1")) == [sentence]


def test_a_title_line_with_a_date_before_it_is_not_a_sentence() -> None:
    doc = parse_text(
        (CORPUS / "multiling2011" / "M000" / "M0000.txt").read_text(encoding="utf-8"), "M0000.txt", "d1"
    )
    assert doc.text.startswith("2005/01/08 Tsunami aid donations in 2005 deductible for 2004 in the U.S.")
    quoted = candidates(doc)
    assert not any("Tsunami aid donations in 2005 deductible" in s for s in quoted)
    assert quoted[0].startswith("U.S. citizens donating in 2005")
    # without the date, as before
    text = "Tsunami aid donations deductible in the U.S.\n\nU.S. citizens may write off their donations.\n"
    assert candidates(parse_text(text, "x.txt", "d1")) == ["U.S. citizens may write off their donations."]


PIECES = [
    "He said.",
    " ",
    "\n",
    "\n\n",
    "U.S.",
    "K.K.",
    "(SDK)",
    "and",
    "Stop!",
    '"',
    "?",
    "...",
    "3.5",
    "Tuesday, January 18, 2005",
    "2005/01/08",
    "The",
    "it",
    "- ",
    "# ",
    "\r\n",
    "\t",
    "“",
    "”",
    ",",
    "é",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_sentences_are_exact_ordered_slices(pieces: list[str]) -> None:
    text = "".join(pieces)
    if not text.strip():
        return
    doc = Document(id="d1", origin="t.txt", title="The title", text=text)
    last = 0
    for i, s in enumerate(segment(doc)):
        assert s.index == i
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert s.start >= last
        last = s.end
