"""Memory that does not grow with a file: from-json reads a long line a
piece at a time, to-parquet streams a big file through a spill file. Here with the limits made
small, so that the corpus's files take those paths; benchmarks/bench_memory.py measures the
peak RSS on a 1 GB digest."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import arxiv_digest.convert
import arxiv_digest.parquet
from arxiv_digest import fromjson
from tests.conftest import CORPUS, CORPUS_FILES, REAL, run


@pytest.fixture
def long_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line longer than 100 bytes is a long line."""
    monkeypatch.setattr(fromjson, "LINE_BYTES", 100)


def test_long_lines_rebuild_every_file(tmp_path: Path, long_lines: None) -> None:
    source = tmp_path / "corpus.jsonl"
    assert run("to-json", str(CORPUS), "-q", "-o", str(source))[0] == 0
    out = tmp_path / "out"
    code, _, err = run("from-json", str(source), "-o", str(out))
    assert code == 0, err
    assert f": {len(CORPUS_FILES)} written, 0 unchanged, 0 refused." in err
    for path in CORPUS_FILES:
        assert (out / path.relative_to(CORPUS)).read_bytes() == path.read_bytes()
    code, _, err = run("from-json", str(source), "-o", str(out))  # compared, not rewritten
    assert f": 0 written, {len(CORPUS_FILES)} unchanged, 0 refused." in err


def test_a_long_line_is_read_as_a_whole_line_is(tmp_path: Path, long_lines: None) -> None:
    row = {**json.loads(run("to-json", str(REAL), "-q")[1]), "path": "20230311.md"}
    crlf = {**row, "path": "crlf.md", "newline": "\r\n"}
    papers_first = {"papers": row["papers"], **{k: v for k, v in row.items() if k != "papers"}}
    papers_first["path"] = "first.md"
    after = {**row, "path": "after.md"}
    broken = json.loads(json.dumps(row))
    broken["path"] = "broken.md"
    broken["papers"][30]["published"] = "not a date"
    lines = [json.dumps(x, ensure_ascii=False).encode() for x in (crlf, papers_first, broken)]
    lines.append(json.dumps(after).encode()[:-1] + b', "extra": [1, 2.5, {"a": null}]}')
    lines.append(json.dumps({**row, "path": "bad-utf8.md"}).encode().replace(b"ReBound", b"\xff"))
    lines.append(
        json.dumps({**row, "path": "nan.md"})
        .encode()
        .replace(b'"version": 1', b'"version": NaN', 1)
    )
    lines.append(
        json.dumps({**row, "path": "deep.md"}).encode()[:-1]
        + b', "x": '
        + b"[" * 5000
        + b"]" * 5000
        + b"}"
    )
    late = {k: v for k, v in row.items() if k != "newline"}  # newline after the papers: held
    lines.append(json.dumps({**late, "path": "late.md", "newline": "\r\n"}).encode())
    lines.append(json.dumps(row).encode()[:-1] + b', "path": "other.md"}')  # too late
    lines.append(json.dumps(row).encode())
    results = list(fromjson.rebuild_lines(io.BytesIO(b"\n".join(lines) + b"\n"), tmp_path))
    assert [r.status for r in results] == [
        "written",
        "written",
        "refused",
        "written",
        "refused",
        "refused",
        "refused",
        "written",
        "refused",
        "written",
    ], [r.message for r in results]
    text = REAL.read_bytes()
    assert (tmp_path / "crlf.md").read_bytes() == text.replace(b"\n", b"\r\n")
    assert (tmp_path / "late.md").read_bytes() == text.replace(b"\n", b"\r\n")
    assert results[8].message == "malformed digest line: 'path' again after the papers"
    assert not (tmp_path / "other.md").exists()
    assert (tmp_path / "first.md").read_bytes() == text
    assert (tmp_path / "after.md").read_bytes() == text
    assert (tmp_path / "20230311.md").read_bytes() == text  # the line after the bad ones
    assert not (tmp_path / "broken.md").exists()
    assert "Invalid isoformat string" in results[2].message
    assert "malformed JSON" in results[5].message
    assert "nested too deeply" in results[6].message
    assert sorted(p.name for p in tmp_path.glob(".*")) == []  # no temporary file left
    assert sum(r.size for r in results) == len(b"\n".join(lines)) + 1


def test_a_long_line_that_breaks_late_replaces_nothing(tmp_path: Path, long_lines: None) -> None:
    row = {**json.loads(run("to-json", str(REAL), "-q")[1]), "path": "20230311.md"}
    target = tmp_path / "20230311.md"
    target.write_bytes(b"an older file\n")
    cut = json.dumps(row).encode()[:-500]  # the line ends in the middle of the last paper
    [result] = fromjson.rebuild_lines(io.BytesIO(cut + b"\n"), tmp_path, force=True)
    assert result.status == "refused"
    assert target.read_bytes() == b"an older file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["20230311.md"]


def test_to_parquet_streams_big_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.parquet as pq

    whole = tmp_path / "whole.parquet"
    assert run("to-parquet", str(CORPUS), "-q", "--jobs", "1", "-o", str(whole))[0] == 0
    monkeypatch.setattr(arxiv_digest.convert, "STREAM_BYTES", 60_000)
    monkeypatch.setattr(arxiv_digest.parquet, "STREAM_PAPERS", 7)
    assert any(p.stat().st_size >= 60_000 for p in CORPUS_FILES)
    assert any(p.stat().st_size < 60_000 for p in CORPUS_FILES)
    streamed = tmp_path / "streamed.parquet"
    assert run("to-parquet", str(CORPUS), "-q", "--jobs", "1", "-o", str(streamed))[0] == 0
    assert pq.read_table(streamed).equals(pq.read_table(whole))


def test_a_big_file_that_breaks_late_is_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    monkeypatch.setattr(arxiv_digest.convert, "STREAM_BYTES", 1)
    monkeypatch.setattr(arxiv_digest.parquet, "STREAM_PAPERS", 5)
    text = REAL.read_text(encoding="utf-8")
    last = text.rindex("- **DOI**: ")
    broken = tmp_path / "a" / "20230311.md"
    broken.parent.mkdir()
    broken.write_text(text[:last] + text[last:].replace("- **DOI**: ", "- **DOJ**: ", 1))
    out = tmp_path / "x.parquet"
    code, _, err = run("to-parquet", str(broken), str(REAL), "--jobs", "1", "-o", str(out))
    assert code == 1
    assert f"arxiv-digest: error: {broken}:" in err
    assert pq.read_table(out).num_rows == text.count("\n### ")  # REAL's papers only
