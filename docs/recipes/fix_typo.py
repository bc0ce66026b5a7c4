"""Recipe: fix a typo in one paper and write the file back; only that paper's bytes change.

python docs/recipes/fix_typo.py cs.CV/2023/03/20230311.md 2303.06250 "A better title"
"""

from __future__ import annotations

import sys
from pathlib import Path

import attrs

from arxiv_digest import parse_digest, write_digest


def fix_title(path: str, arxiv_id: str, title: str) -> int:
    """Give paper ``arxiv_id`` a new title in the digest at ``path``; return how many changed."""
    digest = parse_digest(Path(path))  # a Path is a file; a str would be the text itself
    papers = tuple(
        attrs.evolve(paper, title=title) if paper.arxiv_id == arxiv_id else paper
        for paper in digest.papers
    )
    changed = sum(new is not old for new, old in zip(papers, digest.papers))
    if changed:
        write_digest(attrs.evolve(digest, papers=papers), path)  # atomic: old file or new
    return changed


if __name__ == "__main__":
    print(fix_title(sys.argv[1], sys.argv[2], sys.argv[3]), "paper(s) changed")
