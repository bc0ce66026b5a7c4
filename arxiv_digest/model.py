"""The data model: a :class:`Digest` of :class:`Paper` objects, frozen attrs value classes.

A ``Paper`` carries the field names of the ``arxiv`` package's ``Result``, which is where a
digest comes from. Every valid object round-trips through the text: the validators reject
exactly what a digest cannot carry (see ``docs/format.md``, "What the model can carry").
Edit with :func:`attrs.evolve`, which validates the new object too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from . import serializer
from .errors import DigestSyntaxError
from .grammar import terminal_pattern

__all__ = ["BrokenBlock", "Digest", "Paper"]


def _check_type(name: str, value: object, kind: type | tuple[type, ...]) -> None:
    if not isinstance(value, kind):
        wanted = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise TypeError(f"{name} must be {wanted}, not {type(value).__name__}: {value!r}")


def _check_optional(name: str, value: str | None) -> None:
    _check_type(name, value, (str, type(None)))
    if value == "None":
        raise ValueError(
            f"{name} cannot be the string 'None': the digest writes a missing value as None,"
            " so it would read back as None"
        )


def _check_utf8(name: str, text: str, value: object) -> None:
    """Refuse what cannot be written as UTF-8.

    A lone surrogate (from ``surrogateescape``, or JSON's ``"\\ud800"``) would make every
    writer fail later, far from its cause.
    """
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        char = text[error.start]
        raise ValueError(
            f"{name} cannot hold the lone surrogate U+{ord(char):04X}: a digest is UTF-8,"
            f" which cannot encode it: {value!r}"
        ) from None


def _check_line(name: str, terminal: str, line: str, value: object, wraps: bool) -> None:
    """Check that ``line``, the way the serializer writes the field, is what the grammar reads."""
    _check_utf8(name, line, value)
    if terminal_pattern(terminal).fullmatch(line):
        return
    text = "".join(value) if isinstance(value, tuple) else value
    if isinstance(text, str) and "\n" in text and not wraps:
        reason = "a newline (it is one line in a digest)"
    elif isinstance(text, str) and "\n" in text:
        reason = "a newline not followed by two spaces (a value goes on only on continuation lines)"
    else:
        reason = "this value (the grammar does not accept it)"
    raise ValueError(f"{name} cannot hold {reason}: {value!r}")


def _check_terms(name: str, terms: tuple[str, ...], what: str, *, bold_empty: bool = False) -> None:
    _check_type(name, terms, tuple)
    for term in terms:
        _check_type(f"each of {name}", term, str)
        if ", " in term:
            raise ValueError(
                f"{name} cannot hold {term!r}: {what} are joined by ', ', so it would read back"
                " as two"
            )
    if terms == ("",) and not bold_empty:
        raise ValueError(f"{name} cannot be ('',): it is written as nothing and reads back as ()")


def _check_datetime(name: str, value: dt.datetime) -> None:
    _check_type(name, value, dt.datetime)
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"{name} must be timezone-aware (the digest writes +00:00): {value!r}")
    if offset % dt.timedelta(minutes=1):
        raise ValueError(f"{name} must have a UTC offset of whole minutes: {value!r}")


def _validate_paper(paper: Paper) -> None:
    _check_type("Paper.title", paper.title, str)
    _check_line("Paper.title", "TITLE_LINE", f"### {paper.title}\n", paper.title, False)
    _check_type("Paper.entry_id", paper.entry_id, str)
    _check_utf8("Paper.entry_id", paper.entry_id, paper.entry_id)
    if not terminal_pattern("ARXIV_ID_LINE").fullmatch(serializer.arxiv_id_line(paper.entry_id)):
        raise ValueError(
            "Paper.entry_id must be an arXiv entry URL with a version of at most 9 digits,"
            f" like http://arxiv.org/abs/2303.06250v1: {paper.entry_id!r}"
        )
    _check_optional("Paper.doi", paper.doi)
    _check_line("Paper.doi", "DOI_LINE", serializer.doi_line(paper.doi), paper.doi, True)
    # ("",) with the primary category "" is written `****` and reads back the same (what the
    # generator writes for an empty term); without a primary it would be written as nothing.
    _check_terms(
        "Paper.categories",
        paper.categories,
        "categories",
        bold_empty=paper.primary_category == "",
    )
    _check_type("Paper.primary_category", paper.primary_category, (str, type(None)))
    if paper.primary_category is None:
        if paper.categories and serializer.looks_bold(paper.categories[0]):
            raise ValueError(
                "Paper.categories cannot start with a bold-looking term when primary_category"
                f" is None: it would read back as the primary category: {paper.categories[0]!r}"
            )
    elif not paper.categories or paper.categories[0] != paper.primary_category:
        raise ValueError(
            "Paper.primary_category must be the first of Paper.categories (the digest marks the"
            f" primary category by bolding the first term), or None: {paper.primary_category!r}"
            f" and {paper.categories!r}"
        )
    line = serializer.categories_line(paper.categories, paper.primary_category)
    _check_line("Paper.categories", "CATEGORIES_LINE", line, paper.categories, True)
    _check_optional("Paper.pdf_url", paper.pdf_url)
    _check_line(
        "Paper.pdf_url", "LINKS_LINE", serializer.links_line(paper.pdf_url), paper.pdf_url, False
    )
    _check_datetime("Paper.published", paper.published)
    _check_datetime("Paper.updated", paper.updated)
    _check_terms("Paper.authors", paper.authors, "authors")
    _check_line(
        "Paper.authors",
        "AUTHORS_LINE",
        serializer.authors_line(paper.authors),
        paper.authors,
        False,
    )
    _check_optional("Paper.comment", paper.comment)
    _check_line(
        "Paper.comment", "COMMENT_LINE", serializer.comment_line(paper.comment), paper.comment, True
    )
    _check_optional("Paper.journal_ref", paper.journal_ref)
    line = serializer.journal_line(paper.journal_ref)
    _check_line("Paper.journal_ref", "JOURNAL_LINE", line, paper.journal_ref, True)
    _check_type("Paper.summary", paper.summary, str)
    _check_line(
        "Paper.summary",
        "SUMMARY_LINE",
        serializer.summary_line(paper.summary),
        paper.summary,
        False,
    )


@attrs.frozen
class Paper:
    """One paper of a digest, with the field names of the ``arxiv`` package's ``Result``.

    ``None`` in the text is Python ``None`` (``doi``, ``pdf_url``, ``comment``, ``journal_ref``);
    ``primary_category`` is ``None`` when no category term is bold. Values are kept byte for
    byte: a wrapped value holds its ``"\\n  "`` continuation breaks.

    >>> import datetime as dt
    >>> when = dt.datetime(2023, 3, 11, 0, 11, 30, tzinfo=dt.timezone.utc)
    >>> paper = Paper(
    ...     title="ReBound", entry_id="http://arxiv.org/abs/2303.06250v1", doi=None,
    ...     categories=("cs.CV", "cs.LG"), primary_category="cs.CV",
    ...     pdf_url="http://arxiv.org/pdf/2303.06250v1", published=when, updated=when,
    ...     authors=("Wesley Chen", "Andrew Edgley"), comment=None, journal_ref=None,
    ...     summary="In recent years ...",
    ... )
    >>> paper.arxiv_id, paper.version
    ('2303.06250', 1)
    >>> attrs.evolve(paper, title="Bad\\ntitle")
    Traceback (most recent call last):
    ...
    ValueError: Paper.title cannot hold a newline (it is one line in a digest): 'Bad\\ntitle'
    """

    title: str
    entry_id: str
    doi: str | None
    categories: tuple[str, ...]
    primary_category: str | None
    pdf_url: str | None
    published: dt.datetime
    updated: dt.datetime
    authors: tuple[str, ...]
    comment: str | None
    journal_ref: str | None
    summary: str

    def __attrs_post_init__(self) -> None:
        # One validator for the whole object: some limits involve two fields (the primary
        # category must be the first term), and one pass keeps evolve() cheap.
        _validate_paper(self)

    @property
    def arxiv_id(self) -> str:
        """The identifier without version: ``"2303.06250"``, ``"cs/0407047"``.

        >>> from pathlib import Path
        >>> from arxiv_digest import parse_digest
        >>> parse_digest(Path("tests/corpus/cs.CV/1998/02/19980211.md")).papers[0].arxiv_id
        'quant-ph/9802028'
        """
        start = self.entry_id.index("/abs/") + 5
        return self.entry_id[start : self.entry_id.rindex("v")]

    @property
    def version(self) -> int:
        """The version number from the entry URL: ``1`` for ``...2303.06250v1``.

        >>> from pathlib import Path
        >>> from arxiv_digest import parse_digest
        >>> digest = parse_digest(Path("tests/corpus/cs.CV/2023/03/20230311.md"))
        >>> [paper.version for paper in digest.papers[:3]]
        [1, 1, 2]
        """
        return int(self.entry_id[self.entry_id.rindex("v") + 1 :])


_PAPER_FIELDS = tuple(a.name for a in attrs.fields(Paper))
_new_object = object.__new__
_set_attribute = object.__setattr__


def trusted_paper(*values: Any) -> Paper:
    """Build a Paper from values the parser took out of text the grammar accepted.

    Skips the validators, which would only match the same lines against the same grammar a
    second time; the test suite checks that every parsed paper passes them.
    """
    paper = _new_object(Paper)
    for name, value in zip(_PAPER_FIELDS, values):
        _set_attribute(paper, name, value)
    return paper


@attrs.frozen
class BrokenBlock:
    """A block that did not parse, kept verbatim by ``parse_digest(..., strict=False)``.

    ``index`` is the number of papers before it, ``text`` the block as it was (line endings
    as ``"\\n"``; the digest's ``newline`` applies when it is written back) and ``error`` the
    syntax error, with its line and column in the whole file.

    >>> from arxiv_digest import parse_digest
    >>> text = "# Arxiv Papers in cs.CV on 2023-03-11\\n### Broken\\n- **DOI**: None\\n\\n\\n\\n"
    >>> digest = parse_digest(text, strict=False)
    >>> block = digest.broken[0]
    >>> block.index, block.line, block.error.message
    (0, 3, 'expected the Arxiv ID line, found the DOI line')
    """

    index: int = attrs.field(validator=attrs.validators.instance_of(int))
    text: str = attrs.field(validator=attrs.validators.instance_of(str))
    error: DigestSyntaxError = attrs.field(eq=False, repr=False)

    @property
    def line(self) -> int:
        """The line of the file where the error is.

        >>> from arxiv_digest import DigestSyntaxError
        >>> BrokenBlock(0, "### x\\n", DigestSyntaxError("bad", line=5, column=1)).line
        5
        """
        return self.error.line


def _validate_digest(digest: Digest) -> None:
    _check_type("Digest.category", digest.category, str)
    _check_utf8("Digest.category", digest.category, digest.category)
    _check_type("Digest.date", digest.date, dt.date)
    if isinstance(digest.date, dt.datetime):
        raise TypeError(f"Digest.date must be a date, not a datetime: {digest.date!r}")
    if not terminal_pattern("HEADER_LINE").fullmatch(
        serializer.header_line(digest.category, digest.date)
    ):
        raise ValueError(
            f"Digest.category cannot hold a newline: the header is one line: {digest.category!r}"
        )
    _check_type("Digest.papers", digest.papers, tuple)
    for paper in digest.papers:
        _check_type("each of Digest.papers", paper, Paper)
    if digest.newline not in ("\n", "\r\n"):
        raise ValueError(f"Digest.newline must be '\\n' or '\\r\\n', not {digest.newline!r}")
    _check_type("Digest.broken", digest.broken, tuple)
    last = 0
    for block in digest.broken:
        _check_type("each of Digest.broken", block, BrokenBlock)
        if not last <= block.index <= len(digest.papers):
            raise ValueError(
                "Digest.broken must be in order, each index between 0 and len(papers):"
                f" {block.index}"
            )
        last = block.index


@attrs.frozen
class Digest:
    """One day's digest: the header's ``category`` label and ``date``, and its papers.

    ``newline`` is ``"\\r\\n"`` for a file with Windows line endings, so that it is written
    back as it was. ``broken`` holds the blocks a lenient parse could not read (always empty
    after a strict parse).

    >>> import datetime as dt
    >>> digest = Digest("cs.CV", dt.date(2023, 3, 11))
    >>> from arxiv_digest import serialize_digest
    >>> serialize_digest(digest)
    '# Arxiv Papers in cs.CV on 2023-03-11\\n'
    """

    category: str
    date: dt.date
    papers: tuple[Paper, ...] = ()
    newline: str = "\n"
    broken: tuple[BrokenBlock, ...] = ()

    def __attrs_post_init__(self) -> None:
        _validate_digest(self)
