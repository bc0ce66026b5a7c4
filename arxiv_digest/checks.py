"""The rules ``arxiv-digest check`` applies to a digest file, each with a stable code.

Codes follow ruff's style: ``AD0xx`` is the syntax, ``AD1xx`` the file as a whole, ``AD2xx``
one paper. ``docs/cli.md`` shows an example of each.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from pathlib import PurePath
from typing import Any

import attrs

from . import serializer
from .errors import DigestSyntaxError
from .model import Digest, Paper
from .parser import parse_digest, read_text

__all__ = ["RULES", "Finding", "check_file", "check_text"]

#: code -> what the rule finds.
RULES: dict[str, str] = {
    "AD001": "syntax error: the text does not follow the digest grammar",
    "AD101": "the header date is not the date in the YYYYMMDD.md file name",
    "AD102": "the YYYY/MM folders of the path are not the year and month of the file name",
    "AD103": "a paper is repeated in the same file",
    "AD104": "papers are not sorted by published time",
    "AD201": "a paper's published date (UTC) is not the header date",
    "AD202": "updated is before published",
    "AD203": "the PDF link is not the same paper and version as the Arxiv ID",
    "AD204": "malformed arXiv identifier",
    "AD205": "no category term is bold: the paper has no primary category",
    "AD206": "a line ends with CR in a file whose lines end with LF",
}

# arXiv identifiers: YYMM.NNNN (2007-2014) or YYMM.NNNNN (2015-), or archive[.SUBJ]/YYMMNNN.
_NEW_ID = re.compile(r"[0-9]{2}(?:0[1-9]|1[0-2])\.[0-9]{4,5}")
_OLD_ID = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{3}")
_ENTRY = re.compile(r"http://arxiv\.org/abs/(?P<id>.+)v(?P<version>[1-9][0-9]*)")
_PDF = re.compile(r"https?://arxiv\.org/pdf/(?P<id>.+?)(?:v(?P<version>[1-9][0-9]*))?(?:\.pdf)?")
_DAY_FILE = re.compile(r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})\.md")


@attrs.frozen
class Finding:
    """One problem found in a file, at a 1-based line and column.

    >>> Finding("a.md", 3, 1, "AD202", "updated is before published").text()
    'a.md:3:1: AD202 updated is before published'
    """

    path: str
    line: int
    column: int
    code: str
    message: str

    def text(self) -> str:
        """``path:line:column: CODE message``, as ``check`` prints it.

        >>> Finding("a.md", 1, 1, "AD001", "oops").text()
        'a.md:1:1: AD001 oops'
        """
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"


def _field_lines(paper: Paper) -> dict[str, int]:
    """Line offsets, from the title line, of each field of a paper as it is written."""
    offsets: dict[str, int] = {}
    line = 0
    for name, text in (
        ("title", serializer.title_line(paper.title)),
        ("entry_id", serializer.arxiv_id_line(paper.entry_id)),
        ("doi", serializer.doi_line(paper.doi)),
        (
            "categories",
            serializer.categories_line(paper.categories, paper.primary_category, paper.unbolded),
        ),
        ("pdf_url", serializer.links_line(paper.pdf_url)),
        ("published", serializer.published_line(paper.published)),
        ("updated", serializer.updated_line(paper.updated)),
    ):
        offsets[name] = line
        line += text.count("\n")
    return offsets


def _value_column(write_line: Callable[[Any], str]) -> int:
    """Where a field's value starts on its line (1-based), from the serializer's layout."""
    return write_line("\0").index("\0") + 1


_VALUE_COLUMN = {
    "title": _value_column(serializer.title_line),
    "entry_id": _value_column(serializer.arxiv_id_line),
    "categories": _value_column(lambda value: serializer.categories_line((value,), None)),
    "pdf_url": _value_column(serializer.links_line),
    "published": _value_column(serializer.published_line),
    "updated": _value_column(serializer.updated_line),
}


def _utc_date(when: dt.datetime) -> dt.date | str:
    """The UTC date of ``when``; a time whose UTC date is outside years 1-9999 says so.

    >>> _utc_date(dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(minutes=1))))
    'a day before 0001-01-01'
    """
    try:
        return when.astimezone(dt.timezone.utc).date()
    except OverflowError:  # 0001-01-01 00:00+00:01 is in year 0 in UTC
        return f"a day before {dt.date.min}" if when.year == 1 else f"a day after {dt.date.max}"


def _paper_findings(path: str, line: int, paper: Paper, day: dt.date) -> Iterator[Finding]:
    lines = _field_lines(paper)

    def at(field: str, code: str, message: str) -> Finding:
        return Finding(path, line + lines[field], _VALUE_COLUMN[field], code, message)

    published_day = _utc_date(paper.published)
    if published_day != day:
        yield at(
            "published",
            "AD201",
            f"published on {published_day} (UTC), but the digest is for {day}",
        )
    if paper.updated < paper.published:
        yield at(
            "updated", "AD202", f"updated {paper.updated} is before published {paper.published}"
        )
    entry = _ENTRY.fullmatch(paper.entry_id)
    ident = paper.arxiv_id
    if entry is None or not (_NEW_ID.fullmatch(ident) or _OLD_ID.fullmatch(ident)):
        yield at(
            "entry_id",
            "AD204",
            f"malformed arXiv identifier {paper.entry_id!r}: expected http://arxiv.org/abs/"
            "<YYMM.NNNNN or archive/YYMMNNN>v<version>",
        )
    if paper.pdf_url is not None:
        pdf = _PDF.fullmatch(paper.pdf_url)
        version = None if pdf is None or pdf["version"] is None else int(pdf["version"])
        if pdf is None or pdf["id"] != ident or version not in (None, paper.version):
            yield at(
                "pdf_url",
                "AD203",
                f"PDF link {paper.pdf_url!r} is not {ident} version {paper.version}",
            )
    if paper.primary_category is None:
        # Since the generator bolds every term equal to the primary, no bold term means the
        # API's primary was not among the terms, or there were no terms at all.
        if paper.categories:
            yield at("categories", "AD205", "no primary category: no category term is bold")
        else:
            yield Finding(
                path,
                line + lines["categories"],
                _VALUE_COLUMN["categories"] - 1,
                "AD205",
                "no primary category: the paper has no categories",
            )


def check_text(text: str, path: str | os.PathLike[str]) -> list[Finding]:
    """Every finding for a digest's text; ``path`` names it and gives its date.

    >>> text = "# Arxiv Papers in cs.CV on 2023-03-11\\n"
    >>> [f.code for f in check_text(text, "cs.CV/2023/03/20230312.md")]
    ['AD101']
    """
    name = os.fspath(path)
    try:
        digest = parse_digest(text, strict=False, path=name)
    except DigestSyntaxError as error:
        return [Finding(name, error.line, error.column, "AD001", error.message)]
    findings = [
        Finding(name, b.error.line, b.error.column, "AD001", b.error.message) for b in digest.broken
    ]
    findings += _file_findings(name, digest)
    findings += _cr_findings(name, text, digest)
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return findings


def _file_findings(name: str, digest: Digest) -> Iterator[Finding]:
    parts = PurePath(name).parts
    day_file = _DAY_FILE.fullmatch(parts[-1]) if parts else None
    if day_file is not None:
        stamp = f"{day_file['year']}-{day_file['month']}-{day_file['day']}"
        if stamp != digest.date.isoformat():
            yield Finding(
                name,
                1,
                len(f"# Arxiv Papers in {digest.category} on ") + 1,
                "AD101",
                f"header date {digest.date} is not the file name date {stamp}",
            )
        folders = parts[-3:-1]
        if (
            len(folders) == 2
            and re.fullmatch("[0-9]{4}", folders[0])
            and re.fullmatch("[0-9]{2}", folders[1])
            and folders != (day_file["year"], day_file["month"])
        ):
            yield Finding(
                name,
                1,
                1,
                "AD102",
                f"file {parts[-1]} is in folder {folders[0]}/{folders[1]},"
                f" not {day_file['year']}/{day_file['month']}",
            )
    # Walk the papers in file order, with broken blocks in between, to know each one's line.
    line = 2
    broken = list(digest.broken)
    seen: dict[str, int] = {}
    previous: Paper | None = None
    for index, paper in enumerate(digest.papers):
        while broken and broken[0].index == index:
            line += broken.pop(0).text.count("\n")
        if paper.arxiv_id in seen:
            yield Finding(
                name,
                line,
                1,
                "AD103",
                f"paper {paper.arxiv_id} is repeated: first listed at line {seen[paper.arxiv_id]}",
            )
        else:
            seen[paper.arxiv_id] = line
        if previous is not None and paper.published < previous.published:
            yield Finding(
                name,
                line + _field_lines(paper)["published"],
                _VALUE_COLUMN["published"],
                "AD104",
                f"published {paper.published} is before the previous paper's {previous.published}",
            )
        previous = paper
        yield from _paper_findings(name, line, paper, digest.date)
        line += serializer.serialize_paper(paper).count("\n")


def _cr_findings(name: str, text: str, digest: Digest) -> Iterator[Finding]:
    if digest.newline != "\n" or "\r\n" not in text:
        return
    # One pass: the line number is carried from one CRLF to the next, never counted again
    # from the start of the text (that made a file with a CR on every line quadratic).
    line, counted = 1, 0
    pos = text.find("\r\n")
    while pos >= 0:
        line += text.count("\n", counted, pos)
        counted = pos
        start = text.rfind("\n", 0, pos) + 1
        yield Finding(
            name,
            line,
            pos - start + 1,
            "AD206",
            "line ends with CRLF, but the file's lines end with LF: the CR is part of the value",
        )
        pos = text.find("\r\n", pos + 2)


def check_file(path: str | os.PathLike[str]) -> list[Finding]:
    """Every finding for a digest file.

    Bytes that are not UTF-8 (or UTF-16 text, or JSON) are an AD001 finding, as a byte-order
    mark is. Raises :class:`OSError` when the file cannot be read (an error of the run rather
    than a finding).

    >>> [f.code for f in check_file("tests/corpus/cs.CV/2023/03/20230311.md")]
    []
    """
    try:
        text = read_text(path)
    except DigestSyntaxError as error:
        return [Finding(os.fspath(path), error.line, error.column, "AD001", error.message)]
    return check_text(text, path)
