"""Hypothesis strategies for realistic digests, to test your own code with.

Install with ``pip install arxiv-digest[strategies]``.

:func:`papers` and :func:`digests` draw valid model objects covering every case the format
allows: wrapped values, ``None`` values, header-only digests, old-style IDs, http and https
links, ``[PDF](None)``, empty authors, categories or summary, a primary category anywhere,
absent, empty or repeated (in bold or, as in two real papers, not), odd category terms,
leading, trailing and doubled spaces, any Unicode (line separators, NEL, form feed ...) and
CRLF files. :func:`digest_texts` draws text straight from
the grammar's line terminals, valid or not in ways only the model can tell.

>>> from hypothesis import given
>>> from arxiv_digest import parse_digest, serialize_digest
>>> from arxiv_digest.strategies import digests
>>> @given(digests())
... def test_round_trip(digest):
...     assert parse_digest(serialize_digest(digest)) == digest
>>> test_round_trip()
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from .grammar import terminal_pattern
from .model import Digest, Paper
from .serializer import looks_bold

__all__ = [
    "categories",
    "digest_texts",
    "digests",
    "entry_ids",
    "line_texts",
    "papers",
    "wrapped_texts",
]

# Characters worth trying in any value: spacing, Markdown, separators, the characters
# str.splitlines() would break at (only "\n" ends a line in a digest), and a lone CR.
_SPECIAL = " \t\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029*#[]()$\\,:;-_.éü中🙂"
_CHARACTERS = st.one_of(
    st.sampled_from(_SPECIAL),
    st.characters(codec="utf-8", exclude_characters="\n"),
)


def line_texts(*, min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    """One-line text: any Unicode but ``"\\n"`` (no surrogates), with spaces anywhere.

    >>> "\\n" in line_texts().example()
    False
    """
    return st.text(_CHARACTERS, min_size=min_size, max_size=max_size)


def wrapped_texts(*, max_lines: int = 3) -> st.SearchStrategy[str]:
    """Text that may wrap: lines joined by ``"\\n  "``, as continuation lines are written.

    >>> all(part.startswith("  ") for part in wrapped_texts().example().split("\\n")[1:])
    True
    """
    return st.lists(line_texts(), min_size=1, max_size=max_lines).map("\n  ".join)


def _optional(values: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), values.filter(lambda v: v != "None"))


_NEW_IDS = st.from_regex(r"[0-9]{4}\.[0-9]{4,5}", fullmatch=True)
_OLD_IDS = st.builds(
    lambda archive, number: f"{archive}/{number}",
    st.sampled_from(["cs", "math.OC", "physics", "quant-ph", "cond-mat.dis-nn", "q-bio.NC"]),
    st.from_regex(r"[0-9]{7}", fullmatch=True),
)
_IDS = st.one_of(_NEW_IDS, _OLD_IDS)
_SCHEMES = st.sampled_from(["http", "https"])


def entry_ids() -> st.SearchStrategy[str]:
    """Entry URLs with a version: ``http://arxiv.org/abs/2303.06250v1``, ``.../cs/0407047v3``.

    >>> "/abs/" in entry_ids().example()
    True
    """
    return st.builds(
        lambda scheme, ident, version: f"{scheme}://arxiv.org/abs/{ident}v{version}",
        _SCHEMES,
        _IDS,
        st.integers(1, 30),
    )


_REAL_TERMS = st.sampled_from(
    [
        "cs.CV",
        "cs.LG",
        "eess.IV",
        "cs.AI",
        "stat.ML",
        "I.4.8",
        "68T45",
        "13A50;13-04;68T45",
        "A.1;I.4,I.3.3",
        "47AXX,,",
        "Primary: G.4",
        "68T45,\n  I.4.8",
        "",
    ]
)
_TERMS = st.one_of(_REAL_TERMS, wrapped_texts(max_lines=2)).filter(lambda t: ", " not in t)


@st.composite
def categories(draw: st.DrawFn) -> tuple[tuple[str, ...], str | None, tuple[int, ...]]:
    """``(categories, primary_category, unbolded)`` as a Paper can hold them.

    The primary stands anywhere among the terms, once or several times (every copy bold, or
    some of them without bold as in two real papers), or is absent (``None``); the terms
    can be empty strings (``****`` is an empty primary), wrapped, or none at all.

    >>> terms, primary, unbolded = categories().example()
    >>> primary is None or primary in terms
    True
    """
    terms = [_not_bold(term) for term in draw(st.lists(_TERMS, max_size=5))]
    if not terms or draw(st.booleans()):
        return tuple(terms), None, ()
    primary = draw(st.one_of(st.sampled_from(terms), st.sampled_from(["", "**x**"]), _REAL_TERMS))
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        terms.insert(draw(st.integers(0, len(terms))), primary)
    copies = [index for index, term in enumerate(terms) if term == primary]
    unbolded: tuple[int, ...] = ()
    if len(copies) > 1 and not looks_bold(primary) and draw(st.booleans()):
        bold = draw(st.sampled_from(copies))
        unbolded = tuple(i for i in copies if i != bold and draw(st.booleans()))
    return tuple(terms), primary, unbolded


def _not_bold(term: str) -> str:
    # A term written without bold must not look bold, or it would read back as the primary.
    while looks_bold(term):
        term = term[:-1]
    return term


def _datetimes() -> st.SearchStrategy[dt.datetime]:
    utc = st.datetimes(timezones=st.just(dt.timezone.utc)).map(lambda d: d.replace(microsecond=0))
    offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
        lambda m: dt.timezone(dt.timedelta(minutes=m))
    )
    return st.one_of(utc, utc, st.datetimes(timezones=offsets))


_NAMES = st.one_of(
    st.sampled_from(["Wesley Chen", "Hervé Lombaert", "Shan E Ahmed Raza", "J. Doe Jr.", ""]),
    line_texts(max_size=20),
).filter(lambda name: ", " not in name)


@st.composite
def papers(draw: st.DrawFn) -> Paper:
    """Valid :class:`~arxiv_digest.Paper` objects, every case of the format included.

    >>> from arxiv_digest import Paper
    >>> isinstance(papers().example(), Paper)
    True
    """
    entry_id = draw(entry_ids())
    pdf_url = draw(
        st.one_of(
            st.none(),
            st.just(entry_id.replace("/abs/", "/pdf/")),
            st.just(entry_id.replace("/abs/", "/pdf/").replace("http:", "https:")),
            line_texts().filter(lambda v: v != "None"),
        )
    )
    terms, primary, unbolded = draw(categories())
    authors = draw(st.lists(_NAMES, max_size=6))
    published = draw(_datetimes())
    return Paper(
        title=draw(line_texts()),
        entry_id=entry_id,
        doi=draw(_optional(wrapped_texts())),
        categories=terms,
        primary_category=primary,
        pdf_url=pdf_url,
        published=published,
        updated=draw(st.one_of(st.just(published), _datetimes())),
        authors=() if authors == [""] else tuple(authors),
        comment=draw(_optional(wrapped_texts())),
        journal_ref=draw(_optional(wrapped_texts())),
        summary=draw(line_texts(max_size=200)),
        unbolded=unbolded,
    )


def digests(*, max_papers: int = 4) -> st.SearchStrategy[Digest]:
    """Valid :class:`~arxiv_digest.Digest` objects, header-only and CRLF ones included.

    >>> from arxiv_digest import Digest
    >>> isinstance(digests().example(), Digest)
    True
    """
    return st.builds(
        Digest,
        category=st.one_of(st.just("cs.CV"), line_texts(max_size=12)),
        date=st.dates(),
        papers=st.lists(papers(), max_size=max_papers).map(tuple),
        newline=st.sampled_from(["\n", "\r\n"]),
    )


def _line(terminal: str) -> st.SearchStrategy[str]:
    return st.from_regex(
        terminal_pattern(terminal), fullmatch=True, alphabet=_CHARACTERS | st.just("\n")
    )


_PAPER_LINES = (
    "TITLE_LINE",
    "ARXIV_ID_LINE",
    "DOI_LINE",
    "CATEGORIES_LINE",
    "LINKS_LINE",
    "PUBLISHED_LINE",
    "UPDATED_LINE",
    "AUTHORS_LINE",
    "COMMENT_LINE",
    "JOURNAL_LINE",
    "SUMMARY_LINE",
)


def digest_texts(*, max_papers: int = 3) -> st.SearchStrategy[str]:
    """Text drawn from the grammar's terminals, line by line, in the grammar's order.

    Every such text has the digest's shape; some hold values only the model rejects (a
    30 February), which must fail with a syntax error at that value.

    >>> digest_texts().example().startswith("# Arxiv Papers in ")
    True
    """
    block = st.tuples(*(_line(name) for name in _PAPER_LINES)).map(
        lambda lines: "".join(lines) + "\n\n\n"
    )
    return st.builds(
        lambda header, blocks: header + "".join(blocks),
        _line("HEADER_LINE"),
        st.lists(block, max_size=max_papers),
    )
