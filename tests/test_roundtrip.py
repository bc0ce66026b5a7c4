"""Every real file parses and serializes back to the same bytes, LF and CRLF alike."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from arxiv_digest import iter_papers, parse_digest, serialize_digest
from tests.conftest import CORPUS, CORPUS_FILES

IDS = [str(p.relative_to(CORPUS)) for p in CORPUS_FILES]


def test_the_corpus_is_all_there() -> None:
    assert len(CORPUS_FILES) == 95
    assert "TTXS123OK/CVPapers" in (CORPUS / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", CORPUS_FILES, ids=IDS)
def test_real_file_round_trips(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    digest = parse_digest(path)
    assert serialize_digest(digest) == text
    assert digest.newline == "\n"
    assert digest.date.strftime("%Y%m%d") == path.stem
    assert len(digest.papers) == text.count("\n### ")


@pytest.mark.parametrize("path", CORPUS_FILES, ids=IDS)
def test_crlf_copy_round_trips(path: Path, tmp_path: Path) -> None:
    crlf = path.read_bytes().decode("utf-8").replace("\n", "\r\n")
    copy = tmp_path / path.name
    copy.write_bytes(crlf.encode("utf-8"))
    digest = parse_digest(copy)
    assert digest.newline == "\r\n"
    assert serialize_digest(digest) == crlf
    assert digest.papers == parse_digest(path).papers
    assert list(iter_papers(copy)) == list(digest.papers)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=IDS)
def test_parsed_papers_pass_the_validators(path: Path) -> None:
    # The parser builds papers without running validators; they must pass them anyway.
    for paper in parse_digest(path).papers:
        assert attrs.evolve(paper) == paper


@pytest.mark.parametrize("path", CORPUS_FILES, ids=IDS)
def test_iter_papers_matches_parse_digest(path: Path) -> None:
    assert list(iter_papers(path)) == list(parse_digest(path).papers)


def test_real_quirks_are_read_as_values() -> None:
    papers = [p for path in CORPUS_FILES for p in parse_digest(path).papers]
    wrapped = [p for p in papers if any("\n  " in t for t in p.categories)]
    assert wrapped, "the corpus has wrapped category lines"
    assert all(p.primary_category == p.categories[0] for p in papers)
    # The primary repeated later without bold: two real papers, kept as Paper.unbolded.
    assert [p.unbolded for p in papers if p.unbolded] == [(6,), (2,)]
    old = [p for p in papers if "/" in p.arxiv_id]
    assert old and all(p.entry_id.startswith("http://arxiv.org/abs/") for p in old)
    assert any(p.pdf_url and p.pdf_url.startswith("https://") for p in papers)
    assert any(p.comment and "\n  " in p.comment for p in papers)
    assert any(p.journal_ref and "\n  " in p.journal_ref for p in papers)
    assert all(p.published.utcoffset() is not None for p in papers)
