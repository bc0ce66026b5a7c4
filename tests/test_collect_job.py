"""The daily job of docs/writing.md, run as written, and the install line wherever it appears.

``digests.sh`` and the GitHub Actions workflow's ``run:`` steps (after the install, which
needs the network) are taken from the page and run by the shell in a clone of a git
repository of real days whose remote is a local bare repository, with ``arxiv-digest`` on
PATH and the stand-in API of ``tests/arxiv_api.py`` in place of arXiv's (through
``ARXIV_DIGEST_API_URL``; the waits shortened through ``ARXIV_DIGEST_DELAY`` and
``ARXIV_DIGEST_BACKOFF``). The repository keeps the real calendar of CVPapers
(``tests/calendars/cvpapers.md``), its part for the days the repository holds: the job must
leave it as the calendar script writes it for the day it adds.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from arxiv_digest import __version__, parse_digest
from arxiv_digest.errors import INSTALL_ARXIV
from tests.arxiv_api import FakeArxivAPI, Fault
from tests.conftest import ROOT
from tests.test_collect import corpus_days, corpus_papers

PAGE = (ROOT / "docs" / "writing.md").read_text(encoding="utf-8")
REPEATS = ROOT / "tests/corpus_fixable/cs.CV/2026/02/20260202.md"  # AD103 for months
OLD, NEW = Path("cs.CV/2026/05/20260507.md"), Path("cs.CV/2026/08/20260812.md")
OLD_BYTES = corpus_days("2026-05-07", "2026-05-07")[OLD]
NEW_BYTES = corpus_days("2026-08-12", "2026-08-12")[NEW]
JANUARY = Path("cs.CV/2026/01/20260109.md")
STRAY = Path("cs.CV/2026/05/.20260507.md.arxiv-digest-4242-k2j4l1x9.tmp")
# The CVPapers script's calendar.md for the days of 2026 that the corpus holds (January,
# February, May, August), before the job and after it: the same without August's month.
CALENDAR = (ROOT / "tests/calendars/cvpapers.md").read_text(encoding="utf-8").split("### 2025\n")[0]
AUGUST = CALENDAR[CALENDAR.index("##### August\n") : CALENDAR.index("##### May\n")]
CALENDAR_BEFORE = CALENDAR.replace(AUGUST, "")


def script() -> str:
    blocks: list[str] = re.findall(r"```sh\n(#!/bin/sh\n# digests\.sh.*?)```", PAGE, re.DOTALL)
    (block,) = blocks
    return block


def gitignore() -> str:
    blocks: list[str] = re.findall(r"```gitignore\n(.*?)```", PAGE, re.DOTALL)
    (block,) = blocks
    return block


def workflow_runs() -> list[str]:
    """The ``run:`` steps of the workflow, in order (a one-line value, or a ``|`` block)."""
    blocks: list[str] = re.findall(r"```yaml\n(name: digests\n.*?)```", PAGE, re.DOTALL)
    (block,) = blocks
    runs: list[str] = []
    lines = block.splitlines()
    for number, line in enumerate(lines):
        found = re.fullmatch(r"(\s*)- run: (.*)", line)
        if found is None:
            continue
        if found[2] != "|":
            runs.append(found[2])
            continue
        body = []
        for following in lines[number + 1 :]:
            if len(following) - len(following.lstrip()) <= len(found[1]) + 2:
                break
            body.append(following.strip())
        runs.append("\n".join(body) + "\n")
    return runs


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def archive(tmp_path: Path) -> Path:
    """A clone of an archive repository with three real days, and its bare remote."""
    remote, seed = tmp_path / "remote.git", tmp_path / "seed"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    days = {
        OLD: OLD_BYTES,
        Path("cs.CV/2026/02/20260202.md"): REPEATS.read_bytes(),
        JANUARY: corpus_days("2026-01-09", "2026-01-09")[JANUARY],
    }
    for path, data in days.items():
        (seed / path).parent.mkdir(parents=True, exist_ok=True)
        (seed / path).write_bytes(data)
    (seed / "calendar.md").write_text(CALENDAR_BEFORE, encoding="utf-8")
    (seed / "digests.sh").write_text(script())
    (seed / ".gitignore").write_text(gitignore())
    git(tmp_path, "init", "-q", "-b", "main", str(seed))
    git(seed, "add", ".")
    git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "The archive")
    git(seed, "remote", "add", "origin", str(remote))
    git(seed, "push", "-q", "origin", "main")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    # What a writer killed mid-write leaves (young, so the job's own run does not remove it).
    (clone / STRAY).write_bytes(OLD_BYTES[:100])
    return clone


def environment(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "ARXIV_DIGEST_API_URL": url,
        "ARXIV_DIGEST_DELAY": "0",
        "ARXIV_DIGEST_BACKOFF": "0.01",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def shell(command: list[str], clone: Path, url: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in the clone with the stand-in API in place of arXiv's."""
    env = environment(url)
    return subprocess.run(command, cwd=clone, env=env, capture_output=True, text=True, timeout=300)


