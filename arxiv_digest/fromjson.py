"""The ``from-json`` command's work: to-json's JSON Lines back to digest files, safely.

Each line names a path relative to the output folder. A line is written only when its path
stays inside that folder once every symbolic link on the way is resolved (as ``tarfile``'s
``data`` filter does), and when what is at the target is nothing or a regular file. A line
that cannot be written is refused with its line number and the run goes on. Usable from
Python: :func:`rebuild` takes the lines and the folder and returns a :class:`Report`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import IO, TYPE_CHECKING, Any

import attrs

from ._report import error_line, plural

if TYPE_CHECKING:
    from .files import FileState
    from .model import Digest, Paper

__all__ = ["LINE_BYTES", "LineResult", "Report", "WrongShape", "rebuild", "rebuild_lines"]

#: What became of a line: its file written, already there with the same bytes, refused for
#: what the line holds (or for what is at its path), or not written because the system said
#: no (permissions, a full disk, a file changed by another program meanwhile).
WRITTEN, UNCHANGED, REFUSED, FAILED = "written", "unchanged", "refused", "failed"


class WrongShape(ValueError):
    """The input is not to-json's per-digest JSON Lines at all (found on its first line).

    >>> rebuild([b'[\\n', b'{"path": "a.md"}\\n'], "out")
    Traceback (most recent call last):
    ...
    arxiv_digest.fromjson.WrongShape: this is a JSON array (to-json --format json); from-json needs the per-digest lines that to-json writes without --format json
    """  # noqa: E501


@attrs.frozen
class LineResult:
    """What became of one line: ``status`` is one of written, unchanged, refused, failed.

    ``"refused"``: the line, or what is at its path, cannot be written (exit status 1);
    ``"failed"``: the system refused the write: permissions, a full disk, the file changed
    meanwhile (exit status 2).

    ``path`` is the line's relative path when it could be read; ``message`` says why a line
    was refused or failed; ``size`` is the line's length in bytes.

    >>> LineResult(3, "refused", None, "not JSON", 9).status
    'refused'
    """

    number: int
    status: str
    path: str | None
    message: str = ""
    size: int = 0

    def problem(self, source: str) -> str | None:
        """The error line the command prints for a line not written, with ``source``'s name.

        >>> LineResult(3, "refused", None, "not JSON", 9).problem("in.jsonl")
        'arxiv-digest: error: in.jsonl:3: not JSON'
        """
        if self.status in (REFUSED, FAILED):
            return error_line(f"{source}:{self.number}: {self.message}")
        return None


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

    @property
    def failed(self) -> tuple[LineResult, ...]:
        """The lines whose file could not be written: the system said no.

        >>> Report(0, 0, (), 0.0).failed
        ()
        """
        return tuple(r for r in self.results if r.status == FAILED)

    def summary(self) -> str:
        """One line for people: lines and megabytes read, time, and the counts.

        >>> Report(2, 2_500_000, (LineResult(1, "written", "a.md"),), 0.25).summary()
        'Read 2 lines (2.5 MB) in 0.25 s: 1 written, 0 unchanged, 0 refused.'
        >>> Report(1, 9, (LineResult(1, "failed", "a.md", "no space"),), 0.25).summary()
        'Read 1 line (0.0 MB) in 0.25 s: 0 written, 0 unchanged, 0 refused, 1 not written.'
        """
        failed = f", {len(self.failed)} not written" if self.failed else ""
        return (
            f"Read {plural(self.lines, 'line')} ({self.size / 1e6:.1f} MB) in {self.seconds:.2f} s:"
            f" {len(self.written)} written, {len(self.unchanged)} unchanged,"
            f" {len(self.refused)} refused{failed}."
        )

    def interruption(self) -> str:
        """What ``interrupted`` adds on Ctrl-C: the lines done, and the file being written.

        >>> Report(1, 9, (LineResult(1, "written", "a.md"),), 0.1).interruption()[:42]
        ' after 1 line: 1 file written, 0 unchanged'
        """
        written, unchanged = len(self.written), len(self.unchanged)
        return (
            f" after {plural(self.lines, 'line')}: {plural(written, 'file')} written,"
            f" {unchanged} unchanged,"
            f" {self.lines - written - unchanged} refused; the file being written then was"
            " not (its old version, if any, is kept)"
        )

    def exit_status(self) -> int:
        """The command's: 2 if a file could not be written, 1 if a line was refused, else 0.

        >>> Report(0, 0, (), 0.0).exit_status()
        0
        """
        return 2 if self.failed else 1 if self.refused else 0


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


def _pieces(head: Digest, papers: Iterable[Paper]) -> Iterator[bytes]:
    """The digest's bytes, the header then a paper at a time: ``serialize_digest``'s bytes."""
    from .serializer import serialize_digest, serialize_paper

    newline = head.newline
    yield serialize_digest(head).encode("utf-8")
    for paper in papers:
        block = serialize_paper(paper)
        yield (block if newline == "\n" else block.replace("\n", newline)).encode("utf-8")


def _put(target: str, shown: str, pieces: Iterable[bytes], force: bool) -> str:
    """Write ``pieces`` to ``target``, unless the file there holds them already.

    The pieces are compared with the file as they come, and nothing is written while they
    agree: a file that is already right is never rewritten, and memory holds a piece, not the
    file. At the first difference (with ``--force``; without, a refusal) the new file starts
    with the part that agreed, copied from the old file. The rename happens only if the file
    is still the one read (``expect``): another writer's change is not lost.
    """
    from .files import file_state, open_regular

    with contextlib.ExitStack() as stack:
        existing = open_regular(target, shown)
        if existing is not None:
            stack.enter_context(existing)
        state = None if existing is None else file_state(existing)
        output: IO[bytes] | None = None
        agreed = 0
        for piece in pieces:
            if output is None and existing is not None and existing.read(len(piece)) == piece:
                agreed += len(piece)
                continue
            if output is None:
                output = _start(stack, existing, agreed, target, shown, force, state)
            output.write(piece)
        if output is None and (existing is None or existing.read(1)):
            output = _start(stack, existing, agreed, target, shown, force, state)  # it is longer
    return UNCHANGED if output is None else WRITTEN


def _start(
    stack: contextlib.ExitStack[Any],
    existing: IO[bytes] | None,
    agreed: int,
    target: str,
    shown: str,
    force: bool,
    state: FileState | None,
) -> IO[bytes]:
    """The new file, holding the ``agreed`` bytes the old file and the new one share."""
    from .files import atomic_output, changed_under_us

    if existing is not None and not force:
        raise ValueError(f"{shown}: exists and differs; not overwritten (use --force)")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    output = stack.enter_context(atomic_output(target, expect=state))
    if existing is not None and agreed:
        existing.seek(0)
        while agreed:
            chunk = existing.read(min(agreed, 1 << 20))
            if not chunk:  # the old file is shorter than it was a moment ago
                raise changed_under_us(target)
            output.write(chunk)
            agreed -= len(chunk)
    return output


def _write_line(line: _Line, root: str, given: str, force: bool, loads: Any) -> LineResult:
    """Write one line's digest under ``root``, the output folder resolved.

    ``given`` is the folder as the user named it, for messages.
    """
    from .files import is_inside

    relative: str | None = None
    shown = given
    status, message = REFUSED, ""
    try:
        relative, head, papers = line.digest(loads)
        parts = _relative_parts(relative)
        target = os.path.join(root, *parts)
        shown = os.path.join(given, *parts)
        if not is_inside(root, os.path.realpath(target)):
            raise ValueError(
                f"path {relative!r} leads outside the output directory through a symbolic link"
            )
        status = _put(target, shown, _pieces(head, papers), force)
    except (ValueError, TypeError) as error:  # orjson.JSONDecodeError is a ValueError
        message = str(error)
    except OSError as error:  # permission denied, a full disk, the parent is a file, ...
        message = f"{shown}: {error.strerror or error}; not written"
        # A name too long is the line's; anything else stopped a write the line asked for.
        status = REFUSED if error.errno == errno.ENAMETOOLONG else FAILED
    line.finish()
    return LineResult(line.number, status, relative, message, line.size())


#: A line longer than this is read and parsed a piece at a time (:class:`_LongLine`).
LINE_BYTES = 8 << 20


class _Line:
    """One input line, read whole: its number, bytes and digest."""

    def __init__(self, number: int, data: bytes) -> None:
        self.number = number
        self.data = data

    def size(self) -> int:
        return len(self.data)

    def digest(self, loads: Any) -> tuple[str, Digest, Iterable[Paper]]:
        """``(relative path, header with no papers, papers)``: every value checked already."""
        from .jsondata import digest_from_dict

        relative, digest = digest_from_dict(loads(self.data))
        return relative, attrs.evolve(digest, papers=()), digest.papers

    def finish(self) -> None:
        """Read what is left of the line (nothing: it was read whole)."""


#: The keys of a digest's line that its header's bytes come from: a long line's papers are
#: written as they are read once these are known (to-json writes them first).
_HEAD_KEYS = ("path", "category", "date", "newline")


class _LongLine(_Line):
    """A line of more than :data:`LINE_BYTES`, read from ``file`` as its papers are written.

    Memory holds a chunk and the value being read, not the line: the line's object is
    taken apart key by key with :mod:`json`'s decoder, and each paper of ``"papers"`` is
    built and written before the next is read. A paper that is wrong stops the line where it
    is (nothing of it is written, as for a line read whole).
    """

    def __init__(self, number: int, start: bytes, file: IO[bytes]) -> None:
        import codecs
        import json

        super().__init__(number, start[:1024])  # the start, for the shape of the input
        self.file = file
        self.start: bytes | None = start  # decoded with the rest, where errors are the line's
        self.read_bytes = len(start)
        self.ended = False
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.text = ""
        self.at = 0
        self.chunk = 1 << 20
        self.decoder = json.JSONDecoder(parse_constant=_not_json)  # NaN: not JSON (orjson agrees)

    def size(self) -> int:
        return self.read_bytes

    def _more(self) -> bool:
        """Read another chunk of the line into the text; False at the end of the line."""
        if self.ended:
            return False
        if self.start is not None:
            data, self.start = self.start, None
        else:
            data = self.file.readline(self.chunk)
            self.read_bytes += len(data)
        if not data or data.endswith(b"\n"):
            self.ended = True
        if self.at > 1 << 20:  # drop what was read
            self.text = self.text[self.at :]
            self.at = 0
        self.text += self.utf8.decode(data, final=self.ended)
        return bool(data)

    def _skip(self) -> str:
        """Skip white space; the next character ("" at the end of the line)."""
        while True:
            while self.at < len(self.text) and self.text[self.at] in " \t\r\n":
                self.at += 1
            if self.at < len(self.text):
                return self.text[self.at]
            if not self._more():
                return ""

    def _expect(self, *characters: str) -> str:
        found = self._skip()
        if not found or found not in characters:
            wanted = " or ".join(repr(c) for c in characters)
            raise ValueError(f"malformed JSON: expected {wanted}, found {found or 'the end'!r}")
        self.at += 1
        return found

    def _value(self) -> Any:
        """The JSON value at this point, read in as many chunks as it takes."""
        self._skip()
        growth = self.chunk
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.at)
            except RecursionError:
                raise ValueError("malformed JSON: nested too deeply") from None
            except ValueError as error:
                cut = getattr(error, "pos", 0) >= len(self.text) - 16 or "Unterminated" in str(
                    error
                )
                if not (cut and self._more_at_least(growth)):
                    raise ValueError(f"malformed JSON: {getattr(error, 'msg', error)}") from None
                growth *= 2  # a long value: each try reads as much again, not a chunk more
                continue
            if end == len(self.text) and self._more():
                continue  # a number may go on in the next chunk
            self.at = end
            return value

    def _more_at_least(self, size: int) -> bool:
        before = self.read_bytes
        while self.read_bytes - before < size:
            if not self._more():
                return self.read_bytes > before
        return True

    def digest(self, loads: Any) -> tuple[str, Digest, Iterable[Paper]]:
        from .jsondata import digest_from_dict, paper_from_dict

        self._expect("{")
        fields: dict[str, Any] = {}
        papers: list[Any] | None = None
        while self._skip() != "}":
            if fields or papers is not None:
                self._expect(",")
            key = self._value()
            if not isinstance(key, str):
                raise ValueError("malformed JSON: an object's keys are strings")
            self._expect(":")
            if key == "papers" and self._skip() == "[" and set(_HEAD_KEYS) <= set(fields):
                relative, head = digest_from_dict({**fields, "papers": []})
                return relative, head, self._papers(paper_from_dict)
            if key == "papers":
                papers = self._value()  # before the header's keys: held (not to-json's order)
            else:
                fields[key] = self._value()
        self._expect("}")
        relative, head = digest_from_dict({**fields, "papers": papers})
        return relative, attrs.evolve(head, papers=()), head.papers

    def _papers(self, paper_from_dict: Any) -> Iterator[Paper]:
        self._expect("[")
        if self._skip() == "]":
            self.at += 1
        else:
            while True:
                yield paper_from_dict(self._value())
                if self._expect(",", "]") == "]":
                    break
        while self._skip() not in ("}", ""):  # keys after the papers
            self._expect(",")
            key = self._value()
            if key in (*_HEAD_KEYS, "papers"):  # the file is written: too late to change it
                raise ValueError(f"malformed digest line: {key!r} again after the papers")
            self._expect(":")
            self._value()
        self._expect("}")
        if self._skip():
            raise ValueError("malformed JSON: more after the digest's object on its line")

    def finish(self) -> None:
        self.start, self.text, self.at = None, "", 0
        while not self.ended:  # read, not decoded: an error there is not this line's to tell
            data = self.file.readline(self.chunk)
            self.read_bytes += len(data)
            self.ended = not data or data.endswith(b"\n")


def _not_json(constant: str) -> Any:
    raise ValueError(f"malformed JSON: {constant} is not a JSON value")


def _lines(source: Iterable[bytes]) -> Iterator[_Line]:
    """The input's lines: whole, or as :class:`_LongLine` when longer than :data:`LINE_BYTES`.

    Only a file (something with ``readline``) can hold a line too long to read whole.
    """
    readline = getattr(source, "readline", None)
    if readline is None:
        for number, data in enumerate(source, 1):
            yield _Line(number, data)
        return
    number = 0
    while True:
        data = readline(LINE_BYTES)
        if not data:
            return
        number += 1
        if len(data) < LINE_BYTES or data.endswith(b"\n"):
            yield _Line(number, data)
        else:
            line = _LongLine(number, data, source)  # type: ignore[arg-type]
            yield line
            line.finish()  # to the next line, whatever was read of this one


def rebuild_lines(
    lines: Iterable[bytes], directory: str | os.PathLike[str], *, force: bool = False
) -> Iterator[LineResult]:
    """Write the digest of each line under ``directory``, yielding what became of each line.

    Blank lines are skipped. Raises :class:`WrongShape` on the first line when the input is
    flat per-paper output, a JSON array or a Markdown file, before anything is written. Given
    a file (an object with ``readline``), a line of any length is written with bounded
    memory: one longer than :data:`LINE_BYTES` is read as its papers are written.

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
    for line in _lines(lines):
        if not line.data.strip():
            continue
        if first:
            first = False
            problem = _shape_problem(line.data, orjson.loads)
            if problem is not None:
                raise WrongShape(problem)
        yield _write_line(line, root, given, force, orjson.loads)


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
