"""The ``from-json`` command's work: to-json's JSON Lines back to digest files, safely.

Each line names a path relative to the output folder. A line is written only when its path
stays inside that folder once every symbolic link on the way is resolved (as ``tarfile``'s
``data`` filter does), and when what is at the target is nothing or a regular file. A line
that cannot be written is refused with its line number and the run goes on. Usable from
Python: :func:`rebuild` takes the lines and the folder and returns a :class:`Report`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import attrs

__all__ = ["LineResult", "Report", "WrongShape", "rebuild", "rebuild_lines"]

WRITTEN, UNCHANGED, REFUSED = "written", "unchanged", "refused"


class WrongShape(ValueError):
    """The input is not to-json's per-digest JSON Lines at all (found on its first line).

    >>> rebuild([b'[\\n', b'{"path": "a.md"}\\n'], "out")
    Traceback (most recent call last):
    ...
    arxiv_digest.fromjson.WrongShape: this is a JSON array (to-json --format json); from-json needs the per-digest lines that to-json writes without --format json
    """  # noqa: E501


@attrs.frozen
class LineResult:
    """What became of one line: ``status`` is ``"written"``, ``"unchanged"`` or ``"refused"``.

    ``path`` is the line's relative path when it could be read; ``message`` says why a line
    was refused; ``size`` is the line's length in bytes.

    >>> LineResult(3, "refused", None, "not JSON", 9).status
    'refused'
    """

    number: int
    status: str
    path: str | None
    message: str = ""
    size: int = 0


@attrs.frozen
class Report:
    """The outcome of a run: the lines read, their bytes, and what became of each.

    >>> Report(0, 0, (), 0.0).refused
    ()
    """

    lines: int
    size: int
    results: tuple[LineResult, ...]
    seconds: float

    @property
    def written(self) -> tuple[LineResult, ...]:
        """The lines whose file was written.

        >>> Report(1, 9, (LineResult(1, "written", "a.md"),), 0.0).written[0].path
        'a.md'
        """
        return tuple(r for r in self.results if r.status == WRITTEN)

    @property
    def unchanged(self) -> tuple[LineResult, ...]:
        """The lines whose file was already there with the same bytes.

        >>> Report(0, 0, (), 0.0).unchanged
        ()
        """
        return tuple(r for r in self.results if r.status == UNCHANGED)

    @property
    def refused(self) -> tuple[LineResult, ...]:
        """The lines that were not written, each with its reason.

        >>> Report(1, 1, (LineResult(1, "refused", None, "not JSON"),), 0.0).refused[0].message
        'not JSON'
        """
        return tuple(r for r in self.results if r.status == REFUSED)

    def summary(self) -> str:
        """One line for people: lines and megabytes read, time, and the three counts.

        >>> Report(2, 2_500_000, (LineResult(1, "written", "a.md"),), 0.25).summary()
        'Read 2 lines (2.5 MB) in 0.25 s: 1 written, 0 unchanged, 0 refused.'
        """
        lines = "line" if self.lines == 1 else "lines"
        return (
            f"Read {self.lines} {lines} ({self.size / 1e6:.1f} MB) in {self.seconds:.2f} s:"
            f" {len(self.written)} written, {len(self.unchanged)} unchanged,"
            f" {len(self.refused)} refused."
        )


def _shape_problem(line: bytes, loads: Any) -> str | None:
    """Why the first line shows the whole input is not per-digest lines, or None."""
    stripped = line.strip()
    if stripped.startswith(b"# Arxiv Papers in "):
        return "this is a digest Markdown file; from-json reads the JSON Lines that to-json writes"
    if stripped.startswith(b"["):
        return (
            "this is a JSON array (to-json --format json); from-json needs the per-digest lines"
            " that to-json writes without --format json"
        )
    try:
        data = loads(stripped)
    except ValueError:
        return None  # a malformed line, reported as such
    if isinstance(data, dict) and "papers" not in data and "entry_id" in data:
        return (
            "this is flat per-paper output; from-json needs the per-digest lines that to-json"
            " writes without --flat"
        )
    return None


def _relative_parts(relative: str) -> tuple[str, ...]:
    """The parts of a line's path, or ValueError before anything touches the disk."""
    if "\0" in relative:
        raise ValueError(f"path {relative!r} holds a NUL character")
    try:
        os.fsencode(relative)
    except UnicodeError:
        raise ValueError(f"path {relative!r} cannot be a file name on this system") from None
    parts = PurePosixPath(relative).parts
    if not parts or relative.startswith("/") or ".." in parts or "\\" in relative:
        raise ValueError(f"path {relative!r} must be relative and stay inside the output directory")
    return parts


