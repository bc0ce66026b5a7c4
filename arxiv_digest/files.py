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
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from .model import Digest


__all__ = [
    "ANY_STATE",
    "DIGEST_NAME",
    "STALE_SECONDS",
    "TEMPORARY_NAME",
    "FileChangedError",
    "FileState",
    "Found",
    "atomic_output",
    "changed_under_us",
    "file_state",
    "find_digests",
    "hold_signals",
    "is_inside",
    "is_temporary_name",
    "open_regular",
    "regular_bytes",
    "release_signals",
    "remove_stale_temporaries",
    "signals_held",
    "write_atomic",
    "write_digest",
    "write_output",
]

#: What a digest file is called in an archive.
DIGEST_NAME = re.compile(r"[0-9]{8}\.md")

#: What this program's temporary files are called: ``.NAME.arxiv-digest-PID-RANDOM.tmp``
#: beside the file ``NAME`` they become (``PID``, the process writing it, is for a person
#: looking; whether a process still holds one is told by its lock, see :data:`STALE_SECONDS`).
#: A .gitignore line that leaves them out: ``.*.arxiv-digest-*.tmp``. (A pattern, compiled on
#: first use by :func:`is_temporary_name`: compiling it costs every start of ``check``.)
TEMPORARY_NAME = r"\..*\.arxiv-digest-[0-9]+-[a-z0-9_]+\.tmp"


def is_temporary_name(name: str) -> bool:
    """Whether ``name`` is a temporary file's of this program (:data:`TEMPORARY_NAME`).

    >>> is_temporary_name(".20230311.md.arxiv-digest-4242-k2j4l1x9.tmp")
    True
    >>> is_temporary_name(".20230311.md.k2j4l1x9.tmp")  # another program's
    False
    """
    return name.endswith(".tmp") and re.fullmatch(TEMPORARY_NAME, name, re.DOTALL) is not None


@attrs.frozen
class Found:
    """The digests found under some paths, with what was skipped, missing or empty.

    ``files`` are ``(path, root)`` pairs, sorted; ``root`` is the directory given on the
    command line (or the file's own directory), for paths relative to it. ``empty`` are the
    directories given that hold no digest: each is an error of the run, as a missing path is.
    ``temporary`` are this program's temporary files found on the walk (:data:`TEMPORARY_NAME`,
    left by a run that was killed), apart from the files skipped.
    Paths are ``str``, spelled from the path given as the walk found them (``tests/corpus``
    gives ``tests/corpus/cs.CV/...``): pass ``Path(path)`` to :func:`parse_digest`, which
    reads a ``str`` as the text itself.

    >>> find_digests(["tests/corpus", "nope.md"]).missing
    ('nope.md',)
    """

    files: tuple[tuple[str, str], ...]
    skipped: tuple[str, ...]
    missing: tuple[str, ...]
    empty: tuple[str, ...] = ()
    temporary: tuple[str, ...] = ()

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
    temporary: list[str] = []
    for given in (os.fspath(path) for path in paths):
        if os.path.isdir(given):
            before = len(files)
            _walk(given, given, files, skipped, temporary)
            if len(files) == before:
                empty.append(given)
        elif os.path.exists(given):
            files.append((given, os.path.dirname(given) or os.curdir))
        else:
            missing.append(given)
    # In the order of the paths' parts, as pathlib sorts them ("a/b/x" before "a/b-c/x").
    files.sort(key=lambda pair: (path_parts(pair[0]), path_parts(pair[1])))
    skipped.sort(key=path_parts)
    temporary.sort(key=path_parts)
    return Found(tuple(files), tuple(skipped), tuple(missing), tuple(empty), tuple(temporary))


def _walk(
    directory: str,
    root: str,
    files: list[tuple[str, str]],
    skipped: list[str],
    temporary: list[str],
) -> None:
    """Add the digests under ``directory`` to ``files``, the other files to ``skipped``.

    This program's temporary files go to ``temporary`` instead.

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
                _walk(entry.path, root, files, skipped, temporary)
        elif DIGEST_NAME.fullmatch(entry.name):
            files.append((entry.path, root))
        elif is_temporary_name(entry.name):
            temporary.append(entry.path)
        else:
            skipped.append(entry.path)


def path_parts(path: str) -> tuple[str, ...]:
    """The names in a path, as ``PurePath(path).parts`` gives them: no empty or ``.`` parts.

    Without pathlib, which ``arxiv-digest check`` does not import (``tests/test_imports.py``).

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


