"""The fixes of ``arxiv-digest fix``: what ``check`` finds and a program can repair with certainty.

Each fix carries the code of the rule whose findings it removes:

* **AD206** (safe): line endings mixed in one file become the file's majority ending (on a
  tie, the first line's ending, which is the one the parser takes as the file's). This works
  on the text, before parsing, so a CRLF file with one LF line (otherwise a syntax error) is
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
"""

from __future__ import annotations

import difflib
import operator
import os
from collections.abc import Callable, Iterable, Sequence

import attrs

from .checks import Finding, check_text
from .errors import DigestSyntaxError
from .model import Digest, Paper
from .parser import decode, parse_digest
from .serializer import serialize_digest, serialize_paper

__all__ = [
    "FIXES",
    "Fix",
    "FixedFile",
    "FixedText",
    "drop_old_versions",
    "drop_repeats",
    "fix_digest",
    "fix_file",
    "fix_line_endings",
    "fix_text",
    "sort_papers",
    "unified_diff",
]

#: ``(code, safe, what the fix does)`` for every fix, in the order they are applied.
FIXES: tuple[tuple[str, bool, str], ...] = (
    ("AD206", True, "mixed line endings become the file's majority ending"),
    ("AD103", True, "an exact repeat of a paper is dropped; the first stays"),
    ("AD103", False, "a paper listed in several versions keeps its newest version only"),
    ("AD104", True, "papers are put back in published order with a stable sort"),
    ("AD305", True, "a folder's stale calendar is written again as `calendar` writes it"),
)


@attrs.frozen
class Fix:
    """One change a fix made, at a 1-based line of the file before the change.

    >>> Fix(31, "AD103", "dropped repeat of 2303.06268").text("a.md")
    'a.md:31: AD103 fixed: dropped repeat of 2303.06268'
    """

    line: int
    code: str
    message: str

    def text(self, path: str) -> str:
        """``path:line: CODE fixed: message``, as ``fix`` prints it.

        >>> Fix(1, "AD206", "2 lines").text("x.md")
        'x.md:1: AD206 fixed: 2 lines'
        """
        return f"{path}:{self.line}: {self.code} fixed: {self.message}"


@attrs.frozen
class _Entry:
    """A paper with its line in the digest given to a fix, and its block (LF endings)."""

    paper: Paper
    line: int
    block: str


def _entries(digest: Digest) -> list[_Entry]:
    if digest.broken:
        raise ValueError(
            f"a digest with {len(digest.broken)} broken block(s) is not fixed: fix the syntax"
            f" error at line {digest.broken[0].line} first"
        )
    entries = []
    line = 2  # the header is one line
    for paper in digest.papers:
        block = serialize_paper(paper)
        entries.append(_Entry(paper, line, block))
        line += block.count("\n")
    return entries


def _rebuild(digest: Digest, entries: Sequence[_Entry]) -> Digest:
    papers = tuple(entry.paper for entry in entries)
    if len(papers) == len(digest.papers) and all(map(operator.is_, papers, digest.papers)):
        return digest  # nothing changed: the very same object
    return attrs.evolve(digest, papers=papers)


def _drop_repeats(entries: list[_Entry]) -> tuple[list[_Entry], list[Fix]]:
    seen: set[str] = set()
    kept, fixes = [], []
    for entry in entries:
        if entry.block in seen:
            fixes.append(Fix(entry.line, "AD103", f"dropped repeat of {entry.paper.arxiv_id}"))
        else:
            seen.add(entry.block)
            kept.append(entry)
    return kept, fixes


def _drop_old_versions(entries: list[_Entry]) -> tuple[list[_Entry], list[Fix]]:
    newest: dict[str, _Entry] = {}
    for entry in entries:
        best = newest.get(entry.paper.arxiv_id)
        if best is None or entry.paper.version > best.paper.version:
            newest[entry.paper.arxiv_id] = entry
    kept, fixes = [], []
    for entry in entries:
        best = newest[entry.paper.arxiv_id]
        if entry.paper.version < best.paper.version:
            fixes.append(
                Fix(
                    entry.line,
                    "AD103",
                    f"dropped {entry.paper.arxiv_id}v{entry.paper.version}: v{best.paper.version}"
                    f" is listed at line {best.line}",
                )
            )
        else:
            kept.append(entry)
    return kept, fixes


def _sort(entries: list[_Entry]) -> tuple[list[_Entry], list[Fix]]:
    ordered = sorted(entries, key=lambda entry: entry.paper.published)  # stable
    moved = sum(a is not b for a, b in zip(ordered, entries))
    if not moved:
        return entries, []
    first = next(
        current
        for previous, current in zip(entries, entries[1:])
        if current.paper.published < previous.paper.published
    )
    papers = "paper" if moved == 1 else "papers"
    return ordered, [Fix(first.line, "AD104", f"sorted by published time: {moved} {papers} moved")]


