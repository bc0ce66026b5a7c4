"""The daily job of docs/writing.md, run as written, and the install line wherever it appears.

``digests.sh`` and the GitHub Actions workflow's ``run:`` steps (after the install, which
needs the network) are taken from the page and run by the shell in a clone of a git
repository of real days whose remote is a local bare repository, with ``arxiv-digest`` on
PATH and the stand-in API of ``tests/arxiv_api.py`` in place of arXiv's (through
``ARXIV_DIGEST_API_URL``; the waits shortened through ``ARXIV_DIGEST_DELAY`` and
``ARXIV_DIGEST_BACKOFF``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from arxiv_digest import __version__, parse_digest
from arxiv_digest.errors import INSTALL_ARXIV
from tests.arxiv_api import FakeArxivAPI, Fault
from tests.test_collect import corpus_days, corpus_papers

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "writing.md").read_text(encoding="utf-8")
REPEATS = ROOT / "tests/corpus_fixable/cs.CV/2026/02/20260202.md"  # AD103 for months
OLD, NEW = Path("cs.CV/2026/05/20260507.md"), Path("cs.CV/2026/08/20260812.md")
OLD_BYTES = corpus_days("2026-05-07", "2026-05-07")[OLD]
NEW_BYTES = corpus_days("2026-08-12", "2026-08-12")[NEW]


def script() -> str:
    blocks: list[str] = re.findall(r"```sh\n(#!/bin/sh\n# digests\.sh.*?)```", PAGE, re.DOTALL)
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
    for path, data in ((OLD, OLD_BYTES), (Path("cs.CV/2026/02/20260202.md"), None)):
        (seed / path).parent.mkdir(parents=True, exist_ok=True)
        if data is None:
            shutil.copy(REPEATS, seed / path)
        else:
            (seed / path).write_bytes(data)
    (seed / "digests.sh").write_text(script())
    git(tmp_path, "init", "-q", "-b", "main", str(seed))
    git(seed, "add", ".")
    git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "The archive")
    git(seed, "remote", "add", "origin", str(remote))
    git(seed, "push", "-q", "origin", "main")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
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
