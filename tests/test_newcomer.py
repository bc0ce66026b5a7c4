"""What a newcomer meets (issue 11): each case as the user runs it, and what they see."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from arxiv_digest import DigestSyntaxError, parse_digest, write_digest
from tests.conftest import CORPUS, CORPUS_FILES, REAL, TEXT, run

LOOKED_FOR = "looked for files named YYYYMMDD.md (eight digits, like 20230311.md)"


# ------------------------------------------------------------ 1. nothing found is not success


def test_check_on_a_folder_without_digests(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# An archive\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes/calendar.md").write_text("# March\n")
    (tmp_path / "notes/2023-03-11.md").write_bytes(REAL.read_bytes())  # the wrong name
    code, out, err = run("check", str(tmp_path))
    assert code == 2
    assert err == (
        f"arxiv-digest: error: {tmp_path}: no digest found: {LOOKED_FOR}; skipped 3 files with"
        " other names (README.md, 2023-03-11.md, calendar.md)\n"
    )
    assert out == "Checked 0 files (3 skipped); 1 error (see above): not everything was checked.\n"
    assert "no problems found" not in out


def test_check_on_an_empty_folder_beside_a_good_one(tmp_path: Path) -> None:
    code, out, err = run("check", str(tmp_path), str(REAL))
    assert code == 2
    assert err == (
        f"arxiv-digest: error: {tmp_path}: no digest found: {LOOKED_FOR};"
        " the directory holds no files\n"
    )
    assert out == "Checked 1 file; 1 error (see above): not everything was checked.\n"
    code, out, _ = run("check", "--format", "json", str(tmp_path))
    document = json.loads(out)
    assert (code, document["checked"], len(document["errors"])) == (2, 0, 1)
    assert "no digest found" in document["errors"][0]


def test_to_json_on_a_folder_without_digests_writes_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "README.md").write_text("# An archive\n")
    out = tmp_path / "out.jsonl"
    code, stdout, err = run("to-json", str(archive), "-o", str(out))
    assert (code, stdout) == (2, "")
    assert err == (
        f"arxiv-digest: error: {archive}: no digest found: {LOOKED_FOR}; skipped 1 file with"
        f" another name (README.md)\nNothing converted ({out} not written).\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive"]  # no output, no temporary
    out.write_text("previous\n")  # an existing output is left as it was
    assert run("to-json", str(archive), str(REAL), "-o", str(out), "--quiet")[0] == 2
    assert out.read_text() == "previous\n"
    code, stdout, err = run("to-json", str(archive), "-q")  # stdout: nothing written either
    assert (code, stdout) == (2, "")
    assert err.count("\n") == 1


def test_dask_conversion_says_what_it_did_not_find(tmp_path: Path) -> None:
    from arxiv_digest.scaleout import convert_with_dask

    (tmp_path / "empty").mkdir()
    written, errors = convert_with_dask([tmp_path / "empty", tmp_path / "nope"], tmp_path / "out")
    assert written == []
    assert errors == [
        f"{tmp_path / 'nope'}: no such file or directory",
        f"{tmp_path / 'empty'}: no digest found: {LOOKED_FOR}; the directory holds no files",
    ]


# ------------------------------------------------------------ 2. the summary tells the truth


def test_check_summary_with_a_missing_path_and_findings(tmp_path: Path) -> None:
    code, out, err = run("check", str(tmp_path / "nope"))
    assert (code, out) == (2, "Checked 0 files; 1 error (see above): not everything was checked.\n")
    assert err == f"arxiv-digest: error: {tmp_path / 'nope'}: no such file or directory\n"
    broken = tmp_path / "20230311.md"
    broken.write_text(TEXT.replace("- **DOI**: None\n", "", 1), encoding="utf-8")
    code, out, _ = run("check", str(broken), str(tmp_path / "nope"))
    assert code == 2
    assert out.splitlines()[-1] == (
        "Found 1 problem in 1 of 1 file checked; 1 error (see above): not everything was checked."
    )


# ------------------------------------------------------------ 3. the wrong input, named once


def to_json_outputs(tmp_path: Path) -> dict[str, Path]:
    """to-json's real outputs of a month of the corpus, in each shape."""
    outputs = {}
    for name, flags in (
        ("lines.jsonl", []),
        ("flat.jsonl", ["--flat"]),
        ("array.json", ["--format", "json"]),
    ):
        outputs[name] = tmp_path / name
        assert (
            run("to-json", str(CORPUS / "cs.CV/2023"), "-q", "-o", str(tmp_path / name), *flags)[0]
            == 0
        )
    return outputs


