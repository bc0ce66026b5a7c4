"""The archives' generator, transcribed step by step from ../shared/GENERATOR.md.

Independent of arxiv_digest on purpose: the tests hold the library's ``Paper.from_result`` and
``Digest.from_results`` against these functions. Every value goes in with ``str.format``, so
``None`` prints as ``None``, and nothing is escaped, exactly as the script does it.
"""

# The script formats with str.format; keep it so, rather than f-strings, to stay literal.
# ruff: noqa: UP032

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: The field each piece of a paper's text comes from, in the order they are written.
FIELDS = (
    "title",
    "entry_id",
    "doi",
    "categories",
    "pdf_url",
    "published",
    "updated",
    "authors",
    "comment",
    "journal_ref",
    "summary",
)


def generator_pieces(result: Any) -> list[tuple[str, str]]:
    """``(field, text)`` for each line the generator writes for one result, in order."""
    categories = "- **Categories**: "
    for category in result.categories:
        if category == result.primary_category:
            categories += "**{}**, ".format(category)
        else:
            categories += "{}, ".format(category)
    categories = categories.rstrip(", ")
    authors = ", ".join(author.name for author in result.authors)
    return [
        ("title", "### {}\n".format(result.title)),
        ("entry_id", "- **Arxiv ID**: {}\n".format(result.entry_id)),
        ("doi", "- **DOI**: {}\n".format(result.doi)),
        ("categories", categories + "\n"),
        ("pdf_url", "- **Links**: [PDF]({})\n".format(result.pdf_url)),
        ("published", "- **Published**: {}\n".format(result.published)),
        ("updated", "- **Updated**: {}\n".format(result.updated)),
        ("authors", "- **Authors**: {}\n".format(authors)),
        ("comment", "- **Comment**: {}\n".format(result.comment)),
        ("journal_ref", "- **Journal**: {}\n".format(result.journal_ref)),
        ("summary", "- **Summary**: {}\n".format(result.summary.replace("\n", " "))),
    ]


def generator_text(result: Any) -> str:
    """One paper as the generator appends it: its eleven lines, then three empty lines."""
    return "".join(text for _, text in generator_pieces(result)) + "\n\n\n"


def generator_day(results: Sequence[Any]) -> str:
    """One day's file: the results sorted by ``published`` (stable), the header, the papers.

    The header's label is the literal ``cs.CV``, whatever category was fetched.
    """
    ordered = sorted(results, key=lambda result: result.published)
    text = "# Arxiv Papers in cs.CV on {}\n".format(ordered[0].published.date())
    for result in ordered:
        text += generator_text(result)
    return text
