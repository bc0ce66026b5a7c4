"""Every reader of a digest, in every configuration of the one driver, on real files and on the
error catalogue: the harness style of lark's ``_TO_TEST`` and LibCST's ``validate_node``.

A configuration is how the driver is run: the fast path on (one Lark call per chunk) or off
(the line rules read every block), a file read in chunks of 64 kB, of 3,000 bytes or of one
byte. Whatever the configuration, each reader (``parse_digest`` strict and lenient,
``iter_papers``, ``stream_digest``, ``iter_blocks``, ``check_file`` whole and by chunks) must
give what it gives in the default one, and that must be right (:func:`validate`): a valid
file round-trips and every reader reads the same papers; a broken one fails at the same line
and column in every reader, the lenient parse keeps it verbatim, and ``check`` reports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given

import arxiv_digest._parser
from arxiv_digest import (
    DigestSyntaxError,
    iter_papers,
    parse_digest,
    parse_paper,
    serialize_digest,
    serialize_paper,
)
from arxiv_digest.checks import check_file
from arxiv_digest.parser import iter_blocks, stream_digest
from arxiv_digest.strategies import digest_texts
from tests.conftest import CORPUS, CORPUS_FILES, TEXT
from tests.test_checks import VARIANTS, nth_block, swapped
from tests.test_errors import CASES

DAILY = sorted((CORPUS.parent / "dailypapers").rglob("2*.md"))

#: configuration -> (fast path on, bytes read at a time)
CONFIGURATIONS: dict[str, tuple[bool, int]] = {
    "fast, 64 kB chunks": (True, 1 << 16),
    "fast, 3000-byte chunks": (True, 3000),
    "fast, 1-byte chunks": (True, 1),
    "line rules, 64 kB chunks": (False, 1 << 16),
    "line rules, 3000-byte chunks": (False, 3000),
}

#: The error catalogue: broken (and rule-breaking) variants of a real file.
CATALOGUE: dict[str, str] = {
    **VARIANTS,
    **{f"error {n}: {case[3]}": TEXT.replace(*case[0], 1) for n, case in enumerate(CASES)},
    "30 February": TEXT.replace("2023-03-11 01:10:26+00:00", "2023-02-30 01:10:26+00:00", 1),
    "two bold terms": TEXT.replace("**cs.CV**, cs.AI", "**cs.CV**, **cs.AI**", 1),
    "no final newline": TEXT[:-1],
    "mangled first title": TEXT.replace("\n### ", "\n## ", 1),
    "block lacks an empty line": TEXT.replace("\n\n\n\n### ", "\n\n\n### ", 1),
    "block cut short": TEXT.replace("\n### ", "\n### T\n### ", 1),
    "every problem at once": (swapped(TEXT) + nth_block(TEXT, 5))
    .replace("- **DOI**: None\n", "", 3)
    .replace("Bounding Box", "Bounding\r\nBox"),
    "not UTF-8 early": "",  # written as bytes below
    "not UTF-8 late": "",
}


def data_of(name: str) -> bytes:
    if name.startswith("not UTF-8"):
        data = TEXT.encode("utf-8")
        at = 60 if name.endswith("early") else 4000
        return data[:at] + b"\xff" + data[at:]
    return CATALOGUE[name].encode("utf-8")


def configure(monkeypatch: pytest.MonkeyPatch, configuration: str) -> None:
    fast, chunk = CONFIGURATIONS[configuration]
    monkeypatch.setattr(arxiv_digest._parser, "CHUNK_BYTES", chunk)
    if not fast:
        monkeypatch.setattr(arxiv_digest._parser, "_fast", lambda *_: None)


def outcome(read: Callable[[], Iterator[Any]]) -> tuple[list[Any], str]:
    """What a reader yields before it stops, and the error it stops with ("" if none)."""
    done = []
    try:
        for item in read():
            done.append(item)
    except DigestSyntaxError as error:
        return done, str(error)
    return done, ""


def readings(path: Path) -> dict[str, Any]:
    """What each reader gives for the file at ``path``."""

    def strict() -> Iterator[Any]:
        digest = parse_digest(path)
        yield digest.category, digest.date, digest.newline
        yield from digest.papers

    def lenient() -> Iterator[Any]:
        digest = parse_digest(path, strict=False)
        yield from digest.papers
        yield from ((b.index, b.text, str(b.error)) for b in digest.broken)
        yield serialize_digest(digest)

    def streamed() -> Iterator[Any]:
        head, papers = stream_digest(path)
        yield head
        yield from papers

    def blocks() -> Iterator[Any]:
        with open(path, "rb") as file:
            yield from iter_blocks(file, str(path))

    return {
        "parse_digest": outcome(strict),
        "lenient": outcome(lenient),
        "iter_papers": outcome(lambda: iter_papers(path)),
        "stream_digest": outcome(streamed),
        "iter_blocks": outcome(blocks),
        "check_file": [f.text() for f in check_file(path, stream=False)],
        "check_file by chunks": [f.text() for f in check_file(path, stream=True)],
    }


def location(error: str) -> str:
    """``line:column`` of a rendered error or finding, ``path:line:column: ...``."""
    return ":".join(error.split(": ", 1)[0].rsplit(":", 2)[1:])


def validate(data: bytes, found: dict[str, Any]) -> None:
    """What must hold of every reader's result for the bytes ``data`` of a file."""
    papers, error = found["parse_digest"]
    assert found["check_file by chunks"] == found["check_file"]
    lenient, lenient_error = found["lenient"]
    if not error:  # valid: every reader reads the same papers, and the text comes back
        text = data.decode("utf-8")
        assert lenient[-1] == text
        assert found["iter_papers"] == (papers[1:], "")
        assert found["stream_digest"][0][1:] == papers[1:]
        assert b"".join(raw for _, raw, _ in found["iter_blocks"][0]) == data
        lines = [line for line, _, _ in found["iter_blocks"][0]]
        starts = [n + 1 for n, line in enumerate(text.split("\n")) if line.startswith("### ")]
        assert lines == [1, *starts]
        assert not any(" AD001 " in finding for finding in found["check_file"])
        for paper in papers[1:4]:
            assert attrs.evolve(paper) == paper  # the validators the parser skips pass
        return
    first_line = error.split("\n")[0]
    assert any(f.replace(" AD001 ", " ", 1) == first_line for f in found["check_file"])
    if not lenient_error:  # a lenient parse keeps the broken block, verbatim, with its error
        assert lenient[-1] == data.decode("utf-8")
        assert any(isinstance(b, tuple) and b[2] == error for b in lenient[:-1])
    else:
        assert lenient_error == error
    # Read a chunk at a time, a file does not say the byte offset of a bad byte after its start.
    whole = re.sub(" at byte offset [0-9]+", "", first_line)
    for reader in ("iter_papers", "stream_digest", "iter_blocks"):
        stopped = found[reader][1].split("\n")[0]
        assert stopped in (first_line, whole), reader


