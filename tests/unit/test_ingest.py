"""Reading inputs: discovery, encodings, HTML, titles and dates, and every kind of bad input."""

from __future__ import annotations

import codecs
import errno
import io
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.sanitize import clean_text, one_line
from digest.stages import ingest as ingest_module
from digest.stages.ingest import InputError, RawInput, decode, discover, ingest, read
from tests.conftest import CORPUS, SEEDS

HTML_DATA = Path(__file__).resolve().parents[1] / "data" / "html"
BIG = 10 * 1024 * 1024
ARTICLE = (
    "Storm closes harbour\n\n"
    "The harbour closed on Monday as a storm brought gusts of up to ninety miles an hour.\n"
    "Ferries to the islands were cancelled until further notice, the port authority said.\n"
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00"
    b"IEND\xaeB`\x82"
)


def one_doc(path: Path, max_bytes: int = BIG):
    docs, warnings = ingest([str(path)], max_bytes)
    assert warnings == []
    assert len(docs) == 1
    return docs[0]


def one_warning(path: Path | str, max_bytes: int = BIG) -> str:
    docs, warnings = ingest([str(path)], max_bytes)
    assert docs == []
    assert len(warnings) == 1
    assert_one_line(warnings[0])
    return warnings[0]


def assert_one_line(warning: str) -> None:
    assert warning.isprintable(), repr(warning)  # no newline, ESC, C1, bidi or other control
    assert warning == clean_text(warning)


# --- discovery --------------------------------------------------------------------------


def test_folder_read_recursively_in_sorted_order(articles: Callable[..., Path]) -> None:
    folder = articles(
        {
            "b.txt": ARTICLE,
            "a.md": ARTICLE,
            "sub/z.html": "<html><body><p>" + ARTICLE + "</p></body></html>",
            "sub/deeper/c.text": ARTICLE,
            "d.markdown": ARTICLE,
            "e.htm": "<p>" + ARTICLE + "</p>",
            "f.xhtml": "<html><body><p>" + ARTICLE + "</p></body></html>",
        }
    )
    raws, warnings = discover([str(folder)])
    assert warnings == []
    names = [Path(r.origin).relative_to(folder).as_posix() for r in raws]
    assert names == ["a.md", "b.txt", "d.markdown", "e.htm", "f.xhtml", "sub/deeper/c.text", "sub/z.html"]
    docs, warnings = ingest([str(folder)], BIG)
    assert warnings == []
    assert [d.id for d in docs] == [f"d{i}" for i in range(1, 8)]
    assert [Path(d.origin).relative_to(folder).as_posix() for d in docs] == names
    # The same order every time.
    assert discover([str(folder)])[0] == raws


def test_hidden_and_non_article_files_skipped_in_folders(articles: Callable[..., Path]) -> None:
    folder = articles(
        {
            "story.txt": ARTICLE,
            ".hidden.txt": ARTICLE,
            ".git/HEAD.txt": ARTICLE,
            ".cache/deep/x.md": ARTICLE,
            "notes.json": ARTICLE,
            "script.py": ARTICLE,
            "image.png": PNG,
            "data.csv": "a,b\n1,2\n",
            "noext": ARTICLE,
            "README.md": ARTICLE,
            "readme.txt": ARTICLE,
            "README_fr.txt": ARTICLE,
            "LICENSE.txt": ARTICLE,
            "LICENCE-multiling.html": "<p>" + ARTICLE + "</p>",
            "COPYING.md": ARTICLE,
            "NOTICE.txt": ARTICLE,
            "SOURCE.md": ARTICLE,
            "SOURCES.txt": ARTICLE,
            "ATTRIBUTION.md": ARTICLE,
            "sub/License.md": ARTICLE,
            "sourcebook.txt": ARTICLE,  # a word that only starts like SOURCE is an article
        }
    )
    docs, warnings = ingest([str(folder)], BIG)
    assert warnings == []
    assert sorted(Path(d.origin).name for d in docs) == ["source" + "book.txt", "story.txt"]