_Step = Callable[[list[_Entry]], tuple[list[_Entry], list[Fix]]]


def _apply(digest: Digest, step: _Step) -> tuple[Digest, list[Fix]]:
    entries, fixes = step(_entries(digest))
    return _rebuild(digest, entries), fixes


def drop_repeats(digest: Digest) -> tuple[Digest, list[Fix]]:
    """Drop every exact repeat of a paper (the same block byte for byte); the first stays.

    Raises :class:`ValueError` for a digest with broken blocks (a lenient parse's).

    >>> from pathlib import Path
    >>> from arxiv_digest import parse_digest
    >>> digest = parse_digest(Path("tests/corpus_fixable/cs.CV/2026/02/20260202.md"))
    >>> fixed, fixes = drop_repeats(digest)
    >>> len(digest.papers), len(fixed.papers), fixes[0].text("20260202.md")
    (190, 150, '20260202.md:408: AD103 fixed: dropped repeat of 2602.01639')
    """
    return _apply(digest, _drop_repeats)


def drop_old_versions(digest: Digest) -> tuple[Digest, list[Fix]]:
    """Keep only the newest version of a paper listed in several versions (an unsafe fix).

    The newest version stays where it is and older ones are dropped, so nothing moves;
    repeats of the newest version are left to :func:`drop_repeats`.

    >>> from pathlib import Path
    >>> from arxiv_digest import parse_digest
    >>> digest = parse_digest(Path("tests/corpus_fixable/cs.CV/2026/02/20260202.md"))
    >>> [fix.message for fix in drop_old_versions(digest)[1]]
    ['dropped 2602.01666v1: v2 is listed at line 520']
    """
    return _apply(digest, _drop_old_versions)


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
    return _apply(digest, _sort)


def _selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    return (not select or code.startswith(tuple(select))) and not code.startswith(tuple(ignore))


