"""Recipe: merge two archives into a third, dropping papers listed twice.

    python docs/recipes/merge_archives.py archive-a/cs.CV archive-b/cs.CV merged

Days are matched by their path in each archive, category folder included
(``cs.CV/2023/03/20230311.md``, as ``to-json`` gives it), and written under the same path in
``merged``. Within a
day a paper is kept once, by arXiv ID: the highest version, then the latest update. Papers
are sorted by published time, as the generator writes them.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import attrs

from arxiv_digest import Digest, Paper, parse_digest, write_digest
from arxiv_digest.convert import relative_path
from arxiv_digest.files import find_digests


def merge(first: str, second: str, out: str) -> dict[str, int]:
    """Write the merged archive to ``out``; return the papers dropped as repeats, per day."""
    days: dict[str, list[Digest]] = defaultdict(list)
    for archive in (first, second):
        for path, root in find_digests([archive]).files:
            days[relative_path(path, root)].append(parse_digest(Path(path)))
    dropped: dict[str, int] = {}
    for day, digests in sorted(days.items()):
        best: dict[str, Paper] = {}
        count = 0
        for paper in (p for d in digests for p in d.papers):
            count += 1
            kept = best.get(paper.arxiv_id)
            if kept is None or (paper.version, paper.updated) > (kept.version, kept.updated):
                best[paper.arxiv_id] = paper
        papers = tuple(sorted(best.values(), key=lambda p: p.published))
        target = Path(out, day)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_digest(attrs.evolve(digests[0], papers=papers), target)
        dropped[day] = count - len(papers)
    return dropped


if __name__ == "__main__":
    repeats = merge(sys.argv[1], sys.argv[2], sys.argv[3])
    print(f"{len(repeats)} days written, {sum(repeats.values())} repeated papers dropped")