def test_explicit_file_with_other_suffix_read_as_text(articles: Callable[..., Path]) -> None:
    folder = articles({"story.log": ARTICLE, ".hidden.txt": ARTICLE, "README.md": ARTICLE, "noext": ARTICLE})
    for name in ("story.log", ".hidden.txt", "README.md", "noext"):
        doc = one_doc(folder / name)
        assert doc.title == "Storm closes harbour"
        assert doc.kind == "text"


def test_explicit_file_with_other_suffix_must_decode_as_text(articles: Callable[..., Path]) -> None:
    blob = os.urandom(2048).replace(b"\x00", b"\x01") + b"\x00" * 64
    folder = articles({"photo.jpg": PNG, "blob.bin": blob})
    for name in ("photo.jpg", "blob.bin"):
        assert "binary content" in one_warning(folder / name)


def test_files_and_folders_mixed_keep_argument_order(articles: Callable[..., Path]) -> None:
    folder = articles({"x/a.txt": ARTICLE, "x/b.txt": ARTICLE, "first.txt": ARTICLE})
    docs, _ = ingest([str(folder / "first.txt"), str(folder / "x")], BIG)
    assert [Path(d.origin).name for d in docs] == ["first.txt", "a.txt", "b.txt"]


def test_directory_without_articles(articles: Callable[..., Path]) -> None:
    folder = articles({"README.md": ARTICLE, "data.json": "{}", ".hidden.txt": ARTICLE})
    warning = one_warning(folder)
    assert "no articles" in warning
    empty = folder / "empty"
    empty.mkdir()
    assert "no articles" in one_warning(empty)


def test_symlink_to_parent_folder_is_not_followed_forever(articles: Callable[..., Path]) -> None:
    folder = articles({"a.txt": ARTICLE, "sub/b.txt": ARTICLE})
    (folder / "sub" / "up").symlink_to("..")
    docs, warnings = ingest([str(folder)], BIG)
    assert warnings == []
    assert [Path(d.origin).name for d in docs] == ["a.txt", "b.txt"]


# --- standard input ---------------------------------------------------------------------


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(ARTICLE.encode("utf-8")))
    docs, warnings = ingest(["-"], BIG)
    assert warnings == []
    assert docs[0].origin == "-"
    assert docs[0].kind == "text"
    assert docs[0].text == ARTICLE
    assert docs[0].title == "Storm closes harbour"


def test_stdin_html_sniffed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin((HTML_DATA / "article.html").read_bytes()))
    docs, warnings = ingest(["-"], BIG)
    assert warnings == []
    assert docs[0].kind == "extracted"
    assert docs[0].title == "Flood waters recede in Riverton"
    assert "<p>" not in docs[0].text


@pytest.mark.parametrize(
    "head",
    [
        "<html><body>",
        "<!DOCTYPE html>\n<html>",
        "  <!-- saved page -->\n<html lang=en>",
        '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">',
        "<head><title>x</title></head><body>",
    ],
)
def test_stdin_html_heads(monkeypatch: pytest.MonkeyPatch, head: str) -> None:
    page = head + "<p>" + ARTICLE.replace("\n", " ") + "</p></body></html>"
    monkeypatch.setattr(sys, "stdin", _Stdin(page.encode()))
    docs, _ = ingest(["-"], BIG)
    assert docs[0].kind == "extracted"
    assert "<" not in docs[0].text


def test_stdin_text_mentioning_tags_is_text(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Browsers ignore a <blink> tag\n\nThe <body> element holds the page. Old pages used it.\n"
    monkeypatch.setattr(sys, "stdin", _Stdin(text.encode()))
    docs, _ = ingest(["-"], BIG)
    assert docs[0].kind == "text"
    assert docs[0].text == text


def test_stdin_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(b""))
    docs, warnings = ingest(["-"], BIG)
    assert docs == [] and warnings == ["standard input: empty file, nothing to read"]
    monkeypatch.setattr(sys, "stdin", _Stdin(b"x" * 200))
    docs, warnings = ingest(["-"], 100)
    assert docs == [] and "standard input: larger than" in warnings[0]
    monkeypatch.setattr(sys, "stdin", None)
    docs, warnings = ingest(["-"], BIG)
    assert docs == [] and warnings == ["standard input: not available"]


