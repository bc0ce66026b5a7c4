"""The data model: a :class:`Digest` of :class:`Paper` objects, frozen attrs value classes.

A ``Paper`` carries the field names of the ``arxiv`` package's ``Result``, which is where a
digest comes from. Every valid object round-trips through the text: the validators reject
exactly what a digest cannot carry (see ``docs/format.md``, "What the model can carry").
Edit with :func:`attrs.evolve`, which validates the new object too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

import attrs

from . import lines
from .errors import DigestSyntaxError
from .grammar import terminal_pattern

__all__ = ["BrokenBlock", "Digest", "Paper"]

_UTC = dt.timezone.utc


def _check_type(name: str, value: object, kind: type | tuple[type, ...]) -> None:
    if not isinstance(value, kind):
        wanted = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise TypeError(f"{name} must be {wanted}, not {type(value).__name__}: {value!r}")


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


_ENTRY_URL = (
    "an arXiv entry URL with a version of at most 9 digits, like http://arxiv.org/abs/2303.06250v1"
)
_DATETIME = (
    "a timezone-aware datetime whose str() reads back the same, like 2023-03-11 00:11:30+00:00"
)

# Each field in the order of the text: the grammar's terminal for its line, the function that
# writes the line from the value as text (what the parser reads, which paper_of_text takes),
# whether the value may go on on continuation lines, and what the value must be when its line
# does not match (None: the reason is found in the value).
_LINES: dict[str, tuple[str, Callable[[Any], str], bool, str | None]] = {
    "title": ("TITLE_LINE", lines.title_line, False, None),
    "entry_id": ("ARXIV_ID_LINE", lines.arxiv_id_line, False, _ENTRY_URL),
    "doi": ("DOI_LINE", lines.doi_line, True, None),
    # The terms as they are written, bold marks included: one term the writer leaves as it is.
    "categories": (
        "CATEGORIES_LINE",
        lambda text: lines.categories_line((text,) if text else (), None),
        True,
        None,
    ),
    "pdf_url": ("LINKS_LINE", lines.links_line, False, None),
    "published": ("PUBLISHED_LINE", lines.published_line, False, _DATETIME),
    "updated": ("UPDATED_LINE", lines.updated_line, False, _DATETIME),
    "authors": ("AUTHORS_LINE", lambda text: lines.authors_line((text,)), False, None),
    "comment": ("COMMENT_LINE", lines.comment_line, True, None),
    "journal_ref": ("JOURNAL_LINE", lines.journal_line, True, None),
    "summary": ("SUMMARY_LINE", lines.summary_line, False, None),
}


def _check_line(field: str, value: Any, line: str | None = None) -> None:
    """Check that the field's line, as it is written, is what the grammar reads.

    ``line`` is written from ``value`` unless given (the tuples of a paper: its categories,
    written with the primary, and its authors).
    """
    terminal, write, wraps, must = _LINES[field]
    line = write(value) if line is None else line
    name = f"Paper.{field}"
    _check_utf8(name, line, value)
    if terminal_pattern(terminal).fullmatch(line):
        return
    if must is not None:
        raise ValueError(f"{name} must be {must}: {value!r}")
    text = "".join(value) if isinstance(value, tuple) else value
    if not (isinstance(text, str) and "\n" in text):
        reason = "this value (the grammar does not accept it)"
    elif wraps:
        reason = "a newline not followed by two spaces (a value goes on only on continuation lines)"
    else:
        reason = "a newline (it is one line in a digest)"
    raise ValueError(f"{name} cannot hold {reason}: {value!r}")


def _check_text(field: str, value: str | None, optional: bool = False) -> None:
    """A str field (``optional``: or None, which is written as the string ``None``)."""
    name = f"Paper.{field}"
    _check_type(name, value, (str, type(None)) if optional else str)
    if optional and value == "None":
        raise ValueError(
            f"{name} cannot be the string 'None': the digest writes a missing value as None,"
            " so it would read back as None"
        )
    _check_line(field, value)


def _check_tuple(name: str, value: tuple[Any, ...], kind: type) -> None:
    _check_type(name, value, tuple)
    each = f"each of {name}"
    for item in value:
        _check_type(each, item, kind)


def _check_terms(field: str, terms: tuple[str, ...]) -> None:
    _check_tuple(f"Paper.{field}", terms, str)
    for term in terms:
        if ", " in term:
            raise ValueError(
                f"Paper.{field} cannot hold {term!r}: {field} are joined by ', ', so it would"
                " read back as two"
            )


def _check_categories(paper: Paper) -> None:
    """The generator's rule: every term equal to the primary is bold, except the ``unbolded``."""
    terms, primary, unbolded = paper.categories, paper.primary_category, paper.unbolded
    _check_terms("categories", terms)
    _check_type("Paper.primary_category", primary, (str, type(None)))
    _check_tuple("Paper.unbolded", unbolded, int)
    last = -1
    for index in unbolded:
        if isinstance(index, bool):
            raise TypeError(f"each of Paper.unbolded must be int, not bool: {index!r}")
        if not last < index < len(terms) or terms[index] != primary:
            raise ValueError(
                "Paper.unbolded must list, in order, positions of Paper.categories that hold"
                f" the primary category {primary!r}: {unbolded!r} for {terms!r}"
            )
        last = index
    if primary is not None and terms.count(primary) == len(unbolded):
        raise ValueError(
            "Paper.primary_category must be among Paper.categories, bold at least once (a"
            " primary that is not among the terms is written as no bold term and reads back as"
            f" None), or None: {primary!r} and {terms!r}"
        )
    for index, term in enumerate(terms):
        if lines.looks_bold(term) and (term != primary or index in unbolded):
            raise ValueError(
                f"Paper.categories cannot hold {term!r} without bold: it looks bold, so it"
                f" would read back as the primary category {term[2:-2]!r}"
            )
    _check_line("categories", terms, lines.categories_line(terms, primary, unbolded))


