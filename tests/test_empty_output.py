"""An output that would hold nothing replaces nothing (issue 22, point 2): when every file
given to ``to-json`` or ``to-parquet`` is left out, a good output already there stays, and
the message says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REAL, run

BROKEN = REAL.read_text(encoding="utf-8").replace("- **DOI**: None\n", "", 1)


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("to-json", "x.jsonl"),
        (["to-json", "--format", "json"], "x.json"),
        ("to-parquet", "x.parquet"),
    ],
)
def test_every_file_broken_keeps_the_good_output(
    tmp_path: Path, command: str | list[str], name: str
) -> None:
    args = [command] if isinstance(command, str) else command
    out = tmp_path / name
    assert run(*args, str(REAL), "-q", "-o", str(out))[0] == 0
    good = out.read_bytes()
    broken = tmp_path / "a" / "20230311.md"
    broken.parent.mkdir()
    broken.write_text(BROKEN, encoding="utf-8")
    code, _, err = run(*args, str(broken), str(broken), "-o", str(out))
    assert code == 1
    assert out.read_bytes() == good
    assert (
        f"arxiv-digest: error: {out}: not written: none of the 2 files could be converted (see"
        " above); the file there is kept.\n"
    ) in err
    assert err.count(f"{broken}:4:1: expected the DOI line") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", name]


def test_nothing_converted_makes_no_file(tmp_path: Path) -> None:
    broken = tmp_path / "20230311.md"
    broken.write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "x.jsonl"
    code, _, err = run("to-json", str(broken), "-q", "-o", str(out))
    assert code == 1
    assert "the file could not be converted (see above); no file made." in err
    assert not out.exists()


def test_digests_with_no_paper_are_converted(tmp_path: Path) -> None:
    """An empty result of files that did convert is the right output: it is written."""
    empty = tmp_path / "20230311.md"
    empty.write_text("# Arxiv Papers in cs.CV on 2023-03-11\n", encoding="utf-8")
    out = tmp_path / "x.jsonl"
    out.write_text("old\n")
    assert run("to-json", str(empty), "--flat", "-q", "-o", str(out))[0] == 0
    assert out.read_bytes() == b""


def test_to_parquet_from_python_keeps_the_old_file(tmp_path: Path) -> None:
    from arxiv_digest.parquet import to_parquet

    broken = tmp_path / "20230311.md"
    broken.write_text(BROKEN, encoding="utf-8")
    target = tmp_path / "x.parquet"
    target.write_bytes(b"PAR1 a good file\n")
    errors = to_parquet([broken], target)
    assert len(errors) == 1
    assert target.read_bytes() == b"PAR1 a good file\n"
