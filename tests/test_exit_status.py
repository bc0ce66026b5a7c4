"""One exit-status rule in every command (issue 22, point 5): 1 only for problems in the
input, 2 for what stopped the run writing. Each writing command is run out of room (a file
size limit: the kernel's EFBIG, as a full disk's ENOSPC) and refused by the system
(EACCES), and must end with 2, naming the output and keeping what was there."""

from __future__ import annotations

import errno
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from arxiv_digest.cli import main
from tests.conftest import CORPUS, REAL, ROOT, run

FIXABLE = ROOT / "tests/corpus_fixable/cs.CV/2026/02/20260202.md"
BROKEN = REAL.read_text(encoding="utf-8").replace("- **DOI**: None\n", "", 1)


def commands(tmp_path: Path) -> dict[str, tuple[list[str], Path]]:
    """Each writing command, with the file it writes (there already, holding b"old\\n")."""
    source = tmp_path / "in.jsonl"
    assert run("to-json", str(REAL), "-q", "-o", str(source))[0] == 0
    fixable = tmp_path / "fix" / FIXABLE.name
    fixable.parent.mkdir()
    shutil.copy(FIXABLE, fixable)
    rebuilt = tmp_path / "rebuilt" / REAL.relative_to(CORPUS)  # to-json's path keeps cs.CV/
    rebuilt.parent.mkdir(parents=True)
    rebuilt.write_bytes(b"old\n")
    for name in ("out.jsonl", "out.parquet"):
        (tmp_path / name).write_bytes(b"old\n")
    return {
        "to-json": (
            ["to-json", str(REAL), "-o", str(tmp_path / "out.jsonl")],
            tmp_path / "out.jsonl",
        ),
        "to-parquet": (
            ["to-parquet", str(REAL), "-o", str(tmp_path / "out.parquet")],
            tmp_path / "out.parquet",
        ),
        "from-json": (
            ["from-json", str(source), "-o", str(tmp_path / "rebuilt"), "--force"],
            rebuilt,
        ),
        "fix": (["fix", str(fixable)], fixable),
    }


NAMES = ["to-json", "to-parquet", "from-json", "fix"]


def _limit_file_size() -> None:
    # Python ignores SIGXFSZ: a write past the limit fails with EFBIG instead of killing it.
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


@pytest.mark.parametrize("name", NAMES)
def test_no_room_to_write_is_2(tmp_path: Path, name: str) -> None:
    args, target = commands(tmp_path)[name]
    before = target.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "arxiv_digest", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_file_size,  # in the child only, before it runs
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "File too large" in done.stderr
    assert str(target) in done.stderr
    assert target.read_bytes() == before
    assert not [p for p in tmp_path.rglob("*.tmp")]


def refuse_writes_in(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """EACCES for a temporary file made in ``folder``, as a read-only folder refuses it."""
    real = tempfile.mkstemp

    def refused(*a: Any, **k: Any) -> Any:
        if Path(k.get("dir") or os.curdir) == folder:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(*a, **k)

    monkeypatch.setattr(tempfile, "mkstemp", refused)


@pytest.mark.parametrize("name", NAMES)
def test_permission_denied_is_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """A folder the system will not write in (root ignores permissions: the refusal is made
    where the temporary file is created, as a read-only folder makes it)."""
    args, target = commands(tmp_path)[name]
    before = target.read_bytes()
    refuse_writes_in(target.parent, monkeypatch)
    code, _, err = run(*args)
    assert code == 2, err
    assert f"{target}" in err
    assert "Permission denied" in err
    assert target.read_bytes() == before


@pytest.mark.parametrize("name", ["to-json", "to-parquet", "from-json", "fix", "check"])
def test_problems_in_the_input_are_1(tmp_path: Path, name: str) -> None:
    broken = tmp_path / "a" / REAL.name
    broken.parent.mkdir()
    broken.write_text(BROKEN, encoding="utf-8")
    if name == "from-json":
        source = tmp_path / "in.jsonl"
        source.write_text("{not json\n")
        args = ["from-json", str(source), "-o", str(tmp_path / "out")]
    elif name in ("to-json", "to-parquet"):
        args = [name, str(broken), str(REAL), "-o", str(tmp_path / f"out.{name}")]
    else:
        args = [name, str(broken)]
    code, _, err = run(*args)
    assert code == 1, err


def test_collect_that_cannot_write_a_day_is_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """collect, from the local fake API: a day the system will not let it write."""
    from tests.arxiv_api import FakeArxivAPI
    from tests.test_collect import args, corpus_papers

    day = tmp_path / "cs.CV/2023/03/20230311.md"
    day.parent.mkdir(parents=True)
    old = REAL.read_bytes().replace(b"ReBound", b"Rebound")  # a day to update
    day.write_bytes(old)
    refuse_writes_in(day.parent, monkeypatch)
    with FakeArxivAPI(corpus_papers()).running() as api:
        result = CliRunner().invoke(
            main, ["collect", *args(tmp_path, api.url, "2023-03-11", "2023-03-11")]
        )
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{day}" in result.stderr
    assert "Permission denied" in result.stderr
    assert day.read_bytes() == old
