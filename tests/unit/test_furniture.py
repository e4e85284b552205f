"""Page furniture is never a candidate sentence; prose that looks like it is (issue 14, item 2).

Both sides: the furniture lines quoted in issue 14 and their kinds, each beside a real
sentence of the same look that must stay a candidate; and the labelled furniture lines of the
181 benchmark pages of ../shared/data/aeb (tests/data/aeb_furniture.tsv), none of which may
become a candidate or be picked when digest reads its page (skipped without the pages).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.models import Document
from digest.stages import clean
from digest.stages.extract import strip_furniture
from digest.stages.furniture import furniture_lines, is_furniture
from digest.stages.segment import segment
from tests.aeb_pages import pages

LABELS = Path(__file__).resolve().parents[1] / "data" / "aeb_furniture.tsv"

FURNITURE = [
    # quoted in issue 14
    "To view the full story, please subscribe to The Haitian Times.",
    "This post contains references to products from one or more of our advertisers.",
    "For the latest stories and breaking news updates download the Nationnews apps for iOS and Android.",
    # calls to action and notices
    "Read more: Alibaba poised to launch record-breaking $13.4bn Hong Kong listing",
    "Related: The 15 Weirdest Galaxies in Our Universe",
    "SEE MORE: Hong Kong protests: 800 students under siege in university",
    "Subscribe to the Morning Review newsletter",
    "Sign up for our Email Newsletters here.",
    "Get the day’s top headlines delivered to your inbox every morning by subscribing to our newsletter.",
    "Follow us on Twitter @Spacedotcom and on Facebook.",
    "Email Tariq Malik at tmalik@space.com or follow him @tariqjmalik.",
    "Write to Al Root at allen.root@dowjones.com",
    "Like this story? Share it with a friend!",
    "Tell us what YOU think...",
    "Click here to subscribe to The Paradigm Newsletter",
    "© 2019 Associated Press. All Rights Reserved.",
    "Disclosure: ZDNet may earn a commission from some of the products featured on this page.",
    "If you buy something through this post, IGN may get a share of the sale.",
    # credits, bylines and captions
    "By Patrick Shanley",
    "By Jane Doe and John Roe | Reuters",
    "BY MEG KINNARD, Associated Press",
    "By Ruben Schade in Sydney, 2023-01-08.",  # a blog's signature, dated: seen in a real feed
    "By Jane Doe in New York, March 3, 2024",
    "(Reporting by Will Dunham; Editing by Tom Brown)",
    "Reporting by Rodrigo Campos; additional reporting by Stephanie Kelly",
    "Keith Bradsher contributed reporting from Hong Kong.",
    "Fox News’ Jessica Napoli contributed to this report.",
    "Natalie Naccache | Bloomberg | Getty Images",
    "Protesters march in Santiago on Monday. (AP Photo/Esteban Felix)",
    "Photo: Reuters",
    "Jewels after Jewels after Jewels, installation views, photos © Inexhibit, 2018",
    "‘Jewels after Jewels after Jewels’",
    "Note: we are temporarily moderating all comments submitted to deal with a surge in spam.",
    "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.",
    "Listen to Newsbeat live at 12:45 and 17:45 weekdays - or listen back here.",
    # sponsor reads, seen in a real podcast feed (one offer in many entries, each a little different)
    "Use code ATP for 20% off.",
    "Use code ATP at checkout for 20% off your first 2 orders over $35 (terms and conditions apply).",
    "Enter promo code SAVE10 for free shipping.",
    # editors' notes and a host's handle, seen in real feeds
    "This article was updated on Monday, November 27 to add in new deals and to remove expired deals.",
    "Editor's note: This article was updated on Nov. 28, 2017, with a report from a security firm.",
    "Update 11/28/17: Added a note about limited availability of the 64GB model.",
    "You can find Andrea @amcvittie on Twitter.",
    # teasers, stamps, bare links
    "China furious at Macron for Hong Kong protest jibe [INSIGHT]",
    "Updated at 1:23 p.m.",
    "https://www.barrons.com/articles/home-depot-stock-earnings-report-51574168486",
    "2019-11-19T08:57:40+01:00",
    "A vida requer da gente otimismo e coragem para esperar o melhor e fazer o melhor acontecer por …",
]

PROSE = [
    "Subscribers to the service will pay $10 a month from January, the company said.",
    "The newspaper said its newsletter had reached a million readers, most of them abroad.",
    "Read the full report, the minister told parliament, and you will see the numbers.",
    "Related companies in the group reported losses of $2 billion in the third quarter.",
    "The app, which lets users download the Bible in 40 languages, was removed on Tuesday.",
    "Police said the photo was taken by a witness minutes before the crash.",
    "Reporting by the newspaper showed that the mayor knew about the leak in March.",
    "He said he would follow the court's ruling, whatever it was.",
    "The details of the session were shared on the Twitter handle of the Senate, @NGRSenate.",
    "Posted on social media by analysts at Digital Foundry, the video shows the game stuttering.",
    "Getting the story right matters more than getting it first, she said.",
    "Sign language interpreters were brought in for the hearing, officials said.",
    "Updated figures released on Monday showed inflation had slowed to 2.1 percent.",
    "The company sent an email to all 3,000 employees on Friday, announcing the cuts.",
    "The copyright lawsuit, filed in 2017, claims the song copied a 1970s hit.",
    "“We got her!”",
    "Follow-up tests on Facebook's data centre found no breach, the regulator said.",
    "Moderate comments from the central bank lifted shares in Asia on Tuesday.",
    "The photos show the ship listing badly before it sank.",
    "Photographs by the agency showed the damage to the roof.",
    "By Monday, the river had risen two metres above its usual level.",
    "By the end of the day, rescue teams had evacuated 400 residents.",
    "By Tuesday in Sydney, 40 people had been evacuated from their homes.",
    "Use code names rather than real names, the security guide advises.",
    "The update, released on Monday, fixes a flaw that let attackers read messages.",
    "This article of the treaty was updated in 1998 to include the new members, officials said.",
    "Updated figures: the ministry said 40 people had died, up from 31 on Sunday.",
    "You can find the report on the ministry's website, the spokesman said.",
    "With code RED declared, hospitals in the region cancelled all planned surgery on Monday.",
    "By Friday in London, shares had fallen 3 percent since March 3, 2024.",
    "Listen to the recording and you can hear the pilot asking for help, the report said.",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture_lines_are_not_candidates(line: str) -> None:
    assert is_furniture(line)
    assert clean.line_is_boilerplate(line, "")
    sentences = segment(doc(f"A title\n\nThe council met on Monday to discuss the budget.\n{line}\n"))
    assert [s.text for s in sentences if s.candidate] == ["The council met on Monday to discuss the budget."]


@pytest.mark.parametrize("line", PROSE)
def test_prose_that_looks_like_furniture_is_kept(line: str) -> None:
    assert not is_furniture(line)
    assert not clean.line_is_boilerplate(line, "")
    sentences = segment(doc(f"A title\n\nThe council met on Monday to discuss the budget.\n{line}\n"))
    assert line in [s.text for s in sentences if s.candidate]


def doc(text: str, title: str = "A title") -> Document:
    return Document(id="d1", origin="a.txt", title=title, text=text)


def test_a_list_of_related_links_goes_with_its_heading() -> None:
    lines = [
        "The probe found water vapour above the moon's surface, NASA said.",
        "Related: Possible Water Plumes on Europa: The Discovery in Images",
        "- NASA Europa Mission Could Potentially Spot Signs of Alien Life",
        "- Photos: Europa, Mysterious Icy Moon of Jupiter",
        "The mission is due to launch in 2024, when the agency expects to know more.",
    ]
    assert furniture_lines(lines) == [False, True, True, True, False]
    # A short sentence that starts as a heading would is none.
    prose = ["The storm hit the coast.", "More than 40 people died.", "- Three were children", "The end."]
    assert furniture_lines(prose) == [False, False, False, False]


def test_an_offer_code_is_no_quote_even_inside_a_paragraph() -> None:
    text = (
        "A title\n\nThe council met on Monday to discuss the budget. "
        "Use code GRUBER for 10% off your first order. The vote is due in March, officials said.\n"
    )
    assert [s.text for s in segment(doc(text)) if s.candidate] == [
        "The council met on Monday to discuss the budget.",
        "The vote is due in March, officials said.",
    ]


def test_a_shows_sponsor_reads_go_with_their_heading() -> None:
    """As a real podcast feed ends its show notes: each sponsor's offer, under "Sponsored by:"."""
    lines = [
        "Casey and John talk about the new phones and what they cost this year.",
        "Sponsored by:",
        "Squarespace: Make your next move. Use code ATP for 10% off your first order.",
        "Fracture: Photos printed in vivid color directly on glass. Get 10% off your first order.",
        "The show returns next week, when the hosts will review the phones in depth.",
    ]
    assert furniture_lines(lines) == [False, True, True, True, False]
    prose = [
        "The programme was sponsored by the city council, which paid for the buses.",
        "Council: The buses will run every ten minutes from Monday, a spokesman said.",
    ]
    assert furniture_lines(prose) == [False, False]


