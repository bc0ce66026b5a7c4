"""Atomic writes: an interrupted run leaves the old output or the new one, never a part."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from arxiv_digest import parse_digest, write_digest
from arxiv_digest.convert import relative_path
from arxiv_digest.files import atomic_output
from tests.conftest import CORPUS, REAL


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the run did not get going"
        time.sleep(0.02)


def interrupt(args: list[str], under_way: Callable[[], bool], signum: int) -> bytes:
    """Run the command, send it ``signum`` once ``under_way()``; check the exit, return stderr.

    faulthandler makes a crash of the child show where it happened.
    """
    command = [sys.executable, "-X", "faulthandler", "-m", "arxiv_digest", *args]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for(under_way)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == (130 if signum == signal.SIGINT else 128 + signum), err.decode()
    return err


def test_write_digest_round_trips(tmp_path: Path) -> None:
    target = tmp_path / "20230311.md"
    target.write_text("old\n")
    target.chmod(0o640)
    write_digest(parse_digest(REAL), target)
    assert target.read_bytes() == REAL.read_bytes()
    assert target.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["20230311.md"]


def test_failure_inside_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")

    def write_half() -> None:
        with atomic_output(target) as file:
            file.write(b"half")
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        write_half()
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["out.jsonl"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_to_json_interrupted_by_a_signal(tmp_path: Path, signum: int) -> None:
    files = [str(p) for p in sorted((CORPUS / "cs.CV").rglob("*.md"))] * 40
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    # Mid-run: once the temporary output exists (150 MB to convert: seconds more to go).
    err = interrupt(
        ["to-json", "--jobs", "1", "-o", str(out), *files],
        lambda: any(p.name.endswith(".tmp") for p in tmp_path.iterdir()),
        signum,
    )
    assert out.read_text() == "previous\n"
    assert b"Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_from_json_interrupted_by_a_signal(tmp_path: Path, signum: int) -> None:
    import json

    from click.testing import CliRunner

    from arxiv_digest.cli import main

    lines = CliRunner().invoke(main, ["to-json", str(CORPUS)]).stdout.splitlines()
    copies = []
    for copy in range(40):  # the corpus 40 times over, under copy0/, copy1/, ...
        for line in lines:
            row = json.loads(line)
            row["path"] = f"copy{copy}/{row['path']}"
            copies.append(json.dumps(row))
    source = tmp_path / "archive.jsonl"
    source.write_text("\n".join(copies) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    err = interrupt(  # once some files are written, most not yet
        ["from-json", str(source), "-o", str(out)],
        lambda: out.is_dir() and any(out.rglob("*.md")),
        signum,
    )
    assert b"Traceback" not in err
    written = [p for p in out.rglob("*") if p.is_file()]
    assert 0 < len(written) < len(copies)
    for path in written:  # every file there is whole: the original, byte for byte
        assert not path.name.startswith(".")
        original = CORPUS / path.relative_to(out).relative_to(path.relative_to(out).parts[0])
        assert path.read_bytes() == original.read_bytes()


@pytest.mark.parametrize(
    ("path", "root"),
    [
        ("./archive/2023/20230311.md", "./archive"),
        ("archive/./2023/20230311.md", "archive"),
        ("archive//2023/20230311.md", "archive"),
        ("archive/2023/", "archive"),
        ("archive", "archive"),
        ("20230311.md", "."),
        ("/abs/archive/20230311.md", "/abs"),
        ("elsewhere/20230311.md", "archive"),
        ("a/../b/20230311.md", "a/.."),
    ],
)
def test_relative_path_is_what_pathlib_says(path: str, root: str) -> None:
    try:
        expected = Path(path).relative_to(root).as_posix()
    except ValueError:
        expected = Path(path).as_posix()
    assert relative_path(path, root) == expected


@pytest.mark.parametrize("root", ["archive", "archive/", "archive/2023", "archive/2023/03"])
def test_relative_path_keeps_the_folder_above_the_year(root: str) -> None:
    # Issue 20: in the dated layout, the folder above YYYY/MM is the category: it is kept.
    assert relative_path("archive/2023/03/20230311.md", root) == "archive/2023/03/20230311.md"