#: A temporary file is stale, left by a run that died (kill -9, a crash, a power cut), when no
#: process holds its lock and nothing was written to it for this long. The wait only covers
#: the instant between creating a file and locking it, and file systems whose locks do not
#: work: a live writer whose file was removed fails at its rename and keeps the old file.
STALE_SECONDS = 60.0


class FileState:
    """What tells a file's content as it was read from another: compared before a rename.

    The same device, inode, size, modification and change times: a file replaced (a new
    inode) or written in place (new times, and usually a new size) is another state. (A plain
    class, as :class:`Found` is: a named tuple's class costs every start of ``check``.)

    >>> file_state("tests/corpus/cs.CV/2023/03/20230311.md").size
    83157
    """

    __slots__ = ("ctime_ns", "device", "inode", "mtime_ns", "size")

    def __init__(self, device: int, inode: int, size: int, mtime_ns: int, ctime_ns: int) -> None:
        self.device = device
        self.inode = inode
        self.size = size
        self.mtime_ns = mtime_ns
        self.ctime_ns = ctime_ns

    def _key(self) -> tuple[int, int, int, int, int]:
        return (self.device, self.inode, self.size, self.mtime_ns, self.ctime_ns)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileState) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return "FileState({}, {}, {}, {}, {})".format(*self._key())


class _Unchecked:
    """The type of :data:`ANY_STATE`."""

    def __repr__(self) -> str:
        return "ANY_STATE"


#: ``expect`` for an output that replaces whatever is there (to-json's ``-o``): no check.
ANY_STATE = _Unchecked()


class FileChangedError(OSError):
    """The file to be replaced is no longer the one that was read: another program changed it.

    Raised by :func:`atomic_output` instead of the rename, which would have lost the other
    program's change; the other program's file is left as it is. ``filename`` names it.

    >>> str(changed_under_us("x.md"))
    "[Errno None] changed by another program since it was read; not replaced: 'x.md'"
    """


def changed_under_us(path: str) -> FileChangedError:
    """The :class:`FileChangedError` for ``path`` (its ``strerror`` says what happened).

    >>> changed_under_us("x.md").strerror
    'changed by another program since it was read; not replaced'
    """
    return FileChangedError(
        None, "changed by another program since it was read; not replaced", path
    )


def file_state(file: int | str | os.PathLike[str] | IO[Any]) -> FileState | None:
    """The :class:`FileState` of an open file (a descriptor or a file object) or of a path.

    ``None`` when no file is at the path. Take it from the file you read (``file_state(f)``
    inside ``with open(path, "rb") as f``), and give it to :func:`atomic_output` or
    :func:`write_atomic` as ``expect``: the rename then happens only if the file is still
    the one that was read.

    >>> file_state("no such file") is None
    True
    """
    try:
        if isinstance(file, int):
            status = os.fstat(file)
        elif isinstance(file, (str, os.PathLike)):
            status = os.stat(file)
        else:
            status = os.fstat(file.fileno())
    except FileNotFoundError:
        return None
    return FileState(
        status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns
    )


#: How long a rename waits for another program's lock on the file it replaces.
LOCK_SECONDS = 30.0