def _check_datetime(field: str, value: dt.datetime) -> None:
    name = f"Paper.{field}"
    _check_type(name, value, dt.datetime)
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"{name} must be timezone-aware (the digest writes +00:00): {value!r}")
    if offset % dt.timedelta(minutes=1):
        raise ValueError(f"{name} must have a UTC offset of whole minutes: {value!r}")


def _validate_paper(paper: Paper) -> None:
    # Field by field in the order of the text. A valid datetime's str() is always a line the
    # grammar reads, so its line is not matched.
    _check_text("title", paper.title)
    _check_text("entry_id", paper.entry_id)
    _check_text("doi", paper.doi, optional=True)
    _check_categories(paper)
    _check_text("pdf_url", paper.pdf_url, optional=True)
    _check_datetime("published", paper.published)
    _check_datetime("updated", paper.updated)
    _check_terms("authors", paper.authors)
    if paper.authors == ("",):
        raise ValueError(
            "Paper.authors cannot be ('',): it is written as nothing and reads back as ()"
        )
    _check_line("authors", paper.authors, lines.authors_line(paper.authors))
    _check_text("comment", paper.comment, optional=True)
    _check_text("journal_ref", paper.journal_ref, optional=True)
    _check_text("summary", paper.summary)


# attrs.evolve(paper, authors=[...]) and the like: any iterable becomes a tuple.
def _authors(value: Iterable[str]) -> tuple[str, ...]:
    return _tuple_of("Paper.authors", value)


def _categories(value: Iterable[str]) -> tuple[str, ...]:
    return _tuple_of("Paper.categories", value)


def _positions(value: Iterable[int]) -> tuple[int, ...]:
    return _tuple_of("Paper.unbolded", value)


def _tuple_of(name: str, value: Any) -> tuple[Any, ...]:
    if type(value) is tuple:
        return value
    if isinstance(value, (str, bytes)):  # tuple("Alice") would be five one-letter authors
        raise TypeError(
            f"{name} must be an iterable of values, not {type(value).__name__}: {value!r}"
        )
    try:
        return tuple(value)
    except TypeError:
        raise TypeError(
            f"{name} must be a tuple or another iterable, not {type(value).__name__}: {value!r}"
        ) from None


