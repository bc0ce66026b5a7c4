"""The parser's one way through: chunks of whole blocks in, a header and its blocks out.

:func:`read` is the driver every reader uses: ``parse_digest`` gives it the whole text as one
chunk, ``iter_papers``, ``stream_digest``, ``iter_blocks`` and ``check`` give it a file 64 kB
of whole blocks at a time (:func:`file_chunks`). Each chunk is first parsed by one Lark call
that reads all its paper blocks as one token (the grammar's ``PAPER_BLOCKS``); a chunk that
fails goes through the line rules a block at a time, which word every error. Both take the
values out with the same functions (:func:`_header_of`, ``model.paper_of_text``).
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import os
import re
from collections.abc import Iterable, Iterator
from typing import IO, cast

from lark import Lark
from lark.exceptions import UnexpectedInput

from . import lines
from .errors import DigestSyntaxError
from .grammar import BLOCK_START_SYMBOLS, LARK_OPTIONS, LINE_START_SYMBOLS, grammar_text
from .model import BadValue, BrokenBlock, Paper, paper_of_text
from .sniff import foreign_format

#: How many bytes of a file :func:`file_chunks` reads at a time.
CHUNK_BYTES = 1 << 16

Head = tuple[str, dt.date, str]
Item = Paper | BrokenBlock


@functools.cache
def line_parser() -> Lark:
    """The line rules: one token per line, what every error message is worded from."""
    return Lark(grammar_text(), start=list(LINE_START_SYMBOLS), **LARK_OPTIONS)


@functools.cache
def _block_parser() -> Lark:
    """The fast path: one token for all the paper blocks of a chunk."""
    return Lark(grammar_text(), start=list(BLOCK_START_SYMBOLS), **LARK_OPTIONS)


# --------------------------------------------------------------------------- values


def _header_of(line: str) -> tuple[str, dt.date]:
    """``(label, date)`` of a header line; the label is everything up to the last `` on ``."""
    label, _, date = line[18:-1].rpartition(" on ")
    try:
        return label, dt.date.fromisoformat(date)
    except ValueError as error:
        raise BadValue(f"invalid date {date!r}: {error}", 0, len(line) - 1 - len(date)) from None


# A value as the grammar's REST, and with its CONTINUATION lines for the values that wrap.
_VALUE = r"([^\n]*)"
_WRAPPED = r"([^\n]*(?:\n  [^\n]*)*)"


def _layout(line: str, value: str = _VALUE) -> str:
    """A line layout (``lines.*_line("\\0")``) as an expression, its value as a group."""
    before, _, after = line.partition("\0")
    return re.escape(before) + value + re.escape(after)


#: A paper block, one group per value, built from the serializer's line layouts. It only cuts
#: text that the grammar matched already: it validates nothing.
_FIELDS = re.compile(
    _layout(lines.title_line("\0"))
    + _layout(lines.arxiv_id_line("\0"))
    + _layout(lines.doi_line("\0"), _WRAPPED)
    # With categories, a space and the terms; with none, nothing after the colon.
    + re.escape(lines.categories_line((), None)[:-1])
    + _layout(" \0", _WRAPPED).join(["(?:", ")?"])
    + "\n"
    + _layout(lines.links_line("\0"))
    + _layout(lines.published_line("\0"))  # type: ignore[arg-type]
    + _layout(lines.updated_line("\0"))  # type: ignore[arg-type]
    + _layout(lines.authors_line(("\0",)))
    + _layout(lines.comment_line("\0"), _WRAPPED)
    + _layout(lines.journal_line("\0"), _WRAPPED)
    + _layout(lines.summary_line("\0"))
    + re.escape(lines.BLOCK_END)
)


#: The lines of a block whose DOI, categories, comment and journal (values that wrap) do not.
_BLOCK_LINES = 11 + lines.BLOCK_END.count("\n")


# --------------------------------------------------------------------------- the line rules


def by_lines(text: str, start: str, path: str | None, first_line: int, end_of_file: bool) -> object:
    """The header ``(label, date)`` or the paper of ``text`` by the line rules, or its error.

    ``start`` is ``digest`` (the header region) or ``paper`` (one block); ``end_of_file`` is
    false for a block that the next title line follows.
    """
    try:
        tokens = line_parser().parse(text, start=start).children
        if start == "digest":
            return _header_of(cast("str", tokens[0]))
        fields = cast("re.Match[str]", _FIELDS.match(text))
        return paper_of_text(*fields.groups())
    except UnexpectedInput as error:
        from .diagnostics import from_lark

        failure = from_lark(error, text, path=path, first_line=first_line, end_of_file=end_of_file)
    except BadValue as error:  # where in the text: the value's start, for a paper's
        at = error.offset + (fields.start(error.index + 1) if start == "paper" else 0)
        failure = error_at(text, at, str(error), path=path, first_line=first_line)
    # Raised outside the except block, so that it does not hold Lark's exception (and with it
    # the parser's state) as its __context__: a lenient parse keeps one error per broken block.
    raise failure


def error_at(
    text: str, pos: int, message: str, *, path: str | None, first_line: int = 1
) -> DigestSyntaxError:
    """A syntax error at offset ``pos`` of ``text``."""
    from .diagnostics import at_offset  # only on errors

    return at_offset(text, pos, message, path=path, first_line=first_line)


# --------------------------------------------------------------------------- text


def decode(data: bytes, path: str | os.PathLike[str] | None = None, first_line: int = 1) -> str:
    """Bytes as strict UTF-8; the first undecodable byte is a located DigestSyntaxError.

    ``first_line`` is the line the bytes start at, for a block of a file. Bytes that are
    plainly something else (UTF-16 text, JSON) are named as such, at 1:1.

    >>> decode(b"# ok\\n\\xff")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    arxiv_digest.errors.DigestSyntaxError: <string>:2:1: not UTF-8: byte 0xff at byte offset 5 ...
    """
    if first_line == 1 and not data.startswith(b"# "):  # not a digest's start: what is it?
        foreign = foreign_format(data)
        if foreign is not None:
            raise DigestSyntaxError(foreign, path=path, line=1, column=1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", errors="replace")
        line_start = before.rfind("\n") + 1
        end = data.find(b"\n", error.start)
        source_line = data[data.rfind(b"\n", 0, error.start) + 1 : None if end < 0 else end]
        raise DigestSyntaxError(
            f"not UTF-8: byte 0x{data[error.start]:02x}"
            + (f" at byte offset {error.start}" if first_line == 1 else "")  # of the file
            + " cannot be decoded",
            path=path,
            line=first_line + before.count("\n"),
            column=len(before) - line_start + 1,
            source_line=source_line.decode("utf-8", errors="replace"),
        ) from None


def normalize(
    text: str, path: str | None, first_line: int = 1, newline: str | None = None
) -> tuple[str, str]:
    """``(text with "\\n" line ends, the file's newline)``.

    The first line decides the newline unless ``newline`` is given (for a block of a file).
    A file whose first line ends with CRLF must end every line so; in a file whose first line
    ends with LF, a CR is an ordinary character of a value.
    """
    if first_line == 1 and text.startswith("\ufeff"):
        message = "the file starts with a byte-order mark (U+FEFF): digests are UTF-8 without one"
        raise error_at(text, 0, message, path=path)
    if newline is None and "\n" not in text and "\r" in text:
        message = "the file ends its lines with a lone CR: only LF or CRLF end a line"
        raise error_at(text, text.index("\r"), message, path=path, first_line=first_line)
    if newline is None:
        first = text.find("\n")
        newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    if newline == "\n":
        return text, newline
    if text.count("\r\n") != text.count("\n"):
        pos = text.find("\n")
        while pos > 0 and text[pos - 1] == "\r":  # the first LF without its CR
            pos = text.find("\n", pos + 1)
        message = "mixed line endings: this line ends with LF but the file's first line with CRLF"
        raise error_at(text, pos, message, path=path, first_line=first_line)
    return text.replace("\r\n", "\n"), newline


def refuse_surrogates(text: str, path: str | None) -> None:
    """Refuse a lone surrogate, which a ``str`` may hold and no UTF-8 file can, where it is."""
    if text.isascii():
        return
    step = 1 << 18  # in slices: a 200 MB text does not need another 200 MB at once
    for start in range(0, len(text), step):
        try:
            # UTF-16 refuses the same lone surrogates as UTF-8, and encodes several times faster.
            text[start : start + step].encode("utf-16-le")
        except UnicodeEncodeError as problem:
            at = start + problem.start
            message = f"a lone surrogate U+{ord(text[at]):04X} cannot be written as UTF-8"
            error = error_at(text, at, message, path=path)
            # Shown as "?", one character for one: the message itself must be printable.
            error.source_line = error.source_line.encode("utf-8", "replace").decode("utf-8")
            raise error from None


def block_starts(text: str) -> list[int]:
    """Offsets of the lines that start with ``### ``: where blocks begin."""
    starts = []
    pos = 0 if text.startswith("### ") else text.find("\n### ")
    while pos >= 0:
        if text[pos] == "\n":
            pos += 1
        starts.append(pos)
        pos = text.find("\n### ", pos)
    return starts


def file_chunks(file: IO[bytes], size: int = 0) -> Iterator[tuple[int, bytes]]:
    """``(first line, bytes)`` of a file read ``size`` bytes (:data:`CHUNK_BYTES`) at a time.

    Each chunk but the last ends where a line that starts with ``### `` begins; a block
    longer than ``size`` is read whole.

    >>> import io
    >>> list(file_chunks(io.BytesIO(b"# h\\n### a\\nx\\n### b\\n"), size=6))
    [(1, b'# h\\n'), (2, b'### a\\nx\\n'), (4, b'### b\\n')]
    """
    size = size or CHUNK_BYTES
    parts: list[bytes] = []
    tail = b""  # the last bytes of the rest: a boundary may straddle two reads
    line = 1
    while data := file.read(size):
        window = tail + data
        found = window.rfind(b"\n### ")
        if found < 0:
            parts.append(data)
            tail = window[-4:]
            continue
        block = b"".join(parts) + data
        cut = len(block) - len(window) + found + 1
        yield line, block[:cut]
        line += block.count(b"\n", 0, cut)
        parts, tail = [block[cut:]], block[max(cut, len(block) - 4) :]
    rest = b"".join(parts)
    if rest or line == 1:
        yield line, rest


def uniform_newline(path: str) -> str | None:
    """The file's newline, or None when it is not UTF-8 or its line endings are not uniform.

    Read a megabyte at a time: what a reader a chunk at a time checks first, so that a file
    broken as a whole is read whole, and its one error reported as for a whole file.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    newline: str | None = None
    lf = crlf = 0
    last = b""
    with open(path, "rb") as file:
        while data := file.read(1 << 20):
            if not last and data.startswith(codecs.BOM_UTF8):
                return None
            try:
                decoder.decode(data)
            except UnicodeDecodeError:
                return None
            if newline is None and (first := data.find(b"\n")) >= 0:
                # As normalize(): CRLF when the first LF has a CR before it in the file (the
                # byte before may end the previous read; an LF at offset 0 has none).
                before = data[first - 1 : first] if first else last
                newline = "\r\n" if before == b"\r" else "\n"
            lf += data.count(b"\n")
            crlf += (last + data).count(b"\r\n")
            last = data[-1:]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    if newline is None or (newline == "\r\n" and crlf != lf):
        return None  # no line end at all, or mixed line endings: checked whole
    return newline


# --------------------------------------------------------------------------- the driver


def read(
    chunks: Iterable[tuple[int, str | bytes]], path: str | None, newline: str | None, strict: bool
) -> tuple[Head, Iterator[tuple[int, Item]]]:
    """The header ``(label, date, newline)`` of a digest and its blocks, read a chunk at a time.

    ``chunks`` are ``(first line, text)`` of whole blocks, the first from the file's start:
    text already normalized (``newline="\\n"``), or bytes ending their lines with ``newline``
    (``None``: as the first line does). The header is read at once; the blocks follow as
    ``(first line, Paper | BrokenBlock)`` in file order. A strict read raises the first
    block's :class:`DigestSyntaxError`, a lenient one keeps the block as a ``BrokenBlock``.

    >>> text = "# Arxiv Papers in cs.CV on 2023-03-11\\n### Broken\\n"
    >>> head, blocks = read([(1, text)], None, "\\n", strict=False)
    >>> head[:2], [(line, type(item).__name__) for line, item in blocks]
    (('cs.CV', datetime.date(2023, 3, 11)), [(2, 'BrokenBlock')])
    """
    events = _events(iter(chunks), path, newline, strict)
    return cast("Head", next(events)), cast("Iterator[tuple[int, Item]]", events)


def _events(
    chunks: Iterator[tuple[int, str | bytes]], path: str | None, newline: str | None, strict: bool
) -> Iterator[object]:
    """The header, then ``(line, Paper | BrokenBlock)`` of each block: :func:`read`'s driver."""
    line, data = next(chunks)
    if newline is None and isinstance(data, bytes) and (end := data.find(b"\n")) >= 0:
        newline = "\r\n" if data[end - 1 : end] == b"\r" else "\n"
    papers = 0
    header = True
    while True:
        following = next(chunks, None)
        fast = _fast(data, newline, header)
        if fast is not None:  # the common case: one Lark call for the chunk
            head, found = fast
            if head is not None:
                yield (*head, newline)
                line = 2
            for paper, lines_of_block in found:
                yield line, paper
                line += lines_of_block
            papers += len(found)
        else:  # the line rules, a block at a time, say which block is wrong and why
            text = data if isinstance(data, str) else data.decode("latin-1")  # bytes' offsets
            bounds = [*block_starts(text), len(data)]
            if header:  # the header region first, empty when the file starts with a block
                bounds.insert(0, 0)
            for begin, end in zip(bounds, bounds[1:]):
                block = _text(data[begin:end], path, line, newline)
                end_of_file = following is None and end == len(data)
                if header:
                    header = False
                    if not block:  # where the header should be, the first block's title line
                        block = _text(data[: text.find("\n") + 1 or len(text)], path, 1, newline)
                    label, date, broken = _header(block, path, end_of_file, strict)
                    yield label, date, newline or "\n"
                    if broken is not None:
                        yield 2, broken
                else:
                    try:
                        parsed = by_lines(block, "paper", path, line, end_of_file)
                    except DigestSyntaxError as error:
                        if strict:
                            raise
                        # Without its traceback, whose frames hold this function's locals:
                        # thousands of such cycles made every garbage collection slower.
                        yield line, BrokenBlock(papers, block, error.with_traceback(None))
                    else:
                        papers += 1
                        yield line, parsed
                line += block.count("\n")
        if following is None:
            return
        line, data = following
        header = False


def _text(data: str | bytes, path: str | None, line: int, newline: str | None) -> str:
    """A block's text: decoded, its line ends "\\n"."""
    text = data if isinstance(data, str) else decode(data, path, line)
    return normalize(text, path, line, newline)[0]


def _header(
    region: str, path: str | None, end_of_file: bool, strict: bool
) -> tuple[str, dt.date, BrokenBlock | None]:
    """The header of the text before the first block; in a lenient read, its rest as broken."""
    try:
        # As `digest`: what may follow the header line is a title line, as in a whole file.
        label, date = cast("tuple[str, dt.date]", by_lines(region, "digest", path, 1, end_of_file))
        return label, date, None
    except DigestSyntaxError as error:
        if strict:
            raise
        broken = error.with_traceback(None)
    first = region[: region.find("\n") + 1 or len(region)]
    label, date = cast("tuple[str, dt.date]", by_lines(first, "digest", path, 1, True))
    return label, date, BrokenBlock(0, region[len(first) :], broken)


def _fast(
    data: str | bytes, newline: str | None, header: bool
) -> tuple[tuple[str, dt.date] | None, list[tuple[Paper, int]]] | None:
    """The header (or None) and ``(paper, its block's lines)`` of an all-valid chunk, or None."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if newline != "\n":
        if newline is None or data.count("\r\n") != data.count("\n"):
            return None
        data = data.replace("\r\n", "\n")
    try:
        found = _block_parser().parse(data, "digest_blocks" if header else "paper_blocks").children
        head = _header_of(cast("str", found.pop(0))) if header else None
        # Each block's values, read straight out of the one token (no copy per block).
        return head, [
            (paper_of_text(*v), _BLOCK_LINES + (v[2] + (v[3] or "") + v[8] + v[9]).count("\n"))
            for text in cast("list[str]", found)
            for v in map(re.Match.groups, _FIELDS.finditer(text))
        ]
    except (UnexpectedInput, BadValue):
        return None
