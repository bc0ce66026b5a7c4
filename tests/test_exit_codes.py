"""The exit codes as documented: the table of docs/errors.md, read and run row by row.

Each row's situation names a case below, which runs it the way a user would and returns the
exit status of each command it covers. A row added to the table needs a case here; a case
whose row is gone fails too, so the table and the code cannot drift apart.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from arxiv_digest.cli import main
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parent.parent
REAL = CORPUS / "cs.CV/2023/03/20230311.md"
TEXT = REAL.read_text(encoding="utf-8")
BROKEN = TEXT.replace("- **DOI**: None\n", "", 1)


def documented() -> list[tuple[str, list[int]]]:
    """``(situation, exit statuses)`` of each row of the table under "In the command"."""
    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    section = page.split("\n## In the command\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith("| situation |"):
            continue
        cells = line[2:-2].split(" | ")
        assert len(cells) == 3, line
        rows.append((cells[0], [int(code) for code in cells[2].split("/")]))
    return rows


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def digest_file(folder: Path, data: bytes, name: str = "20230311.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


Case = Callable[[Path, pytest.MonkeyPatch], list[int]]
CASES: dict[str, Case] = {}


def case(situation: str) -> Callable[[Case], Case]:
    def register(function: Case) -> Case:
        CASES[situation] = function
        return function

    return register


@case("findings (`check`)")
def _findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    code, out, _ = run("check", str(digest_file(tmp_path, BROKEN.encode())))
    assert ": AD001 expected the DOI line" in out
    return [code]


def _not_digests(tmp_path: Path) -> list[Path]:
    """A file that is not UTF-8, UTF-16 text, and to-json's own output."""
    not_utf8 = digest_file(tmp_path / "a", TEXT.encode().replace(b"ReBound", b"Re\xe9Bound", 1))
    utf16 = digest_file(tmp_path / "b", TEXT.encode("utf-16"))
    as_json = tmp_path / "corpus.jsonl"
    assert run("to-json", str(REAL), "-q", "-o", str(as_json))[0] == 0
    return [not_utf8, utf16, as_json]


@case("a file that is not UTF-8, is UTF-16 text, or is JSON (`check`)")
def _not_digests_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    codes = []
    for path, words in zip(_not_digests(tmp_path), ("not UTF-8", "UTF-16", "JSON")):
        code, out, _ = run("check", str(path))
        assert f"{path}:" in out and words in out
        codes.append(code)
    return codes


@case(
    "a file that does not parse, is not UTF-8, is UTF-16 text, or is JSON (`to-json`, `to-parquet`)"
)
def _not_digests_to_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import pyarrow.parquet as pq

    broken = digest_file(tmp_path / "c", BROKEN.encode())
    codes = []
    for path in [broken, *_not_digests(tmp_path)]:
        out = tmp_path / "out.jsonl"
        code, _, err = run("to-json", str(path), str(REAL), "-o", str(out))
        assert err.startswith(f"arxiv-digest: error: {path}:")
        assert len(out.read_bytes().splitlines()) == 1  # the other file is converted
        codes.append(code)
        table = tmp_path / "out.parquet"
        code, _, err = run("to-parquet", str(path), str(REAL), "-o", str(table))
        assert err.startswith(f"arxiv-digest: error: {path}:")
        assert pq.read_table(table).num_rows == TEXT.count("\n### ")  # the other file's papers
        codes.append(code)
    return codes


