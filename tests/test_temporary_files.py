"""Stray temporary files (issue 22, point 3): a run killed outright leaves its temporary file;
it is recognisable by its name, ``check`` names it in one line, the next writing run removes
it once no process holds it, and the documented .gitignore line leaves it out."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from arxiv_digest.files import STALE_SECONDS, is_temporary_name, remove_stale_temporaries
from tests.conftest import REAL, ROOT, run

FIXABLE = ROOT / "tests/corpus_fixable/cs.CV/2026/02/20260202.md"

# A writer that is killed (SIGKILL: no handler, no clean-up) in the middle of its write; with
# "hold" it stays alive instead, its temporary file open, until its stdin closes.
WRITER = """
import os, signal, sys
from arxiv_digest.files import atomic_output
output = atomic_output(sys.argv[1])
file = output.__enter__()
file.write(b"half a digest")
file.flush()
print("writing", flush=True)
if sys.argv[2] == "hold":
    sys.stdin.read()
os.kill(os.getpid(), signal.SIGKILL)
"""


def temporaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.name.endswith(".tmp"))


def killed_writer(target: Path, *, age: float = 2 * STALE_SECONDS) -> Path:
    """The temporary file of a writer of ``target`` killed mid-write, made ``age`` s old."""
    done = subprocess.run(
        [sys.executable, "-c", WRITER, str(target), "kill"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == -9, done.stderr
    [left] = [p for p in temporaries(target.parent) if p.name.startswith(f".{target.name}.")]
    then = time.time() - age
    os.utime(left, (then, then))
    return left


def test_the_name_is_recognisable(tmp_path: Path) -> None:
    left = killed_writer(tmp_path / "20230311.md")
    assert is_temporary_name(left.name)
    assert re.fullmatch(r"\.20230311\.md\.arxiv-digest-[0-9]+-[a-z0-9_]{8}\.tmp", left.name)
    assert left.read_bytes() == b"half a digest"


def test_check_names_them_in_one_line(tmp_path: Path) -> None:
    archive = tmp_path / "cs.CV/2023/03"
    archive.mkdir(parents=True)
    shutil.copy(REAL, archive)
    # Fresh ones: a stale one would be removed by the second writer, as designed.
    first = killed_writer(archive / "20230311.md", age=0)
    second = killed_writer(archive / "20230312.md", age=0)
    code, out, err = run("check", str(tmp_path))
    assert code == 0
    assert out == "Checked 1 file: no problems found.\n"  # not counted as skipped
    assert err == (
        "arxiv-digest: warning: 2 temporary files left by an interrupted run (the next fix,"
        " from-json or collect there removes them when no process holds them):"
        f" {first}, {second}\n"
    )
    import json

    document = json.loads(run("check", str(tmp_path), "--format", "json")[1])
    assert document["temporary"] == [str(first), str(second)]
    assert document["skipped"] == 0


@pytest.mark.parametrize("command", ["fix", "from-json", "to-json"])
def test_the_next_writing_run_removes_stale_ones(tmp_path: Path, command: str) -> None:
    # The folder the command writes in (from-json's path keeps the category's folders).
    folder = tmp_path / "out" / ("cs.CV/2023/03" if command == "from-json" else "")
    folder.mkdir(parents=True)
    fresh = killed_writer(folder / "20230312.md", age=0)  # its writer may be on another host
    stale = killed_writer(folder / "20230311.md")
    if command == "fix":  # a file with nothing to fix: fix removes them from its walk
        shutil.copy(REAL, folder)
        args = ["fix", str(folder)]
    elif command == "from-json":
        source = tmp_path / "in.jsonl"
        assert run("to-json", str(REAL), "-q", "-o", str(source))[0] == 0
        args = ["from-json", str(source), "-o", str(tmp_path / "out")]
    else:
        args = ["to-json", str(REAL), "-q", "-o", str(folder / "x.jsonl")]
    import arxiv_digest.files

    arxiv_digest.files._CLEANED.clear()
    assert run(*args)[0] == 0
    assert not stale.exists()
    assert fresh.exists()


def test_one_a_live_process_holds_stays(tmp_path: Path) -> None:
    target = tmp_path / "20230311.md"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target), "hold"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == b"writing\n"
        [held] = temporaries(tmp_path)
        then = time.time() - 2 * STALE_SECONDS
        os.utime(held, (then, then))  # old, but its writer lives
        assert remove_stale_temporaries([str(held)]) == []
        assert held.exists()
    finally:
        writer.communicate(timeout=60)  # stdin closed: it goes on and is killed
    assert remove_stale_temporaries([str(held)]) == [str(held)]
    assert not held.exists()


def test_other_files_are_never_removed(tmp_path: Path) -> None:
    names = [".20230311.md.abc12345.tmp", "notes.tmp", ".x.arxiv-digest-12-abc.tmp.bak"]
    for name in names:
        (tmp_path / name).write_text("mine")
        then = time.time() - 2 * STALE_SECONDS
        os.utime(tmp_path / name, (then, then))
    assert remove_stale_temporaries([str(tmp_path / n) for n in names]) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


def test_the_documented_gitignore_line_leaves_them_out(tmp_path: Path) -> None:
    page = (ROOT / "docs/getting-started.md").read_text(encoding="utf-8")
    line = page.split("```gitignore\n", 1)[1].split("\n```", 1)[0]
    assert line == ".*.arxiv-digest-*.tmp"
    repository = tmp_path / "archive"
    folder = repository / "cs.CV/2023/03"
    folder.mkdir(parents=True)
    shutil.copy(REAL, folder)
    killed_writer(folder / "20230311.md")
    (repository / ".gitignore").write_text(line + "\n")
    git = ["git", "-C", str(repository)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    staged = subprocess.run(
        [*git, "diff", "--cached", "--name-only"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert staged == [".gitignore", "cs.CV/2023/03/20230311.md"]