# --- encodings --------------------------------------------------------------------------

UNICODE_ARTICLE = (
    "Café owners “delighted” — naïve résumé\n\n"
    "The owners of the Café du Nord said they were “delighted” with the new square – it’s "
    "“more than we dared to hope”, said Renée, déjà vu… Straße, Ærø, ½ price.\n"
)


@pytest.mark.parametrize(
    "encoded",
    [
        UNICODE_ARTICLE.encode("utf-8"),
        codecs.BOM_UTF8 + UNICODE_ARTICLE.encode("utf-8"),
        codecs.BOM_UTF16_LE + UNICODE_ARTICLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + UNICODE_ARTICLE.encode("utf-16-be"),
        UNICODE_ARTICLE.encode("utf-16"),  # platform order, with its BOM
        codecs.BOM_UTF32_LE + UNICODE_ARTICLE.encode("utf-32-le"),
        UNICODE_ARTICLE.encode("cp1252"),
        UNICODE_ARTICLE.encode("utf-16-le"),  # no BOM
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf16-bom",
        "utf32le-bom",
        "cp1252",
        "utf16le-nobom",
    ],
)
def test_encodings(articles: Callable[..., Path], encoded: bytes) -> None:
    doc = one_doc(articles({"a.txt": encoded}) / "a.txt")
    assert doc.text == UNICODE_ARTICLE
    assert doc.title == "Café owners “delighted” — naïve résumé"


@pytest.mark.parametrize(
    "text",
    [
        "“Curly” quotes — and café",  # charset-normalizer read this as cp1250
        "It’s fine",  # ... and this as Big5
        "Le café est fermé pour l’été.",
        "Die Straße in München ist schön, sagte er „heute“.",
        "Señor Muñoz – “¿Qué tal?” – ¡olé! 25 € • 3 × 4",
    ],
)
def test_cp1252_detected(text: str) -> None:
    assert decode(text.encode("cp1252")) == text


@pytest.mark.parametrize(
    "text", ["Café au lait, déjà vu, naïve. Über Straße.", "Ångström ± 5 µm, ¼ inch, ©2005"]
)
def test_latin1_detected(text: str) -> None:
    assert decode(text.encode("latin-1")) == text


def test_latin1_with_bytes_cp1252_lacks() -> None:
    # 0x81 and 0x8d are undefined in cp1252: latin-1 reads them (as controls, later removed).
    text = decode("Café \x81 déjà \x8d vu".encode("latin-1"))
    assert clean_text(text) == "Café  déjà  vu"


def test_central_european_cp1250_detected() -> None:
    text = "Zażółć gęślą jaźń. Łódź i Kraków są w Polsce, a żółw jest zielony."
    assert decode(text.encode("cp1250")) == text


def test_cyrillic_and_cjk_legacy_encodings() -> None:
    russian = "Москва — столица России. Это очень большой город, в котором живут миллионы людей. " * 2
    assert decode(russian.replace("—", "-").encode("koi8-r")) == russian.replace("—", "-")
    japanese = "東京は日本の首都です。大きな都市で、多くの人が住んでいます。" * 2
    assert decode(japanese.encode("shift_jis")) == japanese


def test_html_meta_charset_honoured() -> None:
    page = (
        '<html><head><meta charset="windows-1251"><title>Новости</title></head>'
        "<body><p>Москва - столица России. Это большой город.</p></body></html>"
    )
    assert decode(page.encode("cp1251"), html=True) == page


