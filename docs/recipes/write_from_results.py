"""Recipe: write digests from your own arXiv search, with the arxiv package's Results.

python docs/recipes/write_from_results.py cs.CV 2023-03-11 archive/
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import arxiv

from arxiv_digest import Digest, write_digest


def fetch(category: str, day: dt.date, client: arxiv.Client | None = None) -> Iterable[Any]:
    """The papers of ``category`` submitted on the UTC day ``day``, in submitted order."""
    after = day + dt.timedelta(days=1)
    search = arxiv.Search(
        query=f"cat:{category} AND submittedDate:[{day:%Y%m%d}0000 TO {after:%Y%m%d}0000]",
        max_results=None,
        sort_by=arxiv.SortCriterion.SubmittedDate,
        sort_order=arxiv.SortOrder.Ascending,
    )
    results: Iterable[Any] = (client or arxiv.Client()).results(search)
    return results


def write_days(results: Iterable[Any], archive: Path, category: str) -> list[Path]:
    """One digest a UTC day for results in submitted order; the paths written."""
    written = []
    for day, papers in itertools.groupby(results, key=lambda r: r.published.date()):
        # The generator's header says cs.CV whatever the category: keep it for the same bytes.
        digest = Digest.from_results(list(papers), category="cs.CV")
        path = archive / category / f"{day:%Y}" / f"{day:%m}" / f"{day:%Y%m%d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_digest(digest, path)  # atomic: the old file or the new one, never half
        written.append(path)
    return written


if __name__ == "__main__":
    category, day = sys.argv[1], dt.date.fromisoformat(sys.argv[2])
    # The query reaches 00:00 of the next day (the range is inclusive): keep the day's only.
    papers = (r for r in fetch(category, day) if r.published.date() == day)
    for path in write_days(papers, Path(sys.argv[3]), category):
        print(path)