@attrs.frozen
class Paper:
    """One paper of a digest, with the field names of the ``arxiv`` package's ``Result``.

    ``None`` in the text is Python ``None`` (``doi``, ``pdf_url``, ``comment``, ``journal_ref``).
    ``categories`` are the terms without their bold marks, in order; ``primary_category`` is
    the bold term (``None`` when none is). As the generator writes them, every term equal to
    the primary is bold; ``unbolded`` lists the positions of the terms equal to the primary
    that are written without bold all the same (two real papers; always ``()`` from the
    generator). Values are kept byte for byte: a wrapped value holds its ``"\\n  "``
    continuation breaks. ``authors`` and ``categories`` take any iterable and store a tuple.

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
    >>> attrs.evolve(paper, authors=["Wesley Chen"]).authors
    ('Wesley Chen',)
    >>> attrs.evolve(paper, title="Bad\\ntitle")
    Traceback (most recent call last):
    ...
    ValueError: Paper.title cannot hold a newline (it is one line in a digest): 'Bad\\ntitle'
    """

    title: str
    entry_id: str
    doi: str | None
    categories: tuple[str, ...] = attrs.field(converter=_categories)
    primary_category: str | None
    pdf_url: str | None
    published: dt.datetime
    updated: dt.datetime
    authors: tuple[str, ...] = attrs.field(converter=_authors)
    comment: str | None
    journal_ref: str | None
    summary: str
    unbolded: tuple[int, ...] = attrs.field(default=(), converter=_positions, kw_only=True)

    def __attrs_post_init__(self) -> None:
        # One validator for the whole object: some limits involve several fields (the bold
        # terms are those equal to the primary), and one pass keeps evolve() cheap.
        _validate_paper(self)

    @classmethod
    def from_result(cls, result: Any) -> Paper:
        """The paper that parsing the generator's text for an ``arxiv.Result`` gives.

        ``result`` is any object with the ``arxiv.Result`` attributes (``title``, ``entry_id``,
        ``doi``, ``categories``, ``primary_category``, ``pdf_url``, ``published``,
        ``updated``, ``authors`` with ``.name``, ``comment``, ``journal_ref``, ``summary``):
        the ``arxiv`` package is not needed. So ``serialize_paper(Paper.from_result(r))`` is
        the generator's text for ``r`` byte for byte, with its quirks: a value that is
        ``None`` or the string ``"None"`` reads back as ``None``, the summary's newlines are
        spaces, a name holding ``", "`` reads back as two authors, every term equal to the
        primary category is bold (a primary that is not among the terms reads back as
        ``None``), trailing commas and spaces of the last term are stripped. Where that text
        would not read back (a title with a newline, a comment with a newline not followed
        by two spaces, a naive datetime, two different bold terms) it raises
        :class:`ValueError` naming the field, and never writes something else.

        >>> import datetime as dt
        >>> from types import SimpleNamespace as Result
        >>> from arxiv_digest import serialize_paper
        >>> when = dt.datetime(2023, 3, 11, 0, 11, 30, tzinfo=dt.timezone.utc)
        >>> result = Result(
        ...     title="ReBound", entry_id="http://arxiv.org/abs/2303.06250v1", doi=None,
        ...     categories=["cs.LG", "cs.CV"], primary_category="cs.CV",
        ...     pdf_url="http://arxiv.org/pdf/2303.06250v1", published=when, updated=when,
        ...     authors=[Result(name="Wesley Chen")], comment="9 pages,\\n  3 figures",
        ...     journal_ref="None", summary="Two\\nlines.",
        ... )
        >>> paper = Paper.from_result(result)
        >>> paper.primary_category, paper.journal_ref, paper.summary
        ('cs.CV', None, 'Two lines.')
        >>> print(serialize_paper(paper), end="")
        ### ReBound
        - **Arxiv ID**: http://arxiv.org/abs/2303.06250v1
        - **DOI**: None
        - **Categories**: cs.LG, **cs.CV**
        - **Links**: [PDF](http://arxiv.org/pdf/2303.06250v1)
        - **Published**: 2023-03-11 00:11:30+00:00
        - **Updated**: 2023-03-11 00:11:30+00:00
        - **Authors**: Wesley Chen
        - **Comment**: 9 pages,
          3 figures
        - **Journal**: None
        - **Summary**: Two lines.
        <BLANKLINE>
        <BLANKLINE>
        <BLANKLINE>
        >>> Paper.from_result(Result(**{**vars(result), "comment": "9 pages,\\n3 figures"}))
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: Paper.comment cannot hold a newline not followed by two spaces (...): ...
        """
        # Each value as the generator prints it (str.format: None prints as None), in the
        # order of the text, and the paper the parser reads from it, without its validators.
        texts: dict[str, Any] = {field: f"{getattr(result, field)}" for field in _LINES}
        primary = result.primary_category
        terms = "".join(f"**{t}**, " if t == primary else f"{t}, " for t in result.categories)
        texts.update(
            categories=terms.rstrip(", ") or None,  # no terms: "- **Categories**:", no space
            authors=", ".join(author.name for author in result.authors),
            summary=result.summary.replace("\n", " "),
        )
        refused = None
        try:
            paper = paper_of_text(*texts.values())
        except BadValue as error:  # two bold terms, a 30 February: the grammar allows them
            refused = error
        # The first line, in the order of the text, that the parser would not read is the
        # field to name: the value Python refused, or a line before it the grammar does not match.
        for index, (field, text) in enumerate(texts.items()):
            _check_line(field, text)
            if refused is not None and refused.index == index:
                what = "cannot be written" if field == "categories" else "is not a valid date"
                raise ValueError(f"Paper.{field} {what}: {refused}") from None
        return paper

    @property
    def arxiv_id(self) -> str:
        """The identifier without version: ``"2303.06250"``, ``"cs/0407047"``.

        >>> from pathlib import Path
        >>> from arxiv_digest import parse_digest
        >>> parse_digest(Path("tests/corpus/cs.CV/1998/02/19980211.md")).papers[0].arxiv_id
        'quant-ph/9802028'
        """
        return split_entry_id(self.entry_id)[0]

    @property
    def version(self) -> int:
        """The version number from the entry URL: ``1`` for ``...2303.06250v1``.

        >>> from pathlib import Path
        >>> from arxiv_digest import parse_digest
        >>> digest = parse_digest(Path("tests/corpus/cs.CV/2023/03/20230311.md"))
        >>> [paper.version for paper in digest.papers[:3]]
        [1, 1, 2]
        """
        return split_entry_id(self.entry_id)[1]


