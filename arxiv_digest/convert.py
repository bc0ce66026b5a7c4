"""Whole archives to JSON, in parallel and in order: the engine of ``arxiv-digest to-json``.

Files are grouped into batches of about a megabyte; each batch is parsed and encoded by one
worker process and comes back as one block of bytes, so the parent only writes. Batches are
written in the order of the sorted paths, whatever the number of processes, and only a few
are in flight at once: memory is bounded by the batch size, not by the archive.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import attrs

__all__ = ["Batch", "convert_batch", "convert_in_order", "relative_path"]

#: Files of about this many bytes make one task for a worker process.
BATCH_BYTES = 1 << 20


@attrs.frozen
class Batch:
    """Some files converted, ready to write.

    ``data`` (or the file ``spilled``) holds ``items`` encoded JSON values, separated for the
    output shape; ``errors`` the ``path:line:col: message`` of each file that failed.
    """

    data: bytes
    items: int
    files: int
    papers: int
    size: int
    errors: tuple[str, ...]
    spilled: str | None = None

    def write_to(self, file: IO[bytes]) -> None:
        """Write the data into ``file`` (and remove the spill file it was in)."""
        if self.spilled is None:
            file.write(self.data)
            return
        with open(self.spilled, "rb") as source:
            file.flush()
            shutil.copyfileobj(source, file, 1 << 20)
        os.unlink(self.spilled)


def relative_path(path: Path, root: Path) -> str:
    """``path`` relative to the ``root`` it was found under, with ``/`` separators.

    >>> relative_path(Path("archive/2023/03/20230311.md"), Path("archive"))
    '2023/03/20230311.md'
    """
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def convert_batch(
    batch: list[tuple[str, str]], flat: bool, array: bool, spill: str | None = None
) -> Batch:
    """Parse and encode ``(path, relative path)`` pairs; a top-level function for pickling.

    With ``spill`` (a directory), the encoded data goes to a file there, named in
    ``Batch.spilled``, instead of travelling back through a pipe: the parent then copies it
    into the output inside the kernel. Each worker process builds the parser once.
    """
    import orjson

    from .errors import DigestSyntaxError
    from .jsondata import digest_to_dict, flat_rows
    from .parser import parse_digest, read_text

    items: list[bytes] = []
    errors: list[str] = []
    papers = size = 0
    for path, relative in batch:
        try:
            text = read_text(path)
            digest = parse_digest(text, path=path)
        except DigestSyntaxError as error:
            errors.append(str(error).split("\n")[0])
            continue
        except OSError as error:
            errors.append(f"{path}: cannot read: {error.strerror or error}")
            continue
        papers += len(digest.papers)
        size += len(text) if text.isascii() else len(text.encode("utf-8"))
        if flat:
            items.extend(orjson.dumps(row) for row in flat_rows(digest, relative))
        else:
            items.append(orjson.dumps(digest_to_dict(digest, relative)))
    data = b",\n".join(items) if array else b"".join(item + b"\n" for item in items)
    spilled = None
    if spill is not None:
        import tempfile

        descriptor, spilled = tempfile.mkstemp(dir=spill, suffix=".json")
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        data = b""
    return Batch(data, len(items), len(batch), papers, size, tuple(errors), spilled)


def _batches(jobs: list[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    batch: list[tuple[str, str]] = []
    size = 0
    for job in jobs:
        batch.append(job)
        with contextlib.suppress(OSError):  # a worker reports the unreadable file
            size += os.stat(job[0]).st_size
        if size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def convert_in_order(
    jobs: list[tuple[str, str]], flat: bool, array: bool, workers: int
) -> Iterator[Batch]:
    """Converted batches in the order of ``jobs``, with ``workers`` processes.

    >>> jobs = [("tests/corpus/cs.CV/2023/03/20230311.md", "20230311.md")]
    >>> [(b.items, b.papers, b.errors) for b in convert_in_order(jobs, False, False, 1)]
    [(1, 45, ())]
    """
    if workers <= 1 or len(jobs) <= 1:
        for batch in _batches(jobs):
            yield convert_batch(batch, flat, array)
        return
    import tempfile
    from concurrent.futures import Future, ProcessPoolExecutor

    executor = ProcessPoolExecutor(max_workers=workers)
    pending: deque[Future[Batch]] = deque()
    with tempfile.TemporaryDirectory(prefix="arxiv-digest-") as spill:
        try:
            for batch in _batches(jobs):
                pending.append(executor.submit(convert_batch, batch, flat, array, spill))
                if len(pending) >= workers * 2:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
