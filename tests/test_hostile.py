"""Hostile input: real files mutated at the byte level, and odd files of every kind.

Property (shared with the coverage-guided fuzzer in fuzz/): parsing either gives back the same
text or raises DigestError located inside it; the command exits 0, 1 or 2 with a message and
never a traceback. HYPOTHESIS_PROFILE=fuzz runs it longer.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from arxiv_digest import DigestSyntaxError, iter_papers, parse_digest, serialize_digest
from arxiv_digest.cli import main
from arxiv_digest.strategies import digest_texts
from tests.conftest import CORPUS, CORPUS_FILES, REAL, ROOT, TEXT, run

sys.path.insert(0, str(ROOT / "fuzz"))
from harness import check_bytes

SMALL = [p.read_bytes() for p in sorted(CORPUS_FILES, key=lambda p: p.stat().st_size)[:15]]


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


# ------------------------------------------------------------------ hostile input, round two

FIRST_ID = "http://arxiv.org/abs/2303.06250v1"
HEAD = TEXT[: TEXT.index("\n") + 1]
BLOCK = TEXT[len(HEAD) : TEXT.index("\n### ", len(HEAD)) + 1]


def error_of(text: str, **options: object) -> DigestSyntaxError:
    with pytest.raises(DigestSyntaxError) as caught:
        parse_digest(text, **options)  # type: ignore[arg-type]
    return caught.value


# Check counts lines once, whatever the number of carriage returns.
def test_cr_findings_are_located_on_every_line() -> None:
    from arxiv_digest.checks import check_text

    text = (
        HEAD
        + BLOCK.replace("\n- **Summary**", "\r\n- **Summary**").replace(
            "\n- **DOI**", "\r\n- **DOI**"
        )
        * 300
    )
    findings = [f for f in check_text(text, "20230311.md") if f.code == "AD206"]
    lines = text.split("\n")
    assert len(findings) == 600
    for finding in findings:
        assert lines[finding.line - 1][finding.column - 1 :] == "\r"


# The column of an error on a long line, in linear time, by the standard library.
def _partial_reference(terminal: str, text: str) -> int:
    """The longest prefix of ``text`` that the terminal's regex can still match (``regex``)."""
    import regex

    from arxiv_digest.grammar import terminal_pattern

    pattern = regex.compile(terminal_pattern(terminal).pattern)
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if pattern.fullmatch(text[:middle], partial=True):
            low = middle
        else:
            high = middle - 1
    return low


_TERMINALS = [
    "HEADER_LINE",
    "TITLE_LINE",
    "ARXIV_ID_LINE",
    "DOI_LINE",
    "CATEGORIES_LINE",
    "LINKS_LINE",
    "PUBLISHED_LINE",
    "UPDATED_LINE",
    "AUTHORS_LINE",
    "COMMENT_LINE",
    "JOURNAL_LINE",
    "SUMMARY_LINE",
    "BLOCK_END",
]
_PIECES = st.sampled_from(
    [*"0123456789-:+. \n\rvx/)*#[]", "  ", "http://", "https://a/abs/", "\u2028", "\x85"]
)


@st.composite
def _damaged_lines(draw: st.DrawFn) -> tuple[str, str]:
    from arxiv_digest.strategies import _line

    terminal = draw(st.sampled_from(_TERMINALS))
    line = "\n\n\n" if terminal == "BLOCK_END" else draw(_line(terminal))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(line)))
        piece = draw(_PIECES)
        how = draw(st.sampled_from(["insert", "delete", "replace", "cut"]))
        if how == "insert":
            line = line[:at] + piece + line[at:]
        elif how == "delete":
            line = line[:at] + line[at + 1 :]
        elif how == "replace":
            line = line[:at] + piece + line[at + 1 :]
        else:
            line = line[:at]
    return terminal, line + draw(st.sampled_from(["", "### x\n", "- **DOI**: None\n", "  y\n"]))


