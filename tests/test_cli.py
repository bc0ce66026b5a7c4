"""The arxiv-digest command: every subcommand, flag, output format and exit code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from arxiv_digest import parse_digest
from arxiv_digest.jsondata import schema
from tests.conftest import CORPUS, CORPUS_FILES, REAL, ROOT, TEXT, run


def day(tmp_path: Path, text: str, name: str = "cs.CV/2023/03/20230311.md") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def repeated_block(text: str) -> str:
    """Repeat the second paper right after itself, as the real archive does 152 times."""
    starts = [i for i in range(len(text)) if text.startswith("\n### ", i)]
    block = text[starts[1] + 1 : starts[2] + 1]
    return text[: starts[2] + 1] + block + text[starts[2] + 1 :]


# ------------------------------------------------------------------ check


def test_check_clean_corpus() -> None:
    code, out, err = run("check", str(CORPUS))
    assert code == 0
    assert out == "Checked 95 files (1 skipped): no problems found.\n"
    assert err == ""


def test_check_finds_a_repeated_paper(tmp_path: Path) -> None:
    path = day(tmp_path, repeated_block(TEXT))
    code, out, _ = run("check", str(path))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{path}:31:1: AD103 paper 2303.06268 is repeated: first listed at line 17"
    assert lines[-1] == "Found 1 problem in 1 of 1 file checked."


def test_check_reports_every_broken_block(tmp_path: Path) -> None:
    text = TEXT.replace("- **DOI**: None\n", "", 1).replace("2023-03-11 01:10:26+00:00", "bad", 1)
    path = day(tmp_path, text)
    code, out, _ = run("check", str(path))
    assert code == 1
    assert out.splitlines()[:2] == [
        f"{path}:4:1: AD001 expected the DOI line, found the Categories line",
        f"{path}:21:18: AD001 invalid Published value: expected"
        " `- **Published**: YYYY-MM-DD HH:MM:SS+00:00`",
    ]


RULE_CASES = [
    ("AD101", "cs.CV/2023/03/20230312.md", lambda t: t),
    ("AD102", "cs.CV/2023/04/20230311.md", lambda t: t),
    ("AD104", None, lambda t: t.replace("2023-03-11 01:10:26", "2023-03-11 00:01:26", 2)),
    (
        "AD201",
        None,
        lambda t: t.replace(
            "**Published**: 2023-03-11 00:11", "**Published**: 2023-03-10 00:11", 1
        ),
    ),
    (
        "AD202",
        None,
        lambda t: t.replace(
            "- **Updated**: 2023-03-11 00:11:30", "- **Updated**: 2023-03-10 00:11:30", 1
        ),
    ),
    ("AD203", None, lambda t: t.replace("pdf/2303.06250v1", "pdf/2303.06250v2", 1)),
    ("AD204", None, lambda t: t.replace("2303.06250v1", "2303.062500v1", 2)),
    ("AD205", None, lambda t: t.replace("**cs.CV**", "cs.CV", 1)),
    ("AD206", None, lambda t: t.replace("- **Journal**: None\n", "- **Journal**: None\r\n", 1)),
]


@pytest.mark.parametrize(("code", "name", "change"), RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_each_rule(tmp_path: Path, code: str, name: str | None, change: object) -> None:
    path = day(tmp_path, change(TEXT), name or "cs.CV/2023/03/20230311.md")  # type: ignore[operator]
    exit_code, out, _ = run("check", str(path))
    assert exit_code == 1
    codes = [line.split(": ")[1].split(" ")[0] for line in out.splitlines()[:-1]]
    assert codes == [code]
    exit_code, out, _ = run("check", str(path), "--ignore", code)
    assert exit_code == 0


def test_select_and_ignore_take_prefixes(tmp_path: Path) -> None:
    path = day(
        tmp_path, repeated_block(TEXT).replace("**cs.CV**", "cs.CV", 1), "cs.CV/2023/03/20230312.md"
    )
    _, out, _ = run("check", str(path))
    assert [line.split(" ")[1] for line in out.splitlines()[:-1]] == ["AD101", "AD205", "AD103"]
    _, out, _ = run("check", str(path), "--select", "AD1")
    assert [line.split(" ")[1] for line in out.splitlines()[:-1]] == ["AD101", "AD103"]
    _, out, _ = run("check", str(path), "--select", "AD1,AD205", "--ignore", "AD101")
    assert [line.split(" ")[1] for line in out.splitlines()[:-1]] == ["AD205", "AD103"]
    code, _, err = run("check", str(path), "--select", "XY9")
    assert code == 2
    assert "no rule code starts with 'XY9'" in err


def test_json_format(tmp_path: Path) -> None:
    path = day(tmp_path, repeated_block(TEXT))
    code, out, _ = run("check", str(path), "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert document["checked"] == 1
    assert document["findings"] == [
        {
            "path": str(path),
            "line": 31,
            "column": 1,
            "code": "AD103",
            "message": "paper 2303.06268 is repeated: first listed at line 17",
        }
    ]


def test_github_format_escapes_as_the_toolkit_does(tmp_path: Path) -> None:
    path = day(tmp_path, TEXT, "a,b:c%/2023/03/20230312.md")
    code, out, _ = run("check", str(path), "--format", "github")
    assert code == 1
    escaped = str(path).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
    assert out.splitlines()[0] == (
        f"::error file={escaped},line=1,col=28,title=AD101::AD101 header date 2023-03-11"
        " is not the file name date 2023-03-12"
    )


def test_directories_skip_other_markdown_but_named_files_count(tmp_path: Path) -> None:
    day(tmp_path, TEXT)
    (tmp_path / "README.md").write_text("# not a digest\n")
    (tmp_path / "calendar.md").write_text("# not a digest\n")
    code, out, _ = run("check", str(tmp_path))
    assert (code, out) == (0, "Checked 1 file (2 skipped): no problems found.\n")
    code, out, _ = run("check", str(tmp_path / "README.md"))
    assert code == 1
    assert "AD001 expected the header line" in out


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    code, _, err = run("check", str(tmp_path / "nope.md"))
    assert code == 2
    assert f"{tmp_path / 'nope.md'}: no such file or directory" in err


def test_not_utf8_is_a_finding_exit_1(tmp_path: Path) -> None:
    # The file was read; its content is wrong: a finding, as a byte-order mark is (exit 1).
    path = day(tmp_path, TEXT)
    path.write_bytes(path.read_bytes().replace(b"ReBound", b"Re\xe9Bound", 1))
    code, out, err = run("check", str(path))
    assert code == 1
    assert out.startswith(f"{path}:2:7: AD001 not UTF-8: byte 0xe9")
    assert out.endswith("Found 1 problem in 1 of 1 file checked.\n")
    assert err == ""


def test_unreadable_is_exit_2(tmp_path: Path) -> None:
    # Reading /proc/self/mem at offset 0 fails with EIO even for root, who reads any file.
    path = tmp_path / "20230311.md"
    path.symlink_to("/proc/self/mem")
    code, out, err = run("check", str(path), str(REAL))
    assert code == 2
    assert f"arxiv-digest: error: {path}: cannot read: Input/output error" in err
    assert out == "Checked 1 file; 1 error (see above): not everything was checked.\n"
    assert "Traceback" not in err


def test_usage_errors_are_exit_2() -> None:
    assert run("check")[0] == 2
    assert run("check", "--format", "xml", str(REAL))[0] == 2
    assert run("nonsense")[0] == 2


def test_version_and_help() -> None:
    from arxiv_digest import __version__

    code, out, _ = run("--version")
    assert (code, out) == (0, f"arxiv-digest, version {__version__}\n")
    code, out, _ = run("--help")
    assert code == 0
    assert "Examples:" in out
    for command in ("check", "to-json", "from-json"):
        code, out, _ = run(command, "--help")
        assert code == 0
        assert "Examples:" in out
    assert "YYYYMMDD.md" in run("check", "--help")[1]


def test_python_dash_m_and_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "arxiv_digest", "check", str(REAL)], capture_output=True, text=True
    )
    assert (result.returncode, result.stdout) == (0, "Checked 1 file: no problems found.\n")


# ------------------------------------------------------------------ to-json / from-json


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_to_json_is_lossless_and_valid(tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "out.jsonl"
    code, stdout, _ = run("to-json", str(CORPUS), "--jobs", jobs, "-o", str(out))
    assert (code, stdout) == (0, "")
    lines = out.read_bytes().splitlines()
    assert len(lines) == 95
    validator = jsonschema.Draft202012Validator(
        schema("digest"), format_checker=jsonschema.FormatChecker()
    )
    rows = [json.loads(line) for line in lines]
    for row in rows:
        validator.validate(row)
    assert [r["path"] for r in rows] == sorted(
        str(p.relative_to(CORPUS).as_posix()) for p in CORPUS_FILES
    )
    first = rows[[r["path"] for r in rows].index("cs.CV/2023/03/20230311.md")]["papers"][0]
    assert first["published"] == "2023-03-11T00:11:30+00:00"
    assert (first["arxiv_id"], first["version"], first["doi"]) == ("2303.06250", 1, None)

    rebuilt = tmp_path / "rebuilt"
    code, _, err = run("from-json", str(out), "-o", str(rebuilt), "--quiet")
    assert (code, err) == (0, "")
    for path in CORPUS_FILES:
        assert (rebuilt / path.relative_to(CORPUS)).read_bytes() == path.read_bytes()


def test_jobs_do_not_change_the_output(tmp_path: Path) -> None:
    outputs = []
    for jobs in ("1", "2", "3"):
        out = tmp_path / f"{jobs}.jsonl"
        assert run("to-json", str(CORPUS), "--flat", "-j", jobs, "-o", str(out))[0] == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def test_flat_and_array_shapes(tmp_path: Path) -> None:
    code, out, _ = run("to-json", str(REAL), "--flat")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(parse_digest(REAL).papers)
    validator = jsonschema.Draft202012Validator(
        schema("flat"), format_checker=jsonschema.FormatChecker()
    )
    for row in rows:
        validator.validate(row)
    assert (rows[0]["path"], rows[0]["category"], rows[0]["digest_date"]) == (
        "cs.CV/2023/03/20230311.md",
        "cs.CV",
        "2023-03-11",
    )
    code, out, _ = run("to-json", str(CORPUS), "--flat", "--format", "json", "-o", "-")
    assert code == 0
    assert len(json.loads(out)) == sum(len(parse_digest(p).papers) for p in CORPUS_FILES)
    code, out, _ = run("to-json", str(REAL), "--format", "json")
    assert json.loads(out)[0]["category"] == "cs.CV"


def test_to_json_broken_file_does_not_stop_the_run(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(CORPUS / "cs.CV/2023", archive / "2023")
    broken = archive / "2023/03/20230311.md"
    broken.write_text(TEXT.replace("- **DOI**: None\n", "", 1), encoding="utf-8")
    code, _, err = run("to-json", str(archive), "-o", str(tmp_path / "out.jsonl"))
    assert code == 1
    assert err.splitlines()[0] == (
        f"arxiv-digest: error: {broken}:4:1: expected the DOI line, found the Categories line"
    )
    assert err.splitlines()[1].startswith("Converted 4 of 5 files (")
    assert len((tmp_path / "out.jsonl").read_bytes().splitlines()) == 4


def test_to_json_missing_path_is_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    code, _, err = run("to-json", str(tmp_path / "nope"), "-o", str(out))
    assert code == 2
    assert "no such file or directory" in err
    assert out.read_text() == "previous\n"


def test_progress_bar_when_asked(tmp_path: Path) -> None:
    code, _, err = run("to-json", str(CORPUS), "--progress", "-o", str(tmp_path / "o.jsonl"))
    assert code == 0
    assert "95/95" in err
    assert "papers" in err


def test_from_json_refuses_to_overwrite_a_different_file(tmp_path: Path) -> None:
    out = tmp_path / "one.jsonl"
    assert run("to-json", str(REAL), "-o", str(out))[0] == 0
    target = tmp_path / "rebuilt" / "cs.CV/2023/03/20230311.md"
    target.parent.mkdir(parents=True)
    target.write_text("mine\n")
    code, _, err = run("from-json", str(out), "-o", str(tmp_path / "rebuilt"))
    assert code == 1
    assert "exists and differs; not overwritten (use --force)" in err
    assert target.read_text() == "mine\n"
    code, _, _ = run("from-json", str(out), "-o", str(tmp_path / "rebuilt"), "--force")
    assert code == 0
    assert target.read_bytes() == REAL.read_bytes()
    # The same content again: nothing to do, no complaint.
    assert run("from-json", str(out), "-o", str(tmp_path / "rebuilt"))[0] == 0


def test_from_json_reports_malformed_lines_and_writes_the_rest(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    assert run("to-json", str(CORPUS / "cs.CV/2023"), "-o", str(good))[0] == 0
    lines = good.read_bytes().splitlines()
    bad_paper = json.loads(lines[2])
    bad_paper["papers"][0]["title"] = "two\nlines"
    escape = json.loads(lines[3])
    escape["path"] = "../outside.md"
    mixed = [
        lines[0],
        b"{not json",
        json.dumps(bad_paper).encode(),
        json.dumps(escape).encode(),
        lines[1],
    ]
    source = tmp_path / "mixed.jsonl"
    source.write_bytes(b"\n".join(mixed) + b"\n")
    code, _, err = run("from-json", str(source), "-o", str(tmp_path / "out"))
    assert code == 1
    messages = err.strip().splitlines()
    assert messages[0].startswith(f"arxiv-digest: error: {source}:2: ")
    assert messages[1].startswith(
        f"arxiv-digest: error: {source}:3: Paper.title cannot hold a newline"
    )
    assert messages[2].startswith(f"arxiv-digest: error: {source}:4: path '../outside.md'")
    written = sorted(p.name for p in (tmp_path / "out").rglob("*.md"))
    assert len(written) == 2
    assert not (tmp_path / "outside.md").exists()


def test_from_json_reads_stdin(tmp_path: Path) -> None:
    _, out, _ = run("to-json", str(REAL))
    code, _, _ = run("from-json", "-", "-o", str(tmp_path), input=out.encode())
    assert code == 0
    assert (tmp_path / "cs.CV/2023/03/20230311.md").read_bytes() == REAL.read_bytes()


# ------------------------------------------------------------------ pre-commit


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_pre_commit_hook(tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"  # a git copy of this checkout's working tree: the hook source
    shutil.copytree(ROOT, hooks, ignore=shutil.ignore_patterns(".venv", ".git", "*cache*", "dist"))
    git(hooks, "init", "-q")
    git(hooks, "add", ".")
    git(hooks, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "hooks")
    repo = tmp_path / "archive"
    (repo / "cs.CV/2023/03").mkdir(parents=True)
    shutil.copy(REAL, repo / "cs.CV/2023/03/20230311.md")
    (repo / "README.md").write_text("# An archive\n")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks}\n  rev: HEAD\n  hooks:\n  - id: arxiv-digest-check\n"
    )
    git(repo, "init", "-q")
    git(repo, "add", ".")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    pre_commit = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    clean = subprocess.run(pre_commit, cwd=repo, capture_output=True, text=True, env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "arxiv-digest check" in clean.stdout
    assert "Passed" in clean.stdout

    (repo / "cs.CV/2023/03/20230311.md").write_text(TEXT.replace("- **DOI**: None\n", "", 1))
    git(repo, "add", ".")
    broken = subprocess.run(pre_commit, cwd=repo, capture_output=True, text=True, env=env)
    assert broken.returncode == 1
    assert "Failed" in broken.stdout
    assert "cs.CV/2023/03/20230311.md:4:1: AD001 expected the DOI line" in broken.stdout


def test_docs_carry_the_same_schemas() -> None:
    for shape in ("digest", "flat"):
        shipped = ROOT / "arxiv_digest" / "schema" / f"{shape}.schema.json"
        assert (
            ROOT / "docs" / "schema" / f"{shape}.schema.json"
        ).read_bytes() == shipped.read_bytes()
        jsonschema.Draft202012Validator.check_schema(schema(shape))


def test_a_bug_is_reported_as_one_line_with_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    import arxiv_digest.checks

    def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(arxiv_digest.checks, "_check_text", broken)  # what check runs per file
    code, _, err = run("check", str(REAL))
    assert code == 3
    assert err == (
        "arxiv-digest: internal error (this is a bug in arxiv-digest; please report it with"
        " the command you ran): RuntimeError: boom\n"
    )


def test_ctrl_c_is_exit_130_and_leaves_no_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import arxiv_digest.convert

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(arxiv_digest.convert, "convert_batch", interrupted)
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    code, _, err = run("to-json", str(REAL), "--no-progress", "-o", str(out))
    assert (code, err) == (130, "arxiv-digest: interrupted\n")
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("case", ["clean", "findings", "missing", "many findings"])
def test_check_as_its_own_process_ends_with_all_its_output(
    tmp_path: Path, case: str, jobs: str
) -> None:
    """The console script leaves check without Python's teardown: nothing printed is lost,
    through a pipe as on a terminal, and the exit status is check's."""
    text = repeated_block(TEXT)
    if case == "many findings":  # more than a pipe's buffer: every line must come through
        text = TEXT[: TEXT.index("### ")] + TEXT[TEXT.index("### ") :] * 60
    paths = {
        "clean": [str(REAL)],
        "findings": [str(day(tmp_path, text))],
        "missing": [str(REAL), str(tmp_path / "nope.md")],
        "many findings": [str(day(tmp_path, text)), str(REAL)],
    }[case]
    args = ["check", *paths, "--jobs", jobs]
    done = subprocess.run(
        [sys.executable, "-m", "arxiv_digest", *args], capture_output=True, text=True
    )
    status, out, err = run(*args)
    assert (done.returncode, done.stdout, done.stderr) == (status, out, err)
    assert status == {"clean": 0, "findings": 1, "missing": 2, "many findings": 1}[case]
    assert len(out) > {"many findings": 65536}.get(case, 0)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_to_json_as_its_own_process_ends_with_its_output_in_place(
    tmp_path: Path, jobs: str
) -> None:
    """to-json leaves without Python's teardown too: the file, stdout and stderr are whole."""
    target = tmp_path / "out.jsonl"
    folder = str(CORPUS / "cs.CV/2023")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "arxiv_digest",
            "to-json",
            folder,
            "--jobs",
            jobs,
            "-o",
            str(target),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("Converted ") and done.stderr.endswith(" s.\n")
    status, out, _ = run("to-json", folder, "--jobs", jobs, "-o", "-")
    assert status == 0
    assert target.read_text(encoding="utf-8") == out
    piped = subprocess.run(
        [sys.executable, "-m", "arxiv_digest", "to-json", folder, "-q", "-o", "-"],
        capture_output=True,
        text=True,
    )
    assert (piped.returncode, piped.stdout, piped.stderr) == (0, out, "")


