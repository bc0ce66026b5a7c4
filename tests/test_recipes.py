"""Every recipe of docs/recipes.md and docs/scale-out.md runs, on the real corpus."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import dask
import pandas as pd
from click.testing import CliRunner

from arxiv_digest import iter_papers, parse_digest
from arxiv_digest.checks import check_file
from arxiv_digest.cli import main
from arxiv_digest.scaleout import convert_with_dask
from tests.conftest import CORPUS, CORPUS_FILES, ROOT

sys.path.insert(0, str(ROOT / "docs" / "recipes"))

import count_by_category
import fix_typo
import merge_archives
import parquet_frames
import test_my_code


def test_papers_per_primary_category_per_year(tmp_path: Path) -> None:
    flat = tmp_path / "papers.jsonl"
    result = CliRunner().invoke(main, ["to-json", str(CORPUS), "--flat", "-o", str(flat)])
    assert result.exit_code == 0
    frame = count_by_category.with_pandas(str(flat))
    rows = count_by_category.with_duckdb(str(flat))
    assert [tuple(r) for r in frame.itertuples(index=False)] == rows
    total = sum(len(parse_digest(p).papers) for p in CORPUS_FILES)
    assert sum(papers for _, _, papers in rows) == total
    expected_2023 = sum(
        1
        for p in CORPUS_FILES
        if "/2023/" in p.as_posix()
        for paper in parse_digest(p).papers
        if paper.primary_category == "cs.CV"
    )
    assert ("cs.CV", 2023, expected_2023) in rows


def test_parquet_in_pandas_polars_and_duckdb(tmp_path: Path) -> None:
    parquet, flat = tmp_path / "papers.parquet", tmp_path / "papers.jsonl"
    runner = CliRunner()
    assert runner.invoke(main, ["to-parquet", str(CORPUS), "-q", "-o", str(parquet)]).exit_code == 0
    assert runner.invoke(main, ["to-json", str(CORPUS), "--flat", "-o", str(flat)]).exit_code == 0
    rows = parquet_frames.with_duckdb(str(parquet))
    frame = parquet_frames.with_pandas(str(parquet))
    assert [tuple(r) for r in frame.itertuples(index=False)] == rows
    assert parquet_frames.with_polars(str(parquet)).rows() == rows
    assert rows == count_by_category.with_duckdb(str(flat))  # the JSON Lines route agrees
    papers = pd.read_parquet(parquet)
    assert str(papers["published"].dtype) == "datetime64[us, UTC]"  # typed, not strings
    first = parse_digest(CORPUS_FILES[0]).papers[0]
    assert list(papers["authors"][0]) == list(first.authors)


def test_fix_a_typo_changes_only_that_paper(tmp_path: Path) -> None:
    original = CORPUS / "cs.CV/2023/03/20230311.md"
    path = tmp_path / original.name
    shutil.copy(original, path)
    paper = parse_digest(path).papers[3]
    assert fix_typo.fix_title(str(path), paper.arxiv_id, paper.title + " (fixed)") == 1
    before = original.read_bytes().split(b"\n")
    after = path.read_bytes().split(b"\n")
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after)
    assert changed == [(f"### {paper.title}".encode(), f"### {paper.title} (fixed)".encode())]


def test_strategies_in_your_own_tests() -> None:
    test_my_code.test_index_survives_a_round_trip_through_text()


def test_merge_two_archives(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "cs.CV", tmp_path / "b" / "cs.CV"
    shutil.copytree(CORPUS / "cs.CV/2023", first / "2023")
    shutil.copytree(CORPUS / "cs.CV/2024", first / "2024")
    shutil.copytree(CORPUS / "cs.CV/2023", second / "2023")  # every 2023 paper listed twice
    shutil.copytree(CORPUS / "cs.CV/2025", second / "2025")
    dropped = merge_archives.merge(str(first), str(second), str(tmp_path / "merged"))
    merged = tmp_path / "merged"
    for path in sorted((CORPUS / "cs.CV").glob("202[345]/*/*.md")):
        relative = path.relative_to(CORPUS).as_posix()  # the category folder kept
        assert (merged / relative).read_bytes() == path.read_bytes()
        assert check_file(merged / relative) == []
        expected = len(parse_digest(path).papers) if "/2023/" in relative else 0
        assert dropped[relative] == expected


def test_dask_bag_on_the_local_process_scheduler(tmp_path: Path) -> None:
    with dask.config.set(scheduler="processes", num_workers=2):
        written, errors = convert_with_dask([CORPUS], tmp_path / "out", partitions=5)
    assert errors == []
    assert len(written) == 5
    lines = [line for name in written for line in Path(name).read_bytes().splitlines()]
    result = CliRunner().invoke(main, ["to-json", str(CORPUS), "--jobs", "1"])
    assert lines == result.stdout_bytes.splitlines()


def test_dask_reports_broken_files(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(CORPUS / "cs.CV/2023/03", archive)
    broken = archive / "20230311.md"
    broken.write_text(broken.read_text().replace("- **DOI**: None\n", "", 1))
    with dask.config.set(scheduler="synchronous"):
        written, errors = convert_with_dask([archive], tmp_path / "out")
    assert errors == [f"{broken}:4:1: expected the DOI line, found the Categories line"]
    assert sum(len(Path(n).read_bytes().splitlines()) for n in written) == 0
    assert list(iter_papers(CORPUS / "cs.CV/2023/03/20230311.md"))


def test_the_data_extra_installs_what_the_data_recipes_import() -> None:
    # Issue 20: after the documented installs, parquet_frames.py failed on `import duckdb`.
    import ast
    import re

    root = Path(__file__).resolve().parent.parent
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    extra = re.search(r"^data = \[(.*)\]$", pyproject, re.M)
    assert extra is not None
    data = {re.split(r"[<>=\[]", name.strip(' "'))[0] for name in extra[1].split(",")}
    core = {"arxiv_digest", "attrs", "click", "lark", "orjson", "tqdm"}
    for recipe in ("count_by_category.py", "parquet_frames.py"):
        tree = ast.parse((root / "docs" / "recipes" / recipe).read_text(encoding="utf-8"))
        modules = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            node.module.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and not node.level
        }
        third_party = modules - set(sys.stdlib_module_names) - core
        assert third_party and third_party <= data, (recipe, third_party)
    page = (root / "docs" / "recipes.md").read_text(encoding="utf-8")
    assert "pip install -e '.[data]'" in page
