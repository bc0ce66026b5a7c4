"""The layout of each line of a digest: the one place that knows it.

The serializer writes with these functions and the model's validators check a value by
matching the line they write against the grammar's line terminal, so both sit above this
module. Each function writes one line of a paper block (continuation lines included), with
its newline.

>>> title_line("A title")
'### A title\\n'
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "BLOCK_END",
    "arxiv_id_line",
    "authors_line",
    "categories_line",
    "comment_line",
    "doi_line",
    "header_line",
    "journal_line",
    "links_line",
    "looks_bold",
    "published_line",
    "summary_line",
    "title_line",
    "updated_line",
]

#: Three empty lines close every paper block.
BLOCK_END = "\n\n\n"


def header_line(category: str, date: dt.date) -> str:
    """``# Arxiv Papers in cs.CV on 2023-03-11`` and its newline.

    >>> header_line("cs.CV", dt.date(2023, 3, 11))
    '# Arxiv Papers in cs.CV on 2023-03-11\\n'
    """
    return f"# Arxiv Papers in {category} on {date.isoformat()}\n"


def title_line(title: str) -> str:
    """``### <title>``.

    >>> title_line("ReBound")
    '### ReBound\\n'
    """
    return f"### {title}\n"


def arxiv_id_line(entry_id: str) -> str:
    """``- **Arxiv ID**: <entry URL>``.

    >>> arxiv_id_line("http://arxiv.org/abs/2303.06250v1")
    '- **Arxiv ID**: http://arxiv.org/abs/2303.06250v1\\n'
    """
    return f"- **Arxiv ID**: {entry_id}\n"


def doi_line(doi: str | None) -> str:
    """``- **DOI**: <doi or None>``.

    >>> doi_line(None)
    '- **DOI**: None\\n'
    """
    return f"- **DOI**: {doi}\n"


def looks_bold(term: str) -> bool:
    """Whether a category term, as written, reads as bold: ``**<primary>**``.

    >>> looks_bold("**cs.CV**"), looks_bold("cs.CV"), looks_bold("***"), looks_bold("****")
    (True, False, False, True)
    """
    return len(term) >= 4 and term.startswith("**") and term.endswith("**")


def categories_line(
    categories: tuple[str, ...], primary: str | None, unbolded: tuple[int, ...] = ()
) -> str:
    """``- **Categories**: **<primary>**, <term>, ...``: every term equal to the primary bold.

    That is the generator's rule, wherever the primary stands and however often; the terms at
    the positions in ``unbolded`` (which real archives hold) are written without bold. No
    categories: ``- **Categories**:``, with no space after the colon.

    >>> categories_line(("cs.LG", "cs.CV", "cs.CV"), "cs.CV")
    '- **Categories**: cs.LG, **cs.CV**, **cs.CV**\\n'
    >>> categories_line(("cs.CV", "cs.AI", "cs.CV"), "cs.CV", unbolded=(2,))
    '- **Categories**: **cs.CV**, cs.AI, cs.CV\\n'
    >>> categories_line((), None)
    '- **Categories**:\\n'
    """
    if not categories:
        return "- **Categories**:\n"
    if primary is None:
        return f"- **Categories**: {', '.join(categories)}\n"
    if categories[0] == primary and not unbolded and categories.count(primary) == 1:
        # The common case, quickly: the primary first, once.
        return f"- **Categories**: **{primary}**{', '.join(categories)[len(primary) :]}\n"
    terms = (
        f"**{term}**" if term == primary and index not in unbolded else term
        for index, term in enumerate(categories)
    )
    return f"- **Categories**: {', '.join(terms)}\n"


def links_line(pdf_url: str | None) -> str:
    """``- **Links**: [PDF](<url or None>)``.

    >>> links_line("http://arxiv.org/pdf/2303.06250v1")
    '- **Links**: [PDF](http://arxiv.org/pdf/2303.06250v1)\\n'
    """
    return f"- **Links**: [PDF]({pdf_url})\n"


def published_line(published: dt.datetime) -> str:
    """``- **Published**: 2023-03-11 00:11:30+00:00``: Python's ``str()`` of the datetime.

    >>> published_line(dt.datetime(2023, 3, 11, 0, 11, 30, tzinfo=dt.timezone.utc))
    '- **Published**: 2023-03-11 00:11:30+00:00\\n'
    """
    return f"- **Published**: {published}\n"


def updated_line(updated: dt.datetime) -> str:
    """``- **Updated**: 2023-03-11 00:11:30+00:00``.

    >>> updated_line(dt.datetime(2023, 3, 11, 0, 11, 30, 5, tzinfo=dt.timezone.utc))
    '- **Updated**: 2023-03-11 00:11:30.000005+00:00\\n'
    """
    return f"- **Updated**: {updated}\n"


def authors_line(authors: tuple[str, ...]) -> str:
    """``- **Authors**: <name>, <name>, ...``.

    >>> authors_line(("Wesley Chen", "Andrew Edgley"))
    '- **Authors**: Wesley Chen, Andrew Edgley\\n'
    """
    return f"- **Authors**: {', '.join(authors)}\n"


def comment_line(comment: str | None) -> str:
    """``- **Comment**: <text or None>``: a wrapped value keeps its ``"\\n  "`` breaks.

    >>> comment_line("9 pages,\\n  3 figures")
    '- **Comment**: 9 pages,\\n  3 figures\\n'
    """
    return f"- **Comment**: {comment}\n"


def journal_line(journal_ref: str | None) -> str:
    """``- **Journal**: <text or None>``.

    >>> journal_line(None)
    '- **Journal**: None\\n'
    """
    return f"- **Journal**: {journal_ref}\n"


def summary_line(summary: str) -> str:
    """``- **Summary**: <abstract>``.

    >>> summary_line("We ...")
    '- **Summary**: We ...\\n'
    """
    return f"- **Summary**: {summary}\n"