def test_invalid_utf8_bytes_do_not_crash(articles: Callable[..., Path]) -> None:
    data = "Café “ok” and naïve. ".encode() * 3 + b"\xff\xfe\xc3(" + " Déjà vu.\nSecond line.\n".encode()
    doc = one_doc(articles({"bad.txt": data}) / "bad.txt")
    assert "Café “ok” and naïve." in doc.text  # still read as UTF-8, not as mojibake
    assert "Déjà vu." in doc.text
    assert "Ã" not in doc.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_any_bytes_give_a_document_or_a_warning(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "any.txt"
    path.write_bytes(data)
    docs, warnings = ingest([str(path)], BIG)
    assert len(docs) + len(warnings) == 1
    for warning in warnings:
        assert_one_line(warning)
    for doc in docs:
        assert doc.text == clean_text(doc.text)
        assert doc.text.strip()
        assert doc.title == one_line(doc.title)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
)
def test_text_file_document_is_its_content_without_controls(tmp_path: Path, text: str) -> None:
    # (NUL is left out: text with a NUL in every other byte reads as UTF-16 without a BOM.)
    path = tmp_path / "any.txt"
    path.write_bytes(text.encode("utf-8"))
    docs, warnings = ingest([str(path)], BIG)
    if docs:
        assert docs[0].text == clean_text(text)
    else:
        assert not clean_text(text).strip() or "binary content" in warnings[0]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_utf8_text_round_trips(text: str) -> None:
    data = text.encode("utf-8", errors="surrogatepass")
    try:
        decoded = decode(data)
    except InputError:
        return  # mostly controls: refused as binary, never a crash
    assert decoded == text


# --- binary files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        PNG,
        os.urandom(4096),
        bytes(range(256)) * 8,
        b"\x1f\x8b\x08\x00" + os.urandom(500),  # gzip
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + os.urandom(300),  # zip, docx, epub
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100,
        codecs.BOM_UTF16_LE + os.urandom(2000),  # a BOM in front of noise
        codecs.BOM_UTF8 + b"\x00\x01\x02\x03\x04\x05" * 50,
        b"Looks like text at first\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04",
    ],
    ids=["png", "random", "all-bytes", "gzip", "pdf", "zip", "elf", "bom-noise", "bom-controls", "nul-run"],
)
def test_binary_rejected(articles: Callable[..., Path], data: bytes) -> None:
    warning = one_warning(articles({"article.txt": data}) / "article.txt")
    assert warning.endswith("article.txt: binary content, not text")


def test_text_with_a_stray_nul_or_colour_codes_is_text(articles: Callable[..., Path]) -> None:
    coloured = "\x1b[1mStorm closes harbour\x1b[0m\n\nThe \x1b[31mharbour\x1b[0m closed on Monday.\x00\n"
    doc = one_doc(articles({"a.txt": coloured}) / "a.txt")
    assert doc.text == "Storm closes harbour\n\nThe harbour closed on Monday.\n"
    assert doc.title == "Storm closes harbour"


# --- Document.text: what citation offsets index ------------------------------------------


def test_text_is_the_file_content(articles: Callable[..., Path]) -> None:
    content = "Title line\r\n\r\nFirst paragraph.\tTabbed.\r\nSecond paragraph —  “spaced”.\n\n\n"
    doc = one_doc(articles({"a.txt": content.encode("utf-8")}) / "a.txt")
    assert doc.text == content


def test_text_is_the_file_content_without_controls(articles: Callable[..., Path]) -> None:
    content = (
        "Hack\x1b]0;pwned\x07ed title\n\n"
        "See \x1b]8;;http://evil.example/\x1b\\this\x1b]8;;\x1b\\ link."
        "\x1b[2J Cleared \u202eeman\u202c. Bell\x07 and \x9b31m C1.\n"
    )
    doc = one_doc(articles({"a.txt": content}) / "a.txt")
    assert doc.text == clean_text(content)
    assert doc.text == "Hacked title\n\nSee this link. Cleared eman. Bell and  C1.\n"
    assert doc.title == "Hacked title"


