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
from typing import Any

import pytest

from tests.conftest import REAL, ROOT, TEXT, run

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


@case(
    "a file that cannot be written (`from-json`): permission denied, a full disk, a file where"
    " a folder must go, a symbolic link loop"
)
def _not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import tempfile

    good = run("to-json", str(REAL), "-q")[1].strip()
    out = tmp_path / "out"
    (out / "denied").mkdir(parents=True)
    (out / "file").write_text("x")
    (out / "loop").symlink_to("loop")
    lines = [
        good.replace('"path":"cs.CV/2023/03/20230311.md"', f'"path":"{where}/20230311.md"')
        for where in ("file", "loop", "denied")
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([*lines, good]) + "\n")
    real = tempfile.mkstemp

    def mkstemp(*args: Any, **options: Any) -> Any:
        if str(options.get("dir", "")).endswith("denied"):  # root writes anywhere: refused here
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(*args, **options)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    code, _, err = run("from-json", str(source), "-o", str(out))
    assert f"{out}/file/20230311.md: Not a directory; not written" in err
    assert f"{out}/loop/20230311.md: Too many levels of symbolic links; not written" in err
    assert f"{out}/denied/20230311.md: cannot create a file in the folder" in err
    assert err.endswith(": 1 written, 0 unchanged, 0 refused, 3 not written.\n")
    return [code]


@case("a file changed by another program since it was read (`fix`, `from-json --force`)")
def _changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import contextlib

    import arxiv_digest.files

    real = arxiv_digest.files.atomic_output

    @contextlib.contextmanager
    def racing(path: str, *args: object, **options: object):  # type: ignore[no-untyped-def]
        with real(path, *args, **options) as out:  # type: ignore[arg-type]
            yield out
            with open(path, "ab") as other:  # another program appends meanwhile
                other.write(b"theirs\n")

    fixable = ROOT / "tests/corpus_fixable/cs.CV/2026/02/20260202.md"
    path = digest_file(tmp_path / "a", fixable.read_bytes(), fixable.name)
    source = tmp_path / "in.jsonl"
    assert run("to-json", str(REAL), "-q", "-o", str(source))[0] == 0
    rebuilt = digest_file(tmp_path / "out/cs.CV/2023/03", b"older\n")
    monkeypatch.setattr(arxiv_digest.files, "atomic_output", racing)
    fixed, _, fix_err = run("fix", str(path))
    assert fix_err == (
        f"arxiv-digest: error: {path}: cannot fix: changed by another program since it was"
        " read; not replaced (40 problems not fixed)\n"
    )
    assert path.read_bytes() == fixable.read_bytes() + b"theirs\n"
    code, _, err = run("from-json", str(source), "-o", str(tmp_path / "out"), "--force")
    assert f"{rebuilt}: changed by another program since it was read; not replaced" in err
    assert rebuilt.read_bytes() == b"older\ntheirs\n"
    return [fixed, code]


@case("no output to write: every file left out (`to-json`, `to-parquet`)")
def _nothing_converted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    broken = digest_file(tmp_path / "c", BROKEN.encode())
    codes = []
    for command, name in (("to-json", "o.jsonl"), ("to-parquet", "o.parquet")):
        out = tmp_path / name
        out.write_bytes(b"good\n")
        code, _, err = run(command, str(broken), str(broken), "-o", str(out))
        assert (
            f"arxiv-digest: error: {out}: not written: none of the 2 files could be converted"
            " (see above); the file there is kept.\n"
        ) in err
        assert out.read_bytes() == b"good\n"
        codes.append(code)
    return codes


@case(
    "an output that cannot be written (`to-json`, `to-parquet`): a full disk, a file too large,"
    " permission denied"
)
def _output_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    # /dev/full refuses every write with ENOSPC, as a full disk does (a file too large, and
    # permission denied: tests/test_exit_status.py).
    codes = []
    for command in ("to-json", "to-parquet"):
        code, _, err = run(command, str(REAL), "-q", "-o", "/dev/full")
        assert err.startswith("arxiv-digest: error: /dev/full: ")
        assert "No space left on device" in err
        codes.append(code)
    return codes


@case("temporary files a killed run left (`check`)")
def _temporary_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    folder = tmp_path / "cs.CV/2023/03"
    digest_file(folder, REAL.read_bytes())
    left = folder / f".20230311.md.arxiv-digest-{os.getpid()}-k2j4l1x9.tmp"
    left.write_bytes(b"half")
    code, out, err = run("check", str(tmp_path))
    assert err.startswith("arxiv-digest: warning: 1 temporary file left by an interrupted run")
    assert err.endswith(f": {left}\n")
    assert out == "Checked 1 file: no problems found.\n"
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


