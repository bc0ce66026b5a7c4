"""Digest text to model objects: ``parse_digest``, ``parse_paper``, ``iter_papers`` and kin.

Every reader here goes through one driver (``arxiv_digest._parser.read``): the whole text as
one chunk for :func:`parse_digest`, a file 64 kB of whole blocks at a time for
:func:`iter_papers`, :func:`stream_digest` and :func:`iter_blocks`. A valid file is one Lark
call per chunk; a chunk that is not is parsed again a block at a time by the line rules, which
word every error. A lenient parse keeps each block that does not parse as a
:class:`BrokenBlock`, bibtexparser-style, and reads the rest.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, cast

from ._parser import (
    block_starts,
    by_lines,
    decode,
    file_chunks,
    normalize,
    read,
    refuse_surrogates,
    uniform_newline,
)
from .errors import DigestSyntaxError
from .lines import header_line
from .model import Digest, Paper
from .serializer import serialize_paper

if TYPE_CHECKING:
    from typing import TypeAlias

    Source: TypeAlias = "str | os.PathLike[str]"

__all__ = [
    "decode",
    "iter_blocks",
    "iter_papers",
    "paper_blocks",
    "parse_digest",
    "parse_paper",
    "read_text",
    "stream_digest",
]


def read_text(path: str | os.PathLike[str]) -> str:
    """A file's text, decoded as strict UTF-8, line endings untouched.

    Bytes that are not UTF-8 raise :class:`DigestSyntaxError` at their line and column.

    >>> read_text("tests/corpus/cs.CV/2023/03/20230311.md")[:37]
    '# Arxiv Papers in cs.CV on 2023-03-11'
    """
    with open(path, "rb") as file:
        return decode(file.read(), os.fspath(path))


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
    if path is not None:
        name: str | None = os.fspath(path)
    else:
        name = None if isinstance(source, str) else os.fspath(source)
    if isinstance(source, str):
        text = source
        refuse_surrogates(text, name)
    else:
        text = read_text(source)
    text, newline = normalize(text, name)
    papers = []
    broken = []
    try:
        (label, date, _), blocks = read([(1, text)], name, "\n", strict)
        for _, block in blocks:
            if type(block) is Paper:
                papers.append(block)
            else:
                broken.append(block)
    except DigestSyntaxError as failure:
        raise _path_hint(failure, source) from None
    return Digest(label, date, tuple(papers), newline, tuple(broken))  # type: ignore[arg-type]


def _path_hint(failure: DigestSyntaxError, source: Source) -> DigestSyntaxError:
    """Add a hint to an error about a ``str`` that names a file instead of holding a digest."""
    if (
        isinstance(source, str)
        and len(source) < 4096
        and "\n" not in source
        and os.path.isfile(source)
    ):
        failure.message += " (a str is the text itself: to read a file, pass a Path)"
    return failure


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
    refuse_surrogates(text, name)
    return cast("Paper", by_lines(text, "paper", name, 1, True))


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
    bounds = [*block_starts(text), len(text)]
    return [text[begin:end] for begin, end in zip(bounds, bounds[1:])]


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
        refuse_surrogates(source, None)
        file: IO[bytes] = io.BytesIO(source.encode("utf-8"))
        name = None
    else:
        name = os.fspath(source)
        file = open(name, "rb")  # noqa: SIM115 - closed below, when the papers are done
    with file:
        try:
            for _, paper in read(file_chunks(file), name, None, strict=True)[1]:
                yield cast("Paper", paper)
        except DigestSyntaxError as failure:
            raise _path_hint(failure, source) from None


def iter_blocks(
    file: IO[bytes], path: str | None = None
) -> Iterator[tuple[int, bytes, Paper | None]]:
    """``(first line, bytes, paper)`` of each block of a digest read from ``file``.

    The header line comes first (its paper is ``None``), then each paper block, as
    :func:`iter_papers` reads them: for a program that rewrites a file a block at a time
    (``fix``), each block's bytes as they are in the file (a block that parses is exactly
    what the serializer writes). ``path`` names the file in errors.

    >>> import io, pathlib
    >>> data = pathlib.Path("tests/corpus/cs.CV/2023/03/20230311.md").read_bytes()
    >>> blocks = list(iter_blocks(io.BytesIO(data)))
    >>> blocks[0][0], blocks[1][0], blocks[1][2].arxiv_id
    (1, 2, '2303.06250')
    >>> b"".join(raw for _, raw, _ in blocks) == data
    True
    """
    (label, date, newline), blocks = read(file_chunks(file), path, None, strict=True)
    yield 1, header_line(label, date).replace("\n", newline).encode("utf-8"), None
    for line, paper in blocks:
        assert type(paper) is Paper
        yield line, serialize_paper(paper).replace("\n", newline).encode("utf-8"), paper


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
    if newline is None:
        from pathlib import Path  # only here: `check` of a file does not load pathlib

        digest = parse_digest(Path(name))  # its error exactly the whole file's
        head = Digest(digest.category, digest.date, (), digest.newline)
        return head, iter(digest.papers)
    file = open(name, "rb")  # noqa: SIM115 - the papers' iterator closes it
    try:
        (label, date, _), blocks = read(file_chunks(file), name, newline, strict=True)
    except BaseException:
        file.close()
        raise
    return Digest(label, date, (), newline), _papers(file, blocks)


def _papers(file: IO[bytes], blocks: Iterator[tuple[int, object]]) -> Iterator[Paper]:
    """The papers of ``blocks``, then ``file`` closed."""
    with file:
        for _, paper in blocks:
            yield cast("Paper", paper)
