"""Parsing on a distributed engine: a Dask bag recipe (``pip install arxiv-digest[dask]``).

The paths go into a Dask bag; each partition is converted by :func:`convert_partition`, a
top-level function (so it pickles to any worker) that streams JSON Lines into its own file,
atomically. Each worker process builds the parser once, on its first file
(the parser is cached per process, and Lark's own cache makes that a few
milliseconds).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

__all__ = ["convert_partition", "convert_with_dask"]


def convert_partition(jobs: list[tuple[str, str]], target: str, flat: bool = False) -> list[str]:
    """Convert ``(path, relative path)`` pairs into the JSON Lines file ``target``.

    The same lines as ``arxiv-digest to-json``; returns the errors of the files left out.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "part-00000.jsonl"
    >>> convert_partition([("tests/corpus/cs.CV/2023/03/20230311.md", "x.md")], str(target))
    []
    >>> len(target.read_bytes().splitlines())
    1
    """
    from .convert import convert_batch
    from .files import atomic_output

    with atomic_output(target) as sink:
        batch = convert_batch(jobs, flat, False, sink)
    return list(batch.errors)


# --8<-- [start:convert_with_dask]
def convert_with_dask(
    paths: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    partitions: int | None = None,
    flat: bool = False,
) -> tuple[list[str], list[str]]:
    """Convert the digests under ``paths`` with a Dask bag: ``(files written, errors)``.

    Partition ``i`` is written to ``out_dir/part-0000i.jsonl``; read in name order, the files
    hold the lines of ``to-json`` in its order. Uses whatever Dask scheduler is configured.
    A path that does not exist or holds no digest is in ``errors``, as ``to-json`` says it.

    >>> import tempfile, dask
    >>> with dask.config.set(scheduler="synchronous"):
    ...     written, errors = convert_with_dask(["tests/corpus/cs.CV/2023"], tempfile.mkdtemp())
    >>> len(written), errors
    (5, [])
    """
    import dask
    import dask.bag as db

    from .convert import output_paths
    from .files import find_digests

    found = find_digests(paths)
    errors = list(found.errors)  # a missing path or a directory with no digest: said, not dropped
    jobs = output_paths(found.files)
    if not jobs:
        return [], errors
    count = partitions or max(1, min(len(jobs), 4 * (os.cpu_count() or 1)))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    parts = db.from_sequence(jobs, npartitions=count).to_delayed()
    targets = [str(out / f"part-{index:05d}.jsonl") for index in range(len(parts))]
    tasks = [dask.delayed(convert_partition)(part, t, flat) for part, t in zip(parts, targets)]
    errors += [error for part_errors in dask.compute(*tasks) for error in part_errors]
    return targets, errors


# --8<-- [end:convert_with_dask]
