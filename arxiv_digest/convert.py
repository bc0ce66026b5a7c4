"""Whole archives to JSON, in parallel and in order: the engine of ``arxiv-digest to-json``.

Files are grouped into batches of about a megabyte. With one process, each file is parsed and
its JSON streamed straight into the output. With several, each batch is converted by a worker
process into a spill file, which the parent copies into the output in the order of the sorted
paths, whatever the number of processes; only a few batches are in flight at once. A file is
parsed whole before any of its JSON is written, so a broken file leaves nothing behind, and a
paper is encoded one at a time: memory is bounded by the largest file, not by the archive.

The pieces are shared with ``arxiv-digest to-parquet`` (``parquet.py``) and ``select``: the
process pool is :mod:`arxiv_digest.pool`'s, :class:`Conversion` finds the files and counts
what was done, and :func:`read_digest` / :func:`failure` read one file and word its error.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

import attrs

from ._process import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from ._report import error_line, failure, plural
from .files import DIGEST_NAME, path_parts
from .pool import STREAM_BYTES

if TYPE_CHECKING:
    from .model import Digest, Paper

__all__ = [
    "Batch",
    "Conversion",
    "NothingConverted",
    "SamePath",
    "convert_batch",
    "convert_in_order",
    "failure",
    "output_paths",
    "read_digest",
    "relative_path",
]


@attrs.frozen
class Batch:
    """Some files converted: how many JSON ``items`` were written, and what failed.

    ``spilled`` names the file holding the items when a worker process wrote them;
    ``errors`` holds the ``path:line:col: message`` of each file that was left out, of which
    ``unreadable`` could not be read at all (an I/O error rather than a broken digest).

    >>> Batch(items=1, files=1, papers=45, size=86_000, errors=()).spilled is None
    True
    """

    items: int
    files: int
    papers: int
    size: int
    errors: tuple[str, ...]
    spilled: str | None = None
    unreadable: int = 0

    def copy_to(self, file: IO[bytes]) -> None:
        """Copy the spilled items into ``file`` and remove the spill file.

        >>> import io, os, tempfile
        >>> descriptor, name = tempfile.mkstemp()
        >>> _ = os.write(descriptor, b"{}\\n"); os.close(descriptor)
        >>> out = io.BytesIO()
        >>> Batch(1, 1, 0, 3, (), spilled=name).copy_to(out)
        >>> out.getvalue(), os.path.exists(name)
        (b'{}\\n', False)
        """
        if self.spilled is None:
            return
        with open(self.spilled, "rb") as source:
            offset = _send(source, file)
            source.seek(offset)
            shutil.copyfileobj(source, file, 1 << 20)  # whatever the kernel could not send
        os.unlink(self.spilled)


def _send(source: IO[bytes], file: IO[bytes]) -> int:
    """Copy ``source`` into ``file`` inside the kernel where it can; return the bytes sent.

    The parent then never handles the bytes itself, which keeps it off the workers' cores.
    """
    try:
        target = file.fileno()
    except (AttributeError, OSError, ValueError):
        return 0  # not a real file (a BytesIO, a test's capture)
    if not hasattr(os, "sendfile"):
        return 0
    file.flush()
    size, offset = os.fstat(source.fileno()).st_size, 0
    try:
        while offset < size:
            sent = os.sendfile(target, source.fileno(), offset, size - offset)
            if sent == 0:
                break
            offset += sent
    except OSError:
        pass  # a platform that only sends to sockets: the rest goes through Python
    return offset


def relative_path(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> str:
    """``path`` in an output, with ``/`` separators: it keeps its category folder.

    That is ``path`` relative to the ``root`` it was found under; but a digest in the dated
    layout (``CATEGORY/YYYY/MM/YYYYMMDD.md``) found under its category folder, or inside it,
    or named as a file, is relative to the folder above the category, so that ``from-json``
    puts it back in its category.

    >>> relative_path("archive/cs.CV/2023/03/20230311.md", "archive")
    'cs.CV/2023/03/20230311.md'
    >>> relative_path("archive/cs.CV/2023/03/20230311.md", "archive/cs.CV")
    'cs.CV/2023/03/20230311.md'
    >>> relative_path("20230311.md", ".")
    '20230311.md'
    """
    relative = _relative(os.fspath(path), os.fspath(root))
    if relative.count("/") < 3:  # no room for the category folder: is there one above?
        parts = path_parts(os.path.abspath(path))
        if (
            len(parts) >= 4
            and DIGEST_NAME.fullmatch(parts[-1])
            and len(parts[-2]) == 2
            and len(parts[-3]) == 4
            and (parts[-3] + parts[-2]).isdigit()
        ):
            return "/".join(parts[-4:])
    return relative


def _relative(path: str, root: str) -> str:
    """``PurePath(path).relative_to(root).as_posix()``, or ``path`` when not under ``root``."""
    parts, under = path_parts(path), path_parts(root)
    absolute = os.path.isabs(path)
    if absolute == os.path.isabs(root) and parts[: len(under)] == under:
        return "/".join(parts[len(under) :]) or "."
    return ("/" if absolute else "") + "/".join(parts) or "."


class SamePath(ValueError):
    """Two digests that would have the same ``path`` in an output.

    >>> isinstance(SamePath("a and b would both be 'x'"), ValueError)
    True
    """


def output_paths(files: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(path, path in the output)`` of each ``(path, root)`` of :func:`find_digests`.

    Raises :class:`SamePath` when two files would have the same path in the output (from-json
    could rebuild only one of them); a file found twice is taken once.

    >>> output_paths([("a/cs.CV/2023/03/20230311.md", "a/cs.CV")])
    [('a/cs.CV/2023/03/20230311.md', 'cs.CV/2023/03/20230311.md')]
    >>> output_paths([("a/cs.CV", "a"), ("b/cs.CV", "b")])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    arxiv_digest.convert.SamePath: a/cs.CV and b/cs.CV would both be 'cs.CV' in the output: ...
    """
    first: dict[str, str] = {}
    work = []
    for path, root in files:
        relative = relative_path(path, root)
        other = first.setdefault(relative, path)
        if other is not path:
            if other == path or os.path.realpath(other) == os.path.realpath(path):
                continue  # the same file, given twice
            raise SamePath(
                f"{other} and {path} would both be {relative!r} in the output: convert them"
                " separately, or from a folder above both"
            )
        work.append((path, relative))
    return work


