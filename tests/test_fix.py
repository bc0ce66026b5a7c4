"""``arxiv-digest fix`` and ``arxiv_digest.fix``: real files with repeats, every fix, the exit
codes, atomic writes, the hypothesis properties and the pre-commit hook."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from arxiv_digest import Digest, parse_digest, serialize_digest
from arxiv_digest.checks import check_file, check_text
from arxiv_digest.fix import (
    FIXES,
    Fix,
    drop_old_versions,
    drop_repeats,
    fix_digest,
    fix_file,
    fix_line_endings,
    fix_text,
    sort_papers,
)
from arxiv_digest.strategies import digests
from tests.conftest import CORPUS, CORPUS_FILES, REAL, ROOT, TEXT, run

FIXABLE = Path(__file__).parent / "corpus_fixable"
# The real file with the most repeats: 40 papers listed twice byte for byte, and 2602.01666
# as v1 then v2.
REPEATS = FIXABLE / "cs.CV/2026/02/20260202.md"


def copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.relative_to(source.parents[3])  # keep cs.CV/YYYY/MM/
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def blocks(text: str) -> list[str]:
    """The paper blocks of a text, cut at its ``### `` lines (LF or CRLF alike)."""
    starts = [m.start() + 1 for m in re.finditer(r"\n### ", text)]
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)])]


def header(text: str) -> str:
    return text[: text.index("\n") + 1]


def write(tmp_path: Path, text: str, name: str = "cs.CV/2023/03/20230311.md") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


# ------------------------------------------------------------------ the real file


def test_the_fixable_corpus_round_trips_and_has_the_repeats_we_count() -> None:
    text = REPEATS.read_text(encoding="utf-8")
    assert serialize_digest(parse_digest(REPEATS)) == text
    findings = check_file(REPEATS)
    assert [f.code for f in findings] == ["AD103"] * 41
    assert len(blocks(text)) == 190


def test_safe_fix_removes_exactly_the_exact_repeats(tmp_path: Path) -> None:
    path = copy(REPEATS, tmp_path)
    before = path.read_text(encoding="utf-8")
    code, out, err = run("fix", str(path))
    assert (code, err) == (1, "")
    after = path.read_text(encoding="utf-8")
    old, new = blocks(before), blocks(after)
    # The result is the original's blocks with every later copy of an identical block gone,
    # each kept block byte for byte and in its place.
    first_copies = [b for i, b in enumerate(old) if b not in old[:i]]
    assert new == first_copies
    assert header(after) == header(before)
    assert len(old) - len(new) == 40
    lines = out.splitlines()
    fixed = [line for line in lines if " fixed: " in line]
    assert len(fixed) == 40
    assert fixed[0] == (
        f"{path}:394: AD103 fixed: dropped a repeat of 2602.01639, which stays at this line"
    )
    # One numbering (issue 20): each fix line is where its paper is in the fixed file, and
    # every finding left is at the line check gives on the fixed file.
    after_lines = after.split("\n")
    for line in fixed:
        number, ident = int(line.split(":")[1]), line.split()[-6].rstrip(",")
        assert after_lines[number].startswith(f"- **Arxiv ID**: http://arxiv.org/abs/{ident}v")
    remaining = [line for line in lines if ": AD" in line and " fixed: " not in line]
    assert remaining == [f.text() for f in check_file(path)]
    assert remaining == [
        f"{path}:464:1: AD103 paper 2602.01666 is repeated: first listed at line 450"
    ]
    assert lines[-1] == (
        "Fixed 40 problems in 1 of 1 file (line numbers: the file as fixed)."
        " 1 problem remains (1 fixable with --unsafe-fixes)."
    )
    # Nothing more to do safely: no change, but the version repeat is still a problem.
    code, out, _ = run("fix", str(path))
    assert code == 1
    assert path.read_text(encoding="utf-8") == after
    assert out.splitlines()[-1] == (
        "Checked 1 file: nothing to fix. 1 problem remains (1 fixable with --unsafe-fixes)."
    )