def test_seed_texts_equal_their_files() -> None:
    docs, warnings = ingest([str(SEEDS)], BIG)
    assert warnings == []
    for doc in docs:
        assert doc.text == Path(doc.origin).read_text(encoding="utf-8")


# --- titles, dates, sources -------------------------------------------------------------


def _parse(text: str):
    return ingest_module.parse_text(text, "x.txt", "d1")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Storm closes harbour\nBody text here.", "Storm closes harbour"),
        ("\n\n   Storm closes harbour  \n\nBody.", "Storm closes harbour"),
        ("# Storm closes harbour\n\nBody.", "Storm closes harbour"),
        ("## Storm closes harbour ##\n\nBody.", "Storm closes harbour"),
        ("#1 seed wins the final\n\nBody.", "#1 seed wins the final"),
        ("---\n\nStorm closes harbour\n\nBody.", "Storm closes harbour"),
        ("Saturday, January 8, 2005\n\nStorm closes harbour\n\nBody.", "Storm closes harbour"),
        ("Title with \x1b[31mcolour\x1b[0m\nBody.", "Title with colour"),
    ],
)
def test_title(text: str, title: str) -> None:
    assert _parse(text).title == title


def test_title_date_prefix() -> None:
    doc = _parse("2005/01/08 Tsunami aid donations in 2005 deductible for 2004 in the U.S.\n\nBody text.")
    assert doc.title == "Tsunami aid donations in 2005 deductible for 2004 in the U.S."
    assert doc.published == "2005-01-08"
    alone = _parse("2005-01-08\nStorm closes harbour\n\nBody text.")
    assert (alone.title, alone.published) == ("Storm closes harbour", "2005-01-08")
    invalid = _parse("2005/13/45 Not a date\n\nBody text.")
    assert (invalid.title, invalid.published) == ("2005/13/45 Not a date", None)


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Saturday, January 8, 2005", "2005-01-08"),
        ("January 8, 2005", "2005-01-08"),
        ("friday, december 31, 2004", "2004-12-31"),
        ("Monday 3 March 2008", "2008-03-03"),
        ("Sept. 11, 2001", "2001-09-11"),
        ("February 30, 2005", None),  # not a real day
    ],
)
def test_date_line(line: str, iso: str | None) -> None:
    doc = _parse(f"Storm closes harbour\n\n{line}\n\nThe harbour closed on Monday.")
    assert doc.published == iso
    assert doc.title == "Storm closes harbour"


def test_date_line_only_in_first_lines() -> None:
    body = "\n".join(f"Paragraph {i} of the article." for i in range(10))
    assert _parse(f"Title\n{body}\nSaturday, January 8, 2005\n").published is None


def test_single_line_article_title() -> None:
    words = [f"word{i}" for i in range(40)]
    doc = _parse(" ".join(words) + ".\n")
    assert doc.title == " ".join(words[:16]) + "…"
    # A long first line before more paragraphs is a paragraph too.
    assert _parse(" ".join(words) + ".\n\nSecond paragraph.").title.endswith("…")
    # A short single line is its own title.
    assert _parse("Storm closes the harbour on Monday.").title == "Storm closes the harbour on Monday."
    # 18 words on one line: cut; 18 words then more lines: a long headline, kept.
    eighteen = " ".join(words[:18])
    assert _parse(eighteen).title == " ".join(words[:16]) + "…"
    assert _parse(eighteen + "\n\nBody.").title == eighteen


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Title\n\nTEHRAN (Iran News) – Accusations by the United States are unfounded.", "Iran News"),
        ("Title\n\nWASHINGTON (AP) — The Senate voted on Tuesday.", "AP"),
        ("Title\n\nLONDON, Jan. 5 (Reuters) - Shares rose on Monday.", "Reuters"),
        (
            "Title\n\nBody.\n\nAll Content by Mehr News Agency is licensed under a Creative Commons "
            "Attribution 4.0 International License.",
            "Mehr News Agency",
        ),
        ("Title\n\nU.S. (and allies) - talks resume.", None),
        ("Title\n\nJust prose with (parentheses) - and a dash.", None),
    ],
)
def test_source(text: str, source: str | None) -> None:
    assert _parse(text).source == source