def split_entry_id(entry_id: str) -> tuple[str, int]:
    """``(arxiv_id, version)`` of an entry URL, read in one go (``to-json`` writes both).

    What :attr:`Paper.arxiv_id` and :attr:`Paper.version` give.

    >>> split_entry_id("http://arxiv.org/abs/cs/0407047v3")
    ('cs/0407047', 3)
    """
    v = entry_id.rindex("v")
    return entry_id[entry_id.index("/abs/") + 5 : v], int(entry_id[v + 1 :])


# Each field's slot setter, in field order: a frozen class refuses setattr.
(
    _set_title,
    _set_entry_id,
    _set_doi,
    _set_categories,
    _set_primary_category,
    _set_pdf_url,
    _set_published,
    _set_updated,
    _set_authors,
    _set_comment,
    _set_journal_ref,
    _set_summary,
    _set_unbolded,
) = (vars(Paper)[field.name].__set__ for field in attrs.fields(Paper))


class BadValue(ValueError):
    """A value the grammar allows but Python refuses: a block's ``index``-th, at ``offset``.

    >>> try:
    ...     paper_of_text(*["None"] * 5, "2023-02-30 00:00:00+00:00", *["None"] * 5)
    ... except BadValue as error:
    ...     print(error.index, error)
    5 invalid date and time '2023-02-30 00:00:00+00:00': day is out of range for month
    """

    def __init__(self, message: str, index: int, offset: int = 0) -> None:
        super().__init__(message)
        self.index = index
        self.offset = offset


def _datetime(text: str, index: int) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as error:  # a 30 February: the grammar allows it
        raise BadValue(f"invalid date and time {text!r}: {error}", index) from None