def test_check_on_to_json_output(tmp_path: Path) -> None:
    for path in to_json_outputs(tmp_path).values():
        code, out, err = run("check", str(path))
        assert (code, err) == (1, "")
        assert out == (
            f"{path}:1:1: AD001 this looks like JSON (to-json output?); digests are Markdown:"
            " # Arxiv Papers in ...\nFound 1 problem in 1 of 1 file checked.\n"
        )


@pytest.mark.parametrize(
    ("codec", "words"),
    [
        ("utf-16", "this is UTF-16 text (it starts with a byte-order mark)"),
        ("utf-16-le", "this looks like UTF-16 text (a NUL byte beside each character)"),
        ("utf-16-be", "this looks like UTF-16 text (a NUL byte beside each character)"),
        ("utf-32", "this is UTF-32 text (it starts with a byte-order mark)"),
    ],
)
def test_utf16_is_named_by_check_to_json_and_the_library(
    tmp_path: Path, codec: str, words: str
) -> None:
    # As an editor saves it: the whole real file re-encoded (its summaries hold non-ASCII).
    path = tmp_path / "20230311.md"
    path.write_bytes(TEXT.encode(codec))
    message = f"{path}:1:1: AD001 {words}; digests are UTF-8"
    code, out, err = run("check", str(path))
    assert (code, out, err) == (1, f"{message}\nFound 1 problem in 1 of 1 file checked.\n", "")
    code, out, err = run("to-json", str(path), "-q")
    assert (code, out) == (1, "")
    assert err == f"arxiv-digest: error: {path}:1:1: {words}; digests are UTF-8\n"
    with pytest.raises(DigestSyntaxError) as caught:
        parse_digest(path)
    assert (caught.value.line, caught.value.column) == (1, 1)
    assert caught.value.message == f"{words}; digests are UTF-8"
    assert "0xff" not in str(caught.value)


# ------------------------------------------------------------ 4. messages name the user's paths


def test_output_folder_that_does_not_exist(tmp_path: Path) -> None:
    out = tmp_path / "nodir" / "x.jsonl"
    code, stdout, err = run("to-json", str(REAL), "-o", str(out))
    assert (code, stdout) == (2, "")
    assert err == (
        f"arxiv-digest: error: {out}: the output folder {tmp_path / 'nodir'} does not exist\n"
    )
    (tmp_path / "file").write_text("")
    code, _, err = run("to-json", str(REAL), "-o", str(tmp_path / "file" / "x.jsonl"))
    assert code == 2
    assert err.endswith(f": the output folder {tmp_path / 'file'} is not a folder\n")
    assert ".tmp" not in err


def test_write_digest_into_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "2023/03/20230311.md"
    with pytest.raises(FileNotFoundError) as caught:
        write_digest(parse_digest(REAL), target)
    assert caught.value.filename == str(target)
    assert str(caught.value) == (
        f"[Errno 2] the output folder {tmp_path / '2023/03'} does not exist: '{target}'"
    )


def test_output_folder_that_cannot_hold_a_file() -> None:
    # /proc/self takes no new files, even from root: the message names the user's path.
    code, _, err = run("to-json", str(REAL), "-o", "/proc/self/x.jsonl")
    assert code == 2
    assert err.startswith(
        "arxiv-digest: error: /proc/self/x.jsonl: cannot create a file in the folder /proc/self:"
    )


def test_a_full_device_is_named_and_kept() -> None:
    # /dev/full refuses every write with ENOSPC, as a full disk does.
    if not Path("/dev/full").is_char_device():
        pytest.fail("/dev/full is not the character device Linux provides")
    code, _, err = run("to-json", str(REAL), "-q", "-o", "/dev/full")
    assert (code, err) == (
        2,
        "arxiv-digest: error: /dev/full: cannot write it: No space left on device\n",
    )
    assert Path("/dev/full").is_char_device()  # written in place, not replaced by a file


def test_a_pipe_as_output_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _, err = run("to-json", str(REAL), "-q", "-o", str(fifo))
    reader.join(timeout=60)
    assert (code, err) == (0, "")
    assert received[0] == run("to-json", str(REAL))[1].encode()
    assert fifo.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.fifo"]


# ------------------------------------------------------------ 6. to-json's summary line


def test_to_json_summary_on_stderr(tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    code, stdout, err = run("to-json", str(CORPUS), "-o", str(out))
    assert (code, stdout) == (0, "")
    papers = sum(len(parse_digest(p).papers) for p in CORPUS_FILES)
    megabytes = sum(p.stat().st_size for p in CORPUS_FILES) / 1e6
    files = len(CORPUS_FILES)
    summary = re.fullmatch(
        rf"Converted {files} files \({papers} papers, (\d+\.\d) MB\) in (\d+\.\d\d) s\.\n", err
    )
    assert summary, err
    assert summary[1] == f"{megabytes:.1f}"
    assert run("to-json", str(CORPUS), "--quiet", "-o", str(out))[2] == ""
    # With stdout as the output, the summary stays out of the JSON.
    code, stdout, err = run("to-json", str(REAL))
    assert stdout.count("\n") == 1
    assert err.startswith("Converted 1 file (45 papers, 0.1 MB) in ")


def test_to_json_summary_counts_what_was_left_out(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(CORPUS / "cs.CV/2023", archive)
    (archive / "03/20230311.md").write_bytes(TEXT.encode("utf-16"))
    code, _, err = run("to-json", str(archive), "-o", str(tmp_path / "out.jsonl"))
    assert code == 1
    lines = err.splitlines()
    assert lines[0].endswith(
        "20230311.md:1:1: this is UTF-16 text (it starts with a byte-order mark); digests are UTF-8"
    )
    assert re.fullmatch(
        r"Converted 4 of 5 files \(\d+ papers, \d+\.\d MB\) in \d+\.\d\d s;"
        r" 1 left out \(see above\)\.",
        lines[1],
    ), lines[1]


def test_to_json_help_documents_quiet_and_the_exit_status() -> None:
    code, out, _ = run("to-json", "--help")
    assert code == 0
    assert "-q, --quiet" in out
    assert "Exit status: 0 all converted; 1 broken files left out; 2 usage or I/O error" in out


# ------------------------------------------------------------ 8. a str naming a file


@pytest.mark.parametrize("strict", [True, False])
def test_parse_digest_of_a_path_as_str_says_to_pass_a_path(
    monkeypatch: pytest.MonkeyPatch, strict: bool
) -> None:
    hint = "(a str is the text itself: to read a file, pass a Path)"
    for text in (str(REAL), "cs.CV/2023/03/20230311.md"):
        monkeypatch.chdir(CORPUS)  # the second is relative to the working directory
        with pytest.raises(DigestSyntaxError) as caught:
            parse_digest(text, strict=strict)
        assert caught.value.message.endswith(hint)
        assert str(caught.value).startswith("<string>:1:1: expected the header line")
    # Not a file, or more than one line: only the grammar's message.
    for text in ("cs.CV/2023/03/20230399.md", f"{REAL}\n{REAL}"):
        with pytest.raises(DigestSyntaxError) as caught:
            parse_digest(text, strict=strict)
        assert hint not in caught.value.message


def test_the_hint_as_a_script_sees_it(tmp_path: Path) -> None:
    script = "import arxiv_digest; arxiv_digest.parse_digest('20230311.md')"
    shutil.copy(REAL, tmp_path / "20230311.md")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-3] == (
        "arxiv_digest.errors.DigestSyntaxError: <string>:1:1: expected the header line"
        " `# Arxiv Papers in <label> on <YYYY-MM-DD>` (a str is the text itself: to read a"
        " file, pass a Path)"
    )