def write(tmp_path: Path, data: bytes, name: str = "cs.CV/2023/03/20230311.md") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def read_in_every_configuration(path: Path, configurations: list[str]) -> None:
    """Validate what the readers give in the default configuration; the others give the same."""
    expected = readings(path)
    validate(path.read_bytes(), expected)
    for configuration in configurations:
        with pytest.MonkeyPatch.context() as monkeypatch:
            configure(monkeypatch, configuration)
            assert readings(path) == expected, configuration


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_the_catalogue_reads_the_same_in_every_configuration(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, data_of(name))
    read_in_every_configuration(path, list(CONFIGURATIONS)[1:])
    # Under a name whose date and folders the header contradicts: AD101 and AD102 at line 1.
    elsewhere = write(tmp_path, data_of(name), "cs.CV/2023/04/20230312.md")
    assert list(check_file(elsewhere, stream=True)) == check_file(elsewhere, stream=False)


REAL = [*CORPUS_FILES, *DAILY]
#: Valid files in both line endings: a CRLF copy of some real files.
CRLF = CORPUS_FILES[::10]


@pytest.mark.parametrize("path", REAL, ids=lambda p: str(p.relative_to(CORPUS.parent)))
def test_every_real_file_reads_the_same_in_every_configuration(path: Path) -> None:
    # A byte at a time, only the catalogue: the corpus would take minutes.
    read_in_every_configuration(path, [c for c in CONFIGURATIONS if "1-byte" not in c][1:])
    digest = parse_digest(path)
    assert digest.date.strftime("%Y%m%d") == path.stem
    assert len(digest.papers) == path.read_bytes().count(b"\n### ")


@pytest.mark.parametrize("path", CRLF, ids=lambda p: p.name)
def test_crlf_copies_read_the_same_in_every_configuration(tmp_path: Path, path: Path) -> None:
    copy = write(tmp_path, path.read_bytes().replace(b"\n", b"\r\n"))
    read_in_every_configuration(copy, list(CONFIGURATIONS)[1:])
    digest = parse_digest(copy)
    assert digest.newline == "\r\n"
    assert digest.papers == parse_digest(path).papers


def test_the_corpus_is_all_there() -> None:
    assert len(CORPUS_FILES) == 95
    assert len(DAILY) == 15
    assert "TTXS123OK/CVPapers" in (CORPUS / "README.md").read_text(encoding="utf-8")


def line_rules(text: str, strict: bool) -> object:
    """``parse_digest(text)`` with the fast path off: its result, or its error."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        configure(monkeypatch, "line rules, 64 kB chunks")
        try:
            return parse_digest(text, strict=strict)
        except DigestSyntaxError as error:
            return str(error)


@given(digest_texts())
def test_the_fast_path_reads_what_the_line_rules_read_on_grammar_drawn_text(text: str) -> None:
    """Text drawn from the grammar's own terminals, and the values Python refuses (a 30
    February, a second bold term): the fast path gives what the line rules give."""
    for strict in (True, False):
        try:
            fast: object = parse_digest(text, strict=strict)
        except DigestSyntaxError as error:
            fast = str(error)
        assert fast == line_rules(text, strict)


def test_parse_paper_takes_one_block_only() -> None:
    first = TEXT.index("### ")
    second = TEXT.index("\n### ", first) + 1
    third = TEXT.index("\n### ", second) + 1
    assert parse_paper(TEXT[first:second]) == parse_digest(TEXT).papers[0]
    assert serialize_paper(parse_paper(TEXT[first:second])) == TEXT[first:second]
    with pytest.raises(DigestSyntaxError) as two:
        parse_paper(TEXT[first:third])
    assert two.value.line == TEXT.count("\n", first, second) + 1
    assert two.value.message == "expected the end of the block, found the title line"


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