def paper_of_text(
    title: str,
    entry_id: str,
    doi: str,
    categories: str | None,
    pdf_url: str,
    published: str,
    updated: str,
    authors: str,
    comment: str,
    journal_ref: str,
    summary: str,
) -> Paper:
    """The paper whose block holds these values as a digest writes them.

    ``None`` is ``"None"``, the authors are joined by ``", "``, ``categories`` is the text
    after ``- **Categories**: `` (``None`` for a line without). Raises :class:`BadValue`.
    The lines matched the grammar already: the validators, which would only match them
    again (several times the cost of a parse), are skipped; the tests check that every parsed
    paper passes them.

    >>> when = "2023-03-11 00:11:30+00:00"
    >>> paper = paper_of_text(
    ...     "T", "http://arxiv.org/abs/2303.06250v1", "None", "cs.LG, **cs.CV**", "None",
    ...     when, when, "A. Author, B. Author", "None", "None", "S",
    ... )
    >>> paper.doi, paper.primary_category, paper.authors
    (None, 'cs.CV', ('A. Author', 'B. Author'))
    """
    try:
        terms, primary, unbolded = (
            NO_CATEGORIES if categories is None else read_categories(categories)
        )
    except BoldTermError as error:
        raise BadValue(str(error), 3, error.offset) from None
    try:
        published_at = dt.datetime.fromisoformat(published)
        updated_at = dt.datetime.fromisoformat(updated)
    except ValueError:  # a 30 February: the grammar allows it
        _datetime(published, 5)
        _datetime(updated, 6)
    # Slot by slot, without a loop over a table of setters: it runs once per paper parsed.
    paper = object.__new__(Paper)
    _set_title(paper, title)
    _set_entry_id(paper, entry_id)
    _set_doi(paper, None if doi == "None" else doi)
    _set_categories(paper, terms)
    _set_primary_category(paper, primary)
    _set_pdf_url(paper, None if pdf_url == "None" else pdf_url)
    _set_published(paper, published_at)
    _set_updated(paper, updated_at)
    _set_authors(paper, tuple(authors.split(", ")) if authors else ())
    _set_comment(paper, None if comment == "None" else comment)
    _set_journal_ref(paper, None if journal_ref == "None" else journal_ref)
    _set_summary(paper, summary)
    _set_unbolded(paper, unbolded)
    return paper


def utc_date(when: dt.datetime) -> dt.date | None:
    """The UTC date of ``when`` (a paper's digest day), or None outside years 1-9999 in UTC.

    >>> utc_date(dt.datetime(2023, 3, 11, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))))
    datetime.date(2023, 3, 10)
    >>> utc_date(dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(minutes=1)))) is None
    True
    """
    if when.tzinfo is _UTC:  # how +00:00 is read: no conversion to make
        return when.date()
    try:
        return when.astimezone(_UTC).date()
    except OverflowError:  # 0001-01-01 00:00+00:01 is in year 0 in UTC
        return None


def _utc_date(paper: Paper) -> dt.date:
    day = utc_date(paper.published)
    if day is None:
        raise ValueError(
            f"{paper.entry_id}: Paper.published {paper.published} has no UTC date in years"
            " 1 to 9999, so no digest date"
        )
    return day


class BoldTermError(ValueError):
    """Two different bold terms in one categories value: ``offset`` is where the second starts.

    >>> read_categories("**cs.CV**, **cs.LG**")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    arxiv_digest.model.BoldTermError: a second bold category term, **cs.LG**, after **cs.CV**: ...
    """

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


#: What ``- **Categories**:`` (no space, no value) reads as.
NO_CATEGORIES: tuple[tuple[str, ...], str | None, tuple[int, ...]] = ((), None, ())


