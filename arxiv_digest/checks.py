"""The rules ``arxiv-digest check`` applies to a digest file, each with a stable code.

Codes follow ruff's style: ``AD0xx`` is the syntax, ``AD1xx`` the file as a whole, ``AD2xx``
one paper. ``docs/cli.md`` shows an example of each.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import attrgetter
from typing import Any

import attrs

from . import lines
from ._parser import decode, file_chunks, normalize, read, refuse_surrogates, uniform_newline
from .errors import DigestSyntaxError
from .files import path_parts
from .model import Paper, utc_date
from .pool import STREAM_BYTES  # a file this big is checked a block at a time
from .serializer import serialize_paper

__all__ = [
    "RULES",
    "DigestRecord",
    "FileCheck",
    "Finding",
    "check_file",
    "check_files",
    "check_text",
]


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
    # The archive rules, between the files of a folder (applied by the archive module).
    "AD301": "a gap: a run of missing days where the archive around it is daily",
    "AD302": "a thin day: far fewer papers than the same weekday in the weeks around it",
    "AD303": "a paper (arXiv ID) is listed on two days",
    "AD304": "the header label is not the category folder the file is in",
    "AD305": "the calendar is not what `arxiv-digest calendar` writes for the files present",
}

# arXiv identifiers: YYMM.NNNN (2007-2014) or YYMM.NNNNN (2015-), or archive[.SUBJ]/YYMMNNN.
# As text: re compiles them once a paper fails the quick test (most never do).
_NEW_ID = r"[0-9]{2}(?:0[1-9]|1[0-2])\.[0-9]{4,5}"
_OLD_ID = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{3}"
_ENTRY = r"http://arxiv\.org/abs/(?P<id>.+)v(?P<version>[1-9][0-9]*)"
_PDF = r"https?://arxiv\.org/pdf/(?P<id>.+?)(?:v(?P<version>[1-9][0-9]*))?(?:\.pdf)?"
# What no rule finds fault with: an entry whose id is either form (AD204), and a PDF link that
# is one of _PDF_STARTS then the entry's id and version (entry_id[_ABS:]) (AD203).
_CLEAN_ENTRY = re.compile(rf"http://arxiv\.org/abs/(?:{_NEW_ID}|{_OLD_ID})v[1-9][0-9]*")
_ABS = len("http://arxiv.org/abs/")
_PDF_STARTS = ("http://arxiv.org/pdf/", "https://arxiv.org/pdf/")
_DAY_FILE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})\.md")


@attrs.frozen
class Finding:
    """One problem found in a file, at a 1-based line and column.

    A finding about a folder or a run of days (AD301) has line and column 0.

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
        >>> Finding("cs.CV/2025/06", 0, 0, "AD301", "no digest for 19 days").text()
        'cs.CV/2025/06: AD301 no digest for 19 days'
        """
        if not self.line:
            return f"{self.path}: {self.code} {self.message}"
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"


_ORDER = attrgetter("line", "column", "code")  # how findings are sorted


def _syntax(name: str, error: DigestSyntaxError) -> Finding:
    return Finding(name, error.line, error.column, "AD001", error.message)


def _value_start(write_line: Callable[[Any], str]) -> str:
    """A field's line up to where its value starts, as the serializer writes it."""
    line = write_line("\0")
    return line[: line.index("\0")]


#: The fields a rule points at, each with the start of its line up to its value.
_VALUE_START = {
    "entry_id": _value_start(lines.arxiv_id_line),
    "categories": _value_start(lambda value: lines.categories_line((value,), None)),
    "pdf_url": _value_start(lines.links_line),
    "published": _value_start(lines.published_line),
    "updated": _value_start(lines.updated_line),
}


def _utc_date(when: dt.datetime) -> dt.date | str:
    """The UTC date of ``when``; a time whose UTC date is outside years 1-9999 says so.

    >>> _utc_date(dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(minutes=1))))
    'a day before 0001-01-01'
    """
    day = utc_date(when)
    if day is None:
        return f"a day before {dt.date.min}" if when.year == 1 else f"a day after {dt.date.max}"
    return day