def test_unsafe_fixes_keep_the_newest_version_and_check_is_then_clean(tmp_path: Path) -> None:
    path = copy(REPEATS, tmp_path)
    before = path.read_text(encoding="utf-8")
    code, out, _ = run("fix", "--unsafe-fixes", str(path))
    assert code == 1
    after = path.read_text(encoding="utf-8")
    v2 = after.split("\n").index("- **Arxiv ID**: http://arxiv.org/abs/2602.01666v2")
    assert f"{path}:{v2}: AD103 fixed: dropped 2602.01666v1: v2 stays at this line" in out
    assert out.splitlines()[-1] == (
        "Fixed 41 problems in 1 of 1 file (line numbers: the file as fixed)."
    )
    after = path.read_text(encoding="utf-8")
    kept = blocks(after)
    assert len(kept) == 149
    assert "2602.01666v1" not in after and after.count("abs/2602.01666v2") == 1
    assert set(kept) <= set(blocks(before))  # every block that stays is byte-identical
    assert run("check", str(path)) == (0, "Checked 1 file: no problems found.\n", "")
    mtime = path.stat().st_mtime_ns
    for flags in ([], ["--unsafe-fixes"]):
        code, out, _ = run("fix", *flags, str(path))
        assert (code, out) == (0, "Checked 1 file: nothing to fix.\n")
    assert path.stat().st_mtime_ns == mtime  # not even rewritten


def test_diff_writes_nothing_and_patch_applies_it(tmp_path: Path) -> None:
    path = copy(REPEATS, tmp_path)
    before = path.read_bytes()
    code, diff, err = run("fix", "--diff", "--unsafe-fixes", str(path))
    assert code == 1
    assert path.read_bytes() == before
    assert diff.startswith(f"--- {path}\n+++ {path}\n@@ ")
    assert err.splitlines()[-1] == (
        "Would fix 41 problems in 1 of 1 file (line numbers: the file as fixed)."
    )
    assert sum(line.startswith("-### ") for line in diff.splitlines()) == 41
    assert not any(line.startswith("+") for line in diff.splitlines()[2:])
    subprocess.run(["patch", "-s", "-p0", str(path)], input=diff.encode(), check=True)
    assert run("check", str(path))[0] == 0
    assert run("fix", "--diff", str(path)) == (0, "", "Checked 1 file: nothing to fix.\n")


# ------------------------------------------------------------------ each fix


def test_papers_out_of_order_are_sorted_back_to_the_generators_bytes(tmp_path: Path) -> None:
    old = blocks(TEXT)
    moved = [*old[:5], old[9], *old[5:9], *old[10:]]
    path = write(tmp_path, header(TEXT) + "".join(moved))
    assert "AD104" in {f.code for f in check_file(path)}
    code, out, _ = run("fix", str(path))
    assert code == 1
    assert out.splitlines()[0].endswith(": AD104 fixed: sorted by published time: 5 papers moved")
    assert path.read_text(encoding="utf-8") == TEXT


def test_same_second_papers_keep_their_order() -> None:
    # 2021-04-14 holds two papers published in the same second; a stable sort keeps their
    # order as the generator wrote it.
    digest = parse_digest(CORPUS / "cs.CV/2021/04/20210414.md")
    times = [p.published for p in digest.papers]
    assert len(set(times)) < len(times)
    assert sort_papers(digest) == (digest, [])
    reverse = attrs.evolve(digest, papers=digest.papers[::-1])
    fixed, fixes = sort_papers(reverse)
    assert [f.code for f in fixes] == ["AD104"]
    same = [p for p in fixed.papers if times.count(p.published) > 1]
    assert same != [p for p in digest.papers if times.count(p.published) > 1]  # reversed ties
    assert [p.published for p in fixed.papers] == times


def test_crlf_file_with_an_lf_line_is_fixed_not_a_syntax_error(tmp_path: Path) -> None:
    crlf = TEXT.replace("\n", "\r\n")
    at = crlf.index("\r\n", crlf.index("- **Authors**")) + 1
    path = write(tmp_path, crlf[: at - 1] + crlf[at:])  # one line ends with LF only
    assert [f.code for f in check_file(path)] == ["AD001"]
    code, out, _ = run("fix", str(path))
    assert code == 1
    assert out.splitlines()[0] == (
        f"{path}:9: AD206 fixed: 1 line ending with LF now ends with CRLF, as the other"
        f" {TEXT.count(chr(10)) - 1} do"
    )
    assert path.read_bytes() == crlf.encode()
    assert run("fix", str(path))[0] == 0