def test_to_json_paths_keep_the_category_folder(tmp_path: Path) -> None:
    # Issue 20: to-json of a category folder kept no category, so from-json rebuilt
    # rebuilt/2023/...; two archives' cs.CV gave the same paths without a word.
    for given in (CORPUS / "cs.CV", CORPUS, CORPUS / "cs.CV/2023", REAL):
        code, out, _ = run("to-json", str(given))
        assert code == 0
        paths = [json.loads(line)["path"] for line in out.splitlines()]
        assert all(path.startswith("cs.CV/") for path in paths), given
        assert "cs.CV/2023/03/20230311.md" in paths
    _, out, _ = run("to-json", str(CORPUS / "cs.CV"))
    assert run("from-json", "-", "-o", str(tmp_path / "rebuilt"), input=out.encode())[0] == 0
    assert (tmp_path / "rebuilt/cs.CV/2023/03/20230311.md").read_bytes() == REAL.read_bytes()
    # The flat shape's path and Parquet's path column are the same paths.
    _, flat, _ = run("to-json", "--flat", str(REAL))
    assert json.loads(flat.splitlines()[0])["path"] == "cs.CV/2023/03/20230311.md"
    other = tmp_path / "other/cs.CV/2023/03"
    other.mkdir(parents=True)
    shutil.copy(REAL, other)
    output = tmp_path / "both.jsonl"
    code, _, err = run(
        "to-json", str(CORPUS / "cs.CV"), str(tmp_path / "other/cs.CV"), "-o", str(output)
    )
    assert code == 2
    # Named in the order of the walk, which sorts the files by their paths.
    one, two = sorted([str(other / "20230311.md"), str(CORPUS / "cs.CV/2023/03/20230311.md")])
    assert err == (
        f"arxiv-digest: error: {one} and {two} would both be 'cs.CV/2023/03/20230311.md' in"
        " the output: convert them separately, or from a folder above both\n"
        f"Nothing converted ({output} not written).\n"
    )
    assert not output.exists()
    # The same folder twice is the same files: taken once.
    code, out, _ = run("to-json", str(CORPUS / "cs.CV"), str(CORPUS / "cs.CV/2023"))
    assert (code, len(out.splitlines())) == (0, len(CORPUS_FILES))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a day of the calendar: day is out of range for month"),
        ("20260801", "'20260801' is not a date written YYYY-MM-DD (like 2023-03-11)"),
        ("2026-8-1", "'2026-8-1' is not a date written YYYY-MM-DD (like 2023-03-11)"),
    ],
)
def test_dates_have_one_form_and_say_what_is_wrong(
    tmp_path: Path, value: str, message: str
) -> None:
    # Issue 20: 2026-02-30 was "not a date YYYY-MM-DD", 20260801 was taken, 2026-8-1 was not.
    code, _, err = run(
        "collect", "cs.CV", "--from", value, "--to", "2023-03-31", "-o", str(tmp_path)
    )
    assert code == 2
    assert message in " ".join(err.split())


