"""The pre-commit set-ups of docs/pre-commit.md, taken from the page and run with pre-commit.

Each snippet is run as a user's ``.pre-commit-config.yaml`` in a throwaway archive repository:
a clean digest passes, a broken one stops the run with its line and column.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REAL, ROOT

DIGEST = "cs.CV/2023/03/20230311.md"


def snippet(kind: str) -> str:
    """The page's YAML block with a ``local`` repo (``kind="local"``), or the other one."""
    page = (ROOT / "docs" / "pre-commit.md").read_text(encoding="utf-8")
    blocks: list[str] = re.findall(r"```yaml\n(.*?)```", page, flags=re.DOTALL)
    chosen = [b for b in blocks if ("repo: local" in b) == (kind == "local")]
    assert len(chosen) == 1, blocks
    return chosen[0]


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return result.stdout.strip()


def archive(tmp_path: Path, config: str) -> Path:
    """A digest archive's repository with ``config`` as its .pre-commit-config.yaml."""
    repo = tmp_path / "archive"
    (repo / "cs.CV/2023/03").mkdir(parents=True)
    shutil.copy(REAL, repo / DIGEST)
    (repo / "README.md").write_text("# An archive\n")  # not a digest: never checked
    (repo / ".pre-commit-config.yaml").write_text(config)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    return repo


def pre_commit(repo: Path, tmp_path: Path, path: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": path,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    command = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env)


def passes_then_stops_a_broken_digest(repo: Path, tmp_path: Path, path: str) -> None:
    clean = pre_commit(repo, tmp_path, path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    for hook in ("fix", "check"):
        assert re.search(rf"^arxiv-digest {hook}\.+Passed$", clean.stdout, flags=re.MULTILINE)

    text = REAL.read_text(encoding="utf-8")
    (repo / DIGEST).write_text(text.replace("- **DOI**: None\n", "", 1), encoding="utf-8")
    git(repo, "add", ".")
    broken = pre_commit(repo, tmp_path, path)
    assert broken.returncode == 1
    assert re.search(r"^arxiv-digest check\.+Failed$", broken.stdout, flags=re.MULTILINE)
    assert f"{DIGEST}:4:1: AD001 expected the DOI line, found the Categories line" in (
        broken.stdout
    )
    assert "README.md" not in broken.stdout
    # Printed once, by the check hook: the fix hook reports only what it fixed (issue 20).
    assert broken.stdout.count("AD001 expected the DOI line") == 1
    assert (
        "Found 1 problem in 1 of 1 file checked in this batch (pre-commit may pass the files in"
        " several)." in broken.stdout
    )


def shipped_hook_line(hook: str, key: str) -> str:
    """A line of ``hook``'s entry in .pre-commit-hooks.yaml."""
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    entry = re.search(rf"^- id: {hook}\n((?:  .*\n)+)", hooks, flags=re.MULTILINE)
    assert entry is not None
    line = re.search(rf"^  {key}: (.*)$", entry[1], flags=re.MULTILINE)
    assert line is not None
    return line[1]


def test_local_hook_runs_the_installed_command(tmp_path: Path) -> None:
    config = snippet("local")
    hooks = re.findall(r"^      - id: (\S+).*\n((?:        .*\n)+)", config, flags=re.MULTILINE)
    assert [hook for hook, _ in hooks] == ["arxiv-digest-fix", "arxiv-digest-check"]
    for hook, lines in hooks:  # the same files as the hooks arxiv-digest ships
        for key in ("files", "types"):
            assert f"        {key}: {shipped_hook_line(hook, key)}\n" in lines
        assert f"        entry: {shipped_hook_line(hook, 'entry')}\n" in lines
    repo = archive(tmp_path, config)
    installed = str(Path(sys.executable).parent)  # where `arxiv-digest` is, as after pip install
    path = installed + os.pathsep + os.environ["PATH"]
    passes_then_stops_a_broken_digest(repo, tmp_path, path)

    # What fix repairs: an exact repeat is dropped, the run stops; staged again, it passes.
    text = REAL.read_text(encoding="utf-8")
    start = text.index("\n### ") + 1
    block = text[start : text.index("\n### ", start) + 1]
    (repo / DIGEST).write_text(text[:start] + block + text[start:], encoding="utf-8")
    git(repo, "add", ".")
    fixed = pre_commit(repo, tmp_path, path)
    assert fixed.returncode == 1
    assert "files were modified by this hook" in fixed.stdout
    assert (repo / DIGEST).read_bytes() == REAL.read_bytes()
    git(repo, "add", ".")
    assert pre_commit(repo, tmp_path, path).returncode == 0


def test_local_hook_without_the_command_says_so(tmp_path: Path) -> None:
    git_only = tmp_path / "bin"  # a PATH with git and no arxiv-digest
    git_only.mkdir()
    found = shutil.which("git")
    if found is None:
        pytest.fail("git is needed to run pre-commit")
    (git_only / "git").symlink_to(found)
    result = pre_commit(archive(tmp_path, snippet("local")), tmp_path, str(git_only))
    assert result.returncode == 1
    assert "Executable `arxiv-digest` not found" in result.stdout


def test_hook_from_a_clone_pinned_to_a_commit(tmp_path: Path) -> None:
    clone = tmp_path / "clone"  # the user's clone of arxiv-digest: this checkout, committed
    shutil.copytree(
        ROOT,
        clone,
        ignore=shutil.ignore_patterns(".venv", ".git", "*cache*", "dist", "site", "*.egg-info"),
    )
    git(clone, "init", "-q")
    git(clone, "add", ".")
    git(clone, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "arxiv-digest")
    commit = git(clone, "rev-parse", "HEAD")

    config = snippet("clone")
    config, urls = re.subn(r"(?m)^(  - repo: )\S+", rf"\g<1>{clone}", config)
    config, revs = re.subn(r"(?m)^(    rev: )[0-9a-f]{40}\b", rf"\g<1>{commit}", config)
    assert (urls, revs) == (1, 1), config
    repo = archive(tmp_path, config)
    passes_then_stops_a_broken_digest(repo, tmp_path, os.environ["PATH"])
