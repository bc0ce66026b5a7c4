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
import signal
import stat
import tempfile
from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Digest


__all__ = [
    "DIGEST_NAME",
    "Found",
    "atomic_output",
    "find_digests",
    "hold_signals",
    "is_inside",
    "regular_bytes",
    "release_signals",
    "signals_held",
    "sync_early",
    "write_atomic",
    "write_digest",
]

#: What a digest file is called in an archive.
DIGEST_NAME = re.compile(r"[0-9]{8}\.md")


class Found:
    """The digests found under some paths, with what was skipped, missing or empty.

    ``files`` are ``(path, root)`` pairs, sorted; ``root`` is the directory given on the
    command line (or the file's own directory), for paths relative to it. ``empty`` are the
    directories given that hold no digest: each is an error of the run, as a missing path is.
    Paths are ``str``, spelled from the path given as the walk found them (``tests/corpus``
    gives ``tests/corpus/cs.CV/...``): pass ``Path(path)`` to :func:`parse_digest`, which
    reads a ``str`` as the text itself. (A plain class, as ``checks.FileCheck`` is: an attrs
    class costs every start of ``arxiv-digest check`` half a millisecond.)

    >>> find_digests(["tests/corpus", "nope.md"]).missing
    ('nope.md',)
    """

    __slots__ = ("empty", "files", "missing", "skipped")

    def __init__(
        self,
        files: tuple[tuple[str, str], ...],
        skipped: tuple[str, ...],
        missing: tuple[str, ...],
        empty: tuple[str, ...] = (),
    ) -> None:
        self.files = files
        self.skipped = skipped
        self.missing = missing
        self.empty = empty

    def __repr__(self) -> str:
        return f"Found({self.files!r}, {self.skipped!r}, {self.missing!r}, {self.empty!r})"

    @property
    def errors(self) -> tuple[str, ...]:
        """One message for each path given that yields no digest: missing, or no digest in it.

        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "README.md").write_text("# An archive\\n")
        >>> print(find_digests([folder]).errors[0].replace(str(folder), "DIR"))
        ... # doctest: +NORMALIZE_WHITESPACE
        DIR: no digest found: looked for files named YYYYMMDD.md (eight digits, like
        20230311.md); skipped 1 file with another name (README.md)
        """
        messages = [_not_found(path) for path in self.missing]
        for directory in self.empty:
            skipped = [p for p in self.skipped if _is_under(p, directory)]
            if skipped:
                names = ", ".join(os.path.basename(p) for p in skipped[:3])
                names += ", ..." if skipped[3:] else ""
                files = "file with another name" if len(skipped) == 1 else "files with other names"
                why = f"skipped {len(skipped)} {files} ({names})"
            else:
                why = "the directory holds no files"
            messages.append(
                f"{directory}: no digest found: looked for files named YYYYMMDD.md"
                f" (eight digits, like 20230311.md); {why}"
            )
        return tuple(messages)


def _not_found(path: str) -> str:
    """Why a path given is not there: a file named with a trailing ``/`` is no directory."""
    bare = path.rstrip("/" + os.sep)
    if bare != path and os.path.isfile(bare):
        return f"{path}: not a directory: {bare} is a file (name it without the trailing /)"
    return f"{path}: no such file or directory"


def _is_under(path: str, directory: str) -> bool:
    return path.startswith(os.path.join(directory, ""))