def test_the_collect_bar_fits_an_80_column_terminal() -> None:
    from tqdm import tqdm

    from arxiv_digest.cli import COLLECT_BAR

    text = tqdm.format_meter(
        1094,
        3650,
        3283.0,
        ncols=80,
        bar_format=COLLECT_BAR,
        postfix="123456 papers, 2026-08-01 unchanged",
    )
    assert len(text) <= 80
    assert "1094/3650 days, 123456 papers, 2026-08-01 unchanged [54:43<" in text


def test_a_file_named_with_a_trailing_slash_is_not_a_directory() -> None:
    code, _, err = run("check", f"{REAL}/")
    assert code == 2
    assert err == (
        f"arxiv-digest: error: {REAL}/: not a directory: {REAL} is a file (name it without the"
        " trailing /)\n"
    )


def test_long_commands_show_a_progress_bar_on_request(tmp_path: Path) -> None:
    # Issue 20: fix, from-json and check showed none (on a terminal they now do by default;
    # --progress asks for one anywhere, --no-progress for none).
    code, out, err = run("check", "--progress", str(CORPUS))
    assert code == 0 and out.endswith("no problems found.\n")
    assert f"{len(CORPUS_FILES)}/{len(CORPUS_FILES)}" in err
    shutil.copytree(CORPUS, tmp_path / "corpus")
    code, _, err = run("fix", "--progress", str(tmp_path / "corpus"))
    assert code == 0 and f"{len(CORPUS_FILES)}/{len(CORPUS_FILES)}" in err
    _, lines, _ = run("to-json", str(CORPUS))
    source = tmp_path / "corpus.jsonl"
    source.write_text(lines, encoding="utf-8")
    code, _, err = run("from-json", "--progress", str(source), "-o", str(tmp_path / "rebuilt"))
    assert code == 0 and "100%" in err
    for command in (["check"], ["fix"]):
        assert "100%" not in run(*command, "--no-progress", str(CORPUS))[2]


