"""The archive as a whole: the AD3xx rules of check, `calendar`, `fix` of a calendar, Archive.

The archives are built from real digests: the calendars are the real scripts' output for the
real trees (tests/calendars, tests/dailypapers); the long daily stretch the gap and thin-day
rules need is made of the real papers of tests/corpus, re-dated and renumbered, a weekday
count and a weekend count a day, so that each change made to it must be found exactly.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import attrs
import pytest

from arxiv_digest import Digest, Paper, parse_digest, serialize_digest
from arxiv_digest.archive import (
    DAILY_DAYS,
    GAP_DAYS,
    THIN_MEDIAN,
    THIN_RATIO,
    Archive,
    category_folder,
)
from arxiv_digest.calendar import calendar_path, render_calendar, update_calendar
from tests.conftest import CORPUS
from tests.conftest import run as command

HERE = Path(__file__).parent
DAILY = HERE / "dailypapers"
CVPAPERS_CALENDAR = HERE / "calendars" / "cvpapers.md"
# The real papers of the corpus's recent files: the pool the daily stretch is made of.
POOL = [
    paper
    for path in sorted(CORPUS.glob("cs.CV/202[3-6]/*/*.md"))
    for paper in parse_digest(path).papers
]
WEEKDAY, WEEKEND = 24, 8  # papers a day in the stretch: a weekend has a third of a weekday
START, DAYS = dt.date(2024, 1, 1), 120


def run(*args: str) -> tuple[int, str]:
    """The command's status and its stdout then stderr (conftest's run)."""
    status, out, err = command(*args)
    return status, out + err


def redated(paper: Paper, day: dt.date, number: int) -> Paper:
    """A real paper moved to ``day`` (same time of day) as the ``number``-th paper of its month."""
    ident = f"{day:%y%m}.{number:05d}"
    published = dt.datetime.combine(day, paper.published.timetz())
    pdf = None if paper.pdf_url is None else f"https://arxiv.org/pdf/{ident}v{paper.version}"
    return attrs.evolve(
        paper,
        entry_id=f"http://arxiv.org/abs/{ident}v{paper.version}",
        pdf_url=pdf,
        published=published,
        updated=published + (paper.updated - paper.published),
    )


def day_path(archive: Path, day: dt.date, category: str = "cs.CV") -> Path:
    return archive / category / f"{day:%Y}" / f"{day:%m}" / f"{day:%Y%m%d}.md"


def write_day(archive: Path, day: dt.date, count: int, taken: list[int]) -> None:
    """The day's digest: ``count`` real papers from the pool, re-dated, in published order."""
    papers = []
    for _ in range(count):
        paper = POOL[taken[0] % len(POOL)]
        taken[0] += 1
        papers.append(redated(paper, day, taken[0]))
    papers.sort(key=lambda p: p.published)
    path = day_path(archive, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(serialize_digest(Digest("cs.CV", day, tuple(papers))), encoding="utf-8")


@pytest.fixture(scope="module")
def stretch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 days of a daily cs.CV archive, 2024-01-01 to 2024-04-29, no day missing."""
    archive = tmp_path_factory.mktemp("stretch")
    taken = [0]
    for offset in range(DAYS):
        day = START + dt.timedelta(days=offset)
        write_day(archive, day, WEEKEND if day.weekday() >= 5 else WEEKDAY, taken)
    return archive


@pytest.fixture
def archive(stretch: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(stretch, copy)
    return copy


def archive_findings(*paths: Path, options: tuple[str, ...] = ()) -> list[str]:
    """The AD3xx findings of `check --format json`, as `path: CODE message` (or path:line)."""
    status, output = run("check", "--format", "json", "--select", "AD3", *options, *map(str, paths))
    document = json.loads(output)
    assert status == (1 if document["findings"] else 0)
    return [
        f"{f['path']}{':' + str(f['line']) if f['line'] else ''}: {f['code']} {f['message']}"
        for f in document["findings"]
    ]


def test_the_stretch_is_clean_whole_and_by_rule(stretch: Path) -> None:
    status, output = run("check", str(stretch))
    assert status == 0, output
    assert output.endswith(f"Checked {DAYS} files: no problems found.\n")


def test_real_archives_have_no_archive_findings() -> None:
    # The corpus (three days a year), and DailyPapers' two categories with their seven
    # daily days and a calendar each.
    assert archive_findings(CORPUS) == []
    assert archive_findings(DAILY) == []
    assert archive_findings(DAILY / "cs.CL") == []


# --------------------------------------------------------------------------- AD301


def test_removed_days_are_one_gap(archive: Path) -> None:
    removed = [dt.date(2024, 2, 28) + dt.timedelta(days=n) for n in range(4)]
    for day in removed:
        day_path(archive, day).unlink()
    assert archive_findings(archive) == [
        f"{archive}/cs.CV/2024/03: AD301 no digest for 4 days, 2024-02-28 to 2024-03-02"
    ]
    _, output = run("check", "--select", "AD301", str(archive))
    assert output.startswith(f"{archive}/cs.CV/2024/03: AD301 no digest for 4 days")
    _, output = run("check", "--select", "AD301", "--format", "github", str(archive))
    assert output.startswith(f"::error file={archive}/cs.CV/2024/03,title=AD301::AD301 no")
    assert archive_findings(archive, options=("--ignore", "AD301")) == []


def test_a_gap_needs_two_days_and_daily_weeks_around_it(archive: Path, stretch: Path) -> None:
    # One missing day is not a gap: the real archive has single empty days among daily weeks.
    lone = dt.date(2024, 3, 13)
    day_path(archive, lone).unlink()
    assert archive_findings(archive) == []
    # Two days missing, but a day missing in the four weeks after them: the archive around
    # them is not daily, as in the real archive's early years.
    for day in (dt.date(2024, 2, 21), dt.date(2024, 2, 22)):
        day_path(archive, day).unlink()
    assert GAP_DAYS == 2 and (lone - dt.date(2024, 2, 22)).days <= DAILY_DAYS
    assert archive_findings(archive) == []
    shutil.copy(day_path(stretch, lone), day_path(archive, lone))
    assert archive_findings(archive) == [
        f"{archive}/cs.CV/2024/02: AD301 no digest for 2 days, 2024-02-21 to 2024-02-22"
    ]


def test_archive_rules_only_for_folders(archive: Path) -> None:
    for offset in range(5):
        day_path(archive, dt.date(2024, 3, 1) + dt.timedelta(days=offset)).unlink()
    files = sorted(str(p) for p in archive.rglob("*.md"))
    assert archive_findings(*map(Path, files)) == []  # as pre-commit runs it


# --------------------------------------------------------------------------- AD302


def rewrite(path: Path, keep: int | None = None, label: str | None = None) -> None:
    digest = parse_digest(path)
    papers = digest.papers if keep is None else digest.papers[:keep]
    path.write_text(
        serialize_digest(attrs.evolve(digest, papers=papers, category=label or digest.category)),
        encoding="utf-8",
    )


def test_a_thinned_day_is_found_a_holiday_is_not(archive: Path) -> None:
    thin = day_path(archive, dt.date(2024, 3, 6))  # a Wednesday: 24 papers, like its weeks
    rewrite(thin, keep=3)
    holiday = day_path(archive, dt.date(2024, 3, 13))  # a third of the usual: normal
    rewrite(holiday, keep=WEEKDAY // 3)
    assert archive_findings(archive) == [
        f"{thin}:1: AD302 3 papers, where the median of the same weekday in the 8 weeks"
        f" around it is 24: a likely truncated fetch"
    ]
    assert 3 < THIN_RATIO * WEEKDAY < WEEKDAY // 3
    # A weekend day compares with weekends only: 8 papers is not thin there.
    assert WEEKEND < THIN_RATIO * WEEKDAY * 2


def test_small_medians_are_not_judged(archive: Path) -> None:
    # A Sunday (median 8 < THIN_MEDIAN) with one paper: too few papers to tell.
    assert WEEKEND < THIN_MEDIAN
    rewrite(day_path(archive, dt.date(2024, 3, 10)), keep=1)
    assert archive_findings(archive) == []


# --------------------------------------------------------------------------- AD303


def test_a_paper_on_two_days(archive: Path) -> None:
    first = day_path(archive, dt.date(2024, 2, 5))
    later = day_path(archive, dt.date(2024, 2, 6))
    copied = parse_digest(first).papers[7]
    digest = parse_digest(later)
    papers = tuple(sorted((*digest.papers, copied), key=lambda p: p.published))
    later.write_text(serialize_digest(attrs.evolve(digest, papers=papers)), encoding="utf-8")
    text = later.read_text(encoding="utf-8")
    line = text[: text.index(f"### {copied.title}\n")].count("\n") + 1
    assert archive_findings(archive) == [
        f"{later}:{line}: AD303 paper {copied.arxiv_id} is also listed on 2024-02-05 ({first})"
    ]


# --------------------------------------------------------------------------- AD304


def test_a_label_that_is_not_the_folder(tmp_path: Path) -> None:
    copy = tmp_path / "daily"
    shutil.copytree(DAILY, copy)
    relabelled = copy / "cs.CL/2026/08/20260818.md"
    rewrite(relabelled, label="cs.CV")  # what the unmodified CVPapers script writes
    assert archive_findings(copy) == [
        f"{relabelled}:1: AD304 header label cs.CV is not the category folder cs.CL"
    ]
    # The column is the label's.
    _, output = run("check", str(copy))
    assert f"{relabelled}:1:19: AD304" in output
    # A folder that is no category (papers/2023/03/...) names nothing to compare with.
    assert category_folder("papers/2023/03/20230311.md") == ("papers", None)


# --------------------------------------------------------------------------- calendar


def cvpapers_tree(tmp_path: Path) -> Path:
    """The real CVPapers files the real calendar.md was written for (96 days)."""
    archive = tmp_path / "cvpapers"
    for source in (CORPUS / "cs.CV", HERE / "corpus_fixable" / "cs.CV"):
        shutil.copytree(source, archive / "cs.CV", dirs_exist_ok=True)
    return archive


def test_calendar_writes_the_cvpapers_calendar_byte_for_byte(tmp_path: Path) -> None:
    archive = cvpapers_tree(tmp_path)
    status, output = run("calendar", str(archive / "cs.CV"))
    assert (status, output) == (0, f"Wrote {archive}/calendar.md (96 days).\n")
    assert (archive / "calendar.md").read_bytes() == CVPAPERS_CALENDAR.read_bytes()
    before = (archive / "calendar.md").stat().st_mtime_ns
    status, output = run("calendar", str(archive / "cs.CV"))
    assert output == f"{archive}/calendar.md is up to date (96 days).\n"
    assert (archive / "calendar.md").stat().st_mtime_ns == before  # left alone


def test_calendar_writes_dailypapers_calendars_byte_for_byte(tmp_path: Path) -> None:
    archive = tmp_path / "daily"
    shutil.copytree(DAILY, archive)
    for name in ("CL", "IR"):
        (archive / "calendar" / f"calendar_{name}.md").unlink()  # the folder stays
    for name in ("CL", "IR"):
        status, _ = run("calendar", str(archive / f"cs.{name}"))
        assert status == 0
        written = archive / "calendar" / f"calendar_{name}.md"
        assert written.read_bytes() == (DAILY / "calendar" / f"calendar_{name}.md").read_bytes()
    assert not (archive / "calendar.md").exists()


def test_calendar_output_and_errors(tmp_path: Path) -> None:
    archive = cvpapers_tree(tmp_path)
    elsewhere = tmp_path / "docs" / "days.md"
    elsewhere.parent.mkdir()
    assert run("calendar", str(archive / "cs.CV"), "-o", str(elsewhere))[0] == 0
    assert "[11](../cvpapers/cs.CV/2023/03/20230311.md)" in elsewhere.read_text()
    status, output = run("calendar", str(archive / "cs.CV"), "-o", "-")
    assert output == CVPAPERS_CALENDAR.read_text(encoding="utf-8")
    status, output = run("calendar", str(archive))
    assert status == 2 and "not a category folder" in output
    status, output = run("calendar", str(tmp_path / "nothing"))
    assert status == 2


def test_the_unmodified_script_in_a_cs_cl_archive(tmp_path: Path) -> None:
    # CVPapers' script run in a cs.CL archive writes calendar.md titled and linked cs.CV:
    # that calendar is the only category's, stale, and `calendar` writes cs.CL's.
    archive = tmp_path / "cl"
    shutil.copytree(DAILY / "cs.CL", archive / "cs.CL")
    script_like = render_calendar(archive / "cs.CL", "./cs.CV", title="cs.CV")
    (archive / "calendar.md").write_text(script_like, encoding="utf-8")
    assert calendar_path(archive / "cs.CL") == (str(archive / "calendar.md"), True)
    assert archive_findings(archive) == [
        f"{archive}/calendar.md:1: AD305 stale calendar: it is not what the files present give;"
        f" `arxiv-digest calendar {archive}/cs.CL` (or `fix`) writes it"
    ]
    run("calendar", str(archive / "cs.CL"))
    text = (archive / "calendar.md").read_text(encoding="utf-8")
    assert text.startswith("# Calendar of arXiv papers for cs.CL\n")
    assert "[14](./cs.CL/2026/08/20260814.md)" in text


def test_a_calendar_md_that_is_no_calendar_is_left_alone(tmp_path: Path) -> None:
    archive = cvpapers_tree(tmp_path)
    (archive / "calendar.md").write_text("# Our notes\n", encoding="utf-8")
    assert archive_findings(archive) == []
    assert run("calendar", str(archive / "cs.CV"))[0] == 0
    assert (archive / "calendar.md").read_text(encoding="utf-8") == "# Our notes\n"
    written = archive / "calendar" / "calendar_CV.md"
    assert written.read_text(encoding="utf-8").startswith("# Calendar of arXiv papers for cs.CV")


def test_a_stale_calendar_is_found_and_fixed(tmp_path: Path) -> None:
    archive = cvpapers_tree(tmp_path)
    shutil.copy(CVPAPERS_CALENDAR, archive / "calendar.md")
    assert archive_findings(archive) == []
    newest = archive / "cs.CV/2026/08/20260812.md"
    moved = newest.read_bytes()
    newest.unlink()  # the calendar links a day the archive no longer has
    assert archive_findings(archive) == [
        f"{archive}/calendar.md:11: AD305 stale calendar: it links 96 days where the archive"
        f" has 95; `arxiv-digest calendar {archive}/cs.CV` (or `fix`) writes it"
    ]
    status, output = run("fix", str(archive), "--select", "AD305", "--diff")
    assert status == 1 and "-| 10 | 11 | [12](./cs.CV/2026/08/20260812.md) |" in output
    assert archive_findings(archive) != []  # --diff writes nothing
    status, output = run("fix", str(archive), "--select", "AD305")
    assert f"{archive}/calendar.md:11: AD305 fixed" in output
    assert "Wrote 1 stale calendar again." in output
    assert archive_findings(archive) == []
    newest.write_bytes(moved)
    # not selected: left stale
    assert run("fix", str(archive), "--select", "AD3", "--ignore", "AD305")[0] == 0
    assert len(archive_findings(archive)) == 1
    assert run("fix", str(archive), "--select", "AD305")[0] == 1
    assert (archive / "calendar.md").read_bytes() == CVPAPERS_CALENDAR.read_bytes()


def test_update_calendar_keeps_the_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = cvpapers_tree(tmp_path)
    old = "# Calendar of arXiv papers for cs.CV\n\nold\n"
    (archive / "calendar.md").write_text(old, encoding="utf-8")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        update_calendar(archive / "cs.CV")
    assert (archive / "calendar.md").read_text() == old
    assert sorted(p.name for p in archive.iterdir()) == ["calendar.md", "cs.CV"]


# --------------------------------------------------------------------------- Archive


def test_archive_python_face(archive: Path) -> None:
    rewrite(day_path(archive, dt.date(2024, 3, 6)), keep=3)
    whole = Archive(archive)
    assert whole.categories == ("cs.CV",)
    days = whole.days()
    assert len(days) == DAYS and days[START] == str(day_path(archive, START))
    counts = whole.paper_counts()
    assert counts[dt.date(2024, 3, 6)] == 3 and counts[START] == WEEKDAY
    assert [f.code for f in whole.findings()] == ["AD302"]
    papers = list(whole.papers())
    assert len(papers) == sum(counts.values())
    assert papers[0][0] == START and papers[-1][0] == START + dt.timedelta(days=DAYS - 1)
    assert Archive(DAILY).categories == ("cs.CL", "cs.IR")
    with pytest.raises(ValueError, match="2 categories"):
        Archive(DAILY).days()
    assert len(Archive(DAILY).days("cs.IR")) == 7


def test_findings_obey_jobs(archive: Path) -> None:
    rewrite(day_path(archive, dt.date(2024, 3, 6)), keep=3)
    day_path(archive, dt.date(2024, 3, 20)).unlink()
    day_path(archive, dt.date(2024, 3, 21)).unlink()
    one = run("check", "--jobs", "1", str(archive))
    two = run("check", "--jobs", "2", str(archive))
    assert one == two
    assert re.findall(r"AD30\d", one[1]) == ["AD301", "AD302"]


def test_files_read_a_block_at_a_time_give_the_same_records(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import arxiv_digest.checks
    from arxiv_digest.checks import check_files

    thin = day_path(archive, dt.date(2024, 3, 6))
    rewrite(thin, keep=3)
    first = day_path(archive, dt.date(2024, 2, 5))
    later = day_path(archive, dt.date(2024, 2, 6))
    later.write_text(
        later.read_text(encoding="utf-8") + first.read_text(encoding="utf-8").split("\n", 1)[1],
        encoding="utf-8",
    )
    whole = archive_findings(archive)
    record = next(check_files([later])).record
    monkeypatch.setattr(arxiv_digest.checks, "STREAM_BYTES", 1)  # every file streamed
    assert archive_findings(archive) == whole
    streamed = next(check_files([later])).record
    assert (streamed.label, streamed.date, streamed.papers, streamed.ids) == (
        record.label,
        record.date,
        record.papers,
        record.ids,
    )
    assert record.papers == 2 * WEEKDAY and len(record.ids) == 2 * WEEKDAY
    assert [f.split(": ")[1].split()[0] for f in whole] == ["AD303"] * WEEKDAY + ["AD302"]
