"""Atomic writes: an interrupted run leaves the old output or the new one, never a part."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from arxiv_digest import parse_digest, write_digest
from arxiv_digest.files import atomic_output
from tests.conftest import CORPUS

REAL = CORPUS / "cs.CV/2023/03/20230311.md"


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
    process = subprocess.Popen(
        [sys.executable, "-m", "arxiv_digest", "to-json", "--jobs", "1", "-o", str(out), *files],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.5)  # start-up done, conversion of 150 MB under way (it takes seconds more)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == (130 if signum == signal.SIGINT else 128 + signum)
    assert out.read_text() == "previous\n"
    assert b"Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
