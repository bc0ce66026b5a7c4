"""arxiv-digest to-parquet and arxiv_digest.parquet: the typed file a data user reads."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arxiv_digest import parse_digest
from arxiv_digest.convert import relative_path
from arxiv_digest.files import find_digests
from arxiv_digest.parquet import parquet_in_order, to_parquet
from arxiv_digest.pool import batches
from tests.conftest import CORPUS, CORPUS_FILES, REAL, TEXT, run
from tests.test_files import interrupt

UTC = dt.timezone.utc


def corpus_parquet(tmp_path: Path, *extra: str) -> pa.Table:
    out = tmp_path / "papers.parquet"
    code, out_text, err = run("to-parquet", str(CORPUS), "-o", str(out), *extra)
    assert (code, out_text) == (0, ""), err
    return pq.read_table(out)


def test_the_columns_are_typed(tmp_path: Path) -> None:
    schema = corpus_parquet(tmp_path, "-j", "1").schema
    types = {field.name: str(field.type) for field in schema}
    strings = "list<element: string>"
    assert types == {
        "path": "string",
        "category": "string",
        "digest_date": "date32[day]",
        "title": "string",
        "entry_id": "string",
        "doi": "string",
        "categories": strings,
        "primary_category": "string",
        "pdf_url": "string",
        "published": "timestamp[us, tz=UTC]",
        "updated": "timestamp[us, tz=UTC]",
        "authors": strings,
        "comment": "string",
        "journal_ref": "string",
        "summary": "string",
        "arxiv_id": "string",
        "version": "int32",
        "unbolded": "list<element: int32>",
    }
    nullable = {field.name for field in schema if field.nullable}
    assert nullable == {"doi", "primary_category", "pdf_url", "comment", "journal_ref"}


def expected_rows() -> list[dict[str, Any]]:
    rows = []
    for path, root in find_digests([CORPUS]).files:
        digest = parse_digest(Path(path))
        for paper in digest.papers:
            rows.append(
                {
                    "path": relative_path(path, root),
                    "category": digest.category,
                    "digest_date": digest.date,
                    "title": paper.title,
                    "entry_id": paper.entry_id,
                    "doi": paper.doi,
                    "categories": list(paper.categories),
                    "primary_category": paper.primary_category,
                    "pdf_url": paper.pdf_url,
                    "published": paper.published,
                    "updated": paper.updated,
                    "authors": list(paper.authors),
                    "comment": paper.comment,
                    "journal_ref": paper.journal_ref,
                    "summary": paper.summary,
                    "arxiv_id": paper.arxiv_id,
                    "version": paper.version,
                    "unbolded": list(paper.unbolded),
                }
            )
    return rows


def test_every_paper_of_the_corpus_with_its_values(tmp_path: Path) -> None:
    rows = corpus_parquet(tmp_path).to_pylist()
    expected = expected_rows()
    assert len(rows) == len(expected) == sum(len(parse_digest(p).papers) for p in CORPUS_FILES)
    assert rows == expected  # aware datetimes compare by instant; the file holds UTC
    assert all(row["published"].tzinfo is not None for row in rows)
    assert {row["category"] for row in rows} == {"cs.CV"}


def test_the_same_rows_in_the_same_order_as_to_json_flat(tmp_path: Path) -> None:
    table = corpus_parquet(tmp_path, "-j", "2")
    code, out, _ = run("to-json", str(CORPUS), "--flat", "-j", "1")
    assert code == 0
    flat = [json.loads(line) for line in out.splitlines()]
    # The same columns in the same order; unbolded is in the JSON only when not empty.
    assert table.column_names == [*flat[0], "unbolded"]
    assert sum("unbolded" in row for row in flat) == 2  # the two real papers that have it
    for row in flat:
        row.setdefault("unbolded", [])
        row["digest_date"] = dt.date.fromisoformat(row["digest_date"])
        row["published"] = dt.datetime.fromisoformat(row["published"])
        row["updated"] = dt.datetime.fromisoformat(row["updated"])
    assert table.to_pylist() == flat


def test_jobs_do_not_change_the_file(tmp_path: Path) -> None:
    files = []
    for jobs in ("1", "2"):
        out = tmp_path / f"{jobs}.parquet"
        assert run("to-parquet", str(CORPUS), "-j", jobs, "-o", str(out))[0] == 0
        files.append(out)
    assert pq.read_table(files[0]).equals(pq.read_table(files[1]))
    assert files[0].read_bytes() == files[1].read_bytes()


def test_row_groups_bound_memory_and_keep_every_row(tmp_path: Path) -> None:
    jobs = [(str(path), relative_path(path, root)) for path, root in find_digests([CORPUS]).files]
    out = tmp_path / "small-groups.parquet"
    with out.open("wb") as file:
        parts = list(parquet_in_order(jobs, 2, file, row_group_bytes=1))
    assert len(parts) == len(list(batches(jobs))) > 1
    grouped = pq.ParquetFile(out)
    assert grouped.metadata.num_row_groups == len(parts)  # one group per batch, none held
    assert pq.read_table(out).equals(corpus_parquet(tmp_path))


def test_a_fraction_and_an_offset_become_utc_microseconds(tmp_path: Path) -> None:
    # The grammar allows both; the archive has neither. 05:41:30.5+05:30 is 00:11:30.5 UTC.
    text = TEXT.replace(
        "- **Published**: 2023-03-11 00:11:30+00:00",
        "- **Published**: 2023-03-11 05:41:30.500000+05:30",
        1,
    )
    day = tmp_path / "20230311.md"
    day.write_text(text, encoding="utf-8")
    out = tmp_path / "day.parquet"
    assert to_parquet([day], out) == []
    first = pq.read_table(out).slice(0, 1).to_pylist()[0]
    assert first["published"] == dt.datetime(2023, 3, 11, 0, 11, 30, 500000, tzinfo=UTC)
    assert first["published"].utcoffset() == dt.timedelta(0)
    assert first["updated"] == dt.datetime(2023, 3, 11, 0, 11, 30, tzinfo=UTC)


def test_a_time_beyond_year_9999_in_utc_is_reported_and_left_out(tmp_path: Path) -> None:
    # The grammar reads it and pyarrow would write it, but pandas could not read it back.
    source = Path(__file__).parent / "fuzz_regressions" / "published-outside-utc-years.md"
    beyond = tmp_path / "20230311.md"
    beyond.write_bytes(source.read_bytes())
    good = tmp_path / "20230312.md"
    good.write_bytes(REAL.read_bytes())
    out = tmp_path / "out.parquet"
    code, _, err = run("to-parquet", str(beyond), str(good), "-q", "-o", str(out))
    assert code == 1
    assert err == (
        f"arxiv-digest: error: {beyond}:7:18: published 0001-01-01 00:00:00+00:01 is outside"
        " years 1 to 9999 in UTC: Parquet readers could not read it back (to-json keeps it)\n"
    )
    table = pq.read_table(out)
    assert table.column("path").unique().to_pylist() == ["20230312.md"]
    assert table.num_rows == len(parse_digest(REAL).papers)


def test_a_broken_file_is_reported_and_left_out(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    for path in sorted((CORPUS / "cs.CV/2023").rglob("*.md")):
        target = archive / path.relative_to(CORPUS / "cs.CV")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    broken = archive / "2023/03/20230311.md"
    broken.write_text(TEXT.replace("- **DOI**: None\n", "", 1), encoding="utf-8")
    out = tmp_path / "out.parquet"
    code, _, err = run("to-parquet", str(archive), "-j", "2", "-o", str(out))
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == (
        f"arxiv-digest: error: {broken}:4:1: expected the DOI line, found the Categories line"
    )
    good = [p for p in sorted((CORPUS / "cs.CV/2023").rglob("*.md")) if p.name != broken.name]
    papers = sum(len(parse_digest(p).papers) for p in good)
    assert lines[1].startswith(f"Wrote {papers} papers from {len(good)} files (1 left out")
    table = pq.read_table(out)
    assert table.num_rows == papers
    assert "2023/03/20230311.md" not in table.column("path").to_pylist()
    assert to_parquet([archive], tmp_path / "api.parquet") == [
        lines[0][len("arxiv-digest: error: ") :]
    ]


def test_summary_line_and_quiet(tmp_path: Path) -> None:
    out = tmp_path / "day.parquet"
    code, _, err = run("to-parquet", str(REAL), "-o", str(out))
    assert code == 0
    assert err.startswith(f"Wrote 45 papers from 1 file, 0.1 MB, to {out} in ")
    assert run("to-parquet", str(REAL), "-o", str(out), "--quiet") == (0, "", "")


def test_progress_bar_when_asked(tmp_path: Path) -> None:
    out = tmp_path / "o.parquet"
    code, _, err = run("to-parquet", str(CORPUS), "--progress", "-q", "-j", "1", "-o", str(out))
    assert code == 0
    assert f"{len(CORPUS_FILES)}/{len(CORPUS_FILES)}" in err
    assert f"{pq.read_metadata(out).num_rows} papers" in err
    assert "Wrote" not in err  # --quiet: the bar, no summary


def test_missing_path_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    code, _, err = run("to-parquet", str(tmp_path / "nope"), "-o", str(out))
    assert (code, err) == (
        2,
        f"arxiv-digest: error: {tmp_path / 'nope'}: no such file or directory\n"
        f"Nothing converted ({out} not written).\n",
    )
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(FileNotFoundError):
        to_parquet([tmp_path / "nope"], out)


def test_without_pyarrow_the_message_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # what an absent package looks like
    out = tmp_path / "out.parquet"
    code, _, err = run("to-parquet", str(REAL), "-o", str(out))
    assert code == 2
    assert err.startswith("arxiv-digest: error: Parquet output needs pyarrow")
    assert err.endswith(": pip install 'arxiv-digest[parquet]'\n")
    assert list(tmp_path.iterdir()) == []


def test_importing_arxiv_digest_does_not_import_pyarrow() -> None:
    code = (
        "import sys, arxiv_digest, arxiv_digest.cli, arxiv_digest.parquet, arxiv_digest.convert;"
        " print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyarrow', 'tqdm')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"


def test_ctrl_c_is_exit_130_and_leaves_the_old_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import arxiv_digest.parquet

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(arxiv_digest.parquet, "convert_part", interrupted)
    out = tmp_path / "out.parquet"
    out.write_text("previous\n")
    code, _, err = run("to-parquet", str(REAL), "-j", "1", "--no-progress", "-o", str(out))
    assert (code, err) == (130, "arxiv-digest: interrupted\n")
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_by_a_signal_leaves_no_file(tmp_path: Path, signum: int) -> None:
    files = [str(p) for p in CORPUS_FILES] * 20
    out = tmp_path / "out.parquet"
    # Mid-run: once the temporary output exists (75 MB to convert: seconds more to go).
    err = interrupt(
        ["to-parquet", "--jobs", "2", "-o", str(out), *files],
        lambda: any(p.name.endswith(".tmp") for p in tmp_path.iterdir()),
        signum,
    )
    assert b"Traceback" not in err
    assert list(tmp_path.iterdir()) == []