@case("Ctrl-C / SIGTERM in the first tenth of a second, while the command starts")
def _interrupted_early(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from tests.test_early_signals import caught_signals

    codes = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "arxiv-digest"), "check", str(REAL)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while not caught_signals(process.pid) & (1 << (signal.SIGTERM - 1)):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.0005)
        process.send_signal(signum)  # as soon as it can handle it: it is still importing
        _, err = process.communicate(timeout=60)
        assert err == (b"arxiv-digest: interrupted\n" if signum == signal.SIGINT else b"")
        codes.append(process.returncode)
    return codes


@case("a bug in arxiv-digest")
def _bug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import arxiv_digest.checks

    def broken(path: object, record: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(arxiv_digest.checks, "_check_text", broken)  # what check runs per file
    code, _, err = run("check", str(REAL))
    assert err.startswith("arxiv-digest: internal error (this is a bug in arxiv-digest;")
    return [code]


@case(
    "a term that cannot be used (`select`): a `re:` pattern that does not compile, an unclosed"
    " quote, no word"
)
def _select_terms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    codes = []
    for term in ("re:(", '"open', '""'):
        out = tmp_path / "out.md"
        code, _, err = run("select", str(REAL), "--match", term, "-o", str(out))
        assert "Error: " in err and not out.exists()
        codes.append(code)
    return codes


@case("a damaged `--seen` state file (`select`)")
def _select_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    state, out = tmp_path / "seen.tsv", tmp_path / "out.md"
    state.write_text("2303.06250 1\n", encoding="utf-8")
    code, _, err = run("select", str(REAL), "--seen", str(state), "-o", str(out))
    assert err.startswith(f"arxiv-digest: error: {state}:1: damaged state file")
    assert not out.exists()
    return [code]


@case(
    "a config file that cannot be used (`select --config`): not TOML, an unknown key, a value"
    " of the wrong type"
)
def _select_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    codes = []
    config = tmp_path / "interests.toml"
    for text in ("match = [\n", "mach = 'x'\n", "jobs = 0\n"):
        config.write_text(text, encoding="utf-8")
        code, _, err = run("select", str(REAL), "--config", str(config))
        assert err.startswith(f"arxiv-digest: error: {config}: ")
        codes.append(code)
    return codes


@case("a file that does not parse (`select`)")
def _select_broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    broken = digest_file(tmp_path / "c", BROKEN.encode())
    code, out, err = run("select", str(broken), str(REAL), "--match", "ReBound")
    assert err.startswith(f"arxiv-digest: error: {broken}:")
    assert out.count("\n- [") == 1  # the other file's paper
    return [code]


@case(
    "a day that cannot be written (`select --format digest`): a broken day file already in OUT,"
    " a header label that is no folder name"
)
def _select_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    out = tmp_path / "out"
    day = digest_file(out / "cs.CV/2023/03", b"# broken\n")
    code, _, err = run("select", str(REAL), "--format", "digest", "-o", str(out))
    assert err.startswith(f"arxiv-digest: error: {day}:1:") and day.read_bytes() == b"# broken\n"
    odd = digest_file(tmp_path / "odd", TEXT.replace(" cs.CV on ", " .. on ", 1).encode())
    other, _, err = run("select", str(odd), "--format", "digest", "-o", str(out))
    assert "the header label '..' cannot be a folder name" in err
    return [code, other]


# ------------------------------------------------------------------ collect, on the stand-in API


def _collect(archive: Path, url: str, *extra: str) -> tuple[int, str, str]:
    from tests.test_collect_faults import FIRST, LAST

    where = ["-o", str(archive), "--api-url", url, "--delay", "0", "--page-size", "50"]
    waits = ["--backoff", "0.01", "--timeout", "0.5", "--retries", "2"]
    return run("collect", "cs.CV", "--from", FIRST, "--to", LAST, *where, *waits, *extra)


@case(
    "`collect`: a fault the retries get over (HTTP 429 or 5xx, network, timeout, a page that is"
    " not whole XML or has an entry without a well-formed `<published>`, an answer that does"
    " not add up)"
)
def _collect_recovered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from tests.arxiv_api import FakeArxivAPI, Fault
    from tests.test_collect import corpus_papers

    faults = {0: Fault.status(503), 1: Fault.truncated(), 2: Fault.total(0)}
    with FakeArxivAPI(corpus_papers(), faults=faults).running() as api:
        code, _, err = _collect(tmp_path, api.url)
    assert err.startswith("arxiv-digest: HTTP 503 from the arXiv API; retry 1 of 2 in 0.01 s\n")
    assert "; asking for the whole range again, 1 of 2 in 0.01 s\n" in err
    return [code]


@case("`collect`: a day's file held papers the API did not return (without, then with `--strict`)")
def _collect_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from tests.arxiv_api import FakeArxivAPI
    from tests.test_collect import corpus_papers
    from tests.test_collect_faults import GONE, on_disk

    served = [p for p in corpus_papers() if p.entry_id != GONE]
    with FakeArxivAPI(served).running() as api:
        codes = [_collect(on_disk(tmp_path), api.url, *extra)[0] for extra in ((), ("--strict",))]
        assert _collect(tmp_path, api.url)[2] == (
            "arxiv-digest: 2025-08-21: kept 1 paper the API did not return\n"
        )
    return codes


@case("`collect`: a range still short after the retries")
def _collect_short(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from tests.arxiv_api import FakeArxivAPI
    from tests.test_collect import corpus_papers
    from tests.test_collect_faults import GONE

    with FakeArxivAPI(corpus_papers(), missing=[GONE]).running() as api:
        code, _, err = _collect(tmp_path, api.url)
    assert err.endswith(
        "arxiv-digest: error: 2025-08-01..2025-08-31: the arXiv API sent 184 of the 185 papers it"
        " holds; its days were written keeping every paper their files held\n"
    )
    return [code]


@case("`collect`: a range still empty though the archive shows it had papers")
def _collect_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from tests.arxiv_api import FakeArxivAPI, Fault
    from tests.test_collect import corpus_papers
    from tests.test_collect_faults import on_disk

    faults = dict.fromkeys(range(5), Fault.empty())
    with FakeArxivAPI(corpus_papers(), faults=faults).running() as api:
        code, _, err = _collect(on_disk(tmp_path), api.url)
    assert err.endswith(
        "arxiv-digest: error: the arXiv API returned no papers for 2025-08-01..2025-08-31, which"
        " had papers; nothing written\n"
    )
    return [code]


@case("`collect`: a day not written")
def _collect_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from tests.arxiv_api import FakeArxivAPI
    from tests.test_collect import corpus_papers

    (tmp_path / "cs.CV/2025/08").mkdir(parents=True)
    os.mkfifo(tmp_path / "cs.CV/2025/08/20250821.md")
    with FakeArxivAPI(corpus_papers()).running() as api:
        code, _, err = _collect(tmp_path, api.url)
    assert err == (
        f"arxiv-digest: error: {tmp_path}/cs.CV/2025/08/20250821.md: not written: is a FIFO,"
        " not a regular file; not replaced\n"
    )
    return [code]


@case("`collect`: the API unusable after the retries")
def _collect_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from tests.arxiv_api import FakeArxivAPI

    with FakeArxivAPI((), faults=dict.fromkeys(range(5), 503)).running() as api:
        code, _, err = _collect(tmp_path, api.url)
    assert err.endswith(
        "arxiv-digest: error: HTTP 503 from the arXiv API; gave up after 2 retries\n"
    )
    return [code]


@case(
    "`collect`: a category that is not arXiv's, `-o` naming the category folder, `--to` after today"
)
def _collect_usage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    day = ["--from", "2025-08-01", "--to", "2025-08-01"]
    codes = []
    for argv, words in (
        (
            ["cs.cv", *day, "-o", str(tmp_path)],
            "not an arXiv category: 'cs.cv' (did you mean cs.CV?)",
        ),
        (["cs.CV", *day, "-o", str(tmp_path / "cs.CV")], "is the cs.CV folder itself"),
        (
            ["cs.CV", "--from", "2025-08-01", "--to", "2999-01-01", "-o", str(tmp_path)],
            "after today",
        ),
    ):
        code, _, err = run("collect", *argv)
        assert words in err
        codes.append(code)
    return codes


@case("`collect` without the `arxiv` package")
def _collect_no_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from arxiv_digest.errors import INSTALL_ARXIV

    monkeypatch.setitem(sys.modules, "arxiv", None)
    code, _, err = run(
        "collect", "cs.CV", "--from", "2025-08-01", "--to", "2025-08-01", "-o", str(tmp_path)
    )
    assert err == f"arxiv-digest: error: collect needs the arxiv package: {INSTALL_ARXIV}\n"
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
