"""Finding digest files in an archive, and writing outputs so that nothing is half-written.

The rule for what counts as a digest when a directory is walked: a file named
``YYYYMMDD.md`` (eight digits). Anything else (``README.md``, ``calendar.md``) is skipped and
counted. A file named explicitly is always taken. Symbolic links to directories are not
followed, so a link loop cannot trap the walk.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Digest

import attrs

__all__ = ["DIGEST_NAME", "Found", "atomic_output", "find_digests", "write_atomic", "write_digest"]

#: What a digest file is called in an archive.
DIGEST_NAME = re.compile(r"[0-9]{8}\.md")


@attrs.frozen
class Found:
    """The digests found under some paths, with what was skipped and what was missing.

    ``files`` are ``(path, root)`` pairs, sorted; ``root`` is the directory given on the
    command line (or the file's own directory), for paths relative to it.

    >>> find_digests(["tests/corpus", "nope.md"]).missing
    (PosixPath('nope.md'),)
    """

    files: tuple[tuple[Path, Path], ...]
    skipped: tuple[Path, ...]
    missing: tuple[Path, ...]


def find_digests(paths: Sequence[str | os.PathLike[str]]) -> Found:
    """The digest files named by ``paths``: files as given, directories walked.

    >>> found = find_digests(["tests/corpus"])
    >>> len(found.files), [p.name for p in found.skipped]
    (93, ['README.md'])
    """
    files: list[tuple[Path, Path]] = []
    skipped: list[Path] = []
    missing: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():
            for directory, subdirectories, names in os.walk(given):
                subdirectories.sort()
                for name in sorted(names):
                    path = Path(directory, name)
                    if DIGEST_NAME.fullmatch(name):
                        files.append((path, given))
                    else:
                        skipped.append(path)
        elif given.exists():
            files.append((given, given.parent))
        else:
            missing.append(given)
    files.sort()
    return Found(tuple(files), tuple(skipped), tuple(missing))


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[bytes]]:
    """A file to write ``path`` through: a temporary file beside it, renamed into place.

    If the block raises (an error, Ctrl-C, SIGTERM turned into an exception), the temporary
    file is removed and ``path`` is untouched.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.jsonl"
    >>> with atomic_output(target) as out:
    ...     _ = out.write(b"{}\\n")
    >>> target.read_bytes()
    b'{}\\n'
    """
    target = Path(path)
    if target.is_dir():  # fail before the work, and name the path the user gave
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or "."
    )
    try:
        with os.fdopen(descriptor, mode) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        if target.exists():
            # Keep the permissions the user had on the file being replaced.
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: readers see the old file or the new one.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "20230311.md"
    >>> write_atomic(target, b"# Arxiv Papers in cs.CV on 2023-03-11\\n")
    >>> target.read_bytes()[:6]
    b'# Arxi'
    """
    with atomic_output(path) as file:
        file.write(data)


def write_digest(digest: Digest, path: str | os.PathLike[str]) -> None:
    """Write a digest to ``path`` atomically, byte for byte as :func:`serialize_digest` gives.

    A crash or an interruption leaves the old file, or none, never half a digest.

    >>> import datetime as dt, tempfile, pathlib
    >>> from arxiv_digest import Digest, parse_digest, write_digest
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "20230311.md"
    >>> write_digest(Digest("cs.CV", dt.date(2023, 3, 11)), target)
    >>> parse_digest(target).date
    datetime.date(2023, 3, 11)
    """
    from .serializer import serialize_digest

    write_atomic(path, serialize_digest(digest).encode("utf-8"))
