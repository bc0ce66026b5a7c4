"""Work on many files with a pool of processes, the results in the order of the files.

Every command that fans out uses it (``check``, ``fix``, ``to-json``, ``to-parquet``,
``select``): :func:`batches` cuts the files into batches of about a megabyte, and
:func:`in_order` runs a function on each batch in worker processes, a few batches ahead of
the one being read, and hands the results back in order. A big file may instead be worked on
in this process when its turn comes, where its result can be read a block at a time.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar, overload

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["BATCH_BYTES", "STREAM_BYTES", "batches", "cores", "in_order"]

T = TypeVar("T")
R = TypeVar("R")

#: Files of about this many bytes make one task for a worker process.
BATCH_BYTES = 1 << 20
#: A file of at least this many bytes is read a block at a time, never whole.
STREAM_BYTES = 16 << 20


def cores() -> int:
    """The cores this process may run on (a container's or taskset's limit included).

    >>> cores() >= 1
    True
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@overload
def batches(items: Iterable[T], *, one_by_one: bool = False) -> Iterator[list[T]]: ...
@overload
def batches(
    items: Iterable[T], *, one_by_one: bool = False, alone: Callable[[T], Callable[[], R]]
) -> Iterator[list[T] | Callable[[], R]]: ...
def batches(
    items: Iterable[T],
    *,
    one_by_one: bool = False,
    alone: Callable[[T], Callable[[], R]] | None = None,
) -> Iterator[list[T] | Callable[[], R]]:
    """``items`` cut into lists of about :data:`BATCH_BYTES` of files each, in order.

    An item is a file's path, or a tuple that starts with one (``(path, relative path)``).
    ``one_by_one`` makes each item a batch of its own (with one process, a file's result then
    comes as soon as it is done). With ``alone``, a file of :data:`STREAM_BYTES` or more is
    not batched: ``alone(item)``, a function to run in this process, takes its place.

    >>> day = "tests/corpus/cs.CV/2023/03/20230311.md"
    >>> [len(b) for b in batches([(day, "a.md")] * 30)]
    [13, 13, 4]
    """
    limit = 0 if one_by_one else BATCH_BYTES
    batch: list[T] = []
    size = 0
    for item in items:
        try:
            name = item if isinstance(item, str) else item[0]  # type: ignore[index]
            file_size = os.stat(name).st_size
        except OSError:
            file_size = 0  # the worker reports it
        if alone is not None and file_size >= STREAM_BYTES:
            if batch:
                yield batch
                batch, size = [], 0
            yield alone(item)
            continue
        batch.append(item)
        size += file_size
        if size >= limit:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def in_order(
    function: Callable[[list[T]], R],
    work: Iterable[list[T] | Callable[[], R]],
    jobs: int,
    *,
    start_method: str | None = None,
) -> Generator[R, None, None]:
    """``function(batch)`` for each batch of ``work``, in order, with ``jobs`` processes.

    ``function`` must pickle (a top-level function, or a :func:`functools.partial` of one).
    A unit of ``work`` that is a function instead of a batch is called in this process when
    its turn comes. At most ``2 * jobs`` batches are in flight, so memory stays bounded
    whatever the length of ``work``; closing the iterator early (an error, Ctrl-C) cancels
    what has not started and waits for the rest. ``start_method`` is the
    :mod:`multiprocessing` one for the pool (the platform's default if ``None``, or if the
    platform lacks it).

    >>> list(in_order(len, [["a"], ["b", "c"], lambda: 0], 1))
    [1, 2, 0]
    """
    if jobs <= 1:
        for unit in work:
            yield unit() if callable(unit) else function(unit)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .files import signals_held

    context = None
    if start_method in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context(start_method)
    ahead: deque[Callable[[], R] | Future[R]] = deque()
    in_flight = submitted = 0
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    try:
        for unit in work:
            if callable(unit):
                ahead.append(unit)
                continue
            if submitted < jobs:
                # The first submissions start the worker processes (and a forkserver): a
                # signal in the middle left one reading a truncated message, and printing a
                # traceback. Held back until they are started, it stops the run cleanly.
                with signals_held():
                    ahead.append(executor.submit(function, unit))
            else:
                ahead.append(executor.submit(function, unit))
            submitted += 1
            in_flight += 1
            while in_flight >= jobs * 2:
                done = ahead.popleft()
                if not callable(done):
                    in_flight -= 1
                yield done() if callable(done) else done.result()
        while ahead:
            done = ahead.popleft()
            yield done() if callable(done) else done.result()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