class _PaperRules:
    """The rules of each paper, and those across the papers of a file (AD103, AD104).

    Fed the papers in file order with their first lines, by a whole digest or a stream.
    """

    def __init__(self, name: str, day: dt.date) -> None:
        self.name = name
        self.day = day
        self.seen: dict[str, int] = {}
        self.previous: Paper | None = None

    def findings(self, line: int, paper: Paper) -> Sequence[Finding]:
        """The findings of the next paper, which starts at ``line``."""
        # Most papers break no rule: one quick test per rule says so, sparing check the full
        # rules' regular expressions and messages for all but a few papers (it pays).
        entry_id, published, pdf_url = paper.entry_id, paper.published, paper.pdf_url
        previous = self.previous
        tail = entry_id[_ABS:]  # the id and version, as the PDF link ends
        if (
            _CLEAN_ENTRY.fullmatch(entry_id)
            and (
                pdf_url is None or (pdf_url.endswith(tail) and pdf_url[: -len(tail)] in _PDF_STARTS)
            )
            and (previous is None or published >= previous.published)
            and paper.updated >= published
            and paper.primary_category is not None
            and _utc_date(published) == self.day
        ):
            ident = tail[: tail.rindex("v")]  # paper.arxiv_id, of a clean entry
            if ident not in self.seen:
                self.seen[ident] = line
                self.previous = paper
                return ()
        return list(self._findings(line, paper))

    def _findings(self, line: int, paper: Paper) -> Iterator[Finding]:
        """The findings of the next paper, every rule run in full."""
        name, day, previous, ident = self.name, self.day, self.previous, paper.arxiv_id
        self.previous = paper

        def at(field: str, code: str, message: str) -> Finding:
            # Where the field is written is worked out only for a finding: most papers have none.
            start = _VALUE_START[field]
            block = serialize_paper(paper)
            lines_before = block.count("\n", 0, block.index("\n" + start.rstrip())) + 1
            return Finding(name, line + lines_before, len(start) + 1, code, message)

        first = self.seen.setdefault(ident, line)
        if first != line:
            yield Finding(
                name, line, 1, "AD103", f"paper {ident} is repeated: first listed at line {first}"
            )
        if previous is not None and paper.published < previous.published:
            yield at(
                "published",
                "AD104",
                f"published {paper.published} is before the previous paper's {previous.published}",
            )
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
        entry = re.fullmatch(_ENTRY, paper.entry_id)
        if entry is None or not (re.fullmatch(_NEW_ID, ident) or re.fullmatch(_OLD_ID, ident)):
            yield at(
                "entry_id",
                "AD204",
                f"malformed arXiv identifier {paper.entry_id!r}: expected http://arxiv.org/abs/"
                "<YYMM.NNNNN or archive/YYMMNNN>v<version>",
            )
        if paper.pdf_url is not None:
            pdf = re.fullmatch(_PDF, paper.pdf_url)
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
            else:  # "- **Categories**:" ends the line: the column after it
                empty = at(
                    "categories", "AD205", "no primary category: the paper has no categories"
                )
                yield attrs.evolve(empty, column=empty.column - 1)


def _header_findings(name: str, label: str, day: dt.date) -> Iterator[Finding]:
    """AD101 and AD102: the header's date against the file's name and its YYYY/MM folders."""
    parts = path_parts(name)
    named = _DAY_FILE.fullmatch(parts[-1]) if parts else None
    if named is None:
        return
    year, month, _ = named.groups()
    stamp = "-".join(named.groups())
    if stamp != day.isoformat():
        # The date ends the header line: its last occurrence there is it.
        column = lines.header_line(label, day).rindex(day.isoformat()) + 1
        yield Finding(
            name, 1, column, "AD101", f"header date {day} is not the file name date {stamp}"
        )
    folders = "/".join(parts[-3:-1])
    if re.fullmatch("[0-9]{4}/[0-9]{2}", folders) and folders != f"{year}/{month}":
        yield Finding(
            name, 1, 1, "AD102", f"file {parts[-1]} is in folder {folders}, not {year}/{month}"
        )


def _cr_findings(name: str, text: str, first_line: int) -> Iterator[Finding]:
    """AD206 for each CRLF of ``text``, which starts at ``first_line`` of an LF file."""
    # One pass: the line number is carried from one CRLF to the next, never counted again
    # from the start of the text (that made a file with a CR on every line quadratic).
    line, counted = first_line, 0
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


