"""Work on many files with a pool of processes, the results in the order of the files.

``check`` and ``fix`` share it: small files go to worker processes in batches of about a
megabyte, a few batches ahead of the one being read; a big file is worked on in this process,
where its result may be read a block at a time.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["in_order"]

T = TypeVar("T")


def in_order(
    names: list[str],
    one: Callable[[str], T],
    batch: Callable[[list[str]], list[T]],
    jobs: int,
    big: int,
    batch_bytes: int,
) -> Iterator[T]:
    """``one(name)`` for each name, in order, with ``jobs`` processes.

    Files of ``big`` bytes or more (and every file when ``jobs`` is 1) are done here; the
    others by ``batch`` (a picklable function) in worker processes, in batches of about
    ``batch_bytes``.

    >>> list(in_order(["a", "b"], str.upper, lambda names: [n.upper() for n in names], 1, 0, 0))
    ['A', 'B']
    """
    if jobs <= 1 or len(names) <= 1:
        for name in names:
            yield one(name)
        return
    from concurrent.futures import ProcessPoolExecutor

    ahead: deque[str | Future[list[T]]] = deque()
    in_flight = 0
    executor = ProcessPoolExecutor(max_workers=jobs)

    def finish() -> Iterator[T]:
        nonlocal in_flight
        unit = ahead.popleft()
        if isinstance(unit, str):
            yield one(unit)
        else:
            in_flight -= 1
            yield from unit.result()

    try:
        for unit in _units(names, big, batch_bytes):
            if isinstance(unit, str):
                ahead.append(unit)
            else:
                ahead.append(executor.submit(batch, unit))
                in_flight += 1
            while in_flight >= jobs * 2:
                yield from finish()
        while ahead:
            yield from finish()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _units(names: list[str], big: int, batch_bytes: int) -> Iterator[str | list[str]]:
    """Batches of small files, and each big file on its own (a ``str``), in order."""
    batch: list[str] = []
    size = 0
    for name in names:
        try:
            file_size = os.stat(name).st_size
        except OSError:
            file_size = 0  # the worker reports it
        if file_size >= big:
            if batch:
                yield batch
                batch, size = [], 0
            yield name
            continue
        batch.append(name)
        size += file_size
        if size >= batch_bytes:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
