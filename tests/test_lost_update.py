"""Two writers at once (issue 22, point 1): a file rewritten from what was read is replaced
only if it is still the file that was read; otherwise the other writer's file stays, the run
names the file as changed under it and ends with exit status 2.

The deterministic tests change the file between the read and the rename through the public
writing functions of ``arxiv_digest.files``; the race test runs ``fix`` and
``from-json --force`` as two real processes on the same files, a bounded number of times.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

import arxiv_digest.files as files
from arxiv_digest.files import FileChangedError, atomic_output, file_state, write_atomic
from tests.conftest import CORPUS, REAL, ROOT, run

FIXABLE = ROOT / "tests/corpus_fixable/cs.CV/2026/02/20260202.md"
CHANGED = "changed by another program since it was read; not replaced"


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


def write_while(target: Path, expect: Any, other: Callable[[], object]) -> None:
    """Write ``target`` from what was read (``expect``), ``other`` changing it meanwhile."""
    with atomic_output(target, expect=expect) as out:
        out.write(b"made from what was read\n")
        other()


def test_a_file_changed_in_place_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "20230311.md"
    target.write_bytes(b"as read\n")
    state = file_state(target)
    with pytest.raises(FileChangedError) as caught:
        # The same inode, new bytes and times.
        write_while(target, state, lambda: target.write_bytes(b"the other writer's\n"))
    assert caught.value.filename == str(target)
    assert caught.value.strerror == CHANGED
    assert target.read_bytes() == b"the other writer's\n"
    assert leftovers(tmp_path) == []


def test_a_file_replaced_is_not_replaced_again(tmp_path: Path) -> None:
    target = tmp_path / "20230311.md"
    target.write_bytes(b"as read\n")
    state = file_state(target)
    with pytest.raises(FileChangedError):
        # The same bytes, size and all: a new inode.
        write_while(target, state, lambda: write_atomic(target, b"as read\n"))
    assert target.read_bytes() == b"as read\n"
    assert file_state(target) != state
    assert leftovers(tmp_path) == []


def test_a_file_removed_or_created_meanwhile(tmp_path: Path) -> None:
    gone = tmp_path / "gone.md"
    gone.write_bytes(b"as read\n")
    with pytest.raises(FileChangedError):
        write_while(gone, file_state(gone), gone.unlink)
    assert not gone.exists()
    new = tmp_path / "new.md"
    with pytest.raises(FileChangedError):
        write_while(new, None, lambda: new.write_bytes(b"theirs\n"))
    assert new.read_bytes() == b"theirs\n"
    assert leftovers(tmp_path) == []


def test_unchanged_files_are_replaced_and_no_check_by_default(tmp_path: Path) -> None:
    target = tmp_path / "x.md"
    write_atomic(target, b"one\n", expect=None)
    write_atomic(target, b"two\n", expect=file_state(target))
    assert target.read_bytes() == b"two\n"
    state = file_state(target)
    target.write_bytes(b"someone else\n")
    write_atomic(target, b"three\n")  # to-json's -o: whatever is there is replaced
    assert target.read_bytes() == b"three\n"
    with pytest.raises(FileChangedError):
        write_atomic(target, b"four\n", expect=state)
    assert target.read_bytes() == b"three\n"


def test_the_check_waits_for_another_writers_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding the advisory lock on the target: wait, then give up, named."""
    target = tmp_path / "x.md"
    target.write_bytes(b"as read\n")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_EX);"
            " print('locked', flush=True); time.sleep(30)",
            str(target),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"locked\n"
        monkeypatch.setattr(files, "LOCK_SECONDS", 0.3)
        started = time.monotonic()
        with pytest.raises(FileChangedError) as caught:
            write_atomic(target, b"new\n", expect=file_state(target))
        assert time.monotonic() - started >= 0.3
        assert "locked by another program" in str(caught.value.strerror)
        assert target.read_bytes() == b"as read\n"
    finally:
        holder.kill()
        holder.communicate(timeout=30)
    write_atomic(target, b"new\n", expect=file_state(target))  # the lock is gone: replaced
    assert target.read_bytes() == b"new\n"


