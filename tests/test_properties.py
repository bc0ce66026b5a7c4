"""Property tests: objects round-trip through text, and any text either round-trips or fails
with a DigestSyntaxError inside it. Longer runs: HYPOTHESIS_PROFILE=fuzz."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, note
from hypothesis import strategies as st

from arxiv_digest import (
    Digest,
    DigestSyntaxError,
    Paper,
    iter_papers,
    parse_digest,
    parse_paper,
    serialize_digest,
    serialize_paper,
)
from arxiv_digest.jsondata import digest_from_dict, digest_to_dict
from arxiv_digest.strategies import digest_texts, digests, papers
from tests.conftest import CORPUS_FILES


@given(digests())
def test_every_valid_digest_round_trips(digest: Digest) -> None:
    text = serialize_digest(digest)
    assert parse_digest(text) == digest
    assert serialize_digest(parse_digest(text)) == text


@given(digests())
def test_every_valid_digest_round_trips_through_json(digest: Digest) -> None:
    assert json_round_trip(digest) == digest


@given(papers())
def test_every_valid_paper_round_trips(paper: Paper) -> None:
    assert parse_paper(serialize_paper(paper)) == paper


@given(digests(), st.sampled_from(["a.md", "deep/dir/b.md"]))
def test_iter_papers_reads_what_parse_digest_reads(digest: Digest, name: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(serialize_digest(digest).encode("utf-8"))
        assert tuple(iter_papers(path)) == digest.papers


def json_round_trip(digest: Digest) -> Digest:
    """A digest through the lossless JSON line of to-json and back, as from-json reads it."""
    import orjson

    line = orjson.dumps(digest_to_dict(digest, "a.md"))
    path, back = digest_from_dict(orjson.loads(line))
    assert path == "a.md"
    return back


def check_text(text: str) -> None:
    """The text property: parse, then either the same text back or a located syntax error.

    Text that parses also goes to JSON and back to the same bytes (an empty primary,
    ``****``, once broke that).
    """
    try:
        digest = parse_digest(text)
    except DigestSyntaxError as error:
        lines = text.split("\n")
        note(str(error))
        assert 1 <= error.line <= len(lines)
        assert 1 <= error.column <= len(lines[error.line - 1]) + 1
        assert str(error).startswith(f"<string>:{error.line}:{error.column}: ")
        lenient_text_property(text)
    else:
        assert serialize_digest(digest) == text
        # Versions have at most nine digits: every parsed text goes through.
        assert serialize_digest(json_round_trip(digest)) == text


def lenient_text_property(text: str) -> None:
    """A lenient parse keeps broken blocks verbatim: the text comes back the same."""
    try:
        digest = parse_digest(text, strict=False)
    except DigestSyntaxError:
        return  # the header itself is broken: nothing to keep
    assert serialize_digest(digest) == text
    for block in digest.broken:
        assert block.text.replace("\n", digest.newline) in text


@given(digest_texts())
def test_text_from_the_grammar(text: str) -> None:
    check_text(text)


SMALL_FILES = sorted(CORPUS_FILES, key=lambda p: p.stat().st_size)[:12]


@st.composite
def mutated_real_files(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SMALL_FILES)).read_text(encoding="utf-8")
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        kind = draw(
            st.sampled_from(["delete", "duplicate", "swap", "replace", "insert", "truncate"])
        )
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        text = "\n".join(lines)
        if kind in ("replace", "insert", "truncate") and text:
            at = draw(st.integers(0, len(text) - 1))
            char = draw(
                st.one_of(
                    st.sampled_from("\n\r #*-:  ,()0\x00\u2028"),
                    st.characters(codec="utf-8"),
                )
            )
            if kind == "replace":
                text = text[:at] + char + text[at + 1 :]
            elif kind == "insert":
                text = text[:at] + char + text[at:]
            else:
                text = text[:at]
    return text


@given(mutated_real_files())
def test_mutated_real_files(text: str) -> None:
    check_text(text)