def _streamed(path: str) -> bool:
    return os.stat(path).st_size >= STREAM_BYTES


def read_digest(path: str) -> tuple[Digest, int]:
    """The digest in the file at ``path``, parsed whole, and the number of bytes read.

    Raises :class:`DigestSyntaxError` (not UTF-8, or not a digest) or :class:`OSError`; see
    :func:`failure` for the one line that reports either.

    >>> digest, size = read_digest("tests/corpus/cs.CV/2023/03/20230311.md")
    >>> len(digest.papers), size
    (45, 83157)
    """
    from pathlib import Path

    from .parser import parse_digest

    # A Path, not the text: text decoded from a file needs no scan for lone surrogates.
    digest = parse_digest(Path(path))
    return digest, os.stat(path).st_size


def convert_batch(
    batch: list[tuple[str, str]],
    flat: bool,
    array: bool,
    sink: IO[bytes] | None = None,
    *,
    first: bool = True,
    spill: str | None = None,
) -> Batch:
    """Parse ``(path, relative path)`` pairs and write their JSON items into ``sink``.

    Without a sink, the items go to a new file in the directory ``spill``, named in
    ``Batch.spilled`` (what a worker process does: a top-level function, for pickling).
    Items are separated for the shape: a newline after each for JSON Lines, ``",\\n"``
    between them for an array (``first`` says whether nothing was written before).

    >>> import io
    >>> sink = io.BytesIO()
    >>> convert_batch([("tests/corpus/cs.CV/2023/03/20230311.md", "a.md")], True, False, sink).items
    45
    >>> sink.getvalue().count(b"\\n")
    45
    """
    from .errors import DigestSyntaxError
    from .files import signals_held
    from .jsondata import digest_to_dict, flat_head, paper_to_dict

    with signals_held():  # orjson's extension crashes if interrupted while it loads
        import orjson

    import tempfile

    from .parser import stream_digest

    spilled = None
    if sink is None:
        descriptor, spilled = tempfile.mkstemp(dir=spill, suffix=".json")
        sink = open(descriptor, "wb")  # noqa: SIM115 - closed below, whatever happens
    items = papers = size = unreadable = 0
    errors: list[str] = []
    write = sink.write

    def start_item() -> None:
        if array and (items or not first):
            write(b",\n")

    def end_item() -> None:
        nonlocal items
        if not array:
            write(b"\n")
        items += 1

    def emit(head: Digest, file_papers: Iterable[Paper], relative: str) -> int:
        """Write one file's items; return its number of papers."""
        count = 0
        if flat:
            fields = flat_head(head, relative)
            for paper in file_papers:
                start_item()
                write(orjson.dumps({**fields, **paper_to_dict(paper)}))
                end_item()
                count += 1
        else:
            # One line per digest, streamed a paper at a time: "papers" is the last key,
            # so the head of the empty digest, the papers and "]}" make the same bytes.
            start_item()
            empty = orjson.dumps(digest_to_dict(attrs.evolve(head, papers=()), relative))
            write(empty[:-2])
            for paper in file_papers:
                if count:
                    write(b",")
                write(orjson.dumps(paper_to_dict(paper)))
                count += 1
            write(b"]}")
            end_item()
        return count

    def emit_whole(digest: Digest, relative: str) -> int:
        """Write a file parsed whole: its items encoded first, then one write (the common case)."""
        nonlocal items
        if flat:
            fields = flat_head(digest, relative)
            encoded = [orjson.dumps({**fields, **paper_to_dict(p)}) for p in digest.papers]
        else:
            encoded = [orjson.dumps(digest_to_dict(digest, relative))]
        if encoded:
            if array:
                write((b",\n" if items or not first else b"") + b",\n".join(encoded))
            else:
                write(b"\n".join(encoded) + b"\n")
            items += len(encoded)
        return len(digest.papers)

    try:
        for path, relative in batch:
            file_papers: Iterable[Paper]
            try:
                streamed = _streamed(path)
                if streamed:
                    read = os.stat(path).st_size
                    head, file_papers = stream_digest(path)
                else:
                    head, read = read_digest(path)
                    file_papers = head.papers
            except (DigestSyntaxError, OSError) as error:
                errors.append(failure(path, error))
                unreadable += isinstance(error, OSError)
                continue
            if not streamed:  # parsed whole: nothing can fail any more
                papers += emit_whole(head, relative)
                size += read
                continue
            # Read as it is written: its JSON goes to a temporary file first, and into the
            # output only once the whole file has parsed, so a broken block near its end
            # leaves nothing of it behind.
            items_before, write = items, sink.write
            with tempfile.TemporaryFile(dir=spill) as held:
                write = held.write
                try:
                    count = emit(head, file_papers, relative)
                except (DigestSyntaxError, OSError) as error:
                    errors.append(failure(path, error))
                    unreadable += isinstance(error, OSError)
                    items, write = items_before, sink.write
                    continue
                write = sink.write
                held.flush()
                held.seek(_send(held, sink))  # inside the kernel where it can
                shutil.copyfileobj(held, sink, 1 << 20)
            papers += count
            size += read
    finally:
        if spilled is not None:
            sink.close()
    return Batch(items, len(batch), papers, size, tuple(errors), spilled, unreadable)