def test_seed_metadata() -> None:
    docs = {Path(d.origin).name: d for d in ingest([str(SEEDS)], BIG)[0]}
    first = docs["000_48ebe642a7be89b3.txt"]
    assert first.title == "Russia denounces “false flag” allegations"
    assert first.source == "Iran News"
    single = docs["001_1b9c847b0c5aab15.txt"]
    assert single.source == "Mehr News Agency"
    assert single.title.endswith("…") and len(single.title.split()) == 16


def test_multiling_metadata() -> None:
    doc = one_doc(CORPUS / "multiling2011" / "M000" / "M0000.txt")
    assert doc.title == "Tsunami aid donations in 2005 deductible for 2004 in the U.S."
    assert doc.published == "2005-01-08"
    other = one_doc(CORPUS / "multiling2011" / "M000" / "M0001.txt")
    assert other.title == "Aid pledges rise; Japan promises 500,000,000 USD"
    assert other.published == "2005-01-01"


# --- HTML -------------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_html_article(no_network: None) -> None:
    doc = one_doc(HTML_DATA / "article.html")
    assert doc.kind == "extracted"
    assert doc.title == "Flood waters recede in Riverton"
    assert doc.source == "The Valley Herald"
    assert doc.published == "2024-03-14"
    assert doc.url == "https://valleyherald.example/news/2024/03/flood-recedes"
    for paragraph in (
        "Flood waters in Riverton began to recede on Thursday",
        "The mayor said crews would start clearing debris",
        "Emergency services reported no serious injuries",
        "Forecasters expect drier weather over the weekend",
    ):
        assert paragraph in doc.text
    for boilerplate in (
        "Sport results",
        "Weather desk",
        "Subscribe today",
        "Privacy policy",
        "Cookie settings",
        "All rights reserved",
        "Local bakery",
        "window.analytics",
        "display: flex",
        "<",
    ):
        assert boilerplate not in doc.text
    assert doc.text == clean_text(doc.text)


def test_html_without_metadata(no_network: None) -> None:
    doc = one_doc(HTML_DATA / "plain.htm")
    assert doc.title == "Council approves new library budget"
    assert "The city council voted seven to two" in doc.text
    assert "Opponents argued that the increase" in doc.text
    for boilerplate in ("Front page", "Politics section", "Terms of service", "Advertise"):
        assert boilerplate not in doc.text
    # No date, outlet or URL in the page: none is guessed (not the copyright year either).
    assert (doc.published, doc.source, doc.url) == (None, None, None)


def test_xhtml_with_xml_declaration_and_relative_canonical(no_network: None) -> None:
    doc = one_doc(HTML_DATA / "page.xhtml")
    assert doc.title == "Harbour reopens after storm"
    assert "Ferry services to the islands resumed at noon" in doc.text
    assert doc.url is None  # "/news/harbour" is not an absolute URL


def test_html_in_cp1252(no_network: None) -> None:
    doc = one_doc(HTML_DATA / "cp1252.html")
    assert doc.title == "Café owners “delighted” by new square"
    assert "since the opening — “more than we dared to hope,” said Renée Dubois" in doc.text
    assert "Accueil" not in doc.text and "Site map" not in doc.text


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="og:title" content="Bridge reopens after repairs"><title>Site home</title>',
        "<title>Bridge reopens after repairs</title>",
        "",
    ],  # no metadata: the <h1>
    ids=["og-title", "title", "h1"],
)
def test_html_title_sources(articles: Callable[..., Path], no_network: None, head: str) -> None:
    page = (
        f"<html><head>{head}</head><body><article><h1>Bridge reopens after repairs</h1>"
        "<p>The old bridge reopened on Monday after six months of repairs that cost the county more "
        "than two million dollars.</p><p>Commuters said the return of the shortcut would save them "
        "twenty minutes each morning.</p></article></body></html>"
    )
    doc = one_doc(articles({"p.html": page}) / "p.html")
    assert doc.title == "Bridge reopens after repairs"
    assert "Commuters said the return of the shortcut" in doc.text