def test_the_temporary_file_is_locked_while_it_is_written(tmp_path: Path) -> None:
    with atomic_output(tmp_path / "x.md") as out:
        [temporary] = tmp_path.glob("*.tmp")
        assert files.is_temporary_name(temporary.name)
        assert f".arxiv-digest-{os.getpid()}-" in temporary.name
        with open(temporary, "rb") as other, pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        out.write(b"x\n")


def _another_writer(monkeypatch: pytest.MonkeyPatch, target: Path, data: bytes) -> None:
    """Make every output of the run find ``target`` rewritten by someone else just before
    its rename: ``atomic_output`` (which ``write_atomic`` uses) writes it from inside."""
    real = files.atomic_output

    @contextlib.contextmanager
    def racing(path: Any, *args: Any, **kwargs: Any) -> Iterator[IO[bytes]]:
        with real(path, *args, **kwargs) as out:
            yield out
            with open(target, "wb") as other:  # in place: the same inode, new times
                other.write(data)

    monkeypatch.setattr(files, "atomic_output", racing)


def test_fix_leaves_a_file_changed_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / FIXABLE.name
    path.write_bytes(FIXABLE.read_bytes())
    _another_writer(monkeypatch, path, REAL.read_bytes())
    code, _, err = run("fix", str(path))
    assert code == 2
    assert f"arxiv-digest: error: {path}: cannot fix: {CHANGED} (40 problems not fixed)\n" in err
    assert path.read_bytes() == REAL.read_bytes()  # the other writer's file
    assert leftovers(tmp_path) == []


def from_json_setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    """to-json's line of the real file, an empty output folder, and the target in it."""
    source = tmp_path / "in.jsonl"
    assert run("to-json", str(REAL), "-q", "-o", str(source))[0] == 0
    out = tmp_path / "out"
    target = out / REAL.relative_to(CORPUS)  # to-json's path keeps the category folder
    target.parent.mkdir(parents=True)
    return source, out, target


def test_from_json_force_leaves_a_file_changed_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, out, target = from_json_setup(tmp_path)
    target.write_bytes(b"an older file\n")
    _another_writer(monkeypatch, target, b"the other writer's\n")
    code, _, err = run("from-json", str(source), "-o", str(out), "--force")
    assert code == 2
    assert f"arxiv-digest: error: {source}:1: {target}: {CHANGED}; not written\n" in err
    assert err.endswith(": 0 written, 0 unchanged, 0 refused, 1 not written.\n")
    assert target.read_bytes() == b"the other writer's\n"
    assert leftovers(out) == []


def test_from_json_does_not_create_over_a_file_created_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, out, target = from_json_setup(tmp_path)
    _another_writer(monkeypatch, target, b"created by the other writer\n")
    code, _, err = run("from-json", str(source), "-o", str(out))
    assert code == 2
    assert CHANGED in err
    assert target.read_bytes() == b"created by the other writer\n"