def convert_in_order(
    jobs: list[tuple[str, str]], flat: bool, array: bool, workers: int, output: IO[bytes]
) -> Iterator[Batch]:
    """Convert ``jobs`` into ``output`` in their order, with ``workers`` processes.

    Yields each batch once its items are in ``output``, for progress and error reports.

    >>> import io
    >>> out = io.BytesIO()
    >>> jobs = [("tests/corpus/cs.CV/2023/03/20230311.md", "20230311.md")]
    >>> [(b.items, b.papers, b.errors) for b in convert_in_order(jobs, False, False, 1, out)]
    [(1, 45, ())]
    >>> out.getvalue().count(b"\\n")
    1
    """
    from .pool import batches

    written = 0
    if workers <= 1 or len(jobs) <= 1:
        # One process: each file's JSON goes straight into the output, no spill file.
        for batch in batches(jobs):
            done = convert_batch(batch, flat, array, output, first=not written)
            written += done.items
            yield done
        return
    import functools
    import tempfile

    from .pool import in_order

    with (
        tempfile.TemporaryDirectory(prefix="arxiv-digest-") as spill,
        # Closed first on the way out: the pool is shut down before its spill files go.
        contextlib.closing(
            in_order(
                functools.partial(convert_batch, flat=flat, array=array, spill=spill),
                batches(jobs),
                workers,
            )
        ) as results,
    ):
        for done in results:
            if array and done.items and written:
                output.write(b",\n")
            output.flush()
            done.copy_to(output)
            written += done.items
            yield done


# --------------------------------------------------------------------------- the commands


class NothingConverted(Exception):
    """Every file was left out: the output would hold nothing, so it replaces nothing.

    >>> str(NothingConverted("out.jsonl: not written"))
    'out.jsonl: not written'
    """