@attrs.define
class DigestRecord:
    """What checking a file tells the archive rules: its header, its papers and their IDs.

    ``label`` and ``date`` are the header's (``None`` when the header does not parse),
    ``papers`` counts the paper blocks (broken ones too), ``ids`` maps each arXiv ID to the
    line of its first block. Gathered by the same parse that checks the file
    (:func:`check_files` gives it).

    >>> record = next(check_files(["tests/corpus/cs.CV/2023/03/20230311.md"])).record
    >>> record.label, record.date, record.papers, record.ids["2303.06250"]
    ('cs.CV', datetime.date(2023, 3, 11), 45, 2)
    """

    label: str | None = None
    date: dt.date | None = None
    papers: int = 0
    ids: dict[str, int] = attrs.field(factory=dict, repr=lambda ids: f"<{len(ids)} ids>")


def _check(
    name: str,
    chunks: Iterable[tuple[int, str | bytes]],
    newline: str,
    lf_file: bool,
    record: DigestRecord,
) -> Iterator[Finding]:
    """The findings of a digest read a chunk at a time (see ``_parser.read``), in order.

    Each finding is yielded once no later block can sort before it; ``lf_file`` says that a
    CRLF is part of a value (AD206); ``record`` is complete once the findings are read.
    """
    buffer: list[Finding] = []
    limit = 1000

    def watched() -> Iterator[tuple[int, str | bytes]]:
        for first, data in chunks:
            if lf_file and isinstance(data, bytes) and b"\r\n" in data:
                buffer.extend(_cr_findings(name, data.decode("utf-8"), first))
            elif lf_file and isinstance(data, str) and "\r\n" in data:
                buffer.extend(_cr_findings(name, data, first))
            yield first, data

    try:
        (label, day, _), blocks = read(watched(), name, newline, strict=False)
    except DigestSyntaxError as error:
        yield _syntax(name, error)
        return
    record.label, record.date = label, day
    buffer += _header_findings(name, label, day)
    rules = _PaperRules(name, day)
    record.ids = rules.seen
    for line, block in blocks:
        if isinstance(block, Paper):
            record.papers += 1
            found = rules.findings(line, block)
            if found:
                buffer += found
        else:
            record.papers += block.text.startswith("### ")  # not the header's broken rest
            buffer.append(_syntax(name, block.error))
        if len(buffer) > limit:  # memory bounded by a chunk's findings, not the file's
            buffer.sort(key=_ORDER)  # stable: equal keys keep the order they came in
            done = 0
            while done < len(buffer) and buffer[done].line < line:
                done += 1
            yield from buffer[:done]
            del buffer[:done]
            # Findings still to come later in the file (a whole text's CRs) are not sorted
            # again at every block: that made a file with a CR on every line quadratic.
            limit = max(1000, 2 * len(buffer))
    buffer.sort(key=_ORDER)
    yield from buffer


def check_text(text: str, path: str | os.PathLike[str]) -> list[Finding]:
    """Every finding for a digest's text; ``path`` names it and gives its date.

    >>> text = "# Arxiv Papers in cs.CV on 2023-03-11\\n"
    >>> [f.code for f in check_text(text, "cs.CV/2023/03/20230312.md")]
    ['AD101']
    """
    name = os.fspath(path)
    try:
        refuse_surrogates(text, name)  # a str may hold one; text decoded from a file cannot
    except DigestSyntaxError as error:
        return [_syntax(name, error)]
    return _check_text(text, name, DigestRecord())


def _check_text(text: str, name: str, record: DigestRecord) -> list[Finding]:
    """The findings of a whole text; what the archive rules need goes into ``record``."""
    try:
        text, newline = normalize(text, name)
    except DigestSyntaxError as error:
        return [_syntax(name, error)]
    return list(_check(name, [(1, text)], "\n", newline == "\n", record))


