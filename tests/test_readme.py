"""The README's two commands as a newcomer runs them, and what they promise.

The first installs arxiv-digest alone and converts the shipped archive; the second installs
the test extras and runs the tests, and is what CI runs.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS_FILES, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> list[list[list[str]]]:
    """The README's ``sh`` blocks of "Start here", each as its ``&&``-chained commands."""
    start = README.split("## Start here", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)\n```", start, flags=re.DOTALL)
    return [[shlex.split(part) for part in block.split(" && ")] for block in blocks]


def test_the_first_command_installs_the_package_alone_and_runs_the_main_job(
    tmp_path: Path,
) -> None:
    venv, install, convert = commands()[0]
    assert venv == ["python3", "-m", "venv", ".venv"]
    # The package alone: no extras, no test tools.
    assert install in ([".venv/bin/pip", "install", "-e", "."], [".venv/bin/pip", "install", "."])
    assert convert[:2] == [".venv/bin/arxiv-digest", "to-json"]

    # Run it where the README is run, at the top of a clone (here: tests/ of this checkout).
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    installed = Path(sys.executable).parent / "arxiv-digest"
    result = subprocess.run(
        [str(installed), *convert[1:]], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    written = tmp_path / convert[convert.index("-o") + 1]
    assert len(written.read_bytes().splitlines()) == len(CORPUS_FILES)
    assert re.fullmatch(
        rf"Converted {len(CORPUS_FILES)} files \(\d+ papers, \d+\.\d MB\) in \d+\.\d\d s\.\n",
        result.stderr,
    )

    # ... and git does not offer to commit what it wrote.
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    ignored = subprocess.run(["git", "check-ignore", "-q", written.name], cwd=tmp_path)
    assert ignored.returncode == 0


def test_the_second_command_runs_the_tests_and_is_what_ci_runs() -> None:
    install, tests = commands()[1]
    assert install == [".venv/bin/pip", "install", "-e", ".[test]"]
    assert tests == [".venv/bin/python", "-m", "pytest"]
    second = README.split("## Start here", 1)[1].split("```sh\n")[2].split("\n```")[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert second in ci


def test_supported_pythons_agree() -> None:
    assert "arxiv-digest runs on Python 3.10 to 3.13." in README
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'requires-python = ">=3.10"' in pyproject
    versions = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', pyproject)
    assert versions == ["3.10", "3.11", "3.12", "3.13"]
    assert sys.version_info[:2] >= (3, 10)


def test_the_readme_names_the_library_and_the_changelog() -> None:
    library = README.split("## The library", 1)[1].split("\n## ", 1)[0]
    for name in ("parse_digest(", "serialize_digest(", "write_digest(", "iter_papers("):
        assert name in library
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n")
    assert "keepachangelog.com" in changelog
    assert "\n## [Unreleased]\n" in changelog


def test_what_the_readme_says_of_dependencies_and_outputs_is_true() -> None:
    # Issue 20: "six small dependencies" for five; papers.parquet not ignored.
    words = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # no tomllib on 3.10
    block = re.search(r"^dependencies = \[\n(.*?)^\]", pyproject, re.M | re.S)
    assert block is not None
    every = re.findall(r'^    "([a-z]+)[^"]*"', block[1], re.M)
    on_all = re.findall(r'^    "([a-z]+)[^";]*"', block[1], re.M)  # no "; python_version"
    said = f"the command, {words[len(on_all) - 1]} small dependencies"
    said += "".join(f", and {name} on Python 3.10" for name in every if name not in on_all)
    assert f"{said})" in " ".join(README.split())
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    started = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    outputs = re.findall(r"^\.venv/bin/arxiv-digest \S+ tests/corpus .*?-o (\S+)", started, re.M)
    assert len(outputs) == 3
    for output in outputs:
        assert f"/{output}" in ignored, output
