"""Model objects back to digest text, byte for byte as the generator wrote it.

Each line is written by its ``*_line`` function in :mod:`arxiv_digest.lines`, which the
model's validators use too, to check a value against the grammar exactly as it is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The line layouts live in .lines, below both this module and the model's validators.
from .lines import (
    BLOCK_END,
    arxiv_id_line,
    authors_line,
    categories_line,
    comment_line,
    doi_line,
    header_line,
    journal_line,
    links_line,
    published_line,
    summary_line,
    title_line,
    updated_line,
)

if TYPE_CHECKING:
    from .model import Digest, Paper

__all__ = ["serialize_digest", "serialize_paper"]


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