def test_fix_and_from_json_racing_lose_no_update(tmp_path: Path) -> None:
    """The issue's scenario with real processes: fix reads the files while from-json --force
    replaces them. Whatever the interleaving, a file from-json reports written is from-json's
    at the end (fix of a file from-json wrote has nothing to fix); one it reports not
    written may be fix's. Rounds are bounded in number and time."""
    count = 120
    theirs = REAL.read_bytes()
    line = json.loads(run("to-json", str(REAL), "-q")[1])
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(
            json.dumps({**line, "path": f"d{i:03}/{FIXABLE.name}"}) + "\n" for i in range(count)
        )
    )
    command = [sys.executable, "-m", "arxiv_digest"]
    deadline = time.monotonic() + 60
    rounds = overlapped = 0
    while rounds < 6 and time.monotonic() < deadline:
        rounds += 1
        archive = tmp_path / f"archive{rounds}"
        for i in range(count):
            (archive / f"d{i:03}").mkdir(parents=True)
            (archive / f"d{i:03}" / FIXABLE.name).write_bytes(FIXABLE.read_bytes())
        fix = subprocess.Popen(
            [*command, "fix", str(archive)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        rebuild = subprocess.Popen(
            [*command, "from-json", str(source), "-o", str(archive), "--force"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _, fix_err = fix.communicate(timeout=120)
        _, rebuild_err = rebuild.communicate(timeout=120)
        assert b"Traceback" not in fix_err + rebuild_err
        not_written = {
            part.split(": ")[2].split(":")[1]
            for part in rebuild_err.decode().splitlines()
            if CHANGED in part
        }
        overlapped += bool(not_written) or CHANGED.encode() in fix_err
        for i in range(count):
            now = (archive / f"d{i:03}" / FIXABLE.name).read_bytes()
            if str(i + 1) not in not_written:
                assert now == theirs, f"round {rounds}: line {i + 1} reported written, lost"
        assert rebuild.returncode == (2 if not_written else 0), rebuild_err
        assert leftovers(archive) == []
    assert rounds >= 1


def test_a_name_that_is_a_link_is_compared_as_it_was_read(tmp_path: Path) -> None:
    """The state read through a symbolic link is the file's: the check passes, as the write
    itself always did (a writer that must keep the link passes its resolved path)."""
    real = tmp_path / "real.md"
    real.write_bytes(b"as read\n")
    link = tmp_path / "link.md"
    link.symlink_to(real.name)
    with open(link, "rb") as file:
        state = file_state(file)
    write_atomic(link, b"new\n", expect=state)
    assert link.read_bytes() == b"new\n"


# The writers that landed beside this change (issues 17, 18, 21) take the same check.


def test_calendar_leaves_a_calendar_changed_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from arxiv_digest.calendar import update_calendar

    shutil.copytree(CORPUS / "cs.CV/2023", tmp_path / "cs.CV/2023")
    calendar = tmp_path / "calendar.md"
    calendar.write_text("an old calendar\n")
    _another_writer(monkeypatch, calendar, b"the other writer's\n")
    with pytest.raises(FileChangedError):
        update_calendar(tmp_path / "cs.CV", calendar)
    assert calendar.read_bytes() == b"the other writer's\n"


def test_the_seen_state_is_not_saved_over_another_runs(tmp_path: Path) -> None:
    from arxiv_digest import iter_papers
    from arxiv_digest.seen import SeenState

    path = tmp_path / "seen.tsv"
    papers = iter_papers(REAL)
    first, second = SeenState.load(path), SeenState.load(path)  # two runs at once
    first.add(next(papers))
    first.save()
    second.add(next(papers))
    with pytest.raises(FileChangedError):
        second.save()  # it would drop what the first run emitted
    assert len(SeenState.load(path)) == 1
    third = SeenState.load(path)
    third.add(next(papers))
    third.save()  # loaded after the first saved: saved
    assert len(SeenState.load(path)) == 2
    SeenState({"2303.06250": 1}, str(path)).save()  # made, not loaded: replaces, as before
    assert len(SeenState.load(path)) == 1


def test_select_digest_output_leaves_a_day_changed_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    day = out / "cs.CV/2023/03/20230311.md"
    day.parent.mkdir(parents=True)
    day.write_text("# Arxiv Papers in cs.CV on 2023-03-11\n")
    _another_writer(monkeypatch, day, b"the other writer's\n")
    code, _, err = run("select", str(REAL), "--format", "digest", "-o", str(out), "-q")
    assert code == 2, err
    assert CHANGED in err
    assert day.read_bytes() == b"the other writer's\n"


def test_collect_leaves_a_day_changed_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.arxiv_api import FakeArxivAPI
    from tests.test_collect import args, corpus_papers

    day = tmp_path / "cs.CV/2023/03/20230311.md"
    day.parent.mkdir(parents=True)
    day.write_bytes(REAL.read_bytes().replace(b"ReBound", b"Rebound"))  # to be updated
    _another_writer(monkeypatch, day, b"the other writer's\n")
    with FakeArxivAPI(corpus_papers()).running() as api:
        code, _, err = run("collect", *args(tmp_path, api.url, "2023-03-11", "2023-03-11"))
    assert code == 2, err
    assert f"{day}: {CHANGED}" in err
    assert day.read_bytes() == b"the other writer's\n"