def api() -> FakeArxivAPI:
    """The API on the day of the job: an empty first page, 2026-05-07 one paper short
    (the file has it), 2026-08-12 new, with one paper listed twice."""
    short = next(p.entry_id for p in parse_digest(OLD_BYTES.decode()).papers)
    repeated = next(p.entry_id for p in parse_digest(NEW_BYTES.decode()).papers)
    return FakeArxivAPI(
        corpus_papers(), faults={0: Fault.empty()}, missing=[short], repeated=[repeated]
    )


def landed(tmp_path: Path, clone: Path) -> None:
    """The commit is on the remote, with every paper of every day."""
    check = tmp_path / "check"
    git(tmp_path, "clone", "-q", str(tmp_path / "remote.git"), str(check))
    assert git(check, "log", "--format=%s").splitlines()[1:] == ["The archive"]
    assert git(check, "log", "-1", "--format=%s").startswith("arXiv digests, ")
    assert (check / OLD).read_bytes() == OLD_BYTES  # kept the paper the API did not return
    assert (check / NEW).read_bytes() == NEW_BYTES  # the repeat written once
    assert (check / "cs.CV/2026/02/20260202.md").read_bytes() == REPEATS.read_bytes()
    # The calendar as the archive's script writes it with the new day, committed with it.
    assert (check / "calendar.md").read_text(encoding="utf-8") == CALENDAR
    assert not (check / STRAY).exists()  # the temporary file of a killed run is not committed
    assert git(clone, "status", "--porcelain") == ""


def test_the_job_script_as_written_commits_every_paper(tmp_path: Path) -> None:
    clone = archive(tmp_path)
    git(clone, "config", "user.name", "job")
    git(clone, "config", "user.email", "job@example.org")
    with api().running() as server:
        done = shell(["sh", "digests.sh"], clone, server.url)
    assert done.returncode == 1, done.stderr  # the short day is reported
    lines = done.stderr.splitlines()
    assert all(line.startswith("arxiv-digest: ") for line in lines), done.stderr
    assert "arxiv-digest: 2026-05-07: kept 1 paper the API did not return" in lines
    assert lines[-1].startswith("arxiv-digest: error: 2026-04-30..2026-05-30: the arXiv API sent")
    assert "1 new, 0 updated, 1 unchanged" in done.stdout
    assert "Checked 1 file" in done.stdout + done.stderr
    assert "Wrote calendar.md (4 days)." in done.stdout
    landed(tmp_path, clone)


def test_the_workflow_steps_as_written_commit_every_paper(tmp_path: Path) -> None:
    install, *after = workflow_runs()
    assert len(after) == 2
    assert install.startswith(f"pip install {INSTALL_ARXIV.removeprefix('pip install ')} ")
    clone = archive(tmp_path)
    with api().running() as server:
        status = 0
        for run in after:
            status = status or shell(["bash", "-e", "-c", run], clone, server.url).returncode
    assert status == 1
    landed(tmp_path, clone)


def test_a_second_run_of_the_job_changes_nothing(tmp_path: Path) -> None:
    clone = archive(tmp_path)
    git(clone, "config", "user.name", "job")
    git(clone, "config", "user.email", "job@example.org")
    with FakeArxivAPI(corpus_papers()).running() as server:
        for _ in range(2):
            done = shell(["sh", "digests.sh"], clone, server.url)
            assert done.returncode == 0, done.stderr
    assert len(git(clone, "log", "--format=%s").splitlines()) == 2  # one commit, not two


@pytest.mark.parametrize(
    "path", ["README.md", *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "docs").glob("*.md")))]
)
def test_every_install_line_of_the_arxiv_extra_is_the_pinned_git_url(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    assert "'arxiv-digest[arxiv]'" not in text  # no such distribution on a package index
    for line in re.findall(r"pip install 'arxiv-digest\[arxiv\][^']*'", text):
        assert line == INSTALL_ARXIV


def test_the_install_line_names_this_version() -> None:
    assert INSTALL_ARXIV.endswith(f"@v{__version__}'")
