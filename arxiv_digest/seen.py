"""What ``select --seen`` has emitted before: an arXiv ID and its highest version, a line each.

The file is text, so that it can be read, diffed and kept in git beside an archive::

    # arxiv-digest seen: arXiv ID, tab, highest version emitted
    2303.06250	1
    cs/0407047	3

It is written atomically (a temporary file renamed into place) and only once the output is
in place. A damaged file is an error that says how to start over, never a silent new start
that would emit the whole archive again.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from .model import Paper, split_entry_id

if TYPE_CHECKING:
    from .files import FileState

__all__ = ["HEADER", "SeenError", "SeenState"]

#: The first line of a state file.
HEADER = "# arxiv-digest seen: arXiv ID, tab, highest version emitted"

_LINE = re.compile(r"(?P<id>[^\s]+)\t(?P<version>[1-9][0-9]{0,8})")


class SeenError(ValueError):
    """A state file that cannot be read as one: the message says where and how to start over.

    >>> import tempfile, pathlib
    >>> state = pathlib.Path(tempfile.mkdtemp()) / "seen.tsv"
    >>> _ = state.write_text(HEADER + "\\n2303.06250 v1\\n")
    >>> SeenState.load(state)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    arxiv_digest.seen.SeenError: ...seen.tsv:2: damaged state file: expected ID, tab, version, ...
    """


class SeenState:
    """The arXiv IDs emitted so far, each with the highest version emitted.

    A paper is new when its ID was never emitted, or only in older versions.

    >>> from pathlib import Path

    >>> from arxiv_digest import iter_papers

    >>> day = Path("tests/corpus/cs.CV/2023/03/20230311.md")
    >>> paper = next(iter_papers(day))
    >>> state = SeenState()
    >>> state.is_new(paper)
    True
    >>> state.add(paper)
    >>> state.is_new(paper), len(state)
    (False, 1)
    """

    __slots__ = ("loaded", "path", "read", "versions")

    def __init__(self, versions: dict[str, int] | None = None, path: str | None = None) -> None:
        self.versions: dict[str, int] = {} if versions is None else versions
        self.path = path
        #: Whether :meth:`load` made it, and the state of the file then (None: there was none):
        #: saved over only if it is still that file, so that two runs at once lose no record.
        self.loaded = False
        self.read: FileState | None = None

    def __len__(self) -> int:
        return len(self.versions)

    def is_new(self, paper: Paper) -> bool:
        """Whether ``paper`` was not emitted before, in this version or a newer one.

        >>> from pathlib import Path

        >>> from arxiv_digest import iter_papers

        >>> day = Path("tests/corpus/cs.CV/2023/03/20230311.md")
        >>> paper = next(iter_papers(day))  # v1
        >>> SeenState({"2303.06250": 1}).is_new(paper), SeenState({"2303.06250": 2}).is_new(paper)
        (False, False)
        """
        arxiv_id, version = split_entry_id(paper.entry_id)
        return self.versions.get(arxiv_id, 0) < version

    def add(self, paper: Paper) -> None:
        """Remember that ``paper`` was emitted (an older version than the one kept changes nothing).

        >>> from pathlib import Path

        >>> from arxiv_digest import iter_papers

        >>> day = Path("tests/corpus/cs.CV/2023/03/20230311.md")
        >>> state = SeenState({"2303.06250": 3})
        >>> state.add(next(iter_papers(day)))
        >>> state.versions
        {'2303.06250': 3}
        """
        arxiv_id, version = split_entry_id(paper.entry_id)
        if self.versions.get(arxiv_id, 0) < version:
            self.versions[arxiv_id] = version

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SeenState:
        """The state in the file at ``path``; a file that does not exist is a new, empty state.

        Raises :class:`SeenError` for a file that is not one (with its line and how to start
        over), :class:`OSError` for one that cannot be read.

        >>> len(SeenState.load("no-such-state.tsv"))
        0
        """
        from .files import file_state

        name = os.fspath(path)
        try:
            with open(name, "rb") as file:
                read = file_state(file)
                data = file.read()
        except FileNotFoundError:
            new = cls(path=name)
            new.loaded = True
            return new
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise _damaged(name, 1, "not UTF-8 text") from None
        lines = text.split("\n")
        if lines[0] != HEADER:
            raise _damaged(name, 1, f"the first line is not {HEADER!r}")
        if lines[-1]:
            raise _damaged(name, len(lines), "the last line does not end with a newline")
        versions: dict[str, int] = {}
        for number, line in enumerate(lines[1:-1], start=2):
            found = _LINE.fullmatch(line)
            if found is None:
                raise _damaged(name, number, f"expected ID, tab, version, not {line!r}")
            if found["id"] in versions:
                raise _damaged(name, number, f"{found['id']} is listed twice")
            versions[found["id"]] = int(found["version"])
        loaded = cls(versions, name)
        loaded.loaded, loaded.read = True, read
        return loaded

    def dumps(self) -> bytes:
        """The file's bytes: the header, then the IDs in sorted order.

        >>> SeenState({"2303.06250": 2}).dumps().decode().splitlines()[1]
        '2303.06250\\t2'
        """
        body = "".join(f"{key}\t{self.versions[key]}\n" for key in sorted(self.versions))
        return f"{HEADER}\n{body}".encode()

    def save(self, path: str | os.PathLike[str] | None = None) -> None:
        """Write the state to ``path`` (default: where it was loaded from), atomically.

        >>> import tempfile, pathlib
        >>> state = pathlib.Path(tempfile.mkdtemp()) / "seen.tsv"
        >>> SeenState({"2303.06250": 1}).save(state)
        >>> SeenState.load(state).versions
        {'2303.06250': 1}
        """
        from .files import write_atomic

        target = path if path is not None else self.path
        if target is None:
            raise ValueError("no path to save the state to")
        if self.loaded and target == self.path:  # loaded from there: if nobody saved meanwhile
            write_atomic(target, self.dumps(), expect=self.read)
        else:
            write_atomic(target, self.dumps())


def _damaged(name: str, line: int, what: str) -> SeenError:
    return SeenError(
        f"{name}:{line}: damaged state file: {what}. Nothing was selected or written. To start"
        f" over, delete {name}: the next run then emits every paper it selects (add --from"
        " to start at a day)"
    )
