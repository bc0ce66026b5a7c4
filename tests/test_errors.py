"""Syntax errors: where they point, what they say, and lenient parses that keep going."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from arxiv_digest import (
    DigestError,
    DigestSyntaxError,
    iter_papers,
    parse_digest,
    parse_paper,
    serialize_digest,
)
from tests.conftest import REAL, TEXT

FIRST_ID = "http://arxiv.org/abs/2303.06250v1"


def error_of(text: str, **options: object) -> DigestSyntaxError:
    with pytest.raises(DigestSyntaxError) as caught:
        parse_digest(text, path="day.md", **options)  # type: ignore[arg-type]
    return caught.value


# (mutation of the real file, line, column, start of message, expected)
CASES = [
    (
        ("2023-03-11 00:11:30", "2023-03-11 00:1x:30"),
        7,
        33,
        "invalid Published value",
        ("Published line",),
    ),
    (
        ("- **DOI**: None\n", ""),
        4,
        1,
        "expected the DOI line, found the Categories line",
        ("DOI line",),
    ),
    (("on 2023-03-11", "on 2023-02-30"), 1, 28, "invalid date '2023-02-30'", ()),
    ((FIRST_ID, FIRST_ID[:-2]), 3, 48, "invalid Arxiv ID value", ("Arxiv ID line",)),
    (
        ("- **Summary**: In recent", "- **Summary**: x\n- **Extra**: y"),
        14,
        1,
        "expected three empty lines",
        ("three empty lines after the summary",),
    ),
    (
        ("[PDF](http://arxiv.org/pdf/2303.06250v1)", "[PDF](http://arxiv.org/pdf/2303.06250v1"),
        6,
        53,
        "invalid Links value",
        ("Links line",),
    ),
    (
        ("- **Authors**: Wesley", "- **Author**: Wesley"),
        9,
        11,
        "expected the Authors line",
        ("Authors line",),
    ),
    (
        ("2023-03-11 00:11:30+00:00", "2023-03-11 00:11:30-00:00"),
        7,
        42,
        "invalid Published value",
        ("Published line",),
    ),
]


@pytest.mark.parametrize(("change", "line", "column", "message", "expected"), CASES)
def test_error_points_at_the_character(
    change: tuple[str, str], line: int, column: int, message: str, expected: tuple[str, ...]
) -> None:
    error = error_of(TEXT.replace(*change, 1))
    assert (error.line, error.column) == (line, column)
    assert error.message.startswith(message)
    assert error.expected == expected
    assert error.path == "day.md"
    rendered = str(error).split("\n")
    assert rendered[0].startswith(f"day.md:{line}:{column}: {message}")
    assert rendered[1] == "    " + TEXT.replace(*change, 1).split("\n")[line - 1][:120]
    assert rendered[2] == "    " + " " * (column - 1) + "^"


def test_error_is_a_value_error_and_a_digest_error() -> None:
    error = error_of("nonsense")
    assert isinstance(error, ValueError)
    assert isinstance(error, DigestError)
    assert "found" in error.message or "expected" in error.message


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "20230311.md"
    path.write_text(TEXT.replace("- **DOI**: None\n", "", 1), encoding="utf-8")
    with pytest.raises(DigestSyntaxError) as caught:
        parse_digest(path)
    assert str(caught.value).startswith(f"{path}:4:1: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "unexpected end of file: expected the header line"),
        (TEXT[:3000], "unexpected end of file in the Summary line"),
        (TEXT[:-2], "unexpected end of file: expected three empty lines after the summary"),
        (TEXT + "junk\n", "expected a title line `### <title>` or the end of the file"),
        ("\ufeff" + TEXT, "the file starts with a byte-order mark"),
        (TEXT.replace("\n", "\r\n", 5), "mixed line endings"),
        (TEXT.replace("\n", "\r"), "the file ends its lines with a lone CR"),
        (TEXT[TEXT.index("###") :], "expected the header line, found the title line"),
    ],
)
def test_messages(text: str, message: str) -> None:
    error = error_of(text)
    assert error.message.startswith(message)
    lines = text.split("\n")
    assert 1 <= error.line <= len(lines)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            TEXT.replace("\n### ", "\n## ", 1),
            (2, 3),
            "expected a title line `### <title>` or the end of the file",
        ),
        (
            TEXT.replace("\n\n\n\n### ", "\n\n\n### ", 1),
            (16, 1),
            "expected three empty lines after the summary, then the next title or the end",
        ),
        (
            TEXT.replace("\n### ", "\n### T\n### ", 1),
            (3, 1),
            "expected the Arxiv ID line, found the title line",
        ),
        (TEXT.replace("\n", "\r"), (1, 38), "the file ends its lines with a lone CR"),
    ],
    ids=["mangled-first-title", "block-lacks-an-empty-line", "block-cut-short", "lone-cr"],
)
def test_messages_where_a_block_ends(text: str, where: tuple[int, int], message: str) -> None:
    # Every reader says the same (tests/test_readers.py); here, what it says.
    error = error_of(text)
    assert error.message.startswith(message)
    assert "``" not in error.message and "unexpected end of file" not in error.message
    assert (error.line, error.column) == where


def test_lf_file_with_a_crlf_line_says_so() -> None:
    text = TEXT.replace(
        "- **Published**: 2023-03-11 00:11:30+00:00\n",
        "- **Published**: 2023-03-11 00:11:30+00:00\r\n",
        1,
    )
    error = error_of(text)
    assert error.line == 7
    assert "ends with CRLF but the file's first line with LF" in error.message


def test_error_on_a_huge_line_shows_a_window() -> None:
    text = TEXT.replace("- **Links**: [PDF](", "- **Links**: [PDF](" + "x" * 100_000, 1).replace(
        "v1)\n", "v1\n", 1
    )
    error = error_of(text)
    assert error.column > 100_000
    _, shown, caret = str(error).split("\n")
    assert len(shown) < 200
    assert shown.startswith("    …")
    assert caret.index("^") == len(shown) - 1 or caret.endswith("^")


def test_errors_pickle() -> None:
    error = error_of("nonsense")
    again = pickle.loads(pickle.dumps(error))
    assert (again.line, again.column, str(again)) == (error.line, error.column, str(error))


def test_lenient_parse_keeps_every_broken_block() -> None:
    text = TEXT.replace("- **DOI**: None\n", "", 1).replace("2023-03-11 01:10:26+00:00", "bad", 1)
    with pytest.raises(DigestSyntaxError):
        parse_digest(text)
    digest = parse_digest(text, strict=False)
    assert [(b.index, b.line, b.error.column) for b in digest.broken] == [(0, 4, 1), (0, 21, 18)]
    assert len(digest.papers) == parse_digest(TEXT).papers.__len__() - 2
    assert serialize_digest(digest) == text
    assert digest.broken[0].text.startswith("### ReBound")
    assert digest.broken[1].error.path is None


def test_lenient_parse_keeps_junk_after_the_header() -> None:
    text = TEXT.replace("\n### ReBound", "\nstray line\n### ReBound", 1)
    digest = parse_digest(text, strict=False)
    assert [(b.index, b.line, b.text) for b in digest.broken] == [(0, 2, "stray line\n")]
    assert serialize_digest(digest) == text


def test_lenient_parse_still_needs_a_header() -> None:
    with pytest.raises(DigestSyntaxError):
        parse_digest("# Arxiv Papers in cs.CV on 2023-13-01\n", strict=False)


def test_lenient_crlf_round_trip() -> None:
    text = TEXT.replace("- **DOI**: None\n", "", 1).replace("\n", "\r\n")
    digest = parse_digest(text, strict=False)
    assert len(digest.broken) == 1
    assert serialize_digest(digest) == text


def test_not_utf8_says_where(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    data = TEXT.encode("utf-8").replace(b"ReBound", b"Re\xffBound", 1)
    path.write_bytes(data)
    with pytest.raises(DigestSyntaxError) as caught:
        parse_digest(path)
    assert (caught.value.line, caught.value.column) == (2, 7)
    assert "not UTF-8: byte 0xff" in caught.value.message
    with pytest.raises(DigestSyntaxError) as again:
        list(iter_papers(path))
    assert (again.value.line, again.value.column) == (2, 7)


def test_iter_papers_reports_the_broken_block_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "day.md"
    path.write_text(TEXT.replace("2023-03-11 01:10:26+00:00", "bad", 1), encoding="utf-8")
    papers = iter_papers(path)
    assert next(papers).arxiv_id == "2303.06250"
    with pytest.raises(DigestSyntaxError) as caught:
        next(papers)
    assert (caught.value.line, caught.value.column) == (22, 18)
    assert caught.value.path == str(path)


def test_iter_papers_checks_the_header(tmp_path: Path) -> None:
    path = tmp_path / "day.md"
    path.write_text(TEXT.replace("# Arxiv", "# Arvix", 1), encoding="utf-8")
    with pytest.raises(DigestSyntaxError) as caught:
        next(iter_papers(path))
    assert caught.value.line == 1


def test_iter_papers_crlf_mixed(tmp_path: Path) -> None:
    path = tmp_path / "day.md"
    lines = TEXT.replace("\n", "\r\n").split("\r\n")
    path.write_bytes(("\r\n".join(lines[:30]) + "\n" + "\r\n".join(lines[30:])).encode("utf-8"))
    with pytest.raises(DigestSyntaxError) as caught:
        list(iter_papers(path))
    assert caught.value.line == 30
    assert "mixed line endings" in caught.value.message


def test_parse_paper_reports_block_lines() -> None:
    block = TEXT[TEXT.index("### ") : TEXT.index("### ", 50)]
    with pytest.raises(DigestSyntaxError) as caught:
        parse_paper(block.replace("- **Journal**: None\n", ""))
    assert (caught.value.line, caught.value.column) == (11, 1)
    assert caught.value.message == "expected the Journal line, found the Summary line"


def test_iter_papers_reads_a_str_as_text_as_parse_digest_does() -> None:
    # One rule for both: a str is the text, a path is an os.PathLike; a str that
    # names a file gets the same hint from both.
    assert list(iter_papers(TEXT)) == list(parse_digest(TEXT).papers)
    assert list(iter_papers(REAL)) == list(parse_digest(REAL).papers)
    with pytest.raises(DigestSyntaxError) as parsed:
        parse_digest(str(REAL))
    with pytest.raises(DigestSyntaxError) as iterated:
        list(iter_papers(str(REAL)))
    assert str(iterated.value) == str(parsed.value)
    assert iterated.value.message.endswith(
        "(a str is the text itself: to read a file, pass a Path)"
    )
    with pytest.raises(DigestSyntaxError, match="lone surrogate"):
        list(iter_papers(TEXT.replace("ReBound", "Re\ud800Bound")))