@given(_damaged_lines())
def test_error_columns_agree_with_partial_matching(case: tuple[str, str]) -> None:
    from arxiv_digest.diagnostics import _viable_prefix

    terminal, text = case
    assert _viable_prefix(terminal, text, 0) == (_partial_reference(terminal, text), False)


def test_diagnostics_work_without_the_regex_package() -> None:
    import subprocess

    code = (
        "import sys\nsys.modules['regex'] = None  # import regex fails, as when not installed\n"
        "from arxiv_digest import DigestSyntaxError, parse_digest\n"
        "try:\n    parse_digest('# Arxiv Papers in x on 2023-13-01\\n')\n"
        "except DigestSyntaxError as error:\n    print(error.location, error.message)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.startswith("<string>:1:34 invalid header value"), result.stderr


LONG = 200_000  # characters: quadratic work here would take minutes, linear takes milliseconds


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        (
            TEXT.replace(FIRST_ID + "\n", "http://arxiv.org/abs/" + "v1" * LONG + "x\n", 1),
            3,
            len("- **Arxiv ID**: http://arxiv.org/abs/") + 2 * LONG + 2,
            "invalid Arxiv ID value",
        ),
        (
            "# Arxiv Papers in " + " on " * LONG + "2023-13-01\n",
            1,
            len("# Arxiv Papers in ") + 4 * LONG + 11,
            "invalid header value",
        ),
        (
            TEXT.replace("v1)\n", "v1" + ")x" * LONG + "\n", 1),
            6,
            len("- **Links**: [PDF](http://arxiv.org/pdf/2303.06250v1") + 2 * LONG + 1,
            "invalid Links value",
        ),
        (
            TEXT.replace("2023-03-11 00:11:30+00:00", "2023-03-11 00:11:30" + "0" * LONG, 1),
            7,
            len("- **Published**: 2023-03-11 00:11:30") + 1,
            "invalid Published value",
        ),
        (HEAD + "### " + "x" * LONG, 2, LONG + 5, "unexpected end of file in the title line"),
        (
            HEAD
            + BLOCK[: BLOCK.index("- **Comment**")]
            + "- **Comment**: x"
            + "\n  x" * LONG
            + "\n",
            LONG + 11,
            1,
            "unexpected end of file: expected the Journal line",
        ),
        (HEAD + BLOCK[:-1] + "y" * LONG, 16, 1, "expected three empty lines"),
    ],
    ids=["arxiv-id", "header", "links", "published", "title-eof", "comment", "block-end"],
)
def test_long_bad_lines_are_located_exactly(text: str, line: int, column: int, words: str) -> None:
    error = error_of(text)
    assert (error.line, error.column) == (line, column)
    assert words in error.message
    assert len(str(error)) < 600


def test_a_line_beyond_the_search_limit_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from arxiv_digest import diagnostics

    monkeypatch.setattr(diagnostics, "SEARCH_LIMIT", 1000)
    text = TEXT.replace(FIRST_ID + "\n", "http://arxiv.org/abs/" + "v1" * 5000 + "x\n", 1)
    error = error_of(text)
    assert (error.line, error.column) == (3, 17 + 1000)
    assert error.message.startswith("invalid Arxiv ID value somewhere after column 1016: ")
    assert "searched no further than 1,000 characters" in error.message


# A lenient parse keeps its errors bare, so that many of them stay linear.
def test_broken_blocks_keep_no_traceback_nor_lark_state() -> None:
    text = HEAD + BLOCK.replace("- **DOI**: None\n", "", 1) * 50
    digest = parse_digest(text, strict=False)
    assert len(digest.broken) == 50
    for block in digest.broken:
        assert block.error.__traceback__ is None
        assert block.error.__context__ is None


# From-json: paths, targets and shapes.
def _digest_line(path: str, text: str = TEXT) -> str:
    import orjson

    from arxiv_digest.jsondata import digest_to_dict

    return orjson.dumps(digest_to_dict(parse_digest(text), path)).decode()