@case(
    "a line that cannot be written (`from-json`): malformed JSON, a value the model rejects, a"
    " path that leaves DIR or holds a NUL, a directory or a FIFO at the target"
)
def _malformed_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    good = run("to-json", str(REAL), "-q")[1].strip()
    out = tmp_path / "out"
    (out / "dir.md").mkdir(parents=True)
    os.mkfifo(out / "fifo.md")
    (out / "link").symlink_to(tmp_path, target_is_directory=True)
    lines = [
        "{not json",
        good.replace('"Wesley Chen"', '"Wesley\\nChen"'),
        good.replace('"path":"cs.CV/2023/03/20230311.md"', '"path":"link/20230311.md"'),
        good.replace('"path":"cs.CV/2023/03/20230311.md"', '"path":"a\\u0000.md"'),
        good.replace('"path":"cs.CV/2023/03/20230311.md"', '"path":"dir.md"'),
        good.replace('"path":"cs.CV/2023/03/20230311.md"', '"path":"fifo.md"'),
        good,
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    code, _, err = run("from-json", str(source), "-o", str(out))
    problems = err.splitlines()[:-1]
    assert [p.split(": ")[2] for p in problems] == [f"{source}:{n}" for n in range(1, 7)]
    assert (out / "cs.CV/2023/03/20230311.md").read_text() == TEXT  # the last line is written
    return [code]


@case("`from-json` given `to-json --flat` output, a `--format json` array or a Markdown digest")
def _wrong_shape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    codes = []
    for options in (["--flat"], ["--format", "json"]):
        source = tmp_path / "in.json"
        assert run("to-json", str(REAL), "-q", *options, "-o", str(source))[0] == 0
        code, _, err = run("from-json", str(source), "-o", str(tmp_path / "out"))
        assert err.count("\n") == 1
        codes.append(code)
    code, _, err = run("from-json", str(REAL), "-o", str(tmp_path / "out"))
    assert err == (
        f"arxiv-digest: error: {REAL}: this is a digest Markdown file; from-json reads the JSON"
        " Lines that to-json writes\n"
    )
    assert not (tmp_path / "out").exists()
    return [*codes, code]


@case("an existing different file (`from-json` without `--force`)")
def _different_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    source = tmp_path / "in.jsonl"
    assert run("to-json", str(REAL), "-q", "-o", str(source))[0] == 0
    digest_file(tmp_path / "out/cs.CV/2023/03", b"mine\n")
    code, _, err = run("from-json", str(source), "-o", str(tmp_path / "out"))
    assert "exists and differs; not overwritten (use --force)" in err
    return [code]


@case("files changed, or problems left (`fix`)")
def _fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    fixable = ROOT / "tests/corpus_fixable/cs.CV/2026/02/20260202.md"
    changed = digest_file(tmp_path / "a", fixable.read_bytes(), fixable.name)
    code, out, _ = run("fix", str(changed))
    assert " fixed: " in out and changed.read_bytes() != fixable.read_bytes()
    broken = digest_file(tmp_path / "b", BROKEN.encode())
    left, out, _ = run("fix", str(broken))
    assert ": AD001 expected the DOI line" in out and broken.read_bytes() == BROKEN.encode()
    return [code, left]


@case("a file that cannot be read or rewritten (`fix`)")
def _not_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    path = tmp_path / "20230311.md"
    path.symlink_to("/proc/self/mem")  # reading it fails with EIO, even for root
    code, _, err = run("fix", str(path))
    assert err == f"arxiv-digest: error: {path}: cannot fix: Input/output error\n"
    return [code]


@case("a path that does not exist")
def _missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    missing = str(tmp_path / "nope.md")
    codes = []
    for args in (
        ["check", missing],
        ["to-json", missing, "-o", str(tmp_path / "o.jsonl")],
        ["to-parquet", missing, "-o", str(tmp_path / "o.parquet")],
    ):
        code, _, err = run(*args)
        assert f"arxiv-digest: error: {missing}: no such file or directory\n" in err
        codes.append(code)
    assert not (tmp_path / "o.jsonl").exists()
    assert not (tmp_path / "o.parquet").exists()
    codes.append(run("from-json", missing, "-o", str(tmp_path / "out"))[0])
    codes.append(run("fix", missing)[0])
    return codes


@case("two files that would have the same `path` in the output (`to-json`, `to-parquet`)")
def _same_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    codes = []
    for name in ("a", "b"):
        digest_file(tmp_path / name / "cs.CV/2023/03", TEXT.encode())
    for command, output in (("to-json", "o.jsonl"), ("to-parquet", "o.parquet")):
        target = tmp_path / output
        code, _, err = run(
            command, str(tmp_path / "a/cs.CV"), str(tmp_path / "b/cs.CV"), "-o", str(target)
        )
        assert "would both be 'cs.CV/2023/03/20230311.md' in the output" in err
        assert not target.exists()
        codes.append(code)
    return codes


@case("a directory with no digest in it")
def _nothing_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    digest_file(tmp_path / "archive", b"# An archive\n", "README.md")
    codes = []
    for args in (
        ["check"],
        ["to-json", "-o", str(tmp_path / "o.jsonl")],
        ["to-parquet", "-o", str(tmp_path / "o.parquet")],
        ["fix"],
    ):
        code, _, err = run(*args, str(tmp_path / "archive"))
        assert "no digest found: looked for files named YYYYMMDD.md" in err
        codes.append(code)
    assert not (tmp_path / "o.jsonl").exists()
    assert not (tmp_path / "o.parquet").exists()
    return codes


@case("a file that cannot be read (permissions, I/O error, a symbolic link loop)")
def _unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    path = tmp_path / "20230311.md"
    path.symlink_to("/proc/self/mem")  # reading it fails with EIO, even for root
    codes = []
    for args in (
        ["check"],
        ["to-json", "-o", str(tmp_path / "o.jsonl")],
        ["to-parquet", "-o", str(tmp_path / "o.parquet")],
    ):
        code, _, err = run(*args, str(path), str(REAL))
        assert f"arxiv-digest: error: {path}: cannot read: Input/output error" in err
        codes.append(code)
    return codes


@case("an output path that is a directory")
def _output_is_a_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    code, _, err = run("to-json", str(REAL), "-o", str(tmp_path))
    assert err == f"arxiv-digest: error: {tmp_path}: Is a directory\n"
    return [code]


@case("an output folder that does not exist")
def _output_folder_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    out = tmp_path / "nodir" / "x.jsonl"
    code, _, err = run("to-json", str(REAL), "-o", str(out))
    assert err == f"arxiv-digest: error: {out}: the output folder {out.parent} does not exist\n"
    return [code]


@case("pyarrow not installed (`to-parquet`)")
def _no_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # what an absent package looks like
    out = tmp_path / "o.parquet"
    code, _, err = run("to-parquet", str(REAL), "-o", str(out))
    assert "pip install 'arxiv-digest[parquet]'" in err
    assert not out.exists()
    return [code]


@case("a bad option or argument")
def _usage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return [
        run(*args)[0]
        for args in (
            ["check"],
            ["check", "--format", "xml", str(REAL)],
            ["check", "--select", "XX9", str(REAL)],
            ["to-json", "--jobs", "0", str(REAL)],
            ["from-json", "-o", str(tmp_path)],
            ["nonsense"],
        )
    ]


@case("Ctrl-C / SIGTERM")
def _interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    codes = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        # check waits on a FIFO for bytes that never come: a run that is under way.
        fifo = tmp_path / str(signum) / "20230311.md"
        fifo.parent.mkdir()
        os.mkfifo(fifo)
        command = [sys.executable, "-m", "arxiv_digest", "check", str(fifo)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while True:  # the FIFO opens for writing once the command has opened it to read
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as error:
                assert error.errno == errno.ENXIO
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.01)
        # Signal once it waits in read(): a signal that lands between open() and read() is
        # handled before the read starts, which then waits for ever (a race of the test's
        # making: a person's Ctrl-C comes while the command waits).
        # Linux names the wait in /proc (pipe_read, anon_pipe_read); elsewhere, wait a little.
        wchan, waited = Path(f"/proc/{process.pid}/wchan"), time.monotonic() + 2
        while time.monotonic() < waited and not (
            wchan.exists() and wchan.read_text().endswith("pipe_read")
        ):
            assert process.poll() is None
            time.sleep(0.01)
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
        os.close(writer)
        interrupted = (
            b"arxiv-digest: interrupted after checking 0 of 1 file (the findings so far are"
            b" above)\n"
        )
        assert err == (interrupted if signum == signal.SIGINT else b"")
        codes.append(process.returncode)
    return codes


@case("a bug in arxiv-digest")
def _bug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import arxiv_digest.checks

    def broken(path: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(arxiv_digest.checks, "check_file", broken)
    code, _, err = run("check", str(REAL))
    assert err.startswith("arxiv-digest: internal error (this is a bug in arxiv-digest;")
    return [code]


ROWS = documented()


@pytest.mark.parametrize(("situation", "exits"), ROWS, ids=[row[0] for row in ROWS])
def test_each_documented_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, situation: str, exits: list[int]
) -> None:
    assert situation in CASES, f"docs/errors.md has a row with no case here: {situation!r}"
    codes = CASES[situation](tmp_path, monkeypatch)
    assert codes == (exits * len(codes) if len(exits) == 1 else exits)


def test_every_case_is_a_documented_row() -> None:
    assert len(ROWS) >= 10
    assert sorted(CASES) == sorted(situation for situation, _ in ROWS)


def test_the_help_says_the_same() -> None:
    cli = " ".join((ROOT / "docs" / "cli.md").read_text(encoding="utf-8").split())
    assert (
        "**1** the input has problems: findings (check), files that do not parse (to-json: left"
        " out; this includes bytes that are not UTF-8, UTF-16 text and JSON)"
    ) in cli
    assert (
        "**2** usage or I/O error: a bad option, a path that does not exist, a directory with no"
        " `YYYYMMDD.md` file in it, a file that cannot be read, an output that cannot be written"
    ) in cli
    _, check_help, _ = run("check", "--help")
    assert "Exit status: 0 clean; 1 findings; 2 usage or I/O error" in check_help
    _, to_json_help, _ = run("to-json", "--help")
    assert "Exit status: 0 all converted; 1 broken files left out; 2 usage or I/O error" in (
        to_json_help
    )
