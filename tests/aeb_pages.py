"""The 181 pages of ../shared/data/aeb as digest reads them, once per test session.

For each page: the Document, its candidate sentences and what a build of that page alone
(``--clusters 1``) picks; read in two worker processes. Tests skip when the pages are missing.
"""

from __future__ import annotations

import gzip
import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from digest.models import Document

AEB = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "aeb"


@dataclass(frozen=True)
class Page:
    key: str
    html: str
    document: Document
    candidates: tuple[str, ...]
    picks: tuple[str, ...]


def _read(key: str) -> Page:
    from digest.pipeline import NothingToSummarize, build_from_documents
    from digest.settings import Settings
    from digest.stages.ingest import RawInput, parse
    from digest.stages.segment import segment

    data = gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes())
    document = parse(RawInput(f"{key}.html", ".html"), data, "d1")
    candidates = tuple(s.text for s in segment(document) if s.candidate)
    try:
        digest = build_from_documents([document], Settings(clusters="1"), [], lambda *a: None)
        picks = tuple(p.candidate.text for story in digest.stories for p in story.sentences)
    except NothingToSummarize:
        picks = ()
    return Page(key, data.decode("utf-8", errors="replace"), document, candidates, picks)


@lru_cache(maxsize=1)
def _pages() -> tuple[Page, ...]:
    keys = list(json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8")))
    with ProcessPoolExecutor(2) as pool:
        return tuple(pool.map(_read, keys, chunksize=4))


def pages() -> tuple[Page, ...]:
    """Every page read (skips the calling test without ../shared/data/aeb)."""
    if not (AEB / "ground-truth.json").is_file():
        pytest.skip("../shared/data/aeb is missing")
    return _pages()
