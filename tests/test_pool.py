"""The one process pool: batches of files to worker processes, results in the files' order."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

import arxiv_digest.pool
from arxiv_digest.pool import batches, in_order
from tests.conftest import CORPUS

FILES = sorted(str(path) for path in CORPUS.rglob("[0-9]*.md"))


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_in_the_order_of_the_work_whatever_the_jobs(jobs: int) -> None:
    work: list[list[str] | Callable[[], int]] = [
        FILES[:3],
        lambda: -1,
        FILES[3:4],
        FILES[4:9],
        lambda: -2,
        FILES[9:10],
    ]
    assert list(in_order(len, work, jobs)) == [3, -1, 1, 5, -2, 1]


def test_a_big_file_is_done_in_this_process_in_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    big = FILES[5]
    size = os.stat(big).st_size
    monkeypatch.setattr(arxiv_digest.pool, "STREAM_BYTES", size)
    units = list(batches(FILES[:10], alone=lambda name: lambda: name))
    flat = []
    for unit in units:
        flat += [unit()] if callable(unit) else unit
    assert flat == FILES[:10]  # nothing lost, nothing moved
    assert any(callable(unit) and unit() == big for unit in units)


def test_one_by_one_gives_each_file_a_batch_of_its_own() -> None:
    assert [len(b) for b in batches(FILES[:5], one_by_one=True)] == [1, 1, 1, 1, 1]
    assert len(list(batches(FILES))) < len(FILES)  # about a megabyte each otherwise