def _write_line(
    number: int, line: bytes, root: str, given: str, force: bool, loads: Any, size: int
) -> LineResult:
    """Write one line's digest under ``root``, the output folder resolved.

    ``given`` is the folder as the user named it, for messages.
    """
    from .files import is_inside, regular_bytes, write_atomic
    from .jsondata import digest_from_dict
    from .serializer import serialize_digest

    relative: str | None = None
    shown = given
    try:
        relative, digest = digest_from_dict(loads(line))
        parts = _relative_parts(relative)
        target = os.path.join(root, *parts)
        shown = os.path.join(given, *parts)
        if not is_inside(root, os.path.realpath(target)):
            raise ValueError(
                f"path {relative!r} leads outside the output directory through a symbolic link"
            )
        data = serialize_digest(digest).encode("utf-8")
        existing = regular_bytes(target, shown)
        if existing == data:
            return LineResult(number, UNCHANGED, relative, size=size)
        if existing is not None and not force:
            raise ValueError(f"{shown}: exists and differs; not overwritten (use --force)")
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    except (ValueError, TypeError) as error:  # orjson.JSONDecodeError is a ValueError
        return LineResult(number, REFUSED, relative, str(error), size)
    except OSError as error:  # the parent is a file, a link loop, a name too long, ...
        reason = error.strerror or str(error)
        return LineResult(number, REFUSED, relative, f"{shown}: {reason}; not written", size)
    return LineResult(number, WRITTEN, relative, size=size)


def rebuild_lines(
    lines: Iterable[bytes], directory: str | os.PathLike[str], *, force: bool = False
) -> Iterator[LineResult]:
    """Write the digest of each line under ``directory``, yielding what became of each line.

    Blank lines are skipped. Raises :class:`WrongShape` on the first line when the input is
    flat per-paper output, a JSON array or a Markdown file, before anything is written.

    >>> import tempfile
    >>> from pathlib import Path
    >>> line = b'{"path":"a/20230311.md","category":"cs.CV","date":"2023-03-11","papers":[]}'
    >>> out = Path(tempfile.mkdtemp())
    >>> [r.status for r in rebuild_lines([line, line, b'{"path": 1}'], out)]
    ['written', 'unchanged', 'refused']
    >>> (out / "a/20230311.md").read_text()
    '# Arxiv Papers in cs.CV on 2023-03-11\\n'
    """
    from .files import signals_held

    with signals_held():  # orjson's extension crashes if interrupted while it loads
        import orjson

    root = os.path.realpath(directory)
    given = os.fspath(directory)
    first = True
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if first:
            first = False
            problem = _shape_problem(line, orjson.loads)
            if problem is not None:
                raise WrongShape(problem)
        yield _write_line(number, line, root, given, force, orjson.loads, len(line))


def rebuild(
    lines: Iterable[bytes], directory: str | os.PathLike[str], *, force: bool = False
) -> Report:
    """Run :func:`rebuild_lines` to the end and report what happened.

    >>> import tempfile
    >>> line = b'{"path":"20230311.md","category":"cs.CV","date":"2023-03-11","papers":[]}'
    >>> rebuild([line, b"{not json}", b'{"path":"../x.md"}'], tempfile.mkdtemp()).summary()
    ... # doctest: +ELLIPSIS
    'Read 3 lines (0.0 MB) in ... s: 1 written, 0 unchanged, 2 refused.'
    """
    started = time.perf_counter()
    results = tuple(rebuild_lines(lines, directory, force=force))
    return Report(
        len(results), sum(r.size for r in results), results, time.perf_counter() - started
    )
