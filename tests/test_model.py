"""The model: frozen value objects whose validators reject what the text cannot carry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from arxiv_digest import Digest, Paper, parse_digest, parse_paper, serialize_digest, serialize_paper
from tests.conftest import CORPUS

UTC = dt.timezone.utc
PAPER = parse_digest(CORPUS / "cs.CV/2023/03/20230311.md").papers[0]


def test_fields_and_derived_properties() -> None:
    assert [a.name for a in attrs.fields(Paper)] == [
        "title",
        "entry_id",
        "doi",
        "categories",
        "primary_category",
        "pdf_url",
        "published",
        "updated",
        "authors",
        "comment",
        "journal_ref",
        "summary",
        "unbolded",
    ]
    assert PAPER.arxiv_id == "2303.06250"
    assert PAPER.version == 1
    old = attrs.evolve(PAPER, entry_id="http://arxiv.org/abs/cs/0407047v3")
    assert (old.arxiv_id, old.version) == ("cs/0407047", 3)
    assert PAPER.published == dt.datetime(2023, 3, 11, 0, 11, 30, tzinfo=UTC)
    assert PAPER.comment is not None and "\n  " in PAPER.comment
    assert PAPER.doi is None and PAPER.journal_ref is None


def test_frozen_and_hashable() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        PAPER.title = "x"  # type: ignore[misc]
    assert hash(PAPER) == hash(attrs.evolve(PAPER))
    assert not hasattr(PAPER, "__dict__")  # slotted


def test_evolve_changes_only_that_paper_text() -> None:
    fixed = attrs.evolve(PAPER, title="ReBound: a fixed title")
    assert serialize_paper(fixed) == serialize_paper(PAPER).replace(PAPER.title, fixed.title)


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"title": "two\nlines"}, ValueError, "newline"),
        ({"summary": "two\nlines"}, ValueError, "newline"),
        ({"comment": "two\nlines"}, ValueError, "not followed by two spaces"),
        ({"comment": "None"}, ValueError, "string 'None'"),
        ({"doi": "None"}, ValueError, "string 'None'"),
        ({"journal_ref": "None"}, ValueError, "string 'None'"),
        ({"pdf_url": "None"}, ValueError, "string 'None'"),
        ({"pdf_url": "a\nb"}, ValueError, "newline"),
        ({"published": dt.datetime(2023, 1, 1)}, ValueError, "timezone-aware"),
        (
            {"updated": dt.datetime(2023, 1, 1, tzinfo=dt.timezone(dt.timedelta(seconds=30)))},
            ValueError,
            "whole minutes",
        ),
        ({"entry_id": "2303.06250v1"}, ValueError, "entry URL"),
        ({"entry_id": "http://arxiv.org/abs/2303.06250"}, ValueError, "entry URL"),
        ({"authors": ("Doe, J.",)}, ValueError, "read back as two"),
        ({"authors": ("",)}, ValueError, "reads back as ()"),
        ({"authors": "Alice"}, TypeError, "iterable of values, not str"),
        ({"authors": 3}, TypeError, "tuple or another iterable"),
        ({"authors": [3]}, TypeError, "must be str"),
        ({"categories": "cs.CV"}, TypeError, "iterable of values, not str"),
        ({"categories": ("cs.CV", "a, b")}, ValueError, "read back as two"),
        ({"categories": ("cs.LG",)}, ValueError, "among Paper.categories"),
        ({"categories": (), "primary_category": "cs.CV"}, ValueError, "among Paper.categories"),
        ({"categories": ("**x**",), "primary_category": None}, ValueError, "looks bold"),
        ({"categories": ("cs.CV", "**x**")}, ValueError, "looks bold"),
        (
            {"categories": ("**x**", "**x**"), "primary_category": "**x**", "unbolded": (1,)},
            ValueError,
            "looks bold",
        ),
        ({"unbolded": (0,)}, ValueError, "bold at least once"),
        ({"unbolded": (1,)}, ValueError, "positions of Paper.categories"),
        ({"categories": ("cs.CV", "cs.CV", "cs.CV"), "unbolded": (2, 1)}, ValueError, "in order"),
        ({"primary_category": None, "unbolded": (0,)}, ValueError, "positions of Paper.categories"),
        ({"unbolded": ("0",)}, TypeError, "must be int"),
        ({"categories": ("cs.CV", "cs.CV"), "unbolded": (True,)}, TypeError, "not bool"),
        ({"categories": ("cs.CV", "a\nb")}, ValueError, "not followed by two spaces"),
        ({"title": 3}, TypeError, "must be str"),
    ],
)
def test_validators_reject_what_text_cannot_carry(
    changes: dict[str, Any], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        attrs.evolve(PAPER, **changes)


@pytest.mark.parametrize(
    "changes",
    [
        {"comment": "wraps\n  here"},
        {"comment": ""},
        {"authors": ()},
        {"categories": (), "primary_category": None},
        {"categories": ("cs.LG", "cs.CV"), "primary_category": None},
        {"categories": ("cs.CV", "cs.LG", "cs.CV"), "primary_category": "cs.CV"},
        {"categories": ("cs.CV", "cs.LG", "cs.CV"), "unbolded": (2,)},
        {"categories": ("cs.CV", "cs.LG", "cs.CV"), "unbolded": (0,)},
        {"categories": ("cs.LG", "cs.CV"), "primary_category": "cs.CV"},
        {"categories": ("",), "primary_category": ""},
        {"categories": ("",), "primary_category": None},
        {"categories": ("a", ""), "primary_category": None},
        {"categories": ("**x**", "x"), "primary_category": "**x**"},
        {"categories": ("47AXX,,", "cs.CV", " "), "primary_category": "cs.CV"},
        {"authors": ["A", "B"]},
        {"categories": iter(["cs.CV"])},
        {"pdf_url": None},
        {"pdf_url": "https://arxiv.org/pdf/2303.06250v1"},
        {"summary": "  leading, trailing and  doubled  "},
        {"title": "U+2028\u2028 NEL\x85 form feed\x0c CR\r"},
        {
            "published": dt.datetime(
                2023, 1, 1, 12, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))
            )
        },
    ],
)
def test_every_valid_edit_round_trips(changes: dict[str, Any]) -> None:
    paper = attrs.evolve(PAPER, **changes)
    assert parse_paper(serialize_paper(paper)) == paper


def test_digest_validators() -> None:
    digest = Digest("cs.CV", dt.date(2023, 3, 11), (PAPER,))
    assert parse_digest(serialize_digest(digest)) == digest
    with pytest.raises(ValueError, match="newline"):
        Digest("cs\nCV", dt.date(2023, 3, 11))
    with pytest.raises(TypeError, match="date, not a datetime"):
        Digest("cs.CV", dt.datetime(2023, 3, 11, tzinfo=UTC))
    with pytest.raises(ValueError, match="newline must be"):
        Digest("cs.CV", dt.date(2023, 3, 11), newline="\r")
    with pytest.raises(TypeError, match="must be tuple"):
        Digest("cs.CV", dt.date(2023, 3, 11), [PAPER])  # type: ignore[arg-type]


def test_header_label_is_everything_up_to_the_last_on() -> None:
    digest = Digest("cs.CV on 2020-01-01", dt.date(2023, 3, 11))
    assert parse_digest(serialize_digest(digest)) == digest
