"""``collect --missing``: the days an archive lacks, planned, fetched, and nothing else touched.

The archive is a daily stretch of real papers (those of ``tests/corpus``, re-dated and
renumbered as ``tests/test_archive.py`` makes it); the stand-in API of ``tests/arxiv_api.py``
serves every paper of the whole stretch. Days are then removed from the archive, or
thinned, and ``collect --missing`` must write them back byte for byte, ask only for them, and
leave every other file as it was, bytes and modification time.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from arxiv_digest import Digest, Paper, parse_digest, serialize_digest
from arxiv_digest.cli import main
from arxiv_digest.collect import Run, collect, plan_missing
from tests.arxiv_api import FakeArxivAPI
from tests.conftest import CORPUS, ROOT
from tests.conftest import run as command
from tests.test_archive import day_path, redated
from tests.test_collect import query_range

# The pool: real papers whose block the generator can write (not the two unbolded ones).
POOL = [
    paper
    for path in sorted(CORPUS.glob("cs.CV/202[3-6]/*/*.md"))
    for paper in parse_digest(path).papers
    if not paper.unbolded
]
START, DAYS = dt.date(2024, 1, 1), 120
LAST = START + dt.timedelta(days=DAYS - 1)  # 2024-04-29
GAP = (dt.date(2024, 2, 12), dt.date(2024, 2, 16))  # a Monday to a Friday
THIN = dt.date(2024, 3, 13)  # a Wednesday: 24 papers, thinned to 3


def papers_a_day(day: dt.date) -> int:
    return 8 if day.weekday() >= 5 else 24


@pytest.fixture(scope="module")
def stretch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A daily cs.CV archive of 120 days, every day complete, 24 papers a weekday, 8 a weekend."""
    archive = tmp_path_factory.mktemp("stretch")
    taken = 0
    for offset in range(DAYS):
        day = START + dt.timedelta(days=offset)
        papers = [redated(POOL[(taken + n) % len(POOL)], day, taken + n + 1) for n in range(24)]
        papers = sorted(papers[: papers_a_day(day)], key=lambda p: p.published)
        taken += len(papers)
        path = day_path(archive, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(serialize_digest(Digest("cs.CV", day, tuple(papers))), encoding="utf-8")
    return archive


def files(archive: Path) -> dict[Path, bytes]:
    paths = sorted(p for p in archive.rglob("*") if p.is_file())
    return {path.relative_to(archive): path.read_bytes() for path in paths}


def served(stretch: Path) -> list[Paper]:
    """What the API holds: every paper of the complete stretch."""
    return [p for path in sorted(stretch.rglob("*.md")) for p in parse_digest(path).papers]


def damaged(
    stretch: Path, tmp_path: Path, *, thin: bool = True, gap: tuple[dt.date, dt.date] | None = GAP
) -> Path:
    """A copy of the stretch without the gap's days and with the thin day thinned, every
    file's modification time set to 0."""
    archive = tmp_path / "archive"
    shutil.copytree(stretch, archive)
    if gap is not None:
        day = gap[0]
        while day <= gap[1]:
            day_path(archive, day).unlink()
            day += dt.timedelta(days=1)
    if thin:
        digest = parse_digest(day_path(archive, THIN))
        thinned = Digest("cs.CV", THIN, digest.papers[5:8])
        day_path(archive, THIN).write_text(serialize_digest(thinned), encoding="utf-8")
    for path in archive.rglob("*.md"):
        os.utime(path, ns=(0, 0))
    return archive


def run(archive: Path, url: str, *extra: str) -> tuple[int, str, str]:
    argv = ["collect", "cs.CV", "--missing", "-o", str(archive), "--api-url", url]
    argv += ["--delay", "0", "--backoff", "0.01", "--retries", "1", *extra]
    return command(*argv)


def stretch_papers(first: dt.date) -> int:
    """The papers of the complete stretch from ``first`` to its newest day."""
    return sum(papers_a_day(first + dt.timedelta(days=n)) for n in range((LAST - first).days + 1))


def test_missing_restores_the_gap_and_the_thin_day_and_touches_nothing_else(
    stretch: Path, tmp_path: Path
) -> None:
    archive = damaged(stretch, tmp_path)
    before = files(archive)
    restored = {day_path(Path(), day) for day in (GAP[0] + dt.timedelta(days=n) for n in range(5))}
    restored.add(day_path(Path(), THIN))
    with FakeArxivAPI(served(stretch)).running() as api:
        code, out, err = run(archive, api.url)
        queries = [query_range(record) for record in api.log]
    assert (code, err) == (0, ""), err
    # The plan first: the runs, why, the estimates (the same weekday's neighbours: 24 papers
    # a weekday), the requests, and the generator's requests for the same days.
    assert out.splitlines() == [
        "cs.CV: 6 days to fetch in 2 runs:",
        "  2024-02-12 to 2024-02-16: 5 days missing; about 120 papers, 1 request",
        "  2024-03-13: thin (3 papers, its weekday's median 24); about 24 papers, 1 request",
        "About 2 requests; the generator script would need at least 8 for the same days:",
        "it pages from the newest paper back to 2024-02-12, about 1520 papers to 2024-04-29"
        " and any newer.",
        "cs.CV 2024-02-12 to 2024-03-13 (2 runs): 6 days: 5 new, 1 updated, 0 unchanged,"
        " 0 without papers; 144 papers.",
    ]
    assert stretch_papers(GAP[0]) == 1520  # the estimates are the true counts here
    # One query a run, one request each, as planned.
    assert queries == [(GAP[0], GAP[1] + dt.timedelta(days=1)), (THIN, THIN + dt.timedelta(1))]
    # Every day as it was before the damage, byte for byte; no other file written.
    assert files(archive) == files(stretch)
    for path in archive.rglob("*.md"):
        relative = path.relative_to(archive)
        if relative not in restored:
            assert path.stat().st_mtime_ns == 0, relative
            assert path.read_bytes() == before[relative]
    # Nothing is missing now: a second run plans nothing and asks nothing.
    with FakeArxivAPI(served(stretch)).running() as api:
        code, out, _ = run(archive, api.url)
        assert api.log == []
    assert (code, out) == (0, "cs.CV: no day missing or thin: nothing to fetch.\n")


def test_dry_run_prints_the_plan_and_asks_nothing(stretch: Path, tmp_path: Path) -> None:
    archive = damaged(stretch, tmp_path)
    before = files(archive)
    with FakeArxivAPI(served(stretch)).running() as api:
        code, out, _ = run(archive, api.url, "--dry-run")
        assert api.log == []
    assert code == 0
    assert out.startswith("cs.CV: 6 days to fetch in 2 runs:\n")
    assert "2 requests" in out
    assert files(archive) == before
    assert all(p.stat().st_mtime_ns == 0 for p in archive.rglob("*.md"))


def test_a_range_fetches_every_day_of_it_without_a_file(stretch: Path, tmp_path: Path) -> None:
    # The newest days are not a gap (nothing after them says they should be there), and a
    # single missing day is not one either: --from/--to asks for them by name.
    archive = damaged(stretch, tmp_path, thin=False, gap=None)
    newest = [LAST - dt.timedelta(days=n) for n in range(3)]
    lone = dt.date(2024, 4, 10)
    for day in (*newest, lone):
        day_path(archive, day).unlink()
    plan = plan_missing(archive, "cs.CV")
    assert plan.runs == ()
    with FakeArxivAPI(served(stretch)).running() as api:
        code, out, err = run(archive, api.url, "--from", "2024-04-01", "--to", str(LAST))
        queries = [query_range(record) for record in api.log]
    assert (code, err) == (0, "")
    assert "4 days to fetch in 2 runs:" in out
    assert "  2024-04-27 to 2024-04-29: 3 days missing; about 40 papers, 1 request" in out
    assert queries == [(lone, lone + dt.timedelta(days=1)), (newest[-1], LAST + dt.timedelta(1))]
    assert files(archive) == files(stretch)


def test_an_empty_answer_for_days_whose_neighbours_had_papers_writes_nothing(
    stretch: Path, tmp_path: Path
) -> None:
    # 19 days missing, as in the CVPapers gap: their neighbours say they hold about 392
    # papers, so an empty answer is the API's fault, asked again, then reported (exit 1).
    # A plain collect of the range believes it: the archive holds none of its days, and
    # too few of the same days a week before.
    gap = (dt.date(2024, 2, 12), dt.date(2024, 3, 1))
    archive = damaged(stretch, tmp_path, thin=False, gap=gap)
    before = files(archive)
    kept = [p for p in served(stretch) if not gap[0] <= p.published.date() <= gap[1]]
    with FakeArxivAPI(kept).running() as api:
        code, out, err = run(archive, api.url)
        assert len(api.log) == 2  # asked again once (--retries 1)
        assert "2024-02-12 to 2024-03-01: 19 days missing; about 392 papers, 2 requests" in out
        assert code == 1
        assert err.splitlines()[-1] == (
            "arxiv-digest: error: the arXiv API returned no papers for 2024-02-12..2024-03-01,"
            " which had papers; nothing written"
        )
        assert "19 not fetched" in out
        assert files(archive) == before
        plain = ["collect", "cs.CV", "--from", "2024-02-12", "--to", "2024-03-01"]
        plain += ["-o", str(archive), "--api-url", api.url, "--delay", "0"]
        result = CliRunner().invoke(main, plain, catch_exceptions=False)
    assert result.exit_code == 0
    assert "19 without papers" in result.stdout


def test_the_real_gap_of_cvpapers_costs_a_few_requests_where_the_script_pages_hundreds() -> None:
    # The corpus's days of 2025 and 2026 stand for the archive: 2025-05-31 to 2025-06-18
    # (the gap the CVPapers README names) estimated from them.
    plan = plan_missing(CORPUS, "cs.CV", dt.date(2025, 5, 31), dt.date(2025, 6, 18))
    (gap,) = plan.runs
    assert (gap.first, gap.last, gap.days) == (dt.date(2025, 5, 31), dt.date(2025, 6, 18), 19)
    assert gap.papers is not None and 19 * 40 < gap.papers < 19 * 300
    assert plan.requests == gap.requests == -(-round(gap.papers) // 200)
    assert plan.newest == dt.date(2026, 8, 12)
    assert plan.generator > 20 * plan.requests
    # The whole range of the corpus: every day between its 95 files, a run between each two
    # (all but twenty summed up in one line).
    plan = plan_missing(CORPUS, "cs.CV", dt.date(1998, 2, 11), dt.date(2026, 8, 12))
    assert len(plan.runs) == 94
    lines = plan.text().splitlines()
    assert len(lines) == 1 + 20 + 1 + 2
    assert lines[21] == "  and 74 more runs, to 2026-08-11"


def test_a_first_run_has_nothing_to_estimate_from(tmp_path: Path) -> None:
    argv = ["collect", "cs.CV", "--missing", "--from", "2025-05-01", "--to", "2025-05-03"]
    result = CliRunner().invoke(main, [*argv, "-o", str(tmp_path), "--dry-run"])
    assert (result.exit_code, result.stdout) == (
        0,
        "cs.CV: 3 days to fetch in 1 run:\n"
        "  2025-05-01 to 2025-05-03: 3 days missing; nothing near to estimate from, 1 request\n"
        "At least 1 request: no day of the archive to estimate from.\n",
    )


def test_the_plan_on_the_archive_page_is_what_the_command_prints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = (ROOT / "docs" / "archive.md").read_text(encoding="utf-8")
    pattern = r"```\n\$ (arxiv-digest collect [^\n]*--dry-run\n.*?)```"
    (block,) = re.findall(pattern, page, re.DOTALL)
    command, printed = block.split("\n", 1)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, shlex.split(command)[1:], catch_exceptions=False)
    assert (result.exit_code, result.stdout) == (0, printed)


def test_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["collect", "cs.CV", "-o", str(tmp_path)]
    result = runner.invoke(main, [*base, "--missing"])
    assert result.exit_code == 2
    assert f"no day in {tmp_path / 'cs.CV'} yet: nothing to compare with; give --from" in (
        result.stderr
    )
    result = runner.invoke(main, [*base, "--missing", "--since-last", "3"])
    assert result.exit_code == 2
    assert "--missing takes --from and --to, not --since-last" in result.stderr
    result = runner.invoke(main, [*base, "--from", "2024-01-01", "--dry-run"])
    assert result.exit_code == 2
    assert "--dry-run goes with --missing" in result.stderr
    day = dt.date(2024, 1, 2)
    with pytest.raises(ValueError, match="not in order inside"):
        collect("cs.CV", day, day, tmp_path, runs=[Run(day, day + dt.timedelta(days=1))])