def test_from_json_stays_inside_its_folder_through_symbolic_links(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    (out / "real").mkdir(parents=True)
    elsewhere.mkdir()
    (out / "link").symlink_to(elsewhere, target_is_directory=True)
    (out / "2023").symlink_to("../elsewhere", target_is_directory=True)
    (out / "inside").symlink_to("real", target_is_directory=True)
    (out / "file.md").symlink_to(elsewhere / "f.md")
    source = tmp_path / "in.jsonl"
    paths = ["link/x.md", "2023/03/20230311.md", "inside/y.md", "file.md", "ok.md"]
    source.write_text("".join(_digest_line(p) + "\n" for p in paths))
    code, _, err = run("from-json", str(source), "-o", str(out))
    assert code == 1
    assert list(elsewhere.iterdir()) == []
    lines = err.splitlines()
    assert lines[0] == (
        f"arxiv-digest: error: {source}:1: path 'link/x.md' leads outside the output directory"
        " through a symbolic link"
    )
    assert lines[1].startswith(f"arxiv-digest: error: {source}:2: path '2023/03/20230311.md'")
    assert lines[2].startswith(f"arxiv-digest: error: {source}:4: path 'file.md' leads outside")
    assert (out / "real/y.md").read_text() == TEXT  # a link that stays inside is followed
    assert (out / "ok.md").read_text() == TEXT
    assert lines[3].startswith("Read 5 lines (") and lines[3].endswith(
        "2 written, 0 unchanged, 3 refused."
    )


def test_from_json_checks_a_path_before_touching_the_disk(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(_digest_line("a/b\0c.md") + "\n" + _digest_line("a\\b.md") + "\n")
    code, _, err = run("from-json", str(source), "-o", str(tmp_path / "out"))
    assert code == 1
    assert f"{source}:1: path 'a/b\\x00c.md' holds a NUL character" in err
    assert f"{source}:2: path 'a\\\\b.md' must be relative" in err
    assert not (tmp_path / "out").exists()


def test_from_json_reports_a_bad_target_and_goes_on(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "dir.md").mkdir(parents=True)
    (out / "file").write_text("x")
    (out / "loop").symlink_to("loop")
    os.mkfifo(out / "fifo.md")
    source = tmp_path / "in.jsonl"
    paths = ["dir.md", "file/x.md", "loop/x.md", "n" * 300 + ".md", "fifo.md", "good.md"]
    source.write_text("".join(_digest_line(p) + "\n" for p in paths))
    import signal

    signal.alarm(30)  # a FIFO opened for reading would hang: fail instead
    try:
        code, _, err = run("from-json", str(source), "-o", str(out))
    finally:
        signal.alarm(0)
    assert code == 2  # a file where a folder must go, a link loop: the write failed
    lines = err.splitlines()
    assert lines[:5] == [
        f"arxiv-digest: error: {source}:1: {out}/dir.md: is a directory, not a regular file;"
        " not replaced",
        f"arxiv-digest: error: {source}:2: {out}/file/x.md: Not a directory; not written",
        f"arxiv-digest: error: {source}:3: {out}/loop/x.md: Too many levels of symbolic links;"
        " not written",
        f"arxiv-digest: error: {source}:4: {out}/{'n' * 300}.md: File name too long; not written",
        f"arxiv-digest: error: {source}:5: {out}/fifo.md: is a FIFO, not a regular file;"
        " not replaced",
    ]
    assert (out / "good.md").read_text() == TEXT
    assert lines[5].endswith(": 1 written, 0 unchanged, 3 refused, 2 not written.")


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--flat"], "this is flat per-paper output; from-json needs the per-digest lines that"),
        (["--format", "json"], "this is a JSON array (to-json --format json); from-json needs"),
    ],
)
def test_from_json_names_the_wrong_shape_once(
    tmp_path: Path, options: list[str], words: str
) -> None:
    source = tmp_path / "in.json"
    assert run("to-json", str(CORPUS / "cs.CV/2023"), *options, "-o", str(source))[0] == 0
    code, out, err = run("from-json", str(source), "-o", str(tmp_path / "out"))
    assert (code, out) == (1, "")
    assert err.startswith(f"arxiv-digest: error: {source}: {words}")
    assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_from_json_summary_and_quiet(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    assert run("to-json", str(CORPUS / "cs.CV/2023"), "-o", str(source))[0] == 0
    size = source.stat().st_size
    code, _, err = run("from-json", str(source), "-o", str(tmp_path / "out"))
    assert code == 0
    assert err.startswith(f"Read 5 lines ({size / 1e6:.1f} MB) in ")
    assert err.endswith(" s: 5 written, 0 unchanged, 0 refused.\n")
    code, _, err = run("from-json", str(source), "-o", str(tmp_path / "out"), "--quiet")
    assert (code, err) == (0, "")


def test_from_json_from_python(tmp_path: Path) -> None:
    from arxiv_digest.fromjson import rebuild

    lines = [_digest_line("a/20230311.md").encode(), b"", b"{bad", _digest_line("../x.md").encode()]
    report = rebuild(lines, tmp_path)
    assert [(r.number, r.status) for r in report.results] == [
        (1, "written"),
        (3, "refused"),
        (4, "refused"),
    ]
    assert report.refused[1].message.startswith("path '../x.md' must be relative")
    assert (tmp_path / "a/20230311.md").read_text() == TEXT
    assert [r.status for r in rebuild(lines[:1], tmp_path).results] == ["unchanged"]


# The version has at most nine digits, on every route.
def test_versions_of_up_to_nine_digits_go_everywhere(tmp_path: Path) -> None:
    text = TEXT.replace(FIRST_ID + "\n", FIRST_ID[:-1] + "999999999\n", 1)
    path = write(tmp_path, text.encode())
    assert parse_digest(path).papers[0].version == 999_999_999
    code, out, _ = run("check", str(path), "--ignore", "AD203")
    assert (code, out) == (
        0,
        "Checked 1 file: no problems found (1 finding ignored by --select/--ignore).\n",
    )
    assert run("to-json", str(path), "-o", str(tmp_path / "o.jsonl"))[0] == 0
    assert '"version":999999999' in (tmp_path / "o.jsonl").read_text()
    assert run("from-json", str(tmp_path / "o.jsonl"), "-o", str(tmp_path / "back"))[0] == 0
    assert (tmp_path / "back" / path.name).read_text() == text


@pytest.mark.parametrize("digits", [10, 20, 5000])
def test_longer_versions_are_refused_on_every_route(tmp_path: Path, digits: int) -> None:
    import attrs

    text = TEXT.replace(FIRST_ID + "\n", FIRST_ID[:-1] + "1" * digits + "\n", 1)
    error = error_of(text)
    assert (error.line, error.column) == (3, len(FIRST_ID) + 16 + digits)
    assert error.message.endswith("(a version has at most 9 digits)")
    path = write(tmp_path, text.encode())
    code, out, _ = run("check", str(path))
    assert code == 1
    assert f"{path}:3:{error.column}: AD001 invalid Arxiv ID value" in out
    assert run("to-json", str(path), "-o", str(tmp_path / "o.jsonl"))[0] == 1
    paper = parse_digest(TEXT).papers[0]
    with pytest.raises(ValueError, match=r"Paper\.entry_id must be an arXiv entry URL"):
        attrs.evolve(paper, entry_id=FIRST_ID[:-1] + "1" * digits)


# What parses goes to JSON and back byte for byte.
def _through_json(text: str) -> str:
    import orjson

    from arxiv_digest.jsondata import digest_from_dict, digest_to_dict

    line = orjson.dumps(digest_to_dict(parse_digest(text), "a.md"))
    return serialize_digest(digest_from_dict(orjson.loads(line))[1])


@given(digest_texts())
def test_every_text_that_parses_goes_through_json(text: str) -> None:
    try:
        parse_digest(text)
    except DigestSyntaxError:
        return
    assert _through_json(text) == text


def test_empty_bold_category_goes_through_json(tmp_path: Path) -> None:
    text = TEXT.replace("- **Categories**: **cs.CV**\n", "- **Categories**: ****\n", 1)
    assert _through_json(text) == text
    path = write(tmp_path, text.encode())
    assert run("to-json", str(path), "-o", str(tmp_path / "o.jsonl"))[0] == 0
    assert run("from-json", str(tmp_path / "o.jsonl"), "-o", str(tmp_path / "back"))[0] == 0
    assert (tmp_path / "back" / path.name).read_text() == text


# Nothing that UTF-8 cannot encode gets into the model.
@pytest.mark.parametrize("field", ["title", "summary", "comment", "entry_id", "authors"])
def test_the_model_refuses_lone_surrogates(field: str) -> None:
    import attrs

    paper = parse_digest(TEXT).papers[0]
    value = ("A\udc80",) if field == "authors" else getattr(paper, field) + "\ud800"
    changes: dict[str, Any] = {field: value}
    with pytest.raises(ValueError, match=f"Paper.{field} cannot hold the lone surrogate U\\+D"):
        attrs.evolve(paper, **changes)


def test_a_str_with_a_lone_surrogate_does_not_parse() -> None:
    error = error_of(TEXT.replace("ReBound", "Re\udc80Bound", 1))
    assert (error.line, error.column) == (2, 7)
    assert error.message == "a lone surrogate U+DC80 cannot be written as UTF-8"
    str(error).encode("utf-8")  # the message itself can be printed


# --------------------------------------------------------------------------- the ends of time


def _day_at_the_edge(root: Path, day: str, when: str) -> Path:
    """A real paper block dated ``when`` (no UTC date in years 1-9999), in the digest of ``day``."""
    from tests.conftest import TEXT

    block = TEXT[TEXT.index("### ") : TEXT.index("\n### ", TEXT.index("### ")) + 1]
    for field in ("Published", "Updated"):
        block = re.sub(rf"(- \*\*{field}\*\*: ).*\n", rf"\g<1>{when}\n", block)
    folder = root / "cs.CV" / day[:4] / day[4:6]
    folder.mkdir(parents=True)
    path = folder / f"{day}.md"
    path.write_text(f"# Arxiv Papers in cs.CV on {day[:4]}-{day[4:6]}-{day[6:]}\n{block}")
    return path


@pytest.mark.parametrize(
    ("day", "when"),
    [("00010101", "0001-01-01 00:00:00+00:01"), ("99991231", "9999-12-31 23:59:00-00:01")],
)
def test_a_paper_with_no_utc_date_is_read_by_every_command(
    tmp_path: Path, day: str, when: str
) -> None:
    """The grammar takes a time whose UTC date is year 0 or 10000: no command may fail on it."""
    from tests.conftest import run

    path = _day_at_the_edge(tmp_path / "archive", day, when)
    assert parse_digest(path).papers[0].published.isoformat(" ") == when
    archive = str(tmp_path / "archive")
    code, out, _ = run("check", archive)
    assert code == 1 and "AD201 published on a day" in out
    for args in (
        ["select", archive, "--from", "2000-01-01"],
        ["select", archive, "--to", "2000-01-01"],
        ["select", archive, "--format", "atom"],
        ["select", archive, "--format", "md"],
        ["select", archive, "--format", "digest", "-o", str(tmp_path / "out")],
        ["calendar", f"{archive}/cs.CV", "-o", "-"],
        ["fix", archive, "--diff"],
        ["to-json", archive, "--flat"],
    ):
        code, _, err = run(*args)
        assert code in (0, 1) and "internal error" not in err, (args, err)
    # --from keeps a paper from before year 1 out, --to one from after 9999: each is beyond.
    code, _, err = run("select", archive, "--from", "0001-01-01", "--to", "9999-12-31")
    assert code == 0 and err.startswith("Selected 0 of 1 paper")