def read_categories(value: str) -> tuple[tuple[str, ...], str | None, tuple[int, ...]]:
    """``(categories, primary_category, unbolded)`` from the text after ``- **Categories**: ``.

    The terms are split at ``", "``; a term written ``**<term>**`` is bold, and the primary
    category is the bold term. Two different bold terms raise :class:`BoldTermError`.

    >>> read_categories("**cs.CV**, cs.AI, cs.CV, cs.MM, I.2.10")
    (('cs.CV', 'cs.AI', 'cs.CV', 'cs.MM', 'I.2.10'), 'cs.CV', (2,))
    >>> read_categories("cs.LG, **cs.CV**, **cs.CV**")
    (('cs.LG', 'cs.CV', 'cs.CV'), 'cs.CV', ())
    >>> read_categories("****"), read_categories("cs.LG")
    ((('',), '', ()), (('cs.LG',), None, ()))
    """
    terms = value.split(", ")
    first = terms[0]
    if value.count("**") == 2 and lines.looks_bold(first):
        # The common case, quickly: one bold term, the first, and not repeated.
        terms[0] = first[2:-2]
        if terms.count(terms[0]) == 1:
            return tuple(terms), terms[0], ()
        terms[0] = first
    elif "**" not in value:
        return tuple(terms), None, ()
    written = tuple(terms)
    primary: str | None = None
    bold = 0
    for index, term in enumerate(written):
        if lines.looks_bold(term):
            name = term[2:-2]
            if primary is None:
                primary = name
            elif name != primary:
                raise BoldTermError(
                    f"a second bold category term, {term}, after **{primary}**: only the"
                    " primary category is bold",
                    sum(map(len, written[:index])) + 2 * index,
                )
            terms[index] = name
            bold += 1
    if primary is None or terms.count(primary) == bold:
        return tuple(terms), primary, ()
    # The primary again without bold, which the generator never writes: keep where.
    return tuple(terms), primary, tuple(i for i, t in enumerate(written) if t == primary)


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
        lines.header_line(digest.category, digest.date)
    ):
        raise ValueError(
            f"Digest.category cannot hold a newline: the header is one line: {digest.category!r}"
        )
    _check_tuple("Digest.papers", digest.papers, Paper)
    if digest.newline not in ("\n", "\r\n"):
        raise ValueError(f"Digest.newline must be '\\n' or '\\r\\n', not {digest.newline!r}")
    _check_tuple("Digest.broken", digest.broken, BrokenBlock)
    last = 0
    for block in digest.broken:
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

    @classmethod
    def from_results(cls, results: Iterable[Any], *, category: str = "cs.CV") -> Digest:
        """The generator's day file for one UTC day of ``arxiv.Result`` objects.

        Each result becomes :meth:`Paper.from_result`; the papers are sorted by ``published``
        (a stable sort: equal times keep the order of ``results``, as the API returned them)
        and the header's date is their UTC date. ``category`` is the header's label, nothing
        else: the generator prints ``cs.CV`` whatever category it fetched, so the default
        writes what it writes. Raises :class:`ValueError` for results from more than one UTC
        day, for no results at all (there is no date to print, and the generator writes no
        file for a day without papers), and for a result whose text would not read back (the
        message starts with its ``entry_id``).

        >>> import datetime as dt
        >>> from types import SimpleNamespace as Result
        >>> def result(ident, hour):
        ...     when = dt.datetime(2023, 3, 11, hour, tzinfo=dt.timezone.utc)
        ...     return Result(
        ...         title="T", entry_id=f"http://arxiv.org/abs/{ident}v1", doi=None,
        ...         categories=["cs.CV"], primary_category="cs.CV", pdf_url=None,
        ...         published=when, updated=when, authors=[], comment=None, journal_ref=None,
        ...         summary="",
        ...     )
        >>> digest = Digest.from_results([result("2303.00002", 9), result("2303.00001", 1)])
        >>> digest.date, [paper.arxiv_id for paper in digest.papers]
        (datetime.date(2023, 3, 11), ['2303.00001', '2303.00002'])
        >>> Digest.from_results([result("2303.00002", 9)], category="cs.LG").category
        'cs.LG'
        >>> Digest.from_results([])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: no results: a digest's date is its papers' UTC date, and the generator ...
        """
        papers = []
        for result in results:
            try:
                papers.append(Paper.from_result(result))
            except ValueError as error:
                raise ValueError(f"{getattr(result, 'entry_id', result)}: {error}") from None
        if not papers:
            raise ValueError(
                "no results: a digest's date is its papers' UTC date, and the generator writes"
                " no file for a day without papers"
            )
        papers.sort(key=attrgetter("published"))
        days = sorted({_utc_date(paper) for paper in papers})
        if len(days) > 1:
            raise ValueError(
                f"results from {len(days)} UTC days, {days[0]} to {days[-1]}: a digest is one"
                " day (group the results by the UTC date of published)"
            )
        return cls(category, days[0], tuple(papers))
