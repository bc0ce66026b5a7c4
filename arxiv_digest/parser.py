"""Digest text to model objects: ``parse_digest``, ``parse_paper`` and ``iter_papers``.

A valid file is parsed by one call of the LALR parser, whose transformer (:class:`Builder`)
builds the objects as rules are reduced. That first call reads all the paper blocks as one
token (the grammar's ``PAPER_BLOCKS``) and takes each block's values out with one match: the
fast path. When it fails, the text is parsed again with one token per line, which is what
every error message is worded from; and when the caller asked for a lenient parse, the file is
split into blocks at its ``### `` lines and each block is parsed on its own,
bibtexparser-style: a broken block becomes a :class:`BrokenBlock` and the rest still parses.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import io
import os
import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any, cast

import attrs
from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput

from . import lines
from .errors import DigestSyntaxError
from .grammar import BLOCK_START_SYMBOLS, LARK_OPTIONS, LINE_START_SYMBOLS, grammar_text
from .model import (
    NO_CATEGORIES,
    BoldTermError,
    BrokenBlock,
    Digest,
    Paper,
    read_categories,
    trusted_digest,
    trusted_paper,
)
from .sniff import foreign_format

if TYPE_CHECKING:
    from typing import TypeAlias

    Source: TypeAlias = "str | os.PathLike[str]"

__all__ = [
    "Builder",
    "fast_parser",
    "iter_blocks",
    "iter_papers",
    "lark_parser",
    "paper_blocks",
    "parse_decoded",
    "parse_digest",
    "parse_paper",
    "raw_blocks",
    "stream_digest",
    "uniform_newline",
]

#: ``iter_papers`` and ``check`` read and parse about this many bytes of whole blocks at a time.
CHUNK_BYTES = 1 << 16

_BOM = "\ufeff"


class _BadValue(Exception):
    """A value the grammar's shape allows but Python rejects (2023-02-30), at a token."""

    def __init__(self, message: str, token: Token, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.pos = (token.start_pos or 0) + offset


def _optional(value: str) -> str | None:
    return None if value == "None" else value


def _datetime(token: Token, prefix: int) -> dt.datetime:
    value = token[prefix:-1]
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise _BadValue(f"invalid date and time {value!r}: {error}", token, prefix) from None


def _categories(token: Token) -> tuple[tuple[str, ...], str | None, tuple[int, ...]]:
    if len(token) == 18:  # "- **Categories**:\n": no categories
        return NO_CATEGORIES
    try:
        return read_categories(token[18:-1])
    except BoldTermError as error:
        raise _BadValue(str(error), token, 18 + error.offset) from None


def _header(token: Token) -> tuple[str, dt.date]:
    label, _, date = token[18:-1].rpartition(" on ")
    try:
        return label, dt.date.fromisoformat(date)
    except ValueError as error:
        offset = len(token) - 1 - len(date)
        raise _BadValue(f"invalid date {date!r}: {error}", token, offset) from None


class Builder(Transformer[Token, object]):
    """The transformer handed to ``Lark()``: each rule's callback builds a model object.

    Values are sliced out of the line tokens by the length of their fixed starts (which the
    grammar spells out), so no tree and no per-value token is ever built.

    >>> Builder().header([Token("HEADER_LINE", "# Arxiv Papers in cs.CV on 2023-03-11\\n")])
    ('cs.CV', datetime.date(2023, 3, 11))
    """

    def header(self, children: list[Token]) -> tuple[str, dt.date]:
        """``header: HEADER_LINE`` -> ``(label, date)``.

        >>> Builder().header([Token("HEADER_LINE", "# Arxiv Papers in x on 2001-02-03\\n")])[1]
        datetime.date(2001, 2, 3)
        """
        return _header(children[0])

    def digest(self, children: list[object]) -> tuple[str, dt.date, tuple[Paper, ...]]:
        """``digest: HEADER_LINE paper*`` -> ``(label, date, papers)``.

        >>> Builder().digest([Token("HEADER_LINE", "# Arxiv Papers in x on 2001-02-03\\n")])[2]
        ()
        """
        header = children[0]
        assert isinstance(header, Token)
        label, date = _header(header)
        papers = tuple(children[1:])
        return label, date, papers  # type: ignore[return-value]

    def paper(self, c: list[Token]) -> Paper:
        """``paper: TITLE_LINE ... BLOCK_END`` -> :class:`Paper`.

        >>> from pathlib import Path
        >>> text = Path("tests/corpus/cs.CV/2023/03/20230311.md").read_text(encoding="utf-8")
        >>> start = text.index("### ")
        >>> block = text[start : text.index("\\n### ", start) + 1]
        >>> lark_parser().parse(block, start="paper").arxiv_id  # Lark calls Builder().paper
        '2303.06250'
        """
        categories, primary, unbolded = _categories(c[3])
        authors = c[7][15:-1]
        return trusted_paper(
            c[0][4:-1],
            c[1][16:-1],
            _optional(c[2][11:-1]),
            categories,
            primary,
            _optional(c[4][19:-2]),
            _datetime(c[5], 17),
            _datetime(c[6], 15),
            tuple(authors.split(", ")) if authors else (),
            _optional(c[8][15:-1]),
            _optional(c[9][15:-1]),
            c[10][15:-1],
            unbolded,
        )

    def digest_blocks(self, c: list[Any]) -> tuple[str, dt.date, tuple[Paper, ...]]:
        """``digest_blocks: HEADER_LINE PAPER_BLOCKS?`` -> ``(label, date, papers)``.

        Tokens are read through ``.value``: lark-cython's are not ``str``.

        >>> Builder().digest_blocks([Token("HEADER_LINE", "# Arxiv Papers in x on 2001-02-03\\n")])
        ('x', datetime.date(2001, 2, 3), ())
        """
        label, date = _header_of(c[0].value)
        return label, date, _papers_of_blocks(c[1].value) if len(c) > 1 else ()

    def paper_blocks(self, c: list[Any]) -> tuple[Paper, ...]:
        """``paper_blocks: PAPER_BLOCKS?`` -> the papers.

        >>> from pathlib import Path
        >>> text = Path("tests/corpus/cs.CV/2023/03/20230311.md").read_text(encoding="utf-8")
        >>> papers = fast_parser().parse(text[text.index("### ") :], start="paper_blocks")
        >>> len(papers), papers[0].arxiv_id
        (45, '2303.06250')
        """
        return _papers_of_blocks(c[0].value) if c else ()


class _NotFast(Exception):
    """A block the fast path leaves to the line-by-line rules (which word the error)."""


# A value, continuation lines included: what the grammar's REST and CONTINUATION allow.
_VALUE = r"([^\n]*(?:\n  [^\n]*)*)"


def _layout(line: str) -> str:
    """A line layout (``lines.*_line("\\0")``) as an expression, its value as a group."""
    before, _, after = line.partition("\0")
    return re.escape(before) + _VALUE + re.escape(after)


#: A paper block, one group per value, built from the serializer's line layouts. It only cuts
#: text that ``PAPER_BLOCKS`` (the grammar) matched already: it validates nothing. A test holds
#: it to the grammar on texts drawn from the grammar's own terminals.
_FIELDS = re.compile(
    _layout(lines.title_line("\0"))
    + _layout(lines.arxiv_id_line("\0"))
    + _layout(lines.doi_line("\0"))
    # With categories, a space and the terms; with none, nothing after the colon.
    + re.escape(lines.categories_line((), None)[:-1])
    + _layout(" \0").join(["(?:", ")?"])
    + "\n"
    + _layout(lines.links_line("\0"))
    + _layout(lines.published_line("\0"))  # type: ignore[arg-type]
    + _layout(lines.updated_line("\0"))  # type: ignore[arg-type]
    + _layout(lines.authors_line(("\0",)))
    + _layout(lines.comment_line("\0"))
    + _layout(lines.journal_line("\0"))
    + _layout(lines.summary_line("\0"))
    + re.escape(lines.BLOCK_END)
)
_fromisoformat = dt.datetime.fromisoformat


def _papers_of_blocks(blocks: str) -> tuple[Paper, ...]:
    """The papers of a ``PAPER_BLOCKS`` token, read straight out of it (no copy per block)."""
    return tuple([_paper_of(fields) for fields in _FIELDS.finditer(blocks)])


def _paper_of(fields: re.Match[str]) -> Paper:
    """The paper of one block's values; a value the model refuses goes to the line rules."""
    title, entry, doi, terms, pdf, published, updated, authors, comment, journal, summary = (
        fields.groups()
    )
    try:
        published_at = _fromisoformat(published)
        updated_at = _fromisoformat(updated)
    except ValueError:  # a 30 February: the grammar allows it, the line rules word it
        raise _NotFast from None
    try:
        categories, primary, unbolded = NO_CATEGORIES if terms is None else read_categories(terms)
    except BoldTermError:
        raise _NotFast from None
    return trusted_paper(
        title,
        entry,
        None if doi == "None" else doi,
        categories,
        primary,
        None if pdf == "None" else pdf,
        published_at,
        updated_at,
        tuple(authors.split(", ")) if authors else (),
        None if comment == "None" else comment,
        None if journal == "None" else journal,
        summary,
        unbolded,
    )


def _header_of(line: str) -> tuple[str, dt.date]:
    label, _, date = line[18:-1].rpartition(" on ")
    try:
        return label, dt.date.fromisoformat(date)
    except ValueError:
        raise _NotFast from None


@functools.cache
def lark_parser() -> Lark:
    """The LALR parser, built once per process, that turns text straight into model objects.

    Plain Lark: its exceptions are what the error messages are made from.

    >>> lark_parser().options.parser
    'lalr'
    """
    return Lark(
        grammar_text(), start=list(LINE_START_SYMBOLS), transformer=Builder(), **LARK_OPTIONS
    )


@functools.cache
def fast_parser(accelerated: bool = True) -> Lark:
    """The parser of the fast path: with lark-cython's lexer and parser when it is installed.

    ``pip install 'arxiv-digest[fast]'`` installs it; ``accelerated=False`` is plain Lark
    whatever is installed. Either way it gives the same objects (the tests check it on every
    real file); errors always come from :func:`lark_parser`.

    >>> fast_parser().parse("# Arxiv Papers in cs.CV on 2023-03-11\\n", start="digest_blocks")
    ('cs.CV', datetime.date(2023, 3, 11), ())
    """
    options: dict[str, Any] = {}
    if accelerated:
        try:
            import lark_cython
        except ImportError:
            pass
        else:
            options["_plugins"] = lark_cython.plugins
    return Lark(
        grammar_text(),
        start=list(BLOCK_START_SYMBOLS),
        transformer=Builder(),
        **options,
        **LARK_OPTIONS,
    )


#: lark-cython is loaded once a process has parsed this many characters: importing it costs
#: more than it saves on one small file (``arxiv-digest check one.md`` starts faster).
ACCELERATE_AFTER = 1 << 20
_parsed = 0


def _fast(text: str, start: str) -> Any:
    """The fast path's result for ``text``, or None when the text is not valid.

    The slow path then parses it again, to say why (or, leniently, to keep what it can).
    """
    global _parsed
    parser = fast_parser(_parsed >= ACCELERATE_AFTER)
    _parsed += len(text)
    try:
        return parser.parse(text, start=start)
    except (UnexpectedInput, _NotFast, _BadValue):
        return None


def _path_of(source: Source, path: str | os.PathLike[str] | None) -> str | None:
    if path is not None:
        return os.fspath(path)
    return None if isinstance(source, str) else os.fspath(source)


def read_text(path: str | os.PathLike[str]) -> str:
    """A file's text, decoded as strict UTF-8, line endings untouched.

    Bytes that are not UTF-8 raise :class:`DigestSyntaxError` at their line and column.
    """
    with open(path, "rb") as file:
        return decode(file.read(), path)


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
    if first_line == 1 and text.startswith(_BOM):
        raise _error_at(
            text,
            0,
            "the file starts with a byte-order mark (U+FEFF): digests are UTF-8 without one",
            path=path,
        )
    if newline is None and "\n" not in text and "\r" in text:
        raise _error_at(
            text,
            text.index("\r"),
            "the file ends its lines with a lone CR: only LF or CRLF end a line",
            path=path,
            first_line=first_line,
        )
    if newline is None:
        first = text.find("\n")
        newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    if newline == "\n":
        return text, newline
    crlf = text.count("\r\n")
    if crlf != text.count("\n"):
        pos = text.find("\n")
        while pos > 0 and text[pos - 1] == "\r":  # the first LF without its CR
            pos = text.find("\n", pos + 1)
        raise _error_at(
            text,
            pos,
            "mixed line endings: this line ends with LF but the file's first line with CRLF",
            path=path,
            first_line=first_line,
        )
    return text.replace("\r\n", "\n"), newline


def _error_at(
    text: str, pos: int, message: str, *, path: str | None, first_line: int = 1
) -> DigestSyntaxError:
    from .diagnostics import at_offset  # only on errors

    return at_offset(text, pos, message, path=path, first_line=first_line)


def _fail(
    error: Exception, text: str, path: str | None, first_line: int, end_of_file: bool = True
) -> DigestSyntaxError:
    from .diagnostics import from_lark

    if isinstance(error, _BadValue):
        return _error_at(text, error.pos, error.message, path=path, first_line=first_line)
    assert isinstance(error, UnexpectedInput)
    return from_lark(error, text, path=path, first_line=first_line, end_of_file=end_of_file)


def _parse(
    text: str, start: str, path: str | None, first_line: int = 1, end_of_file: bool = True
) -> object:
    """Parse ``text`` (from ``first_line`` of a file) from ``start``.

    ``end_of_file`` is false for a block that the next title line follows.
    """
    try:
        return lark_parser().parse(text, start=start)
    except (UnexpectedInput, _BadValue) as error:
        failure = _fail(error, text, path, first_line, end_of_file)
    # Raised outside the except block, so that it does not hold Lark's exception (and with it
    # the parser's state) as its __context__: a lenient parse keeps one error per broken block.
    raise failure


def _block_starts(text: str) -> list[int]:
    """Offsets of the lines that start with ``### ``: where blocks begin."""
    starts = []
    pos = 0 if text.startswith("### ") else text.find("\n### ")
    while pos >= 0:
        if text[pos] == "\n":
            pos += 1
        starts.append(pos)
        pos = text.find("\n### ", pos)
    return starts


def paper_blocks(text: str) -> list[str]:
    """The source text of each paper block of a digest's text, in order, line endings kept.

    Each block runs from its title line (``### ``) to the next one, its empty lines included:
    for a text that :func:`parse_digest` accepts strictly, one block per paper, the same
    characters the file holds (``select`` copies them into its digests, never re-serialized).

    >>> text = read_text("tests/corpus/cs.CV/2023/03/20230311.md")
    >>> blocks = paper_blocks(text)
    >>> len(blocks), blocks[0].splitlines()[0]
    (45, '### ReBound: An Open-Source 3D Bounding Box Annotation Tool for Active Learning')
    >>> text == text[: text.index("### ")] + "".join(blocks)
    True
    """
    bounds = [*_block_starts(text), len(text)]
    return [text[begin:end] for begin, end in zip(bounds, bounds[1:])]


def _lenient(text: str, path: str | None, newline: str) -> Digest:
    starts = _block_starts(text)
    header_end = starts[0] if starts else len(text)
    first_line_end = text.find("\n") + 1 or len(text)
    papers: list[Paper] = []
    broken: list[BrokenBlock] = []
    try:
        # As `digest`, not `header`: what may follow the header line is a title, as in a
        # strict parse, and the messages say the same.
        header = _parse(text[:header_end], "digest", path, end_of_file=header_end == len(text))
    except DigestSyntaxError as error:
        # Only what follows a good header line can be set aside as a broken block.
        header = _parse(text[:first_line_end], "digest", path)
        broken.append(BrokenBlock(0, text[first_line_end:header_end], error.with_traceback(None)))
    label, date, _ = cast("tuple[str, dt.date, tuple[Paper, ...]]", header)
    bounds = [*starts, len(text)]
    line = text.count("\n", 0, header_end) + 1
    for begin, end in zip(bounds, bounds[1:]):
        block = text[begin:end]
        try:
            paper = _parse(block, "paper", path, line, end_of_file=end == len(text))
        except DigestSyntaxError as error:
            # Without its traceback, whose frames hold this function's locals: thousands of
            # such cycles made every garbage collection slower (super-linear growth).
            broken.append(BrokenBlock(len(papers), block, error.with_traceback(None)))
        else:
            assert isinstance(paper, Paper)
            papers.append(paper)
        line += block.count("\n")
    return Digest(label, date, tuple(papers), newline, tuple(broken))


def parse_digest(
    source: Source,
    *,
    strict: bool = True,
    path: str | os.PathLike[str] | None = None,
) -> Digest:
    """Parse a digest from its text (a ``str``) or from a file (an ``os.PathLike``).

    A file is read as UTF-8 with its line endings kept as they are. With ``strict=True`` the
    first syntax error raises :class:`DigestSyntaxError`; with ``strict=False`` every block
    that does not parse is kept verbatim in ``Digest.broken`` (with its error) and the others
    are parsed, so all problems of a file show in one run. Only a broken header line, or text
    that is not UTF-8, still raises. ``path`` names a text's origin in error messages.

    >>> from pathlib import Path
    >>> from arxiv_digest import parse_digest
    >>> digest = parse_digest(Path("tests/corpus/cs.CV/2023/03/20230311.md"))
    >>> digest.category, digest.date.isoformat(), len(digest.papers)
    ('cs.CV', '2023-03-11', 45)
    >>> paper = digest.papers[0]
    >>> paper.arxiv_id, paper.published.isoformat(), paper.primary_category
    ('2303.06250', '2023-03-11T00:11:30+00:00', 'cs.CV')
    """
    name = _path_of(source, path)
    text = source if isinstance(source, str) else read_text(source)
    if isinstance(source, str):
        _refuse_surrogates(text, name)
    return _parse_text(text, strict, name, source)


def parse_decoded(
    text: str, *, strict: bool = True, path: str | os.PathLike[str] | None = None
) -> Digest:
    """:func:`parse_digest` of text this process decoded from UTF-8 bytes itself.

    Such text cannot hold a lone surrogate, so the scan for one (an encode of the whole text,
    6% of ``check``) is skipped; ``check``, ``to-json`` and ``fix`` read files this way.

    >>> parse_decoded(b"# Arxiv Papers in cs.CV on 2023-03-11\\n".decode("utf-8")).date
    datetime.date(2023, 3, 11)
    """
    return _parse_text(text, strict, None if path is None else os.fspath(path), None)


def _parse_text(text: str, strict: bool, name: str | None, source: Source | None) -> Digest:
    """The parse of valid Unicode ``text``; ``source`` is what the caller gave, for a hint."""
    text, newline = normalize(text, name)
    fast = _fast(text, "digest_blocks")
    if fast is not None:
        label, date, papers = fast
        return trusted_digest(label, date, papers, newline)
    try:
        result = lark_parser().parse(text, start="digest")
    except (UnexpectedInput, _BadValue) as error:
        if strict:
            raise _path_hint(_fail(error, text, name, 1), source) from None
        result = None
    if result is None:
        # Outside the except block, so that no error of a broken block chains to Lark's
        # exception (and its parser state) as __context__.
        try:
            return _lenient(text, name, newline)
        except DigestSyntaxError as failure:
            raise _path_hint(failure, source) from None
    label, date, papers = cast("tuple[str, dt.date, tuple[Paper, ...]]", result)
    return Digest(label, date, papers, newline)


def _refuse_surrogates(text: str, path: str | None) -> None:
    """A ``str`` may hold lone surrogates, which no file can: refuse them where they are.

    Encoding is the fastest test (under 1% of a parse); in slices, so that a 200 MB text
    does not need another 200 MB at once.
    """
    if text.isascii():
        return
    step = 1 << 18
    for start in range(0, len(text), step):
        try:
            text[start : start + step].encode("utf-8")
        except UnicodeEncodeError as problem:
            at = start + problem.start
            error = _error_at(
                text,
                at,
                f"a lone surrogate U+{ord(text[at]):04X} cannot be written as UTF-8",
                path=path,
            )
            # Shown as "?", one character for one: the message itself must be printable.
            error.source_line = error.source_line.encode("utf-8", "replace").decode("utf-8")
            raise error from None


def _path_hint(failure: DigestSyntaxError, source: Source | None) -> DigestSyntaxError:
    """Add a hint to an error about a ``str`` that names a file instead of holding a digest."""
    if isinstance(source, str) and _looks_like_a_path(source):
        failure.message += " (a str is the text itself: to read a file, pass a Path)"
    return failure


def _looks_like_a_path(text: str) -> bool:
    return len(text) < 4096 and "\n" not in text and os.path.isfile(text)


def parse_paper(text: str, *, path: str | os.PathLike[str] | None = None) -> Paper:
    """Parse one paper block: its title line, ten field lines and three empty lines.

    Like :func:`serialize_paper`, this knows only ``"\\n"`` line endings: a CR is part of a
    value (a block has no header line to tell a CRLF file by).

    >>> from arxiv_digest import parse_paper
    >>> from pathlib import Path
    >>> text = Path("tests/corpus/cs.CV/2023/03/20230311.md").read_text(encoding="utf-8")
    >>> block = text[text.index("### ") : text.index("### ", 50)]
    >>> parse_paper(block).title
    'ReBound: An Open-Source 3D Bounding Box Annotation Tool for Active Learning'
    """
    name = None if path is None else os.fspath(path)
    _refuse_surrogates(text, name)
    fast = _fast(text, "paper_blocks")
    if fast is not None and len(fast) == 1:
        return cast("Paper", fast[0])
    paper = _parse(text, "paper", name)
    assert isinstance(paper, Paper)
    return paper


def iter_papers(source: Source) -> Iterator[Paper]:
    """Yield the papers of a digest a chunk at a time, from a file or from its text.

    As :func:`parse_digest` takes them: a file is an ``os.PathLike``, the text a ``str``.

    Memory is bounded by the largest block (and a chunk of 64 kB), not the file. The header
    is checked first; a broken block raises :class:`DigestSyntaxError` after the papers before
    it have been yielded. A ``str`` that names a file is text, and its error says to pass a
    ``Path``.

    >>> from pathlib import Path
    >>> from arxiv_digest import iter_papers
    >>> papers = iter_papers(Path("tests/corpus/cs.CV/2023/03/20230311.md"))
    >>> next(papers).arxiv_id
    '2303.06250'
    """
    if isinstance(source, str):
        _refuse_surrogates(source, None)
        file: IO[bytes] = io.BytesIO(source.encode("utf-8"))
        name = None
    else:
        name = os.fspath(source)
        file = open(name, "rb")  # noqa: SIM115 - closed below, when the papers are done
    with file:
        try:
            for _, _, paper in iter_blocks(file, name):
                if paper is not None:
                    yield paper
        except DigestSyntaxError as failure:
            raise _path_hint(failure, source) from None


def iter_blocks(
    file: IO[bytes], path: str | None = None
) -> Iterator[tuple[int, bytes, Paper | None]]:
    """``(first line, bytes, paper)`` of each block of a digest read from ``file``.

    The header region comes first (its paper is ``None``), then each paper block, as
    :func:`iter_papers` reads them: for a program that rewrites a file a block at a time
    (``fix``), each block's bytes as they are in the file. ``path`` names it in errors.

    >>> import io, pathlib
    >>> data = pathlib.Path("tests/corpus/cs.CV/2023/03/20230311.md").read_bytes()
    >>> blocks = list(iter_blocks(io.BytesIO(data)))
    >>> blocks[0][0], blocks[1][0], blocks[1][2].arxiv_id
    (1, 2, '2303.06250')
    >>> b"".join(raw for _, raw, _ in blocks) == data
    True
    """
    blocks = _Peekable(raw_blocks(file, CHUNK_BYTES))
    _, head = next(blocks)
    header = head
    if not head:  # the file starts with a title line: it is the header region, and wrong
        head = next(blocks, (1, b""))[1]
    first_end = head.find(b"\n")
    # Decided by the first line; a file without any LF is left to normalize(), which
    # tells a lone-CR file by its first CR, as parse_digest does.
    newline = (
        None if first_end < 0 else "\r\n" if head[first_end - 1 : first_end] == b"\r" else "\n"
    )
    _parse_raw_block([head], 1, path, newline, last=blocks.done())
    yield 1, header, None
    yield from _blocks_of(blocks, path, newline)


class _Peekable(Iterator[tuple[int, bytes]]):
    """An iterator of blocks that can tell whether another one follows."""

    def __init__(self, blocks: Iterator[tuple[int, bytes]]) -> None:
        self._blocks = blocks
        self._next: tuple[int, bytes] | None = next(blocks, None)

    def __next__(self) -> tuple[int, bytes]:
        if self._next is None:
            raise StopIteration
        item, self._next = self._next, next(self._blocks, None)
        return item

    def done(self) -> bool:
        """Whether no block follows."""
        return self._next is None


def _blocks_of(
    blocks: _Peekable, name: str | None, newline: str | None
) -> Iterator[tuple[int, bytes, Paper]]:
    """The blocks after the header region with their papers, a chunk at a time."""
    for chunk in _chunks(blocks):
        papers = None if newline is None else _fast_chunk(chunk, newline)
        if papers is not None:
            for (first_line, raw), paper in zip(chunk, papers):
                yield first_line, raw, paper
            continue
        for index, (first_line, raw) in enumerate(chunk):  # the line-by-line rules say why
            last = index == len(chunk) - 1 and blocks.done()
            parsed = _parse_raw_block([raw], first_line, name, newline, last=last)
            assert parsed is not None
            yield first_line, raw, parsed


def _chunks(blocks: Iterator[tuple[int, bytes]]) -> Iterator[list[tuple[int, bytes]]]:
    """Consecutive blocks, about ``CHUNK_BYTES`` of them at a time: one Lark call each."""
    chunk: list[tuple[int, bytes]] = []
    size = 0
    for block in blocks:
        chunk.append(block)
        size += len(block[1])
        if size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _fast_chunk(chunk: list[tuple[int, bytes]], newline: str) -> tuple[Paper, ...] | None:
    """The papers of whole blocks, or None when any of them is not valid text and syntax."""
    try:
        text = b"".join(raw for _, raw in chunk).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if newline == "\r\n":
        if text.count("\r\n") != text.count("\n"):
            return None
        text = text.replace("\r\n", "\n")
    papers = _fast(text, "paper_blocks")
    return (
        None if papers is None or len(papers) != len(chunk) else cast("tuple[Paper, ...]", papers)
    )


def raw_blocks(file: IO[bytes], size: int = 1 << 16) -> Iterator[tuple[int, bytes]]:
    """``(first line, bytes)`` of the header region, then of each block, read ``size`` at a time.

    Blocks start at the lines that start with ``### `` (the header region is empty when the
    file starts with one), as a lenient parse cuts them; a block is joined only once whole.

    >>> import io
    >>> list(raw_blocks(io.BytesIO(b"# h\\n### a\\nx\\n### b\\n"), size=3))
    [(1, b'# h\\n'), (2, b'### a\\nx\\n'), (4, b'### b\\n')]
    """
    parts: list[bytes] = []
    tail = b""  # the last bytes of the block so far: a boundary may straddle two reads
    line = 1
    data = file.read(size)
    while 0 < len(data) < 4 and (more := file.read(size)):
        data += more
    if data.startswith(b"### "):
        yield 1, b""
    while data:
        window = tail + data
        found = window.find(b"\n### ")
        if found < 0:
            parts.append(data)
            tail = window[-4:]
        else:
            block = b"".join(parts) + data
            start, cut = 0, len(block) - len(window) + found
            while cut >= 0:
                yield line, block[start : cut + 1]
                line += block.count(b"\n", start, cut + 1)
                start = cut + 1
                cut = block.find(b"\n### ", start)
            parts, tail = [block[start:]], block[-4:]
        data = file.read(size)
    yield line, b"".join(parts)


def uniform_newline(path: str) -> str | None:
    """The file's newline, or None when it is not UTF-8 or its line endings are not uniform.

    Read a megabyte at a time: what a reader a block at a time checks first, so that a file
    broken as a whole is read whole, and its one error reported as for a whole file.

    >>> uniform_newline("tests/corpus/cs.CV/2023/03/20230311.md")
    '\\n'
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


def stream_digest(path: str | os.PathLike[str]) -> tuple[Digest, Iterator[Paper]]:
    """A digest file's header (a :class:`Digest` without papers) and its papers, read lazily.

    The papers are read a chunk at a time, as :func:`iter_papers` does: memory is bounded by
    the largest block. Errors are those of ``parse_digest(path)``, at the same place and in
    the same words: the header's are raised here, a broken block's by the iterator, after the
    papers before it. A file that is not UTF-8, or mixes line endings, is parsed whole, so
    that its error is exactly the whole file's.

    >>> head, papers = stream_digest("tests/corpus/cs.CV/2023/03/20230311.md")
    >>> head.category, head.papers, next(papers).arxiv_id
    ('cs.CV', (), '2303.06250')
    """
    name = os.fspath(path)
    newline = uniform_newline(name)
    if newline is not None:
        file = open(name, "rb")  # noqa: SIM115 - the papers' iterator closes it
        try:
            blocks = _Peekable(raw_blocks(file, CHUNK_BYTES))
            _, head = next(blocks)
            if not head:  # the file starts with a title line: its first block is as wrong
                head = next(blocks, (1, b""))[1]
            text = normalize(decode(head, name), name, 1, newline)[0]
            header = _parse(text, "digest", name, end_of_file=blocks.done())
            label, date, _ = cast("tuple[str, dt.date, object]", header)
            if not head.startswith(b"### "):
                papers = _papers(file, blocks, name, newline)
                return trusted_digest(label, date, (), newline), papers
        except BaseException:
            file.close()
            raise
        file.close()
    digest = parse_decoded(read_text(name), path=name)  # parse_digest(Path(name)), exactly
    return attrs.evolve(digest, papers=()), iter(digest.papers)


def _papers(file: IO[bytes], blocks: _Peekable, name: str, newline: str) -> Iterator[Paper]:
    with file:
        for _, _, paper in _blocks_of(blocks, name, newline):
            yield paper


def _parse_raw_block(
    block: list[bytes], first_line: int, path: str | None, newline: str | None, *, last: bool
) -> Paper | None:
    """Parse one block of ``iter_papers``: the header region (``None``) or a paper."""
    text = decode(b"".join(block), path, first_line)
    text, _ = normalize(text, path, first_line, newline)
    if first_line == 1:
        _parse(text, "digest", path, end_of_file=last)
        return None
    paper = _parse(text, "paper", path, first_line, end_of_file=last)
    assert isinstance(paper, Paper)
    return paper