def _lock(descriptor: int, path: str) -> None:
    """Take the advisory lock on an open file (where the platform has ``flock``).

    Waits while another writer checks and renames (an instant); gives up, with the file
    named, after :data:`LOCK_SECONDS` of a lock held by something else.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the check alone
        return
    import time

    deadline = time.monotonic() + LOCK_SECONDS
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                message = f"locked by another program for {LOCK_SECONDS:g} seconds; not replaced"
                raise FileChangedError(None, message, path) from None
            time.sleep(0.01)
        except OSError:
            return  # a file system without locks: the check alone


def _replace(temporary: str, target: str, expect: FileState | _Unchecked | None) -> None:
    """Rename ``temporary`` to ``target`` if ``target`` is still in the state ``expect``.

    ``None``: nothing may be there (a hard link, which refuses an existing name, then the
    temporary name removed). A :class:`FileState`: the target is opened and locked, and both
    the open file and the name must still be in that state, so that a writer that waited for
    the lock while another renamed sees the new file at the name and stops.
    """
    if isinstance(expect, _Unchecked):
        os.replace(temporary, target)
        return
    if expect is None:
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise changed_under_us(target) from None
        except OSError:  # a file system without hard links: check, then rename
            if os.path.lexists(target):
                raise changed_under_us(target) from None
            os.replace(temporary, target)
        else:
            os.unlink(temporary)
        return
    # As the file was read: through a symbolic link at the name, if there is one (the states
    # then compare the file it leads to). Without blocking: a FIFO put there cannot hang it.
    try:
        descriptor = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ELOOP):  # removed, or a link loop put there
            raise changed_under_us(target) from None
        raise
    try:
        _lock(descriptor, target)
        if file_state(descriptor) != expect or file_state(target) != expect:
            raise changed_under_us(target)
        os.replace(temporary, target)
    finally:
        os.close(descriptor)


#: The folders whose stale temporary files this process has removed already.
_CLEANED: set[str] = set()


def remove_stale_temporaries(paths: Iterable[str]) -> list[str]:
    """Remove the stale temporary files of this program among ``paths``; return those removed.

    A file is removed only when its name is :data:`TEMPORARY_NAME`'s, it is a regular file,
    no process holds its lock (a live writer holds it until its rename; the kernel lets go of
    a dead one's), and it was last written more than :data:`STALE_SECONDS` ago. Where the
    platform has no advisory locks, nothing is removed.

    >>> remove_stale_temporaries(["tests/corpus/cs.CV/2023/03/20230311.md"])
    []
    """
    try:
        import fcntl
    except ImportError:
        return []
    import time

    removed = []
    now = time.time()
    for path in paths:
        if not is_temporary_name(os.path.basename(path)):
            continue
        try:
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
        except OSError:
            continue  # gone meanwhile, or a link: not ours to remove
        try:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode) or now - status.st_mtime <= STALE_SECONDS:
                continue
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live process holds it
            with contextlib.suppress(OSError):  # gone meanwhile, or a folder we cannot change
                os.unlink(path)
                removed.append(path)
        finally:
            os.close(descriptor)
    return removed


def _clean_folder(folder: str) -> None:
    """Remove the stale temporary files in ``folder``, once per process and folder."""
    key = os.path.abspath(folder)
    if key in _CLEANED:
        return
    _CLEANED.add(key)
    try:
        with os.scandir(folder) as listing:
            names = [entry.path for entry in listing if is_temporary_name(entry.name)]
    except OSError:
        return
    remove_stale_temporaries(names)


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str],
    mode: str = "wb",
    *,
    expect: FileState | _Unchecked | None = ANY_STATE,
) -> Iterator[IO[bytes]]:
    """A file to write ``path`` through: a temporary file beside it, renamed into place.

    If the block raises (an error, Ctrl-C, SIGTERM turned into an exception), the temporary
    file is removed and ``path`` is untouched. A device or a pipe (``/dev/null``, a FIFO) is
    written directly. Errors name ``path`` and its folder, never the temporary file.

    ``expect`` guards a file rewritten from what was read (``fix``, ``from-json --force``):
    the :func:`file_state` taken when it was read, or ``None`` when nothing was there. Just
    before the rename, under an advisory lock on ``path``, the file must still be in that
    state; if another program changed, replaced or created it meanwhile, its file is left as
    it is and :class:`FileChangedError` is raised. The default replaces whatever is there.

    The temporary file is named as :data:`TEMPORARY_NAME` says and locked while this process
    lives; stale ones a killed run left in the folder are removed on the way
    (:func:`remove_stale_temporaries`).

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.jsonl"
    >>> with atomic_output(target, expect=None) as out:
    ...     _ = out.write(b"{}\\n")
    >>> target.read_bytes()
    b'{}\\n'
    >>> with atomic_output(target, expect=None) as out:  # doctest: +ELLIPSIS
    ...     _ = out.write(b"[]\\n")  # it exists now
    Traceback (most recent call last):
    ...
    arxiv_digest.files.FileChangedError: [Errno None] changed by another program since it was read; not replaced: '...out.jsonl'
    """  # noqa: E501
    # The folder and name are what pathlib would say (a trailing separator is not a folder).
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
    _clean_folder(folder)
    temporary = None
    lock = -1
    held = hold_signals()  # Ctrl-C between creating the file and knowing its name would leak it
    try:
        try:
            # The name cut short: a long NAME must not make the temporary name too long.
            prefix = f".{name[:64]}.arxiv-digest-{os.getpid()}-"
            descriptor, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
        except OSError as error:
            raise _named(error, target, f"cannot create a file in the folder {folder}") from None
        lock = _hold_temporary(descriptor)
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
            _replace(temporary, target, expect)
        except FileChangedError:
            raise
        except OSError as error:
            raise _named(error, target) from None
    except BaseException:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        release_signals(held)
        raise
    finally:
        if lock >= 0:
            os.close(lock)


def _hold_temporary(descriptor: int) -> int:
    """Lock a new temporary file for as long as this process writes it; the lock's descriptor.

    A descriptor of its own (``dup``), closed after the rename: the lock tells a later run
    that the file is not stale (the kernel drops it when the process dies). -1 where the
    platform has no locks.
    """
    try:
        import fcntl
    except ImportError:
        return -1
    lock = os.dup(descriptor)
    with contextlib.suppress(OSError):  # a file system without locks
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return lock


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


def write_output(output: str, write: Callable[[IO[bytes]], None]) -> None:
    """Run ``write`` on stdout (``-``) or on the file ``output``, written atomically.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> write_output(str(target), lambda file: file.write(b"done\\n"))
    >>> target.read_bytes()
    b'done\\n'
    """
    if output == "-":
        write(sys.stdout.buffer)
        sys.stdout.flush()
    else:
        with atomic_output(output) as file:
            write(file)


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    expect: FileState | _Unchecked | None = ANY_STATE,
) -> None:
    """Write ``data`` to ``path`` atomically: readers see the old file or the new one.

    ``expect``: the state of the file when it was read (:func:`file_state`), or ``None`` for
    no file; the file is then replaced only if it is still so (see :func:`atomic_output`).

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "20230311.md"
    >>> write_atomic(target, b"# Arxiv Papers in cs.CV on 2023-03-11\\n")
    >>> target.read_bytes()[:6]
    b'# Arxi'
    """
    with atomic_output(path, expect=expect) as file:
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


def open_regular(target: str | os.PathLike[str], shown: str) -> IO[bytes] | None:
    """The regular file at ``target``, open for reading; None when nothing is there.

    Raises ValueError (its message starts with ``shown``) for anything else there: opened
    without following a link and without blocking, so a FIFO put there meanwhile cannot hang
    the run either. Take its :func:`file_state` to replace it only if it is still this file.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> open_regular(os.path.join(folder, "absent.md"), "absent.md") is None
    True
    >>> open_regular(folder, "out")
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
    file = open(os.open(target, flags), "rb")  # noqa: SIM115 - the caller closes it
    mode = os.fstat(file.fileno()).st_mode
    if not stat.S_ISREG(mode):
        file.close()
        raise ValueError(f"{shown}: is {_not_regular(mode)}, not a regular file; not replaced")
    return file


def regular_bytes(target: str | os.PathLike[str], shown: str) -> bytes | None:
    """The bytes of the regular file at ``target``; None when nothing is there.

    Raises ValueError as :func:`open_regular` does.

    >>> import tempfile
    >>> regular_bytes(os.path.join(tempfile.mkdtemp(), "absent.md"), "absent.md") is None
    True
    """
    file = open_regular(target, shown)
    if file is None:
        return None
    with file:
        return file.read()