def test_lf_file_with_crlf_lines_is_fixed(tmp_path: Path) -> None:
    lines = TEXT.split("\n")
    lines[3] += "\r"
    lines[40] += "\r"
    path = write(tmp_path, "\n".join(lines))
    assert [f.code for f in check_file(path)] == ["AD206", "AD206"]
    code, out, _ = run("fix", str(path))
    assert code == 1
    assert f"{path}:4: AD206 fixed: 2 lines ending with CRLF now end with LF" in out
    assert path.read_text(encoding="utf-8") == TEXT


def test_a_tie_of_line_endings_goes_to_the_first_line() -> None:
    assert fix_line_endings("a\nb\r\n")[0] == "a\nb\n"
    assert fix_line_endings("a\r\nb\n")[0] == "a\r\nb\r\n"
    assert fix_line_endings("a\r\nb\r\n") == ("a\r\nb\r\n", [])
    assert fix_line_endings("no newline\r") == ("no newline\r", [])


def test_a_value_ending_in_cr_in_a_crlf_file_is_kept(tmp_path: Path) -> None:
    # "\r\r\n" in a CRLF file is a value ending with CR, then the line ending: not mixed.
    crlf = TEXT.replace("\n", "\r\n").replace("Active Learning\r\n", "Active Learning\r\r\n", 1)
    assert fix_text(crlf, "20230311.md").changed is False


def test_a_syntax_error_is_never_touched(tmp_path: Path) -> None:
    text = blocks(TEXT)
    broken = header(TEXT) + text[1] + text[0].replace("- **DOI**: None\n", "", 1) + text[1]
    path = write(tmp_path, broken)
    mtime = path.stat().st_mtime_ns
    code, out, _ = run("fix", "--select", "AD103", str(path))
    assert code == 1
    assert f"{path}:18:1: AD001 expected the DOI line, found the Categories line" in out
    assert "fixed" not in out
    assert path.read_text(encoding="utf-8") == broken
    assert path.stat().st_mtime_ns == mtime


def test_what_needs_a_person_is_reported_not_changed(tmp_path: Path) -> None:
    path = write(tmp_path, TEXT, "cs.CV/2023/04/20230312.md")
    code, out, _ = run("fix", str(path))
    assert code == 1
    assert out.splitlines() == [
        f"{path}:1:1: AD102 file 20230312.md is in folder 2023/04, not 2023/03",
        f"{path}:1:28: AD101 header date 2023-03-11 is not the file name date 2023-03-12",
        "Checked 1 file: nothing to fix. 2 problems remain.",
    ]
    assert path.read_text(encoding="utf-8") == TEXT
    assert run("fix", "--ignore", "AD1", str(path)) == (0, "Checked 1 file: nothing to fix.\n", "")


def test_select_and_ignore_choose_the_fixes(tmp_path: Path) -> None:
    old = blocks(TEXT)
    messy = header(TEXT) + old[1] + old[0] + old[0] + "".join(old[2:])
    path = write(tmp_path, messy)
    code, out, _ = run("fix", "--select", "AD104", str(path))
    assert code == 1
    fixed = [line.split(": ")[1] for line in out.splitlines() if " fixed: " in line]
    assert fixed == ["AD104 fixed"]
    assert blocks(path.read_text(encoding="utf-8"))[:3] == [old[0], old[0], old[1]]
    assert "AD103" not in out  # not selected: neither fixed nor reported
    assert "AD103 paper 2303.06250 is repeated" in run("check", str(path))[1]
    code, out, _ = run("fix", "--ignore", "AD104", str(path))
    assert code == 1
    assert path.read_text(encoding="utf-8") == TEXT