def test_from_json_interrupted_says_what_it_wrote(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _, lines, _ = run("to-json", str(CORPUS / "cs.CV/2023"))
    source = tmp_path / "in.jsonl"
    source.write_text(lines, encoding="utf-8")
    calls = []

    def interrupted(real: Callable[[str, str], None]) -> Callable[[str, str], None]:
        def put_in_place(old: str, new: str) -> None:
            calls.append(new)
            if len(calls) == 3:
                raise KeyboardInterrupt
            real(old, new)

        return put_in_place

    # A new file is put in place by a hard link (it must not exist), a rewrite by a rename.
    monkeypatch.setattr(os, "replace", interrupted(os.replace))
    monkeypatch.setattr(os, "link", interrupted(os.link))
    code, _, err = run("from-json", str(source), "-o", str(tmp_path / "rebuilt"))
    assert (code, err) == (
        130,
        "arxiv-digest: interrupted after 2 lines: 2 files written, 0 unchanged, 0 refused; the"
        " file being written then was not (its old version, if any, is kept)\n",
    )
    assert len(list((tmp_path / "rebuilt").rglob("*.md"))) == 2


def test_check_interrupted_says_how_far_it_got(monkeypatch: pytest.MonkeyPatch) -> None:
    import arxiv_digest.checks

    check_file = arxiv_digest.checks._check_file
    calls = []

    def interrupted(*args: object) -> object:
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return check_file(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(arxiv_digest.checks, "_check_file", interrupted)  # what check runs
    code, _, err = run("check", "--jobs", "1", str(CORPUS))
    assert (code, err) == (
        130,
        f"arxiv-digest: interrupted after checking 2 of {len(CORPUS_FILES)} files (the findings"
        " so far are above)\n",
    )


def test_ctrl_c_before_a_command_starts_is_130_as_during_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Ctrl-C while click parses the arguments: click alone says `Aborted!`, status 1."""
    import click

    def interrupted(*args: object) -> list[str]:
        raise KeyboardInterrupt

    monkeypatch.setattr(click.Group, "parse_args", interrupted)
    code, out, err = run("check", str(REAL))
    assert (code, out) == (130, "")
    assert err.strip() == "arxiv-digest: interrupted"  # after click's line closing the ^C
