"""Whole archives to one typed Parquet file: the engine of ``arxiv-digest to-parquet``.

One row per paper, with the columns of the flat JSON Lines shape (``to-json --flat``) in the
same order (``unbolded`` always, where the JSON has it only when not empty), but typed:
``published`` and ``updated`` are UTC timestamps, ``digest_date`` a date, ``authors`` and
``categories`` lists of strings, ``version`` an integer. Rows come in the order of
``to-json --flat``, whatever the number of processes.

The files are cut into batches and parsed on a process pool exactly as ``to-json`` does
(:func:`arxiv_digest.pool.in_order`); each worker turns its batch into one Arrow record
batch, and the parent hands them to a ``pyarrow.parquet.ParquetWriter``, a row group every
:data:`ROW_GROUP_BYTES` of Arrow data: memory is bounded by a row group and the few batches in
flight, not by the archive. A file of :data:`arxiv_digest.pool.STREAM_BYTES` or more is
read a chunk at a time instead, :data:`STREAM_PAPERS` papers a record batch, into a spill file
(Arrow's stream format) that the parent copies in once the whole file has parsed: memory is
bounded by a row group, not by the file, and a broken block near its end leaves nothing of it.

pyarrow is an optional extra (``pip install 'arxiv-digest[parquet]'``) and is imported only
when a function here needs it: ``import arxiv_digest`` never loads it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
from collections.abc import Iterable, Iterator, Sequence
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from .model import Digest, Paper

__all__ = [
    "INSTALL_HINT",
    "MissingExtra",
    "Part",
    "arrow_schema",
    "convert_part",
    "import_pyarrow",
    "parquet_in_order",
    "record_batch",
    "to_parquet",
]

#: What to run when pyarrow is missing.
INSTALL_HINT = "pip install 'arxiv-digest[parquet]'"

#: Arrow data held before it is written as one row group (about 8,000 papers): with pyarrow's
#: own 100 MB, to-parquet of a 1 GB digest then stays under 200 MB (benchmarks/bench_memory.py).
ROW_GROUP_BYTES = 16 << 20

#: Papers of a streamed file (:data:`arxiv_digest.pool.STREAM_BYTES` or more) per batch.
STREAM_PAPERS = 2_000

#: The Paper attributes after the digest's three columns, in the flat JSON shape's order.
_PAPER_COLUMNS = (
    "title",
    "entry_id",
    "doi",
    "categories",
    "primary_category",
    "pdf_url",
    "published",
    "updated",
    "authors",
    "comment",
    "journal_ref",
    "summary",
    "arxiv_id",
    "version",
    "unbolded",
)


class MissingExtra(ImportError):
    """pyarrow is not installed; the message says how to install it.

    >>> str(MissingExtra("to-parquet needs pyarrow"))
    'to-parquet needs pyarrow'
    """


def import_pyarrow() -> ModuleType:
    """The ``pyarrow`` module, with ``pyarrow.parquet`` loaded; :class:`MissingExtra` if absent.

    >>> import_pyarrow().__name__
    'pyarrow'
    """
    from .files import signals_held

    try:
        with signals_held():  # an extension interrupted halfway through loading can crash
            import pyarrow
            import pyarrow.parquet
    except ImportError as error:
        raise MissingExtra(
            f"Parquet output needs pyarrow, which cannot be imported ({error}): {INSTALL_HINT}"
        ) from None
    module: ModuleType = pyarrow
    return module


def arrow_schema() -> Any:
    """The Arrow schema of the Parquet file: the flat JSON shape's columns, typed.

    Timestamps are microseconds in UTC: the grammar allows a six-digit fraction and any
    offset of whole minutes; the offset is converted away (the JSON shapes keep it).

    >>> schema = arrow_schema()
    >>> schema.names[:4], str(schema.field("published").type)
    (['path', 'category', 'digest_date', 'title'], 'timestamp[us, tz=UTC]')
    """
    pa = import_pyarrow()
    text, words = pa.string(), pa.list_(pa.string())
    when = pa.timestamp("us", tz="UTC")
    return pa.schema(
        [
            pa.field("path", text, nullable=False),
            pa.field("category", text, nullable=False),
            pa.field("digest_date", pa.date32(), nullable=False),
            pa.field("title", text, nullable=False),
            pa.field("entry_id", text, nullable=False),
            pa.field("doi", text),
            pa.field("categories", words, nullable=False),
            pa.field("primary_category", text),
            pa.field("pdf_url", text),
            pa.field("published", when, nullable=False),
            pa.field("updated", when, nullable=False),
            pa.field("authors", words, nullable=False),
            pa.field("comment", text),
            pa.field("journal_ref", text),
            pa.field("summary", text, nullable=False),
            pa.field("arxiv_id", text, nullable=False),
            pa.field("version", pa.int32(), nullable=False),
            # Always there, empty for all but two real papers (the JSON leaves it out then).
            pa.field("unbolded", pa.list_(pa.int32()), nullable=False),
        ]
    )


def record_batch(digests: Iterable[tuple[str, Digest]]) -> Any:
    """``(path, digest)`` pairs as one Arrow record batch of :func:`arrow_schema`, a paper a row.

    >>> from pathlib import Path
    >>> from arxiv_digest import parse_digest
    >>> digest = parse_digest(Path("tests/corpus/cs.CV/2023/03/20230311.md"))
    >>> rows = record_batch([("20230311.md", digest)])
    >>> rows.num_rows, rows.column("published")[0].as_py().isoformat()
    (45, '2023-03-11T00:11:30+00:00')
    """
    pa = import_pyarrow()
    schema = arrow_schema()
    rows = [
        (path, digest.category, digest.date, *(getattr(paper, n) for n in _PAPER_COLUMNS))
        for path, digest in digests
        for paper in digest.papers
    ]
    columns = list(zip(*rows)) if rows else [()] * len(schema)
    arrays = [pa.array(values, type=field.type) for values, field in zip(columns, schema)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


@attrs.frozen
class Part:
    """One batch of files converted: its ``rows`` (an Arrow record batch) and what failed.

    ``size`` is the bytes of the files converted; ``errors`` the ``path:line:col: message``
    of each file left out, ``unreadable`` how many of them could not be read at all.

    >>> part = convert_part([("tests/corpus/cs.CV/2023/03/20230311.md", "20230311.md")])
    >>> part.files, part.papers, part.errors, part.rows.num_rows
    (1, 45, (), 45)
    """

    files: int
    papers: int
    size: int
    errors: tuple[str, ...]
    rows: Any = attrs.field(repr=False)
    unreadable: int = 0
    #: Spill files of streamed files, in order: their record batches follow ``rows``.
    spilled: tuple[str, ...] = ()

    def batches(self) -> Iterator[Any]:
        """The part's record batches, in order: ``rows``, then each spill file's (removed).

        >>> part = convert_part([("tests/corpus/cs.CV/2023/03/20230311.md", "20230311.md")])
        >>> [batch.num_rows for batch in part.batches()]
        [45]
        """
        if self.rows.num_rows:
            yield self.rows
        pa = import_pyarrow()
        for name in self.spilled:
            try:
                with pa.OSFile(name, "rb") as source, pa.ipc.open_stream(source) as reader:
                    yield from reader
            finally:
                os.unlink(name)


def _beyond_utc(path: str, papers: Iterable[Paper]) -> str | None:
    """The report of a timestamp whose instant in UTC is outside years 1 to 9999, if any.

    The grammar reads ``0001-01-01 00:00:00+00:01``; pyarrow writes it, but pandas and Python
    cannot read it back (it is in year 0 in UTC), so such a file is left out, as to-json keeps
    it. The value is located in the file's text, read again (this is the rare path).
    """
    for paper in papers:
        for name, label in (("published", "Published"), ("updated", "Updated")):
            value = getattr(paper, name)
            if not value.utcoffset():
                continue  # already UTC: in range
            try:
                value.astimezone(dt.timezone.utc)
            except OverflowError:
                prefix = f"- **{label}**: "
                from .parser import read_text

                text = read_text(path)
                at = text.find(f"{prefix}{value}")
                line = text.count("\n", 0, max(at, 0)) + 1
                return (
                    f"{path}:{line}:{len(prefix) + 1}: {name} {value} is outside years 1 to 9999"
                    " in UTC: Parquet readers could not read it back (to-json keeps it)"
                )
    return None


def convert_part(batch: list[tuple[str, str]], spill: str | None = None) -> Part:
    """Parse ``(path, relative path)`` pairs into a :class:`Part` (what a worker process runs).

    A file that cannot be read or parsed is left out and reported in ``Part.errors``. A file
    of :data:`arxiv_digest.pool.STREAM_BYTES` or more is streamed into a spill file in the
    folder ``spill`` (the system's temporary folder if ``None``), named in ``Part.spilled``.

    >>> convert_part([("nope/20230311.md", "20230311.md")]).errors
    ('nope/20230311.md: cannot read: No such file or directory',)
    """
    from .convert import failure, read_digest
    from .errors import DigestSyntaxError
    from .pool import STREAM_BYTES

    digests: list[tuple[str, Digest]] = []
    errors: list[str] = []
    spilled: list[str] = []
    size = unreadable = streamed = 0
    for path, relative in batch:
        try:
            if os.stat(path).st_size >= STREAM_BYTES:
                if digests:  # the rows before it go first: a spill file holds a file's own
                    spilled.append(_spill(iter([record_batch(digests)]), spill))
                    digests = []
                name, papers, read = _stream_file(path, relative, spill)
                spilled.append(name)
                streamed += papers
                size += read
                continue
            digest, read = read_digest(path)
        except (DigestSyntaxError, OSError, _BeyondUTC) as error:
            errors.append(str(error) if isinstance(error, _BeyondUTC) else failure(path, error))
            unreadable += isinstance(error, OSError)
            continue
        beyond = _beyond_utc(path, digest.papers)
        if beyond is not None:
            errors.append(beyond)
            continue
        size += read
        digests.append((relative, digest))
    if spilled and digests:
        spilled.append(_spill(iter([record_batch(digests)]), spill))
        digests = []
    rows = record_batch(digests)
    papers = rows.num_rows + streamed
    return Part(len(batch), papers, size, tuple(errors), rows, unreadable, tuple(spilled))


class _BeyondUTC(ValueError):
    """A timestamp outside years 1 to 9999 in UTC, in a streamed file (see :func:`_beyond_utc`)."""


def _stream_file(path: str, relative: str, spill: str | None) -> tuple[str, int, int]:
    """A big file's rows into a spill file, a chunk at a time: its name, papers and bytes.

    Raises what parsing the file raises (nothing is left behind then).
    """
    import itertools

    from .parser import stream_digest

    read = os.stat(path).st_size
    head, papers = stream_digest(path)
    count = 0

    def chunks() -> Iterator[Any]:
        nonlocal count
        while chunk := tuple(itertools.islice(papers, STREAM_PAPERS)):
            beyond = _beyond_utc(path, chunk)
            if beyond is not None:
                raise _BeyondUTC(beyond)
            count += len(chunk)
            yield record_batch([(relative, attrs.evolve(head, papers=chunk))])

    return _spill(chunks(), spill), count, read


def _spill(batches: Iterator[Any], spill: str | None) -> str:
    """Write record batches to a new spill file (Arrow's stream format); its name.

    The file is removed if the batches raise.
    """
    import tempfile

    pa = import_pyarrow()
    descriptor, name = tempfile.mkstemp(dir=spill, suffix=".arrows")
    os.close(descriptor)
    try:
        with pa.OSFile(name, "wb") as sink, pa.ipc.new_stream(sink, arrow_schema()) as writer:
            for batch in batches:
                writer.write_batch(batch)
    except BaseException:
        os.unlink(name)
        raise
    return name


def parquet_in_order(
    jobs: list[tuple[str, str]],
    workers: int,
    output: str | os.PathLike[str] | IO[bytes],
    *,
    row_group_bytes: int = ROW_GROUP_BYTES,
) -> Iterator[Part]:
    """Convert ``jobs`` into the Parquet file ``output``, in order, with ``workers`` processes.

    Yields each :class:`Part` once its rows are handed to the writer, for progress and error
    reports; the file is complete when the iterator is exhausted. A row group is written each
    time ``row_group_bytes`` of Arrow data have come in, and at the end.

    >>> import io, pyarrow.parquet as pq
    >>> out = io.BytesIO()
    >>> jobs = [("tests/corpus/cs.CV/2023/03/20230311.md", "20230311.md")]
    >>> [(p.papers, p.errors) for p in parquet_in_order(jobs, 1, out)]
    [(45, ())]
    >>> pq.read_table(io.BytesIO(out.getvalue())).num_rows
    45
    """
    pa = import_pyarrow()
    import functools
    import tempfile

    import pyarrow.parquet as pq

    from .pool import batches, in_order

    schema = arrow_schema()
    held: list[Any] = []
    held_bytes = 0
    # Workers start from a fresh server process, not forked from this one: pyarrow runs
    # threads of its own here, and forking a process with threads can deadlock the child.
    workers = workers if len(jobs) > 1 else 1  # a pool for one file only costs its start-up
    with tempfile.TemporaryDirectory(prefix="arxiv-digest-") as spill:
        parts = in_order(
            functools.partial(convert_part, spill=spill),
            batches(jobs),
            workers,
            start_method="forkserver",
        )
        # zstd: about a third smaller than the default snappy on this text, and read by
        # pandas, polars, DuckDB and Spark alike.
        with (
            pq.ParquetWriter(output, schema, compression="zstd") as writer,
            contextlib.closing(parts),
        ):
            for part in parts:
                for batch in part.batches():
                    held.append(batch)
                    held_bytes += batch.nbytes
                    if held_bytes >= row_group_bytes:
                        writer.write_table(pa.Table.from_batches(held, schema))
                        held, held_bytes = [], 0
                yield part
            if held:
                writer.write_table(pa.Table.from_batches(held, schema))


def to_parquet(
    paths: Sequence[str | os.PathLike[str]],
    target: str | os.PathLike[str],
    *,
    jobs: int = 1,
) -> list[str]:
    """Write the digests under ``paths`` to the Parquet file ``target``; return the errors.

    What ``arxiv-digest to-parquet`` does, without the progress bar: directories are walked
    for ``YYYYMMDD.md`` files, a broken file is left out and its ``path:line:col: message``
    returned, and ``target`` is written atomically (an interrupted run leaves no file). When
    no file converts, ``target`` is not written: a good file there is not replaced by an empty
    one.

    >>> import tempfile, pathlib, pyarrow.parquet as pq
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "papers.parquet"
    >>> to_parquet(["tests/corpus/cs.CV/2023"], target)
    []
    >>> pq.read_table(target).column("category").unique().to_pylist()
    ['cs.CV']
    """
    from .convert import NothingConverted, output_paths
    from .files import atomic_output, find_digests

    import_pyarrow()  # before any output exists
    found = find_digests(paths)
    if found.missing:
        missing = str(found.missing[0])
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), missing)
    work = output_paths(found.files)
    errors: list[str] = []
    with contextlib.suppress(NothingConverted), atomic_output(target) as file:
        for part in parquet_in_order(work, jobs, file):
            errors += part.errors
        if work and len(errors) == len(work):
            raise NothingConverted  # the temporary file goes, the old one stays
    return errors