def test_permissions_are_kept_and_links_followed(tmp_path: Path) -> None:
    target = write(tmp_path, header(TEXT) + blocks(TEXT)[0] * 2, "real/20230311.md")
    target.chmod(0o640)
    link = tmp_path / "cs.CV/2023/03/20230311.md"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    assert run("fix", str(link))[0] == 1
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == header(TEXT) + blocks(TEXT)[0]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["20230311.md"]


def test_ctrl_c_leaves_every_file_old_or_new(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    repeated = header(TEXT) + blocks(TEXT)[0] * 2
    first = write(tmp_path, repeated, "cs.CV/2023/03/20230310.md")
    second = write(tmp_path, repeated, "cs.CV/2023/03/20230311.md")
    replace = os.replace
    calls = []

    def interrupted(source: str, target: Path) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise KeyboardInterrupt
        replace(source, target)

    monkeypatch.setattr(os, "replace", interrupted)
    code, out, err = run("fix", "--jobs", "1", str(tmp_path))
    # What was done before the interruption is said (issue 20): the first file's fix line.
    assert out.splitlines() == [
        f"{first}:2: AD103 fixed: dropped a repeat of 2303.06250, which stays at this line",
        f"{first}:1:28: AD101 header date 2023-03-11 is not the file name date 2023-03-10",
    ]
    assert (code, err) == (
        130,
        "arxiv-digest: interrupted after 1 file done (1 fixed, its lines above); a file being"
        " fixed at that moment is left as it was or fixed, never half-written\n",
    )
    assert first.read_text(encoding="utf-8") == header(TEXT) + blocks(TEXT)[0]  # new
    assert second.read_text(encoding="utf-8") == repeated  # old
    assert sorted(p.name for p in first.parent.iterdir()) == ["20230310.md", "20230311.md"]


def test_a_file_that_cannot_be_written_is_exit_2_and_the_others_are_fixed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    repeated = header(TEXT) + blocks(TEXT)[0] * 2
    first = write(tmp_path, repeated, "cs.CV/2023/03/20230310.md")
    second = write(tmp_path, repeated, "cs.CV/2023/03/20230311.md")
    replace = os.replace

    def refused(source: str, target: Path) -> None:
        if str(target).endswith("20230310.md"):
            raise PermissionError(13, "Permission denied", target)
        replace(source, target)

    monkeypatch.setattr(os, "replace", refused)
    code, out, err = run("fix", str(tmp_path))
    assert code == 2
    assert err == (
        f"arxiv-digest: error: {first}: cannot fix: Permission denied (1 problem not fixed)\n"
    )
    # The file was checked, its problem is still there, and the summary says so (issue 22).
    assert out.splitlines() == [
        f"{first}:1:28: AD101 header date 2023-03-11 is not the file name date 2023-03-10",
        f"{first}:17:1: AD103 paper 2303.06250 is repeated: first listed at line 2",
        f"{second}:2: AD103 fixed: dropped a repeat of 2303.06250, which stays at this line",
        "Fixed 1 problem in 1 of 2 files (line numbers: the file as fixed). 1 problem not fixed"
        " (a file could not be written, see above). 2 problems remain. 1 error (see above):"
        " not everything was fixed.",
    ]
    assert first.read_text(encoding="utf-8") == repeated
    assert second.read_text(encoding="utf-8") == header(TEXT) + blocks(TEXT)[0]
    assert sorted(p.name for p in first.parent.iterdir()) == ["20230310.md", "20230311.md"]
    # The JSON document counts it too (issue 22: "checked": 0, "remaining": []).
    import json

    second.write_text(repeated, encoding="utf-8")
    code, out, _ = run("fix", "--format", "json", str(first))
    document = json.loads(out)
    assert (code, document["checked"], document["changed"], document["written"]) == (2, 1, 0, 0)
    assert [f["code"] for f in document["remaining"]] == ["AD101", "AD103"]
    assert document["errors"] == [f"{first}: cannot fix: Permission denied (1 problem not fixed)"]


def test_errors_of_the_run_are_exit_2(tmp_path: Path) -> None:
    code, _, err = run("fix", str(tmp_path / "nope.md"), str(REAL))
    assert code == 2
    assert f"arxiv-digest: error: {tmp_path / 'nope.md'}: no such file or directory" in err
    # A directory with no digest is an error of the run too, as for check and to-json.
    (tmp_path / "empty").mkdir()
    code, out, err = run("fix", str(tmp_path / "empty"))
    assert code == 2
    assert f"{tmp_path / 'empty'}: no digest found: looked for files named YYYYMMDD.md" in err
    assert out.endswith(": not everything was fixed.\n")
    # Bytes that are not UTF-8 are the input's problem, as in check: AD001 left, exit 1.
    bad = write(tmp_path, TEXT)
    bad.write_bytes(bad.read_bytes().replace(b"ReBound", b"Re\xe9Bound", 1))
    before = bad.read_bytes()
    code, out, err = run("fix", str(bad))
    assert (code, err) == (1, "")
    assert out.startswith(f"{bad}:2:7: AD001 not UTF-8: byte 0xe9")
    assert bad.read_bytes() == before
    unreadable = tmp_path / "20230312.md"
    unreadable.symlink_to("/proc/self/mem")
    code, _, err = run("fix", str(unreadable))
    assert code == 2
    assert err == f"arxiv-digest: error: {unreadable}: cannot fix: Input/output error\n"
    assert run("fix")[0] == 2
    assert run("fix", "--select", "XY9", str(REAL))[0] == 2


def test_json_and_github_formats(tmp_path: Path) -> None:
    import json

    path = copy(REPEATS, tmp_path)
    code, out, _ = run("fix", "--format", "json", "--diff", str(path))
    assert code == 1
    document = json.loads(out)
    assert (document["checked"], document["changed"], document["written"]) == (1, 1, 0)
    assert len(document["fixes"]) == 40 and document["unsafe_fixable"] == 1
    assert document["fixes"][0] == {
        "path": str(path),
        "line": 394,
        "code": "AD103",
        "message": "dropped a repeat of 2602.01639, which stays at this line",
        "count": 1,
    }
    assert [f["code"] for f in document["remaining"]] == ["AD103"]
    assert document["diff"].count("\n-### ") == 40
    code, out, _ = run("fix", "--format", "github", str(path))
    assert code == 1
    assert out.splitlines()[0] == (
        f"::notice file={path},line=394,title=AD103::AD103 fixed: dropped a repeat of"
        " 2602.01639, which stays at this line"
    )


def test_the_clean_corpus_is_left_alone(tmp_path: Path) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    code, out, _ = run("fix", "--unsafe-fixes", str(tmp_path / "corpus"))
    assert (code, out) == (0, f"Checked {len(CORPUS_FILES)} files (1 skipped): nothing to fix.\n")
    for original in CORPUS_FILES:
        assert (tmp_path / "corpus" / original.relative_to(CORPUS)).read_bytes() == (
            original.read_bytes()
        )


# ------------------------------------------------------------------ the library


def test_library_functions_on_a_digest() -> None:
    digest = parse_digest(REPEATS)
    fixed, fixes = drop_repeats(digest)
    assert len(fixes) == 40 and all(isinstance(f, Fix) for f in fixes)
    assert drop_repeats(fixed) == (fixed, [])
    newest, fixes = drop_old_versions(fixed)
    assert [(f.code, f.message) for f in fixes] == [
        ("AD103", "dropped 2602.01666v1: v2 stays at this line")
    ]
    assert sort_papers(newest) == (newest, [])
    assert fix_digest(digest, unsafe=True)[0] == newest
    assert fix_digest(digest, unsafe=True, ignore=["AD103"]) == (digest, [])
    lenient = parse_digest(TEXT.replace("- **DOI**: None\n", "", 1), strict=False)
    with pytest.raises(ValueError, match="1 broken block"):
        fix_digest(lenient)
    assert {code for code, _, _ in FIXES} == {"AD001", "AD103", "AD104", "AD206", "AD305"}


def test_the_newest_version_keeps_its_own_place(tmp_path: Path) -> None:
    # The real v1 and v2 blocks of 2602.01666, v2 listed first and v1 five papers later: v1
    # goes, v2 stays where it is and nothing else moves.
    text = REPEATS.read_text(encoding="utf-8")
    old = list(dict.fromkeys(blocks(text)))  # without the exact repeats
    v1 = next(b for b in old if "abs/2602.01666v1" in b)
    v2 = next(b for b in old if "abs/2602.01666v2" in b)
    others = [b for b in old if b not in (v1, v2)]
    at = old.index(v1)
    swapped = [*others[:at], v2, *others[at : at + 5], v1, *others[at + 5 :]]
    path = write(tmp_path, header(text) + "".join(swapped), "cs.CV/2026/02/20260202.md")
    code, out, _ = run("fix", "--unsafe-fixes", str(path))
    assert code == 1
    assert [line.split(": ", 1)[1] for line in out.splitlines() if " fixed: " in line] == [
        "AD103 fixed: dropped 2602.01666v1: v2 stays at this line"
    ]
    assert blocks(path.read_text(encoding="utf-8")) == [*others[:at], v2, *others[at:]]
    assert run("check", str(path))[0] == 0


# ------------------------------------------------------------------ properties


def _unique_times(digest: Digest) -> bool:
    return len({p.published for p in digest.papers}) == len(digest.papers)


def _ends_unambiguous(digest: Digest) -> bool:
    # A value ending with CR cannot be told from a CRLF line ending: check reports it
    # (AD206), so such a text is not a clean original.
    text = serialize_digest(digest)
    return "\r\r\n" not in text if digest.newline == "\r\n" else "\r\n" not in text


def _sorted(digest: Digest) -> Digest:
    return attrs.evolve(digest, papers=tuple(sorted(digest.papers, key=lambda p: p.published)))


clean_digests = digests(max_papers=6).filter(_unique_times).map(_sorted).filter(_ends_unambiguous)


@given(clean_digests, st.data())
def test_fix_gives_back_the_original_from_a_mess(digest: Digest, data: st.DataObject) -> None:
    original = serialize_digest(digest)
    papers = list(digest.papers)
    mess = data.draw(st.permutations(papers))
    for paper in data.draw(
        st.lists(st.sampled_from(papers), max_size=4) if papers else st.just([])
    ):
        mess.insert(data.draw(st.integers(0, len(mess))), paper)
    text = serialize_digest(attrs.evolve(digest, papers=tuple(mess)))
    lines = text.split("\n")[:-1]
    # Flip fewer than half the line endings, never the first (a tie would go to it anyway).
    flips = data.draw(st.sets(st.integers(1, max(1, len(lines) - 1)), max_size=len(lines) // 2))
    for i in sorted(flips):
        if i < len(lines):
            crlf = lines[i].endswith("\r")
            lines[i] = lines[i][:-1] if crlf else lines[i] + "\r"
    text = "\n".join([*lines, ""])
    note(repr(text))
    result = fix_text(text, "x.md")
    assert result.after == original
    assert not result.skipped
    assert fix_text(result.after, "x.md").fixes == ()


@given(digests(max_papers=5))
def test_fix_of_a_clean_file_is_a_no_op_and_fix_is_idempotent(digest: Digest) -> None:
    text = serialize_digest(digest)
    result = fix_text(text, "x.md", unsafe=True)
    if not {f.code for f in check_text(text, "x.md")} & {"AD103", "AD104", "AD206"}:
        assert (result.after, result.fixes) == (text, ())
    again = fix_text(result.after, "x.md", unsafe=True)
    assert (again.after, again.fixes) == (result.after, ())
    assert set(blocks(result.after.replace("\r\n", "\n"))) <= set(
        blocks(text.replace("\r\n", "\n"))
    )


# ------------------------------------------------------------------ pre-commit


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        capture_output=True,
        text=True,
    )


def test_pre_commit_fix_hook(tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"  # a git copy of this checkout's working tree: the hook source
    shutil.copytree(ROOT, hooks, ignore=shutil.ignore_patterns(".venv", ".git", "*cache*", "dist"))
    git(hooks, "init", "-q")
    git(hooks, "add", ".")
    assert git(hooks, "commit", "-qm", "hooks").returncode == 0
    repo = tmp_path / "archive"
    repo.mkdir()
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks}\n  rev: HEAD\n  hooks:\n"
        "  - id: arxiv-digest-fix\n  - id: arxiv-digest-check\n"
    )
    git(repo, "init", "-q")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )
    digest = repo / "cs.CV/2023/03/20230311.md"
    digest.parent.mkdir(parents=True)
    digest.write_text(header(TEXT) + blocks(TEXT)[0] * 2 + "".join(blocks(TEXT)[1:]))
    git(repo, "add", ".")

    def commit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-m", "a day"],
            cwd=repo,
            capture_output=True,
            text=True,
            env=env,
        )

    failed = commit()
    said = failed.stdout + failed.stderr  # git shows the hook's output on either
    assert failed.returncode == 1, said
    assert re.search(r"arxiv-digest fix\.+Failed", said)
    assert "files were modified by this hook" in said
    assert (
        "cs.CV/2023/03/20230311.md:2: AD103 fixed: dropped a repeat of 2303.06250, which stays"
        " at this line" in said
    )
    assert digest.read_text(encoding="utf-8") == TEXT
    assert git(repo, "log").returncode != 0  # nothing committed
    git(repo, "add", ".")
    passed = commit()
    said = passed.stdout + passed.stderr
    assert passed.returncode == 0, said
    assert re.search(r"arxiv-digest fix\.+Passed", said)
    assert re.search(r"arxiv-digest check\.+Passed", said)
    assert git(repo, "show", "HEAD:cs.CV/2023/03/20230311.md").stdout == TEXT