def find_digests(paths: Sequence[str | os.PathLike[str]]) -> Found:
    """The digest files named by ``paths``: files as given, directories walked.

    >>> found = find_digests(["tests/corpus"])
    >>> len(found.files), [os.path.basename(p) for p in found.skipped], found.errors
    (95, ['README.md'], ())
    """
    files: list[tuple[str, str]] = []
    skipped: list[str] = []
    missing: list[str] = []
    empty: list[str] = []
    for given in (os.fspath(path) for path in paths):
        if os.path.isdir(given):
            before = len(files)
            _walk(given, given, files, skipped)
            if len(files) == before:
                empty.append(given)
        elif os.path.exists(given):
            files.append((given, os.path.dirname(given) or os.curdir))
        else:
            missing.append(given)
    # In the order of the paths' parts, as pathlib sorts them ("a/b/x" before "a/b-c/x").
    files.sort(key=lambda pair: (path_parts(pair[0]), path_parts(pair[1])))
    skipped.sort(key=path_parts)
    return Found(tuple(files), tuple(skipped), tuple(missing), tuple(empty))


def _walk(directory: str, root: str, files: list[tuple[str, str]], skipped: list[str]) -> None:
    """Add the digests under ``directory`` to ``files``, the other files to ``skipped``.

    ``os.scandir`` rather than ``os.walk``: half the time on an archive's thousand folders. As
    ``os.walk`` does, a folder that cannot be read is passed over, and a symbolic link to a
    folder is not followed.
    """
    try:
        with os.scandir(directory) as listing:
            entries = list(listing)
    except OSError:
        return
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            if not entry.is_symlink():
                _walk(entry.path, root, files, skipped)
        elif DIGEST_NAME.fullmatch(entry.name):
            files.append((entry.path, root))
        else:
            skipped.append(entry.path)


def path_parts(path: str) -> tuple[str, ...]:
    """The names in a path, as ``PurePath(path).parts`` gives them: no empty or ``.`` parts.

    Without importing pathlib, which costs ``arxiv-digest check`` 3 ms.

    >>> path_parts("./cs.CV//2023/03/20230311.md")
    ('cs.CV', '2023', '03', '20230311.md')
    """
    if os.altsep:
        path = path.replace(os.altsep, os.sep)
    return tuple(part for part in path.split(os.sep) if part not in ("", "."))


_HELD = {getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name)}


def hold_signals() -> set[int] | None:
    """Hold SIGINT and SIGTERM back until :func:`release_signals` (where the OS allows it).

    Returns the previous signal mask, or ``None`` where signals cannot be held (Windows).

    >>> release_signals(hold_signals())
    """
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, _HELD))


