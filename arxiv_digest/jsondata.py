"""Digests as JSON: the lossless per-digest shape, the flat per-paper shape, and back.

Field names are the model's (the ``arxiv`` package's ``Result`` names) plus the derived
``arxiv_id`` and ``version``; dates and datetimes are ISO 8601 strings. The JSON Schemas of
both shapes ship in ``arxiv_digest/schema/`` (and in ``docs/schema/``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .model import Digest, Paper, split_entry_id

__all__ = [
    "digest_from_dict",
    "digest_to_dict",
    "flat_head",
    "flat_rows",
    "paper_to_dict",
    "schema",
]


def paper_to_dict(paper: Paper) -> dict[str, Any]:
    """A paper as a JSON-ready dict (datetimes stay ``datetime`` for orjson to write).

    ``unbolded`` (positions of the primary category written without bold, see
    ``docs/format.md``) is there only when it is not empty, as in two real papers.

    >>> from arxiv_digest import parse_digest
    >>> from pathlib import Path
    >>> digest = parse_digest(Path("tests/corpus/cs.CV/2023/03/20230311.md"))
    >>> row = paper_to_dict(digest.papers[0])
    >>> row["arxiv_id"], row["version"], row["categories"], "unbolded" in row
    ('2303.06250', 1, ('cs.CV',), False)
    >>> odd = parse_digest(Path("tests/corpus/cs.CV/2025/08/20250803.md")).papers[47]
    >>> paper_to_dict(odd)["categories"], paper_to_dict(odd)["unbolded"]
    (('cs.CV', 'cs.AI', 'cs.CV', 'cs.MM', 'I.2.10'), (2,))
    """
    row = _paper_fields(paper)
    if paper.unbolded:
        row["unbolded"] = paper.unbolded
    return row


def _paper_fields(paper: Paper) -> dict[str, Any]:
    arxiv_id, version = split_entry_id(paper.entry_id)
    return {
        "title": paper.title,
        "entry_id": paper.entry_id,
        "doi": paper.doi,
        "categories": paper.categories,
        "primary_category": paper.primary_category,
        "pdf_url": paper.pdf_url,
        "published": paper.published,
        "updated": paper.updated,
        "authors": paper.authors,
        "comment": paper.comment,
        "journal_ref": paper.journal_ref,
        "summary": paper.summary,
        "arxiv_id": arxiv_id,
        "version": version,
    }


def digest_to_dict(digest: Digest, path: str) -> dict[str, Any]:
    """The lossless shape: one digest, its path relative to the archive root, and its papers.

    >>> import datetime as dt
    >>> digest_to_dict(Digest("cs.CV", dt.date(2023, 3, 11)), "2023/03/20230311.md")["date"]
    '2023-03-11'
    """
    return {
        "path": path,
        "category": digest.category,
        "date": digest.date.isoformat(),
        "newline": digest.newline,
        "papers": [paper_to_dict(p) for p in digest.papers],
    }


def flat_head(digest: Digest, path: str) -> dict[str, Any]:
    """The columns the flat shape puts before each paper's own: where the paper was listed.

    ``path`` is the digest's file, ``category`` its header label and ``digest_date`` the day
    of the digest, named so that it is not taken for the paper's ``published`` date.

    >>> import datetime as dt
    >>> flat_head(Digest("cs.CV", dt.date(2023, 3, 11)), "x.md")
    {'path': 'x.md', 'category': 'cs.CV', 'digest_date': '2023-03-11'}
    """
    return {"path": path, "category": digest.category, "digest_date": digest.date.isoformat()}


def flat_rows(digest: Digest, path: str) -> list[dict[str, Any]]:
    """The flat shape: one row per paper, its digest's :func:`flat_head` first, for data frames.

    >>> from pathlib import Path
    >>> from arxiv_digest import parse_digest
    >>> digest = parse_digest(Path("tests/corpus/cs.CV/2023/03/20230311.md"))
    >>> list(flat_rows(digest, "20230311.md")[0])[:5]
    ['path', 'category', 'digest_date', 'title', 'entry_id']
    """
    head = flat_head(digest, path)
    return [{**head, **paper_to_dict(p)} for p in digest.papers]


def _datetime(value: Any, name: str) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be an ISO 8601 string, not {value!r}")
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"{name} must be a list of strings, not {value!r}")
    return tuple(value)


def _positions(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(type(i) is int for i in value):
        raise ValueError(f"unbolded must be a list of integers, not {value!r}")
    return tuple(value)


def paper_from_dict(data: Any) -> Paper:
    """Rebuild a paper from :func:`paper_to_dict`'s shape (``arxiv_id``/``version`` ignored).

    Raises :class:`ValueError` for what no paper holds: a missing field, a wrong type.

    >>> import json
    >>> from pathlib import Path
    >>> from arxiv_digest import parse_digest
    >>> paper = parse_digest(Path("tests/corpus/cs.CV/2023/03/20230311.md")).papers[0]
    >>> paper_from_dict(json.loads(json.dumps(paper_to_dict(paper), default=str))) == paper
    True
    >>> paper_from_dict({"title": "T"})
    Traceback (most recent call last):
    ...
    ValueError: a paper is missing the field 'entry_id'
    """
    if not isinstance(data, dict):
        raise ValueError(f"a paper must be a JSON object, not {data!r}")
    try:
        return Paper(
            title=data["title"],
            entry_id=data["entry_id"],
            doi=data["doi"],
            categories=_strings(data["categories"], "categories"),
            primary_category=data["primary_category"],
            pdf_url=data["pdf_url"],
            published=_datetime(data["published"], "published"),
            updated=_datetime(data["updated"], "updated"),
            authors=_strings(data["authors"], "authors"),
            comment=data["comment"],
            journal_ref=data["journal_ref"],
            summary=data["summary"],
            unbolded=_positions(data.get("unbolded", [])),
        )
    except KeyError as missing:
        raise ValueError(f"a paper is missing the field {missing}") from None


def digest_from_dict(data: Any) -> tuple[str, Digest]:
    """``(path, digest)`` from one line of the default JSON Lines output.

    >>> import datetime as dt
    >>> digest = Digest("cs.CV", dt.date(2023, 3, 11))
    >>> digest_from_dict(digest_to_dict(digest, "a.md")) == ("a.md", digest)
    True
    """
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object (a digest)")
    try:
        path, papers = data["path"], data["papers"]
        if not isinstance(path, str) or not isinstance(papers, list):
            raise ValueError("path must be a string and papers a list")
        date = dt.date.fromisoformat(data["date"])
        digest = Digest(
            data["category"],
            date,
            tuple(paper_from_dict(p) for p in papers),
            data.get("newline", "\n"),
        )
    except KeyError as missing:
        raise ValueError(f"a digest is missing the field {missing}") from None
    except TypeError as error:
        raise ValueError(str(error)) from None
    return path, digest


def schema(shape: str) -> dict[str, Any]:
    """The JSON Schema of ``"digest"`` (the default lines) or ``"flat"`` (``--flat``) output.

    >>> schema("flat")["title"]
    'arxiv-digest flat paper row'
    """
    import json  # here: to-json never reads a schema
    from importlib import resources

    text = resources.files("arxiv_digest").joinpath(f"schema/{shape}.schema.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded
