"""Hostile input: real files mutated at the byte level, and odd files of every kind.

Property (shared with the coverage-guided fuzzer in fuzz/): parsing either gives back the same
text or raises DigestError located inside it; the command exits 0, 1 or 2 with a message and
never a traceback. HYPOTHESIS_PROFILE=fuzz runs it longer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from arxiv_digest import DigestSyntaxError, iter_papers, parse_digest, serialize_digest
from arxiv_digest.cli import main
from tests.conftest import CORPUS, CORPUS_FILES

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fuzz"))
from harness import check_bytes  # noqa: E402

SMALL = [p.read_bytes() for p in sorted(CORPUS_FILES, key=lambda p: p.stat().st_size)[:15]]
REAL = CORPUS / "cs.CV/2023/03/20230311.md"
TEXT = REAL.read_text(encoding="utf-8")


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(SMALL))
    if draw(st.booleans()):
        data = data.replace(b"\n", b"\r\n")
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(
            st.sampled_from(
                ["flip", "truncate", "line", "unicode", "nul", "cr", "crlf", "boundary"]
            )
        )
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1 :]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "boundary":  # truncate at a line, a block, or inside a UTF-8 sequence
            marks = [i for i in range(len(data)) if data[i] in b"\n\r" or data[i] >= 0x80]
            data = data[: draw(st.sampled_from(marks))] if marks else data
        elif kind == "line":
            lines = data.split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            how = draw(st.sampled_from(["delete", "duplicate", "swap"]))
            if how == "delete":
                del lines[i]
            elif how == "duplicate":
                lines.insert(i, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif kind == "unicode":
            char = draw(st.characters(codec="utf-8")).encode("utf-8")
            data = data[:at] + char + data[at:]
        elif kind == "nul":
            data = data[:at] + b"\0" + data[at:]
        elif kind == "cr":
            data = data[:at] + b"\r" + data[at:]
        else:
            data = data[:at] + b"\r\n" + data[at:]
    return data


@given(mutated())
def test_mutated_bytes_keep_the_property(data: bytes) -> None:
    check_bytes(data)


@given(mutated())
def test_mutated_files_through_the_command(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "20230311.md"
        path.write_bytes(data)
        for args in (["check", str(path)], ["to-json", str(path), "-o", str(path) + ".jsonl"]):
            result = CliRunner().invoke(main, args, catch_exceptions=False)
            assert result.exit_code in (0, 1, 2)
            assert "Traceback" not in result.stderr
            if result.exit_code:
                assert result.stderr or result.stdout
        try:
            papers = list(iter_papers(path))
        except DigestSyntaxError:
            pass
        else:
            assert tuple(papers) == parse_digest(path).papers


REGRESSIONS = sorted((Path(__file__).parent / "fuzz_regressions").glob("*"))


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_fuzz_regressions(path: Path) -> None:
    check_bytes(path.read_bytes())


# ----------------------------------------------------------------- odd files, one by one


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, data: bytes, name: str = "20230311.md") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "where", "words"),
    [
        (TEXT.encode().replace(b"ReBound", b"Re\xc3Bound", 1), "2:7", "not UTF-8: byte 0xc3"),
        (b"\xef\xbb\xbf" + TEXT.encode(), "1:1", "byte-order mark"),
        (TEXT.replace("\n", "\r").encode(), "1:38", "lone CR"),
        (TEXT.replace("\n", "\r\n", 3).encode(), "4:16", "mixed line endings"),
        (TEXT.encode()[:-1], "645:1", "unexpected end of file: expected three empty lines"),
        (TEXT.encode()[:-4], "642:1454", "unexpected end of file in the Summary line"),
        (b"", "1:1", "unexpected end of file: expected the header line"),
        (bytes(range(256)) * 4, "2:118", "not UTF-8: byte 0x80"),
        (b"\0" * 100, "1:1", "expected the header line"),
    ],
    ids=[
        "not-utf8",
        "bom",
        "lone-cr",
        "mixed",
        "no-final-newline",
        "truncated",
        "empty",
        "binary",
        "nul",
    ],
)
def test_odd_files_are_clear_errors(tmp_path: Path, data: bytes, where: str, words: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(DigestSyntaxError) as caught:
        parse_digest(path)
    assert f"{caught.value.line}:{caught.value.column}" == where
    assert words in caught.value.message
    code, out, err = run("check", str(path))
    assert code in (1, 2)
    assert f"{path}:{where}: " in out + err
    assert words in out + err
    assert "Traceback" not in err


def test_crlf_file_round_trips_through_everything(tmp_path: Path) -> None:
    crlf = TEXT.replace("\n", "\r\n").encode()
    path = write(tmp_path, crlf, "cs.CV/2023/03/20230311.md".replace("/", "_"))
    assert serialize_digest(parse_digest(path)).encode() == crlf
    assert run("to-json", str(path), "-o", str(tmp_path / "o.jsonl"))[0] == 0
    assert run("from-json", str(tmp_path / "o.jsonl"), "-o", str(tmp_path / "back"))[0] == 0
    assert (tmp_path / "back" / path.name).read_bytes() == crlf


def test_directory_where_a_file_is_expected(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        parse_digest(tmp_path)
    code, _, err = run("from-json", str(tmp_path), "-o", str(tmp_path / "out"))
    assert code == 2
    assert "Is a directory" in err
    code, _, err = run("to-json", str(REAL), "-o", str(tmp_path))
    assert code == 2
    assert f"arxiv-digest: error: {tmp_path}: " in err
    assert "Traceback" not in err


def test_symlink_loop_inside_a_walked_directory(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / "2023/03").mkdir(parents=True)
    (archive / "2023/03/20230311.md").write_bytes(REAL.read_bytes())
    (archive / "2023/loop").symlink_to(archive, target_is_directory=True)  # a directory loop
    (archive / "2023/03/20230312.md").symlink_to(archive / "2023/03/20230312.md")  # itself
    code, out, err = run("check", str(archive))
    assert code == 2
    assert "20230312.md: cannot read: Too many levels of symbolic links" in err
    # The directory link is not followed: one file checked, one error.
    assert out == "Checked 1 file; 1 error (see above): not everything was checked.\n"


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        parse_digest(tmp_path / "nope.md")
    for command in ("check", "to-json"):
        code, _, err = run(command, str(tmp_path / "nope.md"))
        assert code == 2
        assert "no such file or directory" in err


def test_unreadable_file_for_to_json(tmp_path: Path) -> None:
    path = tmp_path / "20230311.md"
    path.symlink_to("/proc/self/mem")  # fails to read with EIO, even for root
    code, _, err = run("to-json", str(path), str(REAL), "-o", str(tmp_path / "o.jsonl"))
    assert code == 2  # an I/O error, as in check; the readable file is still converted
    assert "cannot read: Input/output error" in err
    assert len((tmp_path / "o.jsonl").read_bytes().splitlines()) == 1


def test_pathological_lines_parse(tmp_path: Path) -> None:
    huge_title = TEXT.replace("### ReBound", "### " + "x" * 10_000_000, 1)
    authors = ", ".join(f"Author {i}" for i in range(1_000_000))
    many = TEXT.replace("- **Authors**: Wesley Chen", f"- **Authors**: {authors}", 1)
    assert parse_digest(huge_title).papers[0].title.startswith("x" * 10_000_000 + ": An Open")
    assert len(parse_digest(many).papers[0].authors) == 1_000_000 + 7
    broken = huge_title.replace("- **DOI**: None\n", "", 1)
    with pytest.raises(DigestSyntaxError) as caught:
        parse_digest(broken)
    assert (caught.value.line, caught.value.column) == (4, 1)
    assert len(str(caught.value)) < 500
    assert os.fspath(tmp_path)