def check_file(
    path: str | os.PathLike[str], *, name: str | None = None, stream: bool | None = None
) -> Iterable[Finding]:
    """Every finding for a digest file, in order: a list, or an iterator if read by chunks.

    ``name`` (default: ``path``) is the path the findings give and whose date the rules
    read, for a file checked under another name. Bytes that are not UTF-8 (or UTF-16 text,
    or JSON) are an AD001 finding, as a byte-order mark is. Raises :class:`OSError` when the
    file cannot be read (an error of the run rather than a finding), before any finding.

    ``stream=True`` reads the file a chunk at a time, as ``check`` reads a file of
    ``STREAM_BYTES`` or more (``None``, the default: by size; ``False``: whole). Memory is then
    bounded by the largest block, not the file: a first pass checks that the file is UTF-8
    with one kind of line ending, a second reads it a chunk at a time, as a lenient parse
    does, and yields each finding once no later block can sort before it. A file the first
    pass finds broken that way (not UTF-8, a byte-order mark, mixed or lone-CR line endings)
    is read whole after all, so that its one error is worded as a whole read words it.
    However it is read, a file gives the same findings in the same order.

    >>> path = "tests/corpus/cs.CV/2023/03/20230311.md"
    >>> check_file(path)
    []
    >>> list(check_file(path, stream=True)) == check_file(path, stream=False)
    True
    """
    source = os.fspath(path)
    return _check_file(source, source if name is None else name, DigestRecord(), stream)


def _check_file(
    source: str, name: str, record: DigestRecord, stream: bool | None = None
) -> Iterable[Finding]:
    """:func:`check_file`'s findings; ``record`` is complete once they are read."""
    if stream is None:
        stream = os.stat(source).st_size >= STREAM_BYTES
    newline = uniform_newline(source) if stream else None
    if newline is not None:
        return _stream(source, name, newline, record)
    try:
        with open(source, "rb") as file:
            text = decode(file.read(), name)
    except DigestSyntaxError as error:
        return [_syntax(name, error)]
    return _check_text(text, name, record)


def _stream(source: str, name: str, newline: str, record: DigestRecord) -> Iterator[Finding]:
    """The findings of a file whose lines all end with ``newline``, read a chunk at a time."""
    with open(source, "rb") as file:
        yield from _check(name, file_chunks(file), newline, newline == "\n", record)


# --------------------------------------------------------------------------- many files


@attrs.define
class FileCheck:
    """What checking one file gave: its findings, or the error that kept it from being checked.

    ``error`` is the :class:`OSError` that kept the file from being read. ``findings`` of a
    file checked a block at a time can be read once, and its ``record`` (what the archive
    rules need, a :class:`DigestRecord`) is complete once they are.

    >>> FileCheck("a.md", (Finding("a.md", 1, 1, "AD001", "oops"),)).error is None
    True
    """

    path: str
    findings: Iterable[Finding] = ()
    error: OSError | None = None
    record: DigestRecord = attrs.field(factory=DigestRecord)


def _check_one(path: str) -> FileCheck:
    """One file's check; a big file's findings are read a chunk at a time, as they are asked for."""
    record = DigestRecord()
    try:
        return FileCheck(path, _check_file(path, path, record), record=record)
    except OSError as error:
        return FileCheck(path, error=error)


def _check_batch(paths: list[str]) -> list[FileCheck]:
    """Check ``paths`` in order, each one's findings read: what a worker process does."""
    done = []
    for path in paths:
        result = _check_one(path)
        result.findings = tuple(result.findings)  # its record complete, and picklable
        done.append(result)
    return done


def check_files(paths: Sequence[str | os.PathLike[str]], jobs: int = 1) -> Iterator[FileCheck]:
    """Check files with ``jobs`` processes; yield each one's result in the order of ``paths``.

    The results are the same whatever ``jobs`` is. A file of at least ``STREAM_BYTES`` is
    checked in this process a block at a time (its findings are an iterator, to be read
    before the next result is asked for); the others go to worker processes in batches
    (:func:`arxiv_digest.pool.in_order`).

    >>> paths = ["tests/corpus/cs.CV/2023/03/20230311.md", "missing.md"]
    >>> [(list(c.findings), type(c.error).__name__) for c in check_files(paths)]
    [([], 'NoneType'), ([], 'FileNotFoundError')]
    """
    from .pool import batches, in_order

    names = [os.fspath(path) for path in paths]
    jobs = jobs if len(names) > 1 else 1
    work = batches(names, one_by_one=jobs == 1, alone=lambda name: lambda: [_check_one(name)])
    for done in in_order(_check_batch, work, jobs):
        yield from done
