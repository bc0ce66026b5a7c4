"""Recipe: test your own code against realistic digests with the public strategies.

Run with ``pytest docs/recipes/test_my_code.py`` (needs ``arxiv-digest[strategies]``).
"""

from __future__ import annotations

from hypothesis import given

from arxiv_digest import Digest, parse_digest, serialize_digest
from arxiv_digest.strategies import digests


def titles_by_id(digest: Digest) -> dict[str, str]:
    """Your code: here, an index of titles. The test says what must hold for any digest."""
    return {paper.arxiv_id: paper.title for paper in digest.papers}


@given(digests())
def test_index_survives_a_round_trip_through_text(digest: Digest) -> None:
    again = parse_digest(serialize_digest(digest))
    assert titles_by_id(again) == titles_by_id(digest)
    assert set(titles_by_id(digest)) <= {paper.arxiv_id for paper in digest.papers}