def release_signals(previous: set[int] | None) -> None:
    """Restore the mask :func:`hold_signals` changed; a held signal is delivered now.

    >>> release_signals(None)  # nothing was held: nothing to do
    """
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Run a block with SIGINT and SIGTERM held back, delivered when it ends.

    For imports of extension modules that crash when interrupted halfway (orjson does).

    >>> with signals_held():
    ...     import orjson
    """
    previous = hold_signals()
    try:
        yield
    finally:
        release_signals(previous)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[bytes]]:
    """A file to write ``path`` through: a temporary file beside it, renamed into place.

    If the block raises (an error, Ctrl-C, SIGTERM turned into an exception), the temporary
    file is removed and ``path`` is untouched. A device or a pipe (``/dev/null``, a FIFO) is
    written directly. Errors name ``path`` and its folder, never the temporary file.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.jsonl"
    >>> with atomic_output(target) as out:
    ...     _ = out.write(b"{}\\n")
    >>> target.read_bytes()
    b'{}\\n'
    """
    # os.path, not pathlib, which costs every command 3 ms to import. The folder and name are
    # what pathlib would say (a trailing separator is not a folder of its own).
    target = os.fspath(path)
    folder, name = os.path.split(target.rstrip(os.sep) or target)
    folder = folder or os.curdir
    # Fail before the work, and name the paths the user gave, never the temporary file.
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), target)
    if os.path.exists(target) and not os.path.isfile(target):
        # A device or a pipe (/dev/null, /dev/stdout, a shell's >(...)): written in place, since
        # renaming a file over it would replace it, and there is no old content to keep.
        with _writing(target), open(target, mode) as file:
            yield file
            file.flush()
        return
    if os.path.exists(folder) and not os.path.isdir(folder):
        message = f"the output folder {folder} is not a folder"
        raise NotADirectoryError(errno.ENOTDIR, message, target)
    if not os.path.isdir(folder):
        message = f"the output folder {folder} does not exist"
        raise FileNotFoundError(errno.ENOENT, message, target)
    temporary = None
    held = hold_signals()  # Ctrl-C between creating the file and knowing its name would leak it
    try:
        try:
            descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        except OSError as error:
            raise _named(error, target, f"cannot create a file in the folder {folder}") from None
        release_signals(held)  # a signal that came meanwhile is raised here, inside the try
        with _writing(target), os.fdopen(descriptor, mode) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        try:
            if os.path.exists(target):
                # Keep the permissions the user had on the file being replaced.
                os.chmod(temporary, os.stat(target).st_mode & 0o7777)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temporary, 0o666 & ~umask)
            os.replace(temporary, target)
        except OSError as error:
            raise _named(error, target) from None
    except BaseException:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        release_signals(held)
        raise


#: Write errors that are about the output itself (a full disk, a quota, a file too large).
_OUTPUT_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


@contextlib.contextmanager
def _writing(target: str) -> Iterator[None]:
    """Name ``target`` in a write error that names no file (a full disk says only that)."""
    try:
        yield
    except OSError as error:
        if error.filename is None and error.errno in _OUTPUT_FULL:
            raise _named(error, target, "cannot write it") from None
        raise


def _named(error: OSError, target: str, doing: str = "") -> OSError:
    """``error`` again, about ``target`` (the user's path) instead of the temporary file."""
    reason = error.strerror or str(error)
    return type(error)(error.errno, f"{doing}: {reason}" if doing else reason, target)


#: How much a long write puts into a file between two :func:`sync_early` calls.
SYNC_BYTES = 8 << 20


def sync_early(file: IO[bytes]) -> None:
    """Send what ``file`` holds so far to the disk, where it is a file on one.

    For a long write into :func:`atomic_output`, now and then: its fsync before the rename
    then has only the rest to do, and the wait for the disk overlaps the work (``to-json
    --jobs 2`` of 44 MB: 23 ms of fsync at the end became 3 ms).

    >>> import io
    >>> sync_early(io.BytesIO())  # not a file on a disk: nothing to do
    """
    try:
        descriptor = file.fileno()
        file.flush()
        getattr(os, "fdatasync", os.fsync)(descriptor)
    except (AttributeError, OSError, ValueError):
        pass  # a pipe, a device, a file in memory: no disk to send it to


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


def is_inside(root: str, path: str) -> bool:
    """Whether ``path`` is ``root`` or below it (both absolute and resolved: ``realpath``).

    A path whose real location is outside an output folder (a symbolic link on the way)
    is refused by the commands that write into one (``from-json``, ``collect``).

    >>> is_inside("/archive", "/archive/cs.CV/2023"), is_inside("/archive", "/archived")
    (True, False)
    """
    return path == root or os.path.commonpath([root, path]) == root


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_regular(mode: int) -> str:
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def regular_bytes(target: str | os.PathLike[str], shown: str) -> bytes | None:
    """The bytes of the regular file at ``target``; None when nothing is there.

    Raises ValueError (its message starts with ``shown``) for anything else there: opened
    without following a link and without blocking, so a FIFO put there meanwhile cannot hang
    the run either.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> regular_bytes(os.path.join(folder, "absent.md"), "absent.md") is None
    True
    >>> regular_bytes(folder, "out")
    Traceback (most recent call last):
    ValueError: out: is a directory, not a regular file; not replaced
    """
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(mode):
        raise ValueError(f"{shown}: is {_not_regular(mode)}, not a regular file; not replaced")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(target, flags)
    with open(descriptor, "rb") as file:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise ValueError(f"{shown}: is {_not_regular(mode)}, not a regular file; not replaced")
        return file.read()
