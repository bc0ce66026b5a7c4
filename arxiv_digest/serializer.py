"""Model objects back to digest text, byte for byte as the generator wrote it.

Each ``*_line`` function writes one line of a paper block (continuation lines included) and is
the one place that knows its layout; the model's validators use them too, to check a value
against the grammar exactly as it will be written.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Digest, Paper

__all__ = ["serialize_digest", "serialize_paper"]

#: Three empty lines close every paper block.
BLOCK_END = "\n\n\n"


def header_line(category: str, date: dt.date) -> str:
    """``# Arxiv Papers in cs.CV on 2023-03-11`` and its newline."""
    return f"# Arxiv Papers in {category} on {date.isoformat()}\n"


def title_line(title: str) -> str:
    """``### <title>``."""
    return f"### {title}\n"


def arxiv_id_line(entry_id: str) -> str:
    """``- **Arxiv ID**: <entry URL>``."""
    return f"- **Arxiv ID**: {entry_id}\n"


def doi_line(doi: str | None) -> str:
    """``- **DOI**: <doi or None>``."""
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
    """``- **Links**: [PDF](<url or None>)``."""
    return f"- **Links**: [PDF]({pdf_url})\n"


def published_line(published: dt.datetime) -> str:
    """``- **Published**: 2023-03-11 00:11:30+00:00``: Python's ``str()`` of the datetime."""
    return f"- **Published**: {published}\n"


def updated_line(updated: dt.datetime) -> str:
    """``- **Updated**: 2023-03-11 00:11:30+00:00``."""
    return f"- **Updated**: {updated}\n"


def authors_line(authors: tuple[str, ...]) -> str:
    """``- **Authors**: <name>, <name>, ...``."""
    return f"- **Authors**: {', '.join(authors)}\n"


def comment_line(comment: str | None) -> str:
    """``- **Comment**: <text or None>``."""
    return f"- **Comment**: {comment}\n"


def journal_line(journal_ref: str | None) -> str:
    """``- **Journal**: <text or None>``."""
    return f"- **Journal**: {journal_ref}\n"


def summary_line(summary: str) -> str:
    """``- **Summary**: <abstract>``."""
    return f"- **Summary**: {summary}\n"


def serialize_paper(paper: Paper) -> str:
    """One paper block: the title line, the ten field lines and three empty lines.

    Always ``"\\n"`` line endings; :func:`serialize_digest` applies a digest's own.

    >>> from arxiv_digest import parse_paper, serialize_paper
    >>> block = (
    ...     "### A title\\n- **Arxiv ID**: http://arxiv.org/abs/2303.06250v1\\n- **DOI**: None\\n"
    ...     "- **Categories**: **cs.CV**, cs.LG\\n"
    ...     "- **Links**: [PDF](http://arxiv.org/pdf/2303.06250v1)\\n"
    ...     "- **Published**: 2023-03-11 00:11:30+00:00\\n"
    ...     "- **Updated**: 2023-03-11 00:11:30+00:00\\n- **Authors**: A. Author, B. Author\\n"
    ...     "- **Comment**: 9 pages,\\n  3 figures\\n- **Journal**: None\\n"
    ...     "- **Summary**: We ...\\n\\n\\n\\n"
    ... )
    >>> serialize_paper(parse_paper(block)) == block
    True
    """
    return "".join(
        (
            title_line(paper.title),
            arxiv_id_line(paper.entry_id),
            doi_line(paper.doi),
            categories_line(paper.categories, paper.primary_category, paper.unbolded),
            links_line(paper.pdf_url),
            published_line(paper.published),
            updated_line(paper.updated),
            authors_line(paper.authors),
            comment_line(paper.comment),
            journal_line(paper.journal_ref),
            summary_line(paper.summary),
            BLOCK_END,
        )
    )


def serialize_digest(digest: Digest) -> str:
    """The digest's text: exactly the text it was parsed from, line endings included.

    Broken blocks kept by a lenient parse are written back verbatim, in their places.

    >>> import datetime as dt
    >>> from arxiv_digest import Digest, parse_digest, serialize_digest
    >>> text = "# Arxiv Papers in cs.CV on 2023-03-11\\r\\n"
    >>> serialize_digest(parse_digest(text)) == text
    True
    """
    parts = [header_line(digest.category, digest.date)]
    if digest.broken:
        broken = iter(digest.broken)
        block = next(broken, None)
        for index, paper in enumerate(digest.papers):
            while block is not None and block.index == index:
                parts.append(block.text)
                block = next(broken, None)
            parts.append(serialize_paper(paper))
        while block is not None:
            parts.append(block.text)
            block = next(broken, None)
    else:
        parts.extend(map(serialize_paper, digest.papers))
    text = "".join(parts)
    return text if digest.newline == "\n" else text.replace("\n", digest.newline)