# ------------------------------------------------------------------ issue 20


def test_a_byte_order_mark_is_a_safe_fix(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeff" + TEXT)
    assert [f.code for f in check_file(path)] == ["AD001"]
    code, out, _ = run("fix", str(path))
    assert code == 1
    assert out.splitlines() == [
        f"{path}:1: AD001 fixed: removed the byte-order mark (U+FEFF) the file started with",
        "Fixed 1 problem in 1 of 1 file (line numbers: the file as fixed).",
    ]
    assert path.read_text(encoding="utf-8") == TEXT
    # Not selected: left alone, and reported as the syntax error it is.
    path.write_bytes(("\ufeff" + TEXT).encode("utf-8"))
    code, out, _ = run("fix", "--select", "AD1", str(path))
    assert (code, out.splitlines()[0]) == (
        1,
        f"{path}:1:1: AD001 the file starts with a"
        " byte-order mark (U+FEFF): digests are UTF-8 without one",
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_remaining_lines_are_those_check_gives_on_the_file_as_fixed(tmp_path: Path) -> None:
    # Repeats before a paper with a problem left (a bad PDF link): the finding's line is in
    # the fixed file, with --diff (the file as the diff makes it) as when written.
    old = blocks(TEXT)
    bad = old[3].replace("/pdf/2303.06", "/pdf/2303.07", 1)
    text = header(TEXT) + old[0] + old[0] + old[1] + old[1] + old[2] + bad + "".join(old[4:])
    path = write(tmp_path, text)
    code, diff, err = run("fix", "--diff", str(path))
    assert code == 1
    subprocess.run(["patch", "-s", "-p0", str(path)], input=diff.encode(), check=True)
    expected = [f.text() for f in check_file(path)]
    links = next(i for i, line in enumerate(path.read_text().split("\n"), 1) if "/2303.07" in line)
    assert [f.split(": AD")[0] for f in expected] == [f"{path}:{links}:20"]
    assert [line for line in err.splitlines() if ": AD203 " in line] == expected
    path.write_text(text, encoding="utf-8")
    code, out, _ = run("fix", str(path))
    assert [line for line in out.splitlines() if ": AD203 " in line] == expected
    assert [line.split(":")[1] for line in out.splitlines() if " fixed: " in line] == ["2", "17"]


def test_jobs_give_the_same_output_and_files(tmp_path: Path) -> None:
    texts = {}
    for day in range(10, 20):
        old = blocks(TEXT)
        texts[day] = header(TEXT) + old[1] + old[0] + old[0] + "".join(old[2:])
    outputs = []
    for jobs in ("1", "2"):
        folder = tmp_path / jobs
        for day, text in texts.items():
            write(folder, text, f"cs.CV/2023/03/202303{day}.md")
        code, out, _ = run("fix", "--jobs", jobs, str(folder))
        outputs.append((code, out.replace(str(folder), "DIR")))
        assert (folder / "cs.CV/2023/03/20230311.md").read_text(encoding="utf-8") == TEXT
    assert outputs[0] == outputs[1]
    assert outputs[0][1].splitlines()[-1].startswith("Fixed 20 problems in 10 of 10 files")


def test_fixes_only_leaves_the_problems_to_check(tmp_path: Path) -> None:
    path = write(tmp_path, header(TEXT) + blocks(TEXT)[0] * 2, "cs.CV/2023/03/20230310.md")
    code, out, _ = run("fix", "--fixes-only", str(path))
    assert (code, out.splitlines()) == (
        1,
        [
            f"{path}:2: AD103 fixed: dropped a repeat of 2303.06250, which stays at this line",
            "Fixed 1 problem in 1 of 1 file (line numbers: the file as fixed).",
        ],
    )
    assert run("fix", "--fixes-only", str(path)) == (0, "Checked 1 file: nothing to fix.\n", "")
    assert run("check", str(path))[0] == 1  # the AD101 is check's to report


def test_a_summary_under_pre_commit_says_it_is_one_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PRE_COMMIT", "1")
    batch = " in this batch (pre-commit may pass the files in several)"
    assert run("fix", str(REAL))[1] == f"Checked 1 file{batch}: nothing to fix.\n"
    assert run("check", str(REAL))[1] == f"Checked 1 file{batch}: no problems found.\n"


def test_a_paper_repeated_many_times_is_one_fix_line(tmp_path: Path) -> None:
    old = blocks(TEXT)
    path = write(tmp_path, header(TEXT) + old[0] * 5 + "".join(old[1:]))
    code, out, _ = run("fix", str(path))
    assert code == 1
    assert out.splitlines() == [
        f"{path}:2: AD103 fixed: dropped 4 repeats of 2303.06250, which stays at this line",
        "Fixed 4 problems in 1 of 1 file (line numbers: the file as fixed).",
    ]
    assert path.read_text(encoding="utf-8") == TEXT


@given(clean_digests, st.data())
def test_a_file_is_fixed_as_its_text_is(digest: Digest, data: st.DataObject) -> None:
    # The file path (checked, then rewritten a block at a time through temporary files) and
    # the text path give the same bytes, fixes and remaining findings.
    import tempfile

    papers = list(digest.papers)
    mess = data.draw(st.permutations(papers))
    repeats = st.lists(st.sampled_from(papers), max_size=3) if papers else st.just([])
    for paper in data.draw(repeats):
        mess.insert(data.draw(st.integers(0, len(mess))), paper)
    text = serialize_digest(attrs.evolve(digest, papers=tuple(mess)))
    if data.draw(st.booleans()):
        text = "\ufeff" + text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "20230311.md"
        path.write_bytes(text.encode("utf-8"))
        by_text = fix_text(text, path, unsafe=True)
        by_file = fix_file(path, unsafe=True)
        assert path.read_bytes() == by_text.after.encode("utf-8")
        assert (by_file.fixes, by_file.remaining) == (by_text.fixes, by_text.remaining)
        assert list(by_file.remaining) == check_file(path)  # check's lines on the fixed file


def test_every_older_version_goes_even_one_listed_twice_differently() -> None:
    # Two different v1 blocks (another published time) before a v2: both v1 go (found by
    # the property test above: the second v1 was left, and a second run dropped it).
    old = blocks(TEXT)
    v1 = old[0]
    v1_other = v1.replace("2023-03-11 00:11:30", "2023-03-11 00:11:31")
    v2 = v1.replace("2303.06250v1", "2303.06250v2")
    text = header(TEXT) + v1 + v1_other + v2 + "".join(old[1:])
    result = fix_text(text, "x.md", unsafe=True)
    assert blocks(result.after)[0] == v2
    assert "2303.06250v1" not in result.after
    assert fix_text(result.after, "x.md", unsafe=True).fixes == ()