class Conversion:
    """A converting command's run (``to-json``, ``to-parquet``, ``select``): files and counts.

    The digests under ``paths`` are found first, each with its path in the output
    (:func:`output_paths`); ``errors`` are those of the paths given (missing, no digest, two
    files with one path), and with one, nothing is converted. Then :meth:`add` counts each
    batch done (a :class:`Batch`, a ``parquet.Part``).

    >>> conversion = Conversion(["tests/corpus/cs.CV/2023/07"])
    >>> len(conversion.work), conversion.errors
    (2, [])
    >>> conversion.add(Batch(items=2, files=2, papers=90, size=160_000, errors=()))
    []
    >>> conversion.summary().split(" in ")[0], conversion.exit_status()
    ('Converted 2 files (90 papers, 0.2 MB)', 0)
    """

    def __init__(self, paths: Sequence[str | os.PathLike[str]]) -> None:
        import time

        from .files import find_digests

        found = find_digests(paths)
        self.errors = list(found.errors)
        self.work: list[tuple[str, str]] = []
        try:
            self.work = output_paths(found.files)
        except SamePath as error:
            self.errors.append(str(error))
        self.clock = time.perf_counter
        self.started = self.clock()  # once the files are found, as the progress bar starts
        self.failed = self.papers = self.size = self.unreadable = 0

    @property
    def files(self) -> int:
        """The files to convert.

        >>> Conversion(["tests/corpus/cs.CV/2023/07"]).files
        2
        """
        return len(self.work)

    def refusal(self, nothing: str, *, quiet: bool = False) -> list[str]:
        """The lines for stderr when a path given is wrong: nothing is converted (``nothing``).

        >>> Conversion(["nope"]).refusal("nothing written")[-1]
        'Nothing converted (nothing written).'
        """
        lines = [error_line(problem) for problem in self.errors]
        return lines if quiet else [*lines, f"Nothing converted ({nothing})."]

    def add(self, done: Any) -> list[str]:
        """Count a batch (a :class:`Batch` or a ``parquet.Part``); return its error lines.

        >>> Conversion([]).add(Batch(0, 1, 0, 0, ("a.md:1:1: broken",)))
        ['arxiv-digest: error: a.md:1:1: broken']
        """
        self.failed += len(done.errors)
        self.unreadable += done.unreadable
        self.papers += done.papers
        self.size += done.size
        return [error_line(problem) for problem in done.errors]

    def rate(self) -> str:
        """What the progress bar shows after it: papers so far, and megabytes a second.

        >>> Conversion([]).rate().split(",")[0]
        '0 papers'
        """
        rate = self.size / 1e6 / max(self.seconds(), 1e-9)
        return f"{self.papers} papers, {rate:.1f} MB/s"

    def check_converted(self, output: str) -> None:
        """Raise :class:`NothingConverted` when every file was left out (an empty ``output``).

        Called before the output is put in place, so that a good one is not replaced.

        >>> Conversion([]).check_converted("out.jsonl")
        """
        if self.files and self.failed == self.files:
            none = (
                "the file could not" if self.files == 1 else f"none of the {self.files} files could"
            )
            was = "the file there is kept" if os.path.exists(output) else "no file made"
            raise NothingConverted(
                f"{output}: not written: {none} be converted (see above); {was}."
            )

    def seconds(self) -> float:
        """Seconds since the command started.

        >>> Conversion([]).seconds() >= 0
        True
        """
        return self.clock() - self.started

    def converted(self) -> int:
        """The files converted.

        >>> Conversion(["tests/corpus/cs.CV/2023/07"]).converted()
        2
        """
        return self.files - self.failed

    def summary(self) -> str:
        """``to-json``'s last line, on stderr: files, papers, megabytes, seconds, left out.

        >>> conversion = Conversion(["tests/corpus/cs.CV/2023/07"])
        >>> _ = conversion.add(Batch(0, 1, 0, 0, ("a.md:1:1: broken",)))
        >>> conversion.summary().split(" in ")[0]
        'Converted 1 of 2 files (0 papers, 0.0 MB)'
        """
        converted, failed = self.converted(), self.failed
        files = plural(converted, "file") if not failed else f"{converted} of {self.files} files"
        left_out = f"; {failed} left out (see above)" if failed else ""
        return (
            f"Converted {files} ({plural(self.papers, 'paper')}, {self.size / 1e6:.1f} MB)"
            f" in {self.seconds():.2f} s{left_out}."
        )

    def parquet_summary(self, output: str) -> str:
        """``to-parquet``'s last line, on stderr: papers, files, megabytes, where, seconds.

        >>> Conversion([]).parquet_summary("p.parquet").split(" in ")[0]
        'Wrote 0 papers from 0 files, 0.0 MB, to p.parquet'
        """
        converted = self.converted()
        files = "file" if converted == 1 else "files"
        left_out = f" ({self.failed} left out with errors)" if self.failed else ""
        return (
            f"Wrote {self.papers} papers from {converted} {files}{left_out},"
            f" {self.size / 1e6:.1f} MB, to {output} in {self.seconds():.1f} s."
        )

    def exit_status(self) -> int:
        """2 if a file could not be read, 1 if one was left out, else 0.

        >>> Conversion([]).exit_status()
        0
        """
        if self.unreadable:
            return EXIT_ERROR
        return EXIT_FINDINGS if self.failed else EXIT_CLEAN