def test_html_fragment(articles: Callable[..., Path], no_network: None) -> None:
    doc = one_doc(articles({"f.htm": "<h2>Storm</h2><p>" + ARTICLE + "</p>"}) / "f.htm")
    assert "The harbour closed on Monday" in doc.text
    assert "<" not in doc.text


def test_html_folder_order_and_ids(no_network: None) -> None:
    docs, warnings = ingest([str(HTML_DATA)], BIG)
    assert warnings == []
    assert [Path(d.origin).name for d in docs] == ["article.html", "cp1252.html", "page.xhtml", "plain.htm"]


def test_html_with_hostile_metadata(articles: Callable[..., Path], no_network: None) -> None:
    page = (
        "<html><head><title>Bad\x1b]0;pwned\x07 \u202etitle</title>"
        '<meta property="og:site_name" content="Site\x1b[2J name">'
        '<link rel="canonical" href="javascript:alert(1)"></head><body><article>'
        "<p>The harbour reopened to shipping on Monday after engineers confirmed that the breakwater "
        "had survived the storm.\x1b[2J It was \x9b31mgood news.</p></article></body></html>"
    )
    doc = one_doc(articles({"p.html": page}) / "p.html")
    assert "\x1b" not in doc.title + doc.text + (doc.source or "")
    assert doc.title.isprintable() and (doc.source or "").isprintable()
    assert doc.url is None
    assert doc.text == clean_text(doc.text)


def test_html_without_article_text(articles: Callable[..., Path], no_network: None) -> None:
    folder = articles(
        {
            "empty.html": "<html><head><title>Nothing</title></head><body></body></html>",
            "script.htm": "<html><body><script>var article = 'not text';</script></body></html>",
        }
    )
    docs, warnings = ingest([str(folder)], BIG)
    assert docs == []
    assert len(warnings) == 2
    for warning in warnings:
        assert "no article text" in warning
        assert_one_line(warning)


# --- bad input: each a one-line warning, the good documents still read --------------------


def test_bad_inputs_are_warnings_and_good_ones_still_read(articles: Callable[..., Path]) -> None:
    folder = articles(
        {
            "good.txt": ARTICLE,
            "empty.txt": b"",
            "blank.txt": b"  \n\t\r\n  \n",
            "binary.txt": PNG,
            "big.txt": "x" * 5000,
            "also-good.md": ARTICLE,
            "only-readme/README.md": ARTICLE,
        }
    )
    os.mkfifo(folder / "fifo.txt")
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "broken.txt").symlink_to("nowhere.txt")
    inputs = [
        str(folder),
        str(folder / "missing.txt"),
        str(folder / "fifo.txt"),
        str(folder / "loop.txt"),
        str(folder / "only-readme"),
    ]
    docs, warnings = ingest(inputs, 1000)
    assert [Path(d.origin).name for d in docs] == ["also-good.md", "good.txt"]
    for warning in warnings:
        assert_one_line(warning)
    expected = {
        "broken.txt": "broken symbolic link",
        "fifo.txt": "not a regular file",
        "loop.txt": "symbolic link loop",
        "missing.txt": "no such file or directory",
        "only-readme": "no articles in this directory",
        "big.txt": "larger than the 1000 bytes limit, skipped",
        "binary.txt": "binary content, not text",
        "blank.txt": "empty (only whitespace), nothing to read",
        "empty.txt": "empty file, nothing to read",
    }
    for name, reason in expected.items():
        assert any(w == f"{folder / name}: {reason}" for w in warnings), (name, warnings)
    # The FIFO and the link loop: once found in the folder, once named on the command line.
    assert len(warnings) == len(expected) + 2