def test_labels_at_the_edges_go_but_a_list_in_the_article_stays() -> None:
    body = [
        "Tempo de leitura: 1 minuto",
        "The band will tour North America next summer, it said.",
        "June 24 -- Jiffy Lube Live, Bristow, VA",
        "June 26 -- PPL Center, Allentown, PA",
        "June 27 -- BB&T Pavilion, Camden, NJ",
        "June 29 -- PNC Bank Arts Center, Holmdel, NJ",
    ]
    assert furniture_lines(body) == [True, False, False, False, False, False]
    assert furniture_lines(["Big Title Here", "First sentence of the story is here."], "Big title here") == [
        True,
        False,
    ]
    # A body that would lose every line keeps them all.
    assert strip_furniture("Read more: elsewhere") == "Read more: elsewhere"


def test_captions_and_photo_credits_of_a_page_are_not_its_text() -> None:
    from digest.stages.ingest import parse_html

    prose = [
        "The driver of a pickup truck died after a crash with a bus on Monday morning, police said.",
        "Investigators closed the road for six hours while they examined the scene of the crash.",
        "The county said it would review the junction, the third to see a fatal crash this year.",
    ]
    body = (
        f"<p>{prose[0]}</p><figure><img src='a.jpg'><figcaption>The Barbados Tridents' footballers "
        "training ahead of a match against Dominica.</figcaption></figure>"
        "<div class='media'><img src='b.jpg'><p class='caption'>Fans gathered outside the stadium "
        "before the match on Sunday.</p><span class='credit'>Jane Doe / Daily A</span></div>"
        f"<p>{prose[1]}</p>"
        f"<p>Photo by John Smith for the Daily A newspaper, taken on Monday.</p><p>{prose[2]}</p>"
    )
    doc = parse_html(
        f"<html><head><title>T</title></head><body><article>{body}</article></body></html>", "a.html", "d1"
    )
    assert doc.text.splitlines() == prose


def _labels() -> dict[str, list[str]]:
    labels: dict[str, list[str]] = {}
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            page, text = line.split("\t", 1)
            labels.setdefault(page, []).append(text)
    return labels


def test_no_labelled_furniture_line_of_the_benchmark_pages_is_a_candidate_or_picked() -> None:
    read = pages()
    labels = _labels()
    assert len(read) == 181 and {p.key[:12] for p in read} >= set(labels)
    failures = []
    for page in read:
        furniture = [clean.normalize(text) for text in labels.get(page.key[:12], [])]
        for text in page.candidates + page.picks:
            key_text = clean.normalize(text)
            if len(key_text.split()) >= 3 and any(key_text in label for label in furniture):
                failures.append(f"{page.key[:12]}: {text}")
    assert sum(bool(p.picks) for p in read) >= 175, "nearly every page gives a summary"
    assert not failures, "\n".join(sorted(set(failures)))
