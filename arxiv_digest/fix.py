"""The fixes of ``arxiv-digest fix``: what ``check`` finds and a program can repair with certainty.

Each fix carries the code of the rule whose findings it removes:

* **AD001** (safe): a UTF-8 byte-order mark at the start of the file is removed.
* **AD206** (safe): line endings mixed in one file become the file's majority ending (on a
  tie, the first line's ending, which is the one the parser takes as the file's). This works
  on the bytes, before parsing, so a CRLF file with one LF line (otherwise a syntax error) is
  repaired as well as an LF file with CRLF lines.
* **AD103** (safe): an exact repeat of a paper (the same block, byte for byte) is dropped; the
  first stays.
* **AD103** (unsafe): the same paper listed in several versions keeps its newest version only,
  at the newest version's own place: the fix only ever deletes blocks, and every version of a
  paper has the same ``published`` time, so that place is in order either way.
* **AD104** (safe): papers out of ``published`` order are put back with a *stable* sort, as
  the generator does, so a file the generator wrote comes back to its exact bytes.
* **AD305** (safe): ``fix`` of a folder writes a stale calendar again, as
  ``arxiv-digest calendar`` does (:func:`arxiv_digest.calendar.update_calendar`).

Nothing else is changed: a header date that is not the file name's (AD101) or a file in the
wrong folder (AD102) needs a person. A file with a syntax error (AD001) is never touched.
Every paper block that stays is byte-identical to the one before.

**One line numbering**: every line a fix or a remaining finding gives is a line of the file as
it is after the fixes (as it is on disk once written, or as ``--diff`` would make it).

A file is first checked as ``check`` checks it; only a file with something to fix is read
again and rewritten, a block at a time: what is kept is what the fixes need (for each block
its place, line and ``published`` time; for each distinct block a hash; for each paper its
newest version), never the papers. The new file's remaining findings are ``check``'s on it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
import tempfile
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO

import attrs

from ._process import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from ._report import (
    Printed,
    annotation,
    batch_note,
    error_line,
    finding_dict,
    finding_line,
    json_document,
    plural,
)
from .check import selected
from .checks import Finding, check_file, check_text
from .errors import DigestSyntaxError
from .model import Digest, Paper
from .parser import iter_blocks
from .serializer import serialize_paper

__all__ = [
    "FIXES",
    "Fix",
    "FixReport",
    "FixedFile",
    "FixedText",
    "drop_old_versions",
    "drop_repeats",
    "fix_digest",
    "fix_file",
    "fix_files",
    "fix_line_endings",
    "fix_text",
    "sort_papers",
    "unified_diff",
]

#: ``(code, safe, what the fix does)`` for every fix, in the order they are applied.
FIXES: tuple[tuple[str, bool, str], ...] = (
    ("AD001", True, "a byte-order mark at the start of the file is removed"),
    ("AD206", True, "mixed line endings become the file's majority ending"),
    ("AD103", True, "an exact repeat of a paper is dropped; the first stays"),
    ("AD103", False, "a paper listed in several versions keeps its newest version only"),
    ("AD104", True, "papers are put back in published order with a stable sort"),
    ("AD305", True, "a folder's stale calendar is written again as `calendar` writes it"),
)

#: The codes whose findings a fix may remove: a file without them is left as it is.
_FIXABLE = ("AD001", "AD103", "AD104", "AD206")

_BOM = b"\xef\xbb\xbf"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MICROSECOND = dt.timedelta(microseconds=1)


@attrs.frozen
class Fix:
    """One change a fix made, at a 1-based line of the file as fixed.

    >>> Fix(31, "AD103", "dropped a repeat of 2303.06268, which stays at this line").text("a.md")
    'a.md:31: AD103 fixed: dropped a repeat of 2303.06268, which stays at this line'
    """

    line: int
    code: str
    message: str
    count: int = 1  # the findings it removes (one fix line for a paper repeated many times)

    def text(self, path: str) -> str:
        """``path:line: CODE fixed: message``, as ``fix`` prints it.

        >>> Fix(1, "AD206", "2 lines").text("x.md")
        'x.md:1: AD206 fixed: 2 lines'
        """
        return f"{path}:{self.line}: {self.code} fixed: {self.message}"


# --------------------------------------------------------------------------- the papers


class _Plan:
    """What the paper fixes do to a digest's blocks, fed one block at a time.

    Kept per block: its first line, its offset in the source and its ``published`` time as
    microseconds (arrays of integers: 25 bytes a block). Per distinct block, the hash of its
    bytes (a repeat is confirmed by reading the first copy back with ``fetch``) and how many
    repeats of it were dropped; per paper, its newest version. Never the papers.
    """

    def __init__(
        self, fetch: Callable[[int, int], bytes], *, repeats: bool, versions: bool, order: bool
    ) -> None:
        self.fetch = fetch  # (offset, size) -> the source's bytes there
        self.drop_repeats, self.drop_versions, self.sort = repeats, versions, order
        self.lines = array("q")
        self.offsets = array("q")
        self.keys = array("q")
        self.end_line = self.end_offset = 0
        self.dropped = bytearray()  # per block: 0 kept, 1 a repeat, 2 an older version
        self.first_of: dict[int, int] = {}  # hash of a block's bytes (probed on) -> block
        self.repeats: dict[int, tuple[str, int]] = {}  # block -> (arxiv id, repeats dropped)
        self.newest: dict[str, tuple[int, int]] = {}  # arxiv id -> (version, block)
        self.ties: dict[str, list[int]] = {}  # arxiv id -> more blocks of its newest version
        self.older: dict[int, tuple[str, int]] = {}  # block -> (arxiv id, version)
        self.new = array("q")
        self.new_end = 1

    def block(self, index: int) -> bytes:
        """The bytes of block ``index`` in the source."""
        start = self.offsets[index]
        end = self.offsets[index + 1] if index + 1 < len(self.offsets) else self.end_offset
        return self.fetch(start, end - start)

    def add(self, line: int, offset: int, raw: bytes, paper: Paper) -> None:
        """The next block: its first line, offset and bytes in the source, and its paper."""
        index = len(self.keys)
        self.lines.append(line)
        self.offsets.append(offset)
        self.keys.append((paper.published - _EPOCH) // _MICROSECOND)
        self.dropped.append(0)
        self.end_line, self.end_offset = line + raw.count(b"\n"), offset + len(raw)
        if self.drop_repeats:
            key = hash(raw)
            while (first := self.first_of.get(key)) is not None:
                if self.block(first) == raw:
                    self.dropped[index] = 1
                    count = self.repeats.get(first, ("", 0))[1]
                    self.repeats[first] = (paper.arxiv_id, count + 1)
                    return
                key += 1  # another block with the same hash: the next free key is this one's
            self.first_of[key] = index
        ident, version = paper.arxiv_id, paper.version
        best = self.newest.get(ident)
        if best is None:
            self.newest[ident] = (version, index)
        elif version > best[0]:
            for older in (best[1], *self.ties.pop(ident, ())):
                self.older[older] = (ident, best[0])
            self.newest[ident] = (version, index)
        elif version < best[0]:
            self.older[index] = (ident, version)
        else:  # the same version in another block: kept beside it, or dropped with it
            self.ties.setdefault(ident, []).append(index)

    def finish(self) -> tuple[Sequence[int], list[Fix], int]:
        """The blocks to write in order, the fixes, and the older versions left.

        The fixes are at their lines in the new file; the older versions left are those
        ``--unsafe-fixes`` would drop.
        """
        if self.drop_versions:
            for index in self.older:
                self.dropped[index] = 2
        kept = array("q", (i for i, dropped in enumerate(self.dropped) if not dropped))
        keys = self.keys
        order: Sequence[int] = kept
        if self.sort and any(keys[a] > keys[b] for a, b in zip(kept, kept[1:])):
            order = array("q", sorted(kept, key=keys.__getitem__))  # stable: ties keep order
        new = self.new = self.new_lines(order)
        fixes = []
        for first, (ident, count) in self.repeats.items():
            what = "a repeat" if count == 1 else f"{count} repeats"
            message = f"dropped {what} of {ident}, which stays at this line"
            fixes.append(Fix(new[self.home(first)], "AD103", message, count))
        if self.drop_versions:
            for ident, version in self.older.values():
                newest, index = self.newest[ident]
                message = f"dropped {ident}v{version}: v{newest} stays at this line"
                fixes.append(Fix(new[index], "AD103", message))
        moved = sum(a != b for a, b in zip(kept, order))
        if moved:
            first_moved = next(b for a, b in zip(kept, order) if a != b)
            papers = "paper" if moved == 1 else "papers"
            message = f"sorted by published time: {moved} {papers} moved"
            fixes.append(Fix(new[first_moved], "AD104", message))
        fixes.sort(key=lambda fix: fix.line)
        return order, fixes, 0 if self.drop_versions else len(self.older)

    def new_lines(self, order: Sequence[int]) -> array[int]:
        """The first line of each block written, in the new file (0 for a dropped one)."""
        new = array("q", bytes(8 * len(self.keys)))
        line = self.lines[0] if self.lines else 1
        for index in order:
            new[index] = line
            end = self.lines[index + 1] if index + 1 < len(self.lines) else self.end_line
            line += end - self.lines[index]
        self.new_end = line
        return new

    def home(self, index: int) -> int:
        """The block that holds the paper of a kept block, or of an older version dropped."""
        if self.dropped[index] == 2:
            return self.newest[self.older[index][0]][1]
        return index

    def line_of(self, line: int) -> int:
        """Where a line of the source is in the new file (a dropped block's: where it was)."""
        index = bisect_right(self.lines, line) - 1
        if index < 0:
            return line  # the header
        if not self.dropped[index]:
            return self.new[index] + line - self.lines[index]
        kept_after = next((i for i in range(index, len(self.new)) if not self.dropped[i]), None)
        return self.new_end if kept_after is None else self.new[kept_after]


def _plan_papers(
    source: IO[bytes],
    name: str,
    fetch: Callable[[int, int], bytes],
    *,
    unsafe: bool,
    select: Sequence[str],
    ignore: Sequence[str],
) -> tuple[bytes, _Plan]:
    """Read a digest a block at a time into a :class:`_Plan`; the header region's bytes.

    Raises :class:`DigestSyntaxError` for a file that does not parse.
    """
    repeats = selected("AD103", select, ignore)
    plan = _Plan(
        fetch,
        repeats=repeats,
        versions=unsafe and repeats,
        order=selected("AD104", select, ignore),
    )
    offset = 0
    header = b""
    for line, raw, paper in iter_blocks(source, name):
        if paper is None:
            header = raw
        else:
            plan.add(line, offset, raw, paper)
        offset += len(raw)
    return header, plan


# --------------------------------------------------------------------------- line endings


def _endings(source: IO[bytes]) -> tuple[bool, bytes | None, int, int]:
    """What the byte-level fixes would do to a file, read a megabyte at a time.

    ``(byte-order mark, ending every line is to end with or None, lines it changes, lines
    that keep their ending)``.
    """
    source.seek(0)
    lf = crlf = 0
    first_crlf: bool | None = None
    last = b""
    bom = False
    while data := source.read(1 << 20):
        if not last and data.startswith(_BOM):
            bom = True
        if first_crlf is None and (at := data.find(b"\n")) >= 0:
            first_crlf = (data[at - 1 : at] if at else last) == b"\r"
        lf += data.count(b"\n")
        crlf += (last + data).count(b"\r\n")
        last = data[-1:]
    source.seek(0)
    lf -= crlf  # lines that end with LF alone
    if not lf or not crlf:
        return bom, None, 0, 0
    if crlf > lf or (crlf == lf and first_crlf):
        return bom, b"\r\n", lf, crlf
    return bom, b"\n", crlf, lf


def _rewrite_endings(source: IO[bytes], out: IO[bytes], bom: bool, ending: bytes | None) -> int:
    """Copy ``source`` to ``out``: no byte-order mark, every line ended with ``ending``.

    ``ending`` None keeps the endings. Gives the first line whose ending changed (0: none).
    """
    source.seek(len(_BOM) if bom else 0)
    first = 0
    for number, line in enumerate(source, 1):
        if ending is not None and line.endswith(b"\n"):
            body = line[:-2] if line.endswith(b"\r\n") else line[:-1]
            fixed = body + ending
            if fixed != line:
                first = first or number
                line = fixed
        out.write(line)
    return first


def _ending_fix(line: int, ending: bytes, changed: int, kept: int) -> Fix:
    old, new = ("LF", "CRLF") if ending == b"\r\n" else ("CRLF", "LF")
    lines_word = "line" if changed == 1 else "lines"
    verb = "ends" if changed == 1 else "end"
    message = f"{changed} {lines_word} ending with {old} now {verb} with {new}, as the other"
    message += f" {kept} do" if kept > 1 else " one does"
    return Fix(line, "AD206", message, changed)


def fix_line_endings(text: str) -> tuple[str, list[Fix]]:
    """Make every line end as the majority of the file's lines do (LF or CRLF).

    A line ends with CRLF when the character before its ``"\\n"`` is ``"\\r"``. On a tie the
    first line's ending wins, as it decides the file's ending for the parser. Text without
    ``"\\n"`` is left alone. One fix is reported, at the first line changed.

    >>> fix_line_endings("a\\r\\nb\\nc\\r\\n")
    ('a\\r\\nb\\r\\nc\\r\\n', [Fix(line=2, code='AD206', message='1 line ending with LF now ends with CRLF, as the other 2 do', count=1)])
    """  # noqa: E501
    source = io.BytesIO(text.encode("utf-8", "surrogatepass"))
    _, ending, changed, kept = _endings(source)
    if ending is None:
        return text, []
    out = io.BytesIO()
    first = _rewrite_endings(source, out, False, ending)
    fixed = out.getvalue().decode("utf-8", "surrogatepass")
    return fixed, [_ending_fix(first, ending, changed, kept)]


# --------------------------------------------------------------------------- one source


@attrs.frozen
class _Done:
    """What :func:`_fix_source` did: the fixes, the new bytes (or None), and the rest."""

    fixes: tuple[Fix, ...]
    new: IO[bytes] | None
    remaining: tuple[Finding, ...]
    skipped: bool
    unsafe_fixable: int


def _reported(
    findings: Iterable[Finding], select: Sequence[str], ignore: Sequence[str]
) -> tuple[Finding, ...]:
    """The findings ``fix`` reports: those selected, and syntax errors whatever is selected."""
    return tuple(f for f in findings if f.code == "AD001" or selected(f.code, select, ignore))


def _fixable(findings: Iterable[Finding], select: Sequence[str], ignore: Sequence[str]) -> bool:
    return any(
        (f.code in _FIXABLE and selected(f.code, select, ignore)) or f.code == "AD001"
        for f in findings
    )


def _nothing_to_fix(
    findings: Iterable[Finding], select: Sequence[str], ignore: Sequence[str]
) -> tuple[Finding, ...] | None:
    """What ``fix`` reports of a file whose ``check`` findings it can fix none of, or None.

    The findings are read up to the first one a fix may remove: the rest are the new file's
    to give.
    """
    seen: list[Finding] = []
    for finding in findings:
        seen.append(finding)
        if _fixable((finding,), select, ignore):
            return None
    if any(f.code == "AD001" for f in seen):
        return None  # a byte-order mark or mixed line endings, maybe: looked at closer
    return _reported(seen, select, ignore)


def _fix_source(
    source: IO[bytes],
    name: str,
    check: Callable[[IO[bytes]], Iterable[Finding]],
    scratch: Callable[[], IO[bytes]],
    *,
    unsafe: bool,
    select: Sequence[str],
    ignore: Sequence[str],
) -> _Done:
    """Fix the digest in ``source`` (named ``name``): every selected fix, one stage at a time.

    For a source :func:`_nothing_to_fix` found something to fix in. ``check(file)`` gives
    ``check``'s findings for a file's bytes, named ``name``; ``scratch()`` a new file for a
    stage's output.
    """

    def kept(findings: Iterable[Finding]) -> tuple[Finding, ...]:
        return _reported(findings, select, ignore)

    fixes: list[Fix] = []
    stage = source
    bom, ending, changed, unchanged = _endings(source)
    if not selected("AD001", select, ignore):
        bom = False
    if not selected("AD206", select, ignore):
        ending = None
    first_changed = 0
    if bom or ending is not None:
        stage = scratch()
        first_changed = _rewrite_endings(source, stage, bom, ending)
        stage.seek(0)
        if bom:
            fixes.append(
                Fix(1, "AD001", "removed the byte-order mark (U+FEFF) the file started with")
            )

    def fetch(offset: int, size: int) -> bytes:
        # The stage is being read a block at a time: read back, then carry on where it was.
        position = stage.tell()
        stage.seek(offset)
        data = stage.read(size)
        stage.seek(position)
        return data

    try:
        header, plan = _plan_papers(stage, name, fetch, unsafe=unsafe, select=select, ignore=ignore)
    except DigestSyntaxError:
        # Never touched: the original's findings (its syntax errors, and the others).
        return _Done((), None, kept(check(source)), True, 0)
    order, paper_fixes, unsafe_fixable = plan.finish()
    if ending is not None and first_changed:
        fixes.append(_ending_fix(plan.line_of(first_changed), ending, changed, unchanged))
    if paper_fixes:
        out = scratch()
        out.write(header)
        for index in order:
            out.write(plan.block(index))
        stage = out
    if stage is source:
        return _Done((), None, kept(check(source)), False, unsafe_fixable)
    stage.flush()
    stage.seek(0)
    fixes = sorted([*fixes, *paper_fixes], key=lambda fix: fix.line)
    return _Done(tuple(fixes), stage, kept(check(stage)), False, unsafe_fixable)


# --------------------------------------------------------------------------- a text


@attrs.frozen
class FixedText:
    """What :func:`fix_text` did to one text.

    ``before`` and ``after`` are the texts; ``fixes`` what was changed; ``remaining`` what
    ``check`` still finds in ``after`` (within the codes selected, plus any syntax error);
    ``skipped`` is true for a text with a syntax error, which is never changed;
    ``unsafe_fixable`` counts the changes ``unsafe=True`` would add. Lines are those of
    ``after``.

    >>> result = fix_text("# Arxiv Papers in cs.CV on 2023-03-11\\n", "20230312.md")
    >>> result.changed, [finding.code for finding in result.remaining]
    (False, ['AD101'])
    """

    before: str
    after: str
    fixes: tuple[Fix, ...]
    remaining: tuple[Finding, ...]
    skipped: bool = False
    unsafe_fixable: int = 0

    @property
    def changed(self) -> bool:
        """Whether the fixes changed the text.

        >>> fix_text("# Arxiv Papers in cs.CV on 2023-03-11\\r\\n", "x.md").changed
        False
        """
        return self.after != self.before


def fix_text(
    text: str,
    path: str | os.PathLike[str],
    *,
    unsafe: bool = False,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> FixedText:
    """Apply every selected fix to a digest's text; ``path`` names it (and gives its date).

    The byte-order mark and line endings are fixed first; then the papers. A text that still
    has a syntax error after that is given back unchanged, with ``skipped`` set and its
    findings (syntax errors always, whatever ``select`` says) in ``remaining``.

    >>> from pathlib import Path
    >>> path = Path("tests/corpus_fixable/cs.CV/2026/02/20260202.md")
    >>> result = fix_text(path.read_text(encoding="utf-8"), path)
    >>> len(result.fixes), [f.code for f in result.remaining], result.unsafe_fixable
    (40, ['AD103'], 1)
    """
    name = os.fspath(path)

    def check(file: IO[bytes]) -> list[Finding]:
        assert isinstance(file, io.BytesIO)
        return check_text(file.getvalue().decode("utf-8", "surrogatepass"), name)

    left = _nothing_to_fix(check_text(text, name), select, ignore)
    if left is not None:
        return FixedText(text, text, (), left)
    source = io.BytesIO(text.encode("utf-8", "surrogatepass"))
    done = _fix_source(source, name, check, io.BytesIO, unsafe=unsafe, select=select, ignore=ignore)
    if done.new is None:
        after = text
    else:
        assert isinstance(done.new, io.BytesIO)
        after = done.new.getvalue().decode("utf-8")
    return FixedText(text, after, done.fixes, done.remaining, done.skipped, done.unsafe_fixable)


# --------------------------------------------------------------------------- files


@attrs.frozen
class FixedFile:
    """What :func:`fix_file` did to one file (all of it picklable, for worker processes).

    ``fixes`` and ``remaining`` give lines of the file as fixed; ``changed`` says whether the
    fixes change it, ``written`` whether it was replaced; ``diff`` is the change as a unified
    diff when asked for; ``error`` says why the file could not be read or written. When the
    new file could not be written, ``fixes`` are those that could not be made and
    ``remaining`` are the findings of the file as it stays.

    >>> result = fix_file("tests/corpus/cs.CV/2023/03/20230311.md", write=False)
    >>> result.changed, result.written, result.remaining
    (False, False, ())
    """

    path: str
    fixes: tuple[Fix, ...] = ()
    remaining: tuple[Finding, ...] = ()
    changed: bool = False
    written: bool = False
    skipped: bool = False
    unsafe_fixable: int = 0
    diff: str = ""
    error: str | None = None


def fix_file(
    path: str | os.PathLike[str],
    *,
    unsafe: bool = False,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    write: bool = True,
    diff: bool = False,
) -> FixedFile:
    """Fix a digest file in place, atomically (permissions kept), unless ``write=False``.

    The file is checked as ``check`` checks it; a file with something to fix is read again a
    block at a time and its new bytes are put together in a temporary file (in the system's
    temporary folder), checked, and copied into place: memory does not grow with the file.
    A symbolic link is followed: the file it points to is replaced, not the link. Ctrl-C
    leaves the old file or the new one, never a mix and no temporary file. ``diff=True``
    adds the unified diff of the change (both texts are then read whole). Raises
    :class:`OSError` when the file cannot be read or written.

    >>> import shutil, tempfile, pathlib
    >>> copy = pathlib.Path(tempfile.mkdtemp()) / "20260202.md"
    >>> _ = shutil.copy("tests/corpus_fixable/cs.CV/2026/02/20260202.md", copy)
    >>> done = fix_file(copy)
    >>> done.written, len(done.fixes), fix_file(copy).written
    (True, 40, False)
    """
    import shutil

    from .files import atomic_output, file_state

    name = os.fspath(path)
    scratches: list[IO[bytes]] = []

    def scratch() -> IO[bytes]:
        file = tempfile.NamedTemporaryFile(prefix="arxiv-digest-fix.", suffix=".tmp")  # noqa: SIM115
        scratches.append(file)
        return file

    def check(file: IO[bytes]) -> Iterable[Finding]:
        return check_file(file.name, name=name)

    left = _nothing_to_fix(check_file(name), select, ignore)
    if left is not None:
        return FixedFile(name, remaining=left)
    try:
        with open(name, "rb") as source:
            state = file_state(source)  # replaced only if still the file read
            done = _fix_source(
                source, name, check, scratch, unsafe=unsafe, select=select, ignore=ignore
            )
            if done.new is None:
                return FixedFile(
                    name,
                    remaining=done.remaining,
                    skipped=done.skipped,
                    unsafe_fixable=done.unsafe_fixable,
                )
            change = ""
            if diff:
                source.seek(0)
                change = unified_diff(name, _text(source), _text(done.new))
            if write:
                done.new.seek(0)
                try:
                    with atomic_output(os.path.realpath(name), expect=state) as out:
                        shutil.copyfileobj(done.new, out, 1 << 20)
                except OSError as error:
                    # Nothing was fixed: what is left is the file as it is, with its lines.
                    left = _reported(check(source), select, ignore)
                    why = error.strerror or str(error)
                    return FixedFile(name, done.fixes, left, True, False, error=why)
    finally:
        for file in scratches:
            file.close()
    return FixedFile(
        name, done.fixes, done.remaining, True, write, False, done.unsafe_fixable, change
    )


def _text(file: IO[bytes]) -> str:
    file.seek(0)
    return file.read().decode("utf-8", "replace")


@attrs.frozen
class _Options:
    """:func:`fix_file`'s options, as :func:`fix_files` hands them to its workers."""

    unsafe: bool
    select: Sequence[str]
    ignore: Sequence[str]
    write: bool
    diff: bool


def _fix_one(path: str, options: _Options) -> FixedFile:
    """:func:`fix_file`, with an error to read or write the file as the result's ``error``."""
    try:
        return fix_file(
            path,
            unsafe=options.unsafe,
            select=options.select,
            ignore=options.ignore,
            write=options.write,
            diff=options.diff,
        )
    except OSError as error:
        return FixedFile(path, error=error.strerror or str(error))


def _fix_batch(paths: list[str], options: _Options) -> list[FixedFile]:
    """Fix ``paths`` in order: what a worker process of :func:`fix_files` does."""
    return [_fix_one(path, options) for path in paths]


def fix_files(
    paths: Sequence[str | os.PathLike[str]],
    jobs: int = 1,
    *,
    unsafe: bool = False,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    write: bool = True,
    diff: bool = False,
) -> Iterator[FixedFile]:
    """:func:`fix_file` of each path with ``jobs`` processes, in the order of ``paths``.

    The options are :func:`fix_file`'s; an error to read or write a file is its result's
    ``error``. The process pool is :mod:`arxiv_digest.pool`'s: a file of ``STREAM_BYTES``
    or more is fixed in this process, the others in batches by the workers.

    >>> [r.error for r in fix_files(["missing.md"], write=False)]
    ['No such file or directory']
    """
    import functools

    from .pool import batches, in_order

    names = [os.fspath(path) for path in paths]
    options = _Options(unsafe, select, ignore, write, diff)
    jobs = jobs if len(names) > 1 else 1
    work = batches(
        names, one_by_one=jobs == 1, alone=lambda name: lambda: [_fix_one(name, options)]
    )
    batch = functools.partial(_fix_batch, options=options)
    for done in in_order(batch, work, jobs):
        yield from done


# --------------------------------------------------------------------------- a Digest


def _fix_papers(
    digest: Digest, *, repeats: bool, versions: bool, order: bool
) -> tuple[Digest, list[Fix]]:
    if digest.broken:
        raise ValueError(
            f"a digest with {len(digest.broken)} broken block(s) is not fixed: fix the syntax"
            f" error at line {digest.broken[0].line} first"
        )
    blocks = [serialize_paper(paper).encode("utf-8") for paper in digest.papers]
    data = b"".join(blocks)
    plan = _Plan(
        lambda offset, size: data[offset : offset + size],
        repeats=repeats,
        versions=versions,
        order=order,
    )
    line, offset = 2, 0  # the header is one line
    for paper, block in zip(digest.papers, blocks):
        plan.add(line, offset, block, paper)
        line += block.count(b"\n")
        offset += len(block)
    kept, fixes, _ = plan.finish()
    if not fixes:
        return digest, []
    return attrs.evolve(digest, papers=tuple(digest.papers[i] for i in kept)), fixes


def drop_repeats(digest: Digest) -> tuple[Digest, list[Fix]]:
    """Drop every exact repeat of a paper (the same block byte for byte); the first stays.

    Each fix is at the line of the paper that stays, in the new digest. Raises
    :class:`ValueError` for a digest with broken blocks (a lenient parse's).

    >>> from pathlib import Path
    >>> from arxiv_digest import parse_digest
    >>> digest = parse_digest(Path("tests/corpus_fixable/cs.CV/2026/02/20260202.md"))
    >>> fixed, fixes = drop_repeats(digest)
    >>> len(digest.papers), len(fixed.papers), fixes[0].text("20260202.md")
    (190, 150, '20260202.md:394: AD103 fixed: dropped a repeat of 2602.01639, which stays at this line')
    """  # noqa: E501
    return _fix_papers(digest, repeats=True, versions=False, order=False)


def drop_old_versions(digest: Digest) -> tuple[Digest, list[Fix]]:
    """Keep only the newest version of a paper listed in several versions (an unsafe fix).

    The newest version stays where it is and older ones are dropped, so nothing moves;
    repeats of the newest version are left to :func:`drop_repeats`.

    >>> from pathlib import Path
    >>> from arxiv_digest import parse_digest
    >>> digest = parse_digest(Path("tests/corpus_fixable/cs.CV/2026/02/20260202.md"))
    >>> [fix.message for fix in drop_old_versions(digest)[1]]
    ['dropped 2602.01666v1: v2 stays at this line']
    """
    return _fix_papers(digest, repeats=False, versions=True, order=False)


def sort_papers(digest: Digest) -> tuple[Digest, list[Fix]]:
    """Put the papers in ``published`` order with a stable sort, as the generator does.

    Papers published at the same instant keep their order.

    >>> from pathlib import Path
    >>> from arxiv_digest import parse_digest
    >>> import attrs
    >>> digest = parse_digest(Path("tests/corpus/cs.CV/2023/03/20230311.md"))
    >>> shuffled = attrs.evolve(digest, papers=digest.papers[::-1])
    >>> fixed, fixes = sort_papers(shuffled)
    >>> fixed == digest, [fix.code for fix in fixes]
    (True, ['AD104'])
    """
    return _fix_papers(digest, repeats=False, versions=False, order=True)


def fix_digest(
    digest: Digest,
    *,
    unsafe: bool = False,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> tuple[Digest, list[Fix]]:
    """Every paper-level fix in turn (repeats, then old versions if ``unsafe``, then order).

    ``select`` and ``ignore`` take codes or prefixes, as ``check`` does. The fixes' lines are
    those of the new digest, as it is written.

    >>> from pathlib import Path
    >>> from arxiv_digest import parse_digest
    >>> digest = parse_digest(Path("tests/corpus_fixable/cs.CV/2026/02/20260202.md"))
    >>> fixed, fixes = fix_digest(digest, unsafe=True)
    >>> len(fixed.papers), len(fixes)
    (149, 41)
    """
    repeats = selected("AD103", select, ignore)
    return _fix_papers(
        digest,
        repeats=repeats,
        versions=unsafe and repeats,
        order=selected("AD104", select, ignore),
    )


# --------------------------------------------------------------------------- diff


def _lines(text: str) -> list[str]:
    """Lines ended by ``"\\n"`` only (``str.splitlines`` would also break at U+2028 and more)."""
    parts = [line + "\n" for line in text.split("\n")]
    parts[-1] = parts[-1][:-1]
    return parts if parts[-1] else parts[:-1]


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of ``before`` and ``after``, both named ``path`` (``patch -p0`` applies it).

    Line endings are part of the lines, so a line that only changes its ending shows too.

    >>> print(unified_diff("a.md", "x\\ny\\n", "x\\n"), end="")
    --- a.md
    +++ a.md
    @@ -1,2 +1 @@
     x
    -y
    """
    if before == after:
        return ""
    lines: Iterable[str] = difflib.unified_diff(
        _lines(before), _lines(after), fromfile=path, tofile=path
    )
    out = []
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


# --------------------------------------------------------------------------- the command


class FixReport:
    """What ``arxiv-digest fix`` did to the digests under ``paths``, filled in as :meth:`run` goes.

    The options are :func:`fix_files`'s; with ``diff`` nothing is written (the fixes are a
    diff), else the temporary files a killed run left there are removed first; with
    ``fixes_only`` the problems left are not reported. Each printed line says where
    it goes: with ``diff``, the diff alone goes to stdout. ``--format json`` prints nothing
    until :meth:`json`, one document.

    >>> report = FixReport(["tests/corpus/cs.CV/2023/07"], diff=True)
    >>> [line for printed in report.run() for line in printed]
    []
    >>> report.summary(), report.exit_status()
    ('Checked 2 files: nothing to fix.', 0)
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        unsafe: bool = False,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        diff: bool = False,
        fixes_only: bool = False,
        output_format: str = "text",
    ) -> None:
        from .files import find_digests, remove_stale_temporaries

        self.paths = [os.fspath(path) for path in paths]
        self.found = find_digests(self.paths)
        if not diff:
            remove_stale_temporaries(self.found.temporary)  # what killed runs left
        self.unsafe, self.select, self.ignore = unsafe, tuple(select), tuple(ignore)
        self.diff, self.fixes_only, self.output_format = diff, fixes_only, output_format
        self.errors = list(self.found.errors)  # missing paths, directories with no digest
        self.checked = self.changed = self.written = self.unsafe_fixable = 0
        self.fixed = 0  # the problems fixed (or that would be, with diff), calendars apart
        self.unwritten = self.unwritten_files = 0  # fixes made but not written, and their files
        # Kept only for the JSON document, as check's findings: the other formats print them.
        self.fixes: list[tuple[str, Fix]] = []  # (path, fix), in the order printed
        self.remaining: list[Finding] = []
        self.left = 0  # the problems that remain
        self.calendars = 0  # stale calendars written again (AD305)
        self.diffs: list[str] = []

    @property
    def files(self) -> int:
        """The digest files to fix.

        >>> FixReport(["tests/corpus/cs.CV/2023/07"], diff=True).files
        2
        """
        return len(self.found.files)

    def _error(self, message: str) -> Printed:
        self.errors.append(message)
        return error_line(message) + "\n", True

    def _lines(
        self, path: str, fixes: Sequence[Fix], remaining: Sequence[Finding]
    ) -> list[Printed]:
        """What a file fixed prints, text or GitHub annotations (JSON prints at the end)."""
        self.left += len(remaining)
        if self.output_format == "json":
            self.fixes += [(path, fix) for fix in fixes]
            self.remaining += remaining
            return []
        lines = [self._fix_line(path, fix) for fix in fixes]
        lines += [finding_line(finding, self.output_format) for finding in remaining]
        return [(line + "\n", self.diff) for line in lines]  # --diff keeps stdout a clean patch

    def _fix_line(self, path: str, fix: Fix) -> str:
        if self.output_format == "github":
            message = f"{fix.code} fixed: {fix.message}"
            return annotation("notice", message, file=path, line=fix.line, title=fix.code)
        return fix.text(path)

    def _with_diff(self, diff: str, lines: list[Printed]) -> list[Printed]:
        if self.output_format == "json":
            self.diffs.append(diff)
            return lines
        return [(diff, False), *lines] if diff else lines

    def opening(self) -> list[Printed]:
        """The errors of the paths given (missing, no digest in them), printed first.

        >>> FixReport(["nope.md"], diff=True).opening()
        [('arxiv-digest: error: nope.md: no such file or directory\\n', True)]
        """
        return [(error_line(problem) + "\n", True) for problem in self.errors]

    def run(self, jobs: int = 1) -> Iterator[list[Printed]]:
        """Fix the files with ``jobs`` processes; yield what each one prints, in path order.

        >>> list(FixReport(["tests/corpus/cs.CV/2023/07"], diff=True).run())
        [[], []]
        """
        results = fix_files(
            [path for path, _root in self.found.files],
            jobs,
            unsafe=self.unsafe,
            select=self.select,
            ignore=self.ignore,
            write=not self.diff,
            diff=self.diff,
        )
        for result in results:
            if result.error is not None and not result.changed:  # it could not be read
                yield [self._error(f"{result.path}: cannot fix: {result.error}")]
                continue
            self.checked += 1
            made = () if result.error is not None else result.fixes
            self.changed += bool(made)
            self.fixed += sum(f.count for f in made)
            self.written += result.written
            self.unsafe_fixable += result.unsafe_fixable
            errors = []
            if result.error is not None:
                count = sum(f.count for f in result.fixes)
                self.unwritten += count
                self.unwritten_files += 1
                not_fixed = f" ({plural(count, 'problem')} not fixed)"
                errors.append(self._error(f"{result.path}: cannot fix: {result.error}{not_fixed}"))
            remaining = () if self.fixes_only else result.remaining
            yield [
                *errors,
                *self._with_diff(result.diff, self._lines(result.path, made, remaining)),
            ]

    def finish(self) -> list[Printed]:
        """Write again each stale calendar (AD305) unless ``select``/``ignore`` leave it out.

        >>> FixReport(["tests/corpus/cs.CV/2023/07"], diff=True).finish()  # not a category
        []
        """
        if not selected("AD305", self.select, self.ignore):
            return []
        from .archive import update_calendars

        lines = []
        for update in update_calendars(self.paths, write=not self.diff):
            stale = Fix(update.first_difference(), "AD305", "written again for the files present")
            self.calendars += 1
            done = self._lines(update.path, [stale], ())
            lines += self._with_diff(
                unified_diff(update.path, update.old or "", update.new) if self.diff else "", done
            )
        return lines

    def json(self) -> str:
        """The whole report as one JSON document (``--format json``).

        >>> import json
        >>> json.loads(FixReport([], diff=True).json())["diff"]
        ''
        """
        return json_document(
            {
                "checked": self.checked,
                "skipped": len(self.found.skipped),
                "changed": self.changed,
                "written": self.written,
                "errors": self.errors,
                "line_numbers": "of the files as fixed",
                "fixes": [
                    {
                        "path": path,
                        "line": f.line,
                        "code": f.code,
                        "message": f.message,
                        "count": f.count,
                    }
                    for path, f in self.fixes
                ],
                "remaining": [finding_dict(f) for f in self.remaining],
                "unsafe_fixable": self.unsafe_fixable,
                **({"diff": "".join(self.diffs)} if self.diff else {}),
            }
        )

    def ending(self) -> list[Printed]:
        """The last lines: the JSON document, or the summary (on stderr with ``diff``).

        >>> FixReport(["nope.md"], diff=True).ending()[0][1]
        True
        """
        if self.output_format == "json":
            return [(self.json() + "\n", False)]
        return [(self.summary() + "\n", self.diff)]

    def summary(self) -> str:
        """The last line (on stderr with ``diff``): what was fixed, what was not, what is left.

        >>> FixReport(["nope.md"]).summary()
        'Checked 0 files: nothing to fix. 1 error (see above): not everything was fixed.'
        """
        files = "file" if self.checked == 1 else "files"
        skipped = f" ({len(self.found.skipped)} skipped)" if self.found.skipped else ""
        fixes = self.fixed
        if fixes:
            verb = "Would fix" if self.diff else "Fixed"
            numbering = "the file as fixed" if self.changed == 1 else "the files as fixed"
            summary = (
                f"{verb} {plural(fixes, 'problem')} in {self.changed} of {self.checked} {files}"
                f"{batch_note()}{skipped} (line numbers: {numbering})."
            )
        elif self.unwritten or self.calendars:
            summary = f"Checked {self.checked} {files}{batch_note()}{skipped}."
        else:
            summary = f"Checked {self.checked} {files}{batch_note()}{skipped}: nothing to fix."
        if self.calendars:
            wrote = "Would write" if self.diff else "Wrote"
            summary += f" {wrote} {plural(self.calendars, 'stale calendar')} again."
        if self.unwritten:
            files_not = "a file" if self.unwritten_files == 1 else f"{self.unwritten_files} files"
            summary += (
                f" {plural(self.unwritten, 'problem')} not fixed ({files_not} could not be"
                " written, see above)."
            )
        left = self.left
        if left:
            verb = "problem remains" if left == 1 else "problems remain"
            unsafe = self.unsafe_fixable
            summary += f" {left} {verb}"
            summary += f" ({unsafe} fixable with --unsafe-fixes)." if unsafe else "."
        if self.errors:  # never "nothing to fix" alone beside an error of the run
            summary += (
                f" {plural(len(self.errors), 'error')} (see above): not everything was fixed."
            )
        return summary

    def interruption(self) -> str:
        """What ``interrupted`` adds on Ctrl-C: how far the run came.

        >>> FixReport([], diff=True).interruption().split(";")[0]
        ' after 0 files done (0 would be fixed, their lines above)'
        """
        done = "would be fixed" if self.diff else "fixed"
        lines = "its lines" if self.changed == 1 else "their lines"
        return (
            f" after {plural(self.checked, 'file')} done ({self.changed} {done}, {lines} above);"
            " a file being fixed at that moment is left as it was or fixed, never half-written"
        )

    def exit_status(self) -> int:
        """2 on an error of the run, 1 if files changed (or would) or problems are left.

        >>> FixReport(["nope.md"], diff=True).exit_status()
        2
        """
        if self.errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if self.changed or self.left or self.calendars else EXIT_CLEAN