def test_size_cap(articles: Callable[..., Path]) -> None:
    folder = articles({"a.txt": ARTICLE})
    size = len(ARTICLE.encode())
    assert one_doc(folder / "a.txt", max_bytes=size).text == ARTICLE
    assert "larger than the" in one_warning(folder / "a.txt", max_bytes=size - 1)
    assert ingest_module._size(10 * 1024 * 1024) == "10 MB"
    assert ingest_module._size(1536) == "1.5 KB"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads a chmod 000 file")
def test_unreadable_file(articles: Callable[..., Path]) -> None:
    folder = articles({"secret.txt": ARTICLE})
    (folder / "secret.txt").chmod(0)
    try:
        warning = one_warning(folder / "secret.txt")
    finally:
        (folder / "secret.txt").chmod(0o644)
    assert warning == f"{folder / 'secret.txt'}: cannot read (Permission denied)"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads a chmod 000 folder")
def test_unreadable_folder(articles: Callable[..., Path]) -> None:
    folder = articles({"ok.txt": ARTICLE, "locked/secret.txt": ARTICLE})
    (folder / "locked").chmod(0)
    try:
        docs, warnings = ingest([str(folder)], BIG)
    finally:
        (folder / "locked").chmod(0o755)
    assert [Path(d.origin).name for d in docs] == ["ok.txt"]
    assert warnings == [f"{folder / 'locked'}: cannot read directory (Permission denied)"]


def test_unreadable_file_simulated(articles: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # Works as root too: the open itself fails with EACCES.
    folder = articles({"secret.txt": ARTICLE, "ok.txt": ARTICLE})
    real_open = os.open

    def deny(path: str, *args: object, **kwargs: object) -> int:
        if str(path).endswith("secret.txt"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    docs, warnings = ingest([str(folder)], BIG)
    assert [Path(d.origin).name for d in docs] == ["ok.txt"]
    assert warnings == [f"{folder / 'secret.txt'}: cannot read (Permission denied)"]


def test_reading_something_that_is_not_a_file(tmp_path: Path) -> None:
    # A file replaced by a folder or a FIFO between discovery and reading.
    (tmp_path / "dir.txt").mkdir()
    os.mkfifo(tmp_path / "fifo.txt")
    for name in ("dir.txt", "fifo.txt"):
        with pytest.raises(InputError) as info:
            read(RawInput(str(tmp_path / name), ".txt"), "d1", BIG)
        assert str(info.value).startswith(f"{tmp_path / name}: ")
        assert_one_line(str(info.value))


def test_empty_path_is_not_the_current_folder() -> None:
    docs, warnings = ingest([""], BIG)
    assert docs == [] and warnings == ["'': empty path"]


@pytest.mark.parametrize(
    "name",
    [
        "evil\x1b[2J\x1b]0;pwned\x07.txt",
        "two\nlines.txt",
        "bidi\u202etxt.md",
        "c1\x9bname.txt",
        "tab\tname.txt",
    ],
)
def test_hostile_file_names_shown_escaped(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_bytes(b"")
    docs, warnings = ingest([str(folder)], BIG)
    assert docs == []
    assert len(warnings) == 1
    assert_one_line(warnings[0])
    shown = name.encode("unicode_escape").decode("ascii") if name.isascii() else None
    if shown:
        assert shown in warnings[0]
    missing = one_warning(folder / ("missing-" + name))
    assert missing.endswith(": no such file or directory")


def test_non_utf8_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (Path(os.fsdecode(bytes(folder) + b"/caf\xe9.txt"))).write_bytes(b"")
    docs, warnings = ingest([str(folder)], BIG)
    assert warnings == [f"{folder}/caf\\xe9.txt: empty file, nothing to read"]
    assert_one_line(warnings[0])
