"""Paper.from_result and Digest.from_results write what the generator writes, byte for byte.

The reference is tests/generator.py, a transcription of ../shared/GENERATOR.md. For any
result: either the generator's text parses back, and ``from_result`` is that paper (so it
serializes to that text), or it does not, and ``from_result`` raises ValueError naming a field
whose value alone breaks the text. Longer runs: HYPOTHESIS_PROFILE=fuzz.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, currently_in_test_context, given, note
from hypothesis import strategies as st

from arxiv_digest import (
    Digest,
    DigestSyntaxError,
    Paper,
    parse_digest,
    parse_paper,
    serialize_digest,
    serialize_paper,
)
from arxiv_digest.strategies import entry_ids, line_texts, wrapped_texts
from tests.conftest import CORPUS, CORPUS_FILES
from tests.generator import FIELDS, generator_day, generator_text

UTC = dt.timezone.utc


@dataclass(frozen=True)
class Author:
    """``arxiv.Result.Author``: only ``name`` is used."""

    name: str


@dataclass(frozen=True)
class Result:
    """The ``arxiv.Result`` attributes the generator prints, duck typed."""

    title: Any
    entry_id: Any
    doi: Any
    categories: Any
    primary_category: Any
    pdf_url: Any
    published: Any
    updated: Any
    authors: Any
    comment: Any
    journal_ref: Any
    summary: Any


WHEN = dt.datetime(2023, 3, 11, 0, 11, 30, tzinfo=UTC)
GOOD = Result(
    title="ReBound",
    entry_id="http://arxiv.org/abs/2303.06250v1",
    doi=None,
    categories=["cs.CV", "cs.LG"],
    primary_category="cs.CV",
    pdf_url="http://arxiv.org/pdf/2303.06250v1",
    published=WHEN,
    updated=WHEN,
    authors=[Author("Wesley Chen")],
    comment=None,
    journal_ref=None,
    summary="We ...",
)

# Characters that matter: Markdown, separators, the bold marks, line breaks of all kinds.
_ODD = st.sampled_from(
    ["", "None", "**", "**x**", ", ", ",", " ", "\n", "\n  ", "\n ", "\r", "\u2028", "$x$", "#"]
)
_TEXT = st.one_of(
    line_texts(max_size=30),
    wrapped_texts(max_lines=3),
    st.lists(st.one_of(_ODD, line_texts(max_size=8)), max_size=5).map("".join),
)
_OPTIONAL = st.one_of(st.none(), st.just("None"), _TEXT)
_TERMS = st.one_of(
    st.sampled_from(["cs.CV", "cs.LG", "eess.IV", "I.4.8", "47AXX,,", "68T45,\n  I.4.8", ""]),
    _TEXT,
)


def _datetimes() -> st.SearchStrategy[Any]:
    aware = st.datetimes(
        min_value=dt.datetime(1990, 1, 1),
        timezones=st.sampled_from([UTC, UTC, dt.timezone(dt.timedelta(hours=5, minutes=30))]),
    )
    whole = aware.map(lambda d: d.replace(microsecond=0))
    odd = st.one_of(
        st.datetimes(),  # naive: str() has no offset
        st.just(dt.datetime(2023, 1, 1, tzinfo=dt.timezone(dt.timedelta(seconds=30)))),
        st.just("2023-02-30 00:00:00+00:00"),  # duck typed: str() of whatever it is
    )
    return st.one_of(whole, whole, whole, aware, odd)


@st.composite
def category_lists(draw: st.DrawFn) -> tuple[list[Any], Any]:
    """Terms and a primary: first, not first, twice, absent or ``""``; or no terms at all."""
    terms = draw(st.lists(_TERMS, max_size=5))
    where = draw(st.sampled_from(["first", "anywhere", "twice", "absent", "empty", "none"]))
    primary: Any = draw(st.one_of(st.sampled_from(["cs.CV", "", "**x**"]), _TERMS))
    if where == "first":
        terms.insert(0, primary)
    elif where == "anywhere":
        terms.insert(draw(st.integers(0, len(terms))), primary)
    elif where == "twice":
        terms.insert(0, primary)
        terms.insert(draw(st.integers(1, len(terms))), primary)
    elif where == "empty":
        primary = ""  # what arxiv gives when the feed has no primary_category
    elif where == "none":
        primary = None
    return terms, primary


@st.composite
def results(draw: st.DrawFn) -> Result:
    """Results as the API could hand them over, and some it should not."""
    ident = draw(st.one_of(entry_ids(), entry_ids(), _TEXT))
    terms, primary = draw(category_lists())
    return Result(
        title=draw(st.one_of(line_texts(), _TEXT)),
        entry_id=ident,
        doi=draw(_OPTIONAL),
        categories=terms,
        primary_category=primary,
        pdf_url=draw(st.one_of(st.none(), st.just(str(ident).replace("/abs/", "/pdf/")), _TEXT)),
        published=draw(_datetimes()),
        updated=draw(_datetimes()),
        authors=[Author(name) for name in draw(st.lists(_TEXT, max_size=4))],
        comment=draw(_OPTIONAL),
        journal_ref=draw(_OPTIONAL),
        summary=draw(_TEXT),
    )


def _only(field: str, result: Result) -> Result:
    """GOOD, with ``field`` (categories with their primary) taken from ``result``."""
    names = ("categories", "primary_category") if field == "categories" else (field,)
    return replace(GOOD, **{name: getattr(result, name) for name in names})


def _parses(text: str) -> bool:
    try:
        parse_paper(text)
    except DigestSyntaxError:
        return False
    return True


def check_result(result: Result) -> None:
    """The property of one result, as the docstring of this module states it."""
    text = generator_text(result)
    try:
        parsed = parse_paper(text)
    except DigestSyntaxError as error:
        if currently_in_test_context():
            note(f"{text!r}\n{error}")
        with pytest.raises(ValueError, match=r"^Paper\.(\w+)") as raised:
            Paper.from_result(result)
        match = re.match(r"Paper\.(\w+)", str(raised.value))
        assert match is not None
        field = match[1]
        assert field in FIELDS
        # The field named breaks the text on its own, all other fields being good ones.
        assert not _parses(generator_text(_only(field, result)))
        # ... and it is the first such field in the text.
        for before in FIELDS[: FIELDS.index(field)]:
            assert _parses(generator_text(_only(before, result))), before
    else:
        paper = Paper.from_result(result)
        assert paper == parsed
        assert serialize_paper(paper) == text
        assert attrs.evolve(paper) == paper  # it passes the validators it was built without


@given(results())
def test_from_result_is_what_parsing_the_generator_text_gives(result: Result) -> None:
    check_result(result)


@given(st.lists(results(), min_size=1, max_size=4), st.sampled_from(["cs.CV", "cs.LG"]))
def test_from_results_is_the_generator_day(found: list[Result], category: str) -> None:
    assume(all(isinstance(r.published, dt.datetime) and r.published.tzinfo for r in found))
    day = found[0].published.astimezone(UTC).date()
    # One UTC day, in whatever order, with ties: the sort must be stable.
    found = [replace(r, published=r.published.astimezone(UTC).replace(**_on(day))) for r in found]
    text = generator_day(found)
    try:
        expected = parse_digest(text)
    except DigestSyntaxError:
        with pytest.raises(ValueError, match=r"Paper\.\w+"):
            Digest.from_results(found, category=category)
        return
    digest = Digest.from_results(found, category=category)
    assert digest.papers == expected.papers
    assert digest.date == day
    assert digest.category == category
    if category == "cs.CV":
        assert serialize_digest(digest) == text


def _on(day: dt.date) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}


# Real results: each paper of real files, turned back into the result it was printed from.
def _result_of(paper: Paper) -> Result:
    return Result(
        title=paper.title,
        entry_id=paper.entry_id,
        doi=paper.doi,
        categories=list(paper.categories),
        primary_category="" if paper.primary_category is None else paper.primary_category,
        pdf_url=paper.pdf_url,
        published=paper.published,
        updated=paper.updated,
        authors=[Author(name) for name in paper.authors],
        comment=paper.comment,
        journal_ref=paper.journal_ref,
        summary=paper.summary,
    )


GENERATED = [
    path
    for path in CORPUS_FILES
    if path.name not in ("20181031.md", "20250803.md")  # not the generator's: see below
]


@pytest.mark.parametrize("path", GENERATED, ids=[p.name for p in GENERATED])
def test_real_days_are_written_back_byte_for_byte(path: Path) -> None:
    digest = parse_digest(path)
    if not digest.papers:
        return  # a header-only file: the generator writes no file for a day without papers
    # Newest first, as the API pages them; ties keep their order (a stable sort).
    found = sorted(map(_result_of, digest.papers), key=lambda r: r.published, reverse=True)
    rebuilt = Digest.from_results(found)
    assert serialize_digest(rebuilt) == path.read_text(encoding="utf-8")
    assert generator_day(found) == path.read_text(encoding="utf-8")


def test_the_two_files_the_generator_did_not_write() -> None:
    # The primary repeated without bold: the generator would bold it, so those two papers
    # come out differently; the files still round-trip, and read as the same fields.
    for name, index, unbolded in (
        ("2018/10/20181031.md", 7, (6,)),
        ("2025/08/20250803.md", 47, (2,)),
    ):
        digest = parse_digest(CORPUS / "cs.CV" / name)
        paper = digest.papers[index]
        assert paper.unbolded == unbolded
        assert paper.categories[unbolded[0]] == paper.primary_category == paper.categories[0]
        fresh = Paper.from_result(_result_of(paper))
        assert fresh == attrs.evolve(paper, unbolded=())
        assert serialize_paper(fresh).count(f"**{paper.primary_category}**") == 2
        others = [p for p in digest.papers if p is not paper]
        assert all(Paper.from_result(_result_of(p)) == p for p in others)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": "two\nlines"}, "title", "a newline"),
        ({"entry_id": "2303.06250"}, "entry_id", "entry URL"),
        ({"entry_id": "http://arxiv.org/abs/2303.0625\udc80v1"}, "entry_id", "lone surrogate"),
        ({"doi": "10.1/x\n10.2/y"}, "doi", "not followed by two spaces"),
        ({"categories": ["cs.CV", "**cs.LG**"]}, "categories", "second bold category term"),
        ({"categories": ["cs.CV", "a\n  "]}, "categories", "not followed by two spaces"),
        ({"pdf_url": "a\nb"}, "pdf_url", "a newline"),
        ({"published": dt.datetime(2023, 3, 11)}, "published", "timezone-aware"),
        ({"updated": "2023-02-30 00:00:00+00:00"}, "updated", "not a valid date"),
        ({"authors": [Author("A\nB")]}, "authors", "a newline"),
        ({"comment": "9 pages\n3 figures"}, "comment", "not followed by two spaces"),
        ({"journal_ref": "J.\n"}, "journal_ref", "not followed by two spaces"),
        # Python refuses a value the grammar allows, and a later line breaks: the value is first.
        (
            {"categories": ["cs.CV", "**cs.LG**"], "authors": [Author("A\nB")]},
            "categories",
            "second bold category term",
        ),
        (
            {"updated": "2023-02-30 00:00:00+00:00", "authors": [Author("A\nB")]},
            "updated",
            "not a valid date",
        ),
    ],
)
def test_from_result_names_the_field_it_cannot_write(
    changes: dict[str, Any], field: str, words: str
) -> None:
    result = replace(GOOD, **changes)
    assert not _parses(generator_text(result))
    with pytest.raises(ValueError, match=rf"^Paper\.{field} .*{words}"):
        Paper.from_result(result)
    check_result(result)


@pytest.mark.parametrize(
    ("changes", "line", "reads"),
    [
        ({"doi": "None"}, "- **DOI**: None\n", {"doi": None}),
        ({"summary": "two\nlines\n"}, "- **Summary**: two lines \n", {"summary": "two lines "}),
        (
            {"authors": [Author("Doe, J."), Author("")]},
            "- **Authors**: Doe, J., \n",
            {"authors": ("Doe", "J.", "")},
        ),
        ({"authors": []}, "- **Authors**: \n", {"authors": ()}),
        (
            {"categories": ["cs.LG", "cs.CV", "cs.CV"]},
            "- **Categories**: cs.LG, **cs.CV**, **cs.CV**\n",
            {"categories": ("cs.LG", "cs.CV", "cs.CV")},
        ),
        (
            {"categories": ["cs.LG"]},
            "- **Categories**: cs.LG\n",
            {"categories": ("cs.LG",), "primary_category": None},
        ),
        (
            {"categories": [], "primary_category": ""},
            "- **Categories**:\n",
            {"categories": (), "primary_category": None},
        ),
        (
            {"categories": [""], "primary_category": ""},
            "- **Categories**: ****\n",
            {"categories": ("",), "primary_category": ""},
        ),
        (
            {"categories": ["cs.CV", "47AXX,, "]},
            "- **Categories**: **cs.CV**, 47AXX\n",
            {"categories": ("cs.CV", "47AXX")},
        ),
        (
            {"categories": ["**x**", "x"], "primary_category": ""},
            "- **Categories**: **x**, x\n",
            {"categories": ("x", "x"), "primary_category": "x", "unbolded": (1,)},
        ),
        (
            {
                "published": dt.datetime(
                    2023, 3, 11, 5, 41, 30, 5, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))
                )
            },
            "- **Published**: 2023-03-11 05:41:30.000005+05:30\n",
            {},
        ),
    ],
)
def test_from_result_keeps_the_generators_quirks(
    changes: dict[str, Any], line: str, reads: dict[str, Any]
) -> None:
    result = replace(GOOD, **changes)
    paper = Paper.from_result(result)
    assert line in serialize_paper(paper)
    assert serialize_paper(paper) == generator_text(result)
    for name, value in reads.items():
        assert getattr(paper, name) == value
    check_result(result)


def test_from_results_refuses_two_days_and_none() -> None:
    late = replace(
        GOOD, published=WHEN.replace(hour=23, minute=59), entry_id=GOOD.entry_id[:-1] + "2"
    )
    next_day = replace(GOOD, published=WHEN + dt.timedelta(days=1))
    with pytest.raises(ValueError, match="results from 2 UTC days, 2023-03-11 to 2023-03-12"):
        Digest.from_results([next_day, GOOD])
    with pytest.raises(ValueError, match="no results"):
        Digest.from_results(iter([]))
    # A day in another time zone that is one UTC day is one digest, dated in UTC.
    east = replace(GOOD, published=WHEN.astimezone(dt.timezone(dt.timedelta(hours=9))))
    digest = Digest.from_results([late, east])
    assert digest.date == dt.date(2023, 3, 11)
    assert [p.entry_id[-1] for p in digest.papers] == ["1", "2"]
    edge = replace(GOOD, published=dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    with pytest.raises(ValueError, match=r"Paper\.published 0001-01-01 00:00:00\+01:00 has no UTC"):
        Digest.from_results([edge])
    with pytest.raises(ValueError, match=r"^http://arxiv.org/abs/2303.06250v1: Paper\.title"):
        Digest.from_results([replace(GOOD, title="a\nb")])


def test_importing_the_package_does_not_import_arxiv() -> None:
    import subprocess
    import sys

    code = "import sys, arxiv_digest; assert 'arxiv' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