def fix_digest(
    digest: Digest,
    *,
    unsafe: bool = False,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> tuple[Digest, list[Fix]]:
    """Every paper-level fix in turn (repeats, then old versions if ``unsafe``, then order).

    ``select`` and ``ignore`` take codes or prefixes, as ``check`` does. The fixes' lines are
    those of the digest given, however many fixes ran before.

    >>> from pathlib import Path
    >>> from arxiv_digest import parse_digest
    >>> digest = parse_digest(Path("tests/corpus_fixable/cs.CV/2026/02/20260202.md"))
    >>> fixed, fixes = fix_digest(digest, unsafe=True)
    >>> len(fixed.papers), len(fixes)
    (149, 41)
    """
    entries = _entries(digest)
    fixes: list[Fix] = []
    steps: list[tuple[str, _Step]] = [("AD103", _drop_repeats)]
    if unsafe:
        steps.append(("AD103", _drop_old_versions))
    steps.append(("AD104", _sort))
    for code, step in steps:
        if _selected(code, select, ignore):
            entries, made = step(entries)
            fixes += made
    fixes.sort(key=lambda fix: fix.line)
    return _rebuild(digest, entries), fixes


def fix_line_endings(text: str) -> tuple[str, list[Fix]]:
    """Make every line end as the majority of the file's lines do (LF or CRLF).

    A line ends with CRLF when the character before its ``"\\n"`` is ``"\\r"``. On a tie the
    first line's ending wins, as it decides the file's ending for the parser. Text without
    ``"\\n"`` is left alone. One fix is reported, at the first line changed.

    >>> fix_line_endings("a\\r\\nb\\nc\\r\\n")
    ('a\\r\\nb\\r\\nc\\r\\n', [Fix(line=2, code='AD206', message='1 line ending with LF now ends with CRLF, as the other 2 do')])
    """  # noqa: E501
    lines = text.split("\n")
    ends = lines[:-1]  # the part after the last "\n" has no line ending
    crlf = sum(line.endswith("\r") for line in ends)
    lf = len(ends) - crlf
    if not crlf or not lf:
        return text, []
    to_crlf = crlf > lf or (crlf == lf and ends[0].endswith("\r"))
    first = next(i for i, line in enumerate(ends) if line.endswith("\r") != to_crlf) + 1
    if to_crlf:
        fixed = [line if line.endswith("\r") else line + "\r" for line in ends]
        changed, kept, old, new = lf, crlf, "LF", "CRLF"
    else:
        fixed = [line[:-1] if line.endswith("\r") else line for line in ends]
        changed, kept, old, new = crlf, lf, "CRLF", "LF"
    lines_word = "line" if changed == 1 else "lines"
    verb = "ends" if changed == 1 else "end"
    message = f"{changed} {lines_word} ending with {old} now {verb} with {new}, as the other"
    message += f" {kept} do" if kept > 1 else " one does"
    return "\n".join([*fixed, lines[-1]]), [Fix(first, "AD206", message)]


@attrs.frozen
class FixedText:
    """What :func:`fix_text` did to one text.

    ``before`` and ``after`` are the texts; ``fixes`` what was changed; ``remaining`` what
    ``check`` still finds in ``after`` (within the codes selected, plus any syntax error);
    ``skipped`` is true for a text with a syntax error, which is never changed;
    ``unsafe_fixable`` counts the changes ``unsafe=True`` would add.

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

    Line endings are made one first, on the text; then the papers are fixed. A text that
    still has a syntax error after that is given back unchanged, with ``skipped`` set and the
    syntax errors (always, whatever ``select`` says) in ``remaining``.

    >>> from pathlib import Path
    >>> path = Path("tests/corpus_fixable/cs.CV/2026/02/20260202.md")
    >>> result = fix_text(path.read_text(encoding="utf-8"), path)
    >>> len(result.fixes), [f.code for f in result.remaining], result.unsafe_fixable
    (40, ['AD103'], 1)
    """
    name = os.fspath(path)
    fixes: list[Fix] = []
    after = text
    if _selected("AD206", select, ignore):
        after, fixes = fix_line_endings(text)
    try:
        digest = parse_digest(after, path=name)
    except DigestSyntaxError:
        syntax = [f for f in check_text(text, name) if f.code == "AD001"]
        if not syntax:  # the lenient parse found no broken block: the strict one's error
            syntax = [f for f in check_text(after, name) if f.code == "AD001"]
        return FixedText(text, text, (), tuple(syntax), skipped=True)
    fixed, paper_fixes = fix_digest(digest, unsafe=unsafe, select=select, ignore=ignore)
    if paper_fixes:
        after = serialize_digest(fixed)
        fixes = sorted([*fixes, *paper_fixes], key=lambda fix: fix.line)
    unsafe_fixable = 0
    if not unsafe and _selected("AD103", select, ignore):
        unsafe_fixable = len(drop_old_versions(fixed)[1])
    remaining = tuple(f for f in check_text(after, name) if _selected(f.code, select, ignore))
    return FixedText(text, after, tuple(fixes), remaining, unsafe_fixable=unsafe_fixable)


@attrs.frozen
class FixedFile:
    """What :func:`fix_file` did to one file: the :class:`FixedText` and whether it wrote.

    >>> result = fix_file("tests/corpus/cs.CV/2023/03/20230311.md", write=False)
    >>> result.result.changed, result.written
    (False, False)
    """

    path: str
    result: FixedText
    written: bool

    def diff(self) -> str:
        """The change as a unified diff (empty when nothing changed).

        >>> fix_file("tests/corpus/cs.CV/2023/03/20230311.md", write=False).diff()
        ''
        """
        return unified_diff(self.path, self.result.before, self.result.after)


def fix_file(
    path: str | os.PathLike[str],
    *,
    unsafe: bool = False,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    write: bool = True,
) -> FixedFile:
    """Fix a digest file in place, atomically (permissions kept), unless ``write=False``.

    The file is read as bytes and decoded as strict UTF-8: bytes that are not UTF-8 raise
    :class:`DigestSyntaxError` (an error of the run, like :class:`OSError`) and nothing is
    written. A symbolic link is followed: the file it points to is replaced, not the link.
    Ctrl-C leaves the old file or the new one, never a mix and no temporary file.

    >>> import shutil, tempfile, pathlib
    >>> copy = pathlib.Path(tempfile.mkdtemp()) / "20260202.md"
    >>> _ = shutil.copy("tests/corpus_fixable/cs.CV/2026/02/20260202.md", copy)
    >>> done = fix_file(copy)
    >>> done.written, len(done.result.fixes), fix_file(copy).written
    (True, 40, False)
    """
    from .files import file_state, write_atomic

    name = os.fspath(path)
    with open(name, "rb") as file:
        state = file_state(file)  # replaced only if still the file read (another may write it)
        text = decode(file.read(), name)
    result = fix_text(text, name, unsafe=unsafe, select=select, ignore=ignore)
    written = write and result.changed
    if written:
        write_atomic(os.path.realpath(name), result.after.encode("utf-8"), expect=state)
    return FixedFile(name, result, written)


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
