"""An archive as a whole: its categories and days, and the rules between its files (AD3xx).

An archive is a folder of category folders, ``ARCHIVE/CATEGORY/YYYY/MM/YYYYMMDD.md``, with
perhaps a calendar (:mod:`arxiv_digest.calendar`). ``check`` of a folder applies these rules
to the digests in it, besides each file's own; ``check`` of files named one by one (as
pre-commit runs it) does not. The thresholds are set on the real archives
(``docs/archive.md`` gives the measurements):

* **AD301** a gap: at least :data:`GAP_DAYS` days in a row without a file, where each of the
  :data:`DAILY_DAYS` days before the run and after it has one. Before 2016 the real cs.CV
  archive misses up to a hundred days a year, single days and runs of up to three (New Year
  2015) among daily weeks; no such run has four daily weeks on both sides, and both gaps its
  README names do.
* **AD302** a thin day: fewer than :data:`THIN_RATIO` of the median paper count of the same
  weekday in the :data:`THIN_WEEKS` weeks before and after (at least :data:`THIN_SAMPLES`
  of them in the archive), when that median is at least :data:`THIN_MEDIAN`. Weekends have
  about a third of a weekday, so only the same weekday compares; holidays have a third, a
  truncated re-fetch 17 of 114 (0.15).
* **AD303** an arXiv ID listed on two days of a category (the later listing is the finding).
* **AD304** a header label that is not the name of the category folder the file is in.
* **AD305** a calendar that is not what ``arxiv-digest calendar`` writes for the files there.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from statistics import median
from typing import NamedTuple

from .calendar import CalendarUpdate, calendar_path, update_calendar
from .checks import DigestRecord, FileCheck, Finding, check_files
from .files import DIGEST_NAME, find_digests, path_parts
from .model import Paper

__all__ = [
    "DAILY_DAYS",
    "GAP_DAYS",
    "THIN_MEDIAN",
    "THIN_RATIO",
    "THIN_SAMPLES",
    "THIN_WEEKS",
    "Archive",
    "ArchiveRules",
    "Gap",
    "ThinDay",
    "category_folder",
    "update_calendars",
]

#: AD301: the shortest run of missing days that is a gap ...
GAP_DAYS = 2
#: ... and how many days before and after it must each have a file (the archive is daily).
DAILY_DAYS = 28
#: AD302: a day is thin below this share of its weekday's median ...
THIN_RATIO = 0.25
#: ... over this many weeks before and after ...
THIN_WEEKS = 4
#: ... of which at least this many are in the archive ...
THIN_SAMPLES = 4
#: ... when that median is at least this (below, a few papers more or less are noise).
THIN_MEDIAN = 20

# What a category folder is called: an arXiv category, with a dot or a hyphen (cs.CV, hep-th),
# so that an archive kept in a folder of another name (papers/2023/03/...) is not one.
_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)*\.[A-Za-z-]+|[a-z]+-[a-z]+")
_YEAR = re.compile(r"[0-9]{4}")
_MONTH = re.compile(r"[0-9]{2}")
_LABEL_COLUMN = len("# Arxiv Papers in ") + 1


def category_folder(path: str) -> tuple[str, str | None]:
    """The folder whose days a digest is one of, and its category (``None``: not one).

    A file at ``CATEGORY/YYYY/MM/YYYYMMDD.md`` belongs to ``CATEGORY``; any other to its
    own folder, which names no category.

    >>> category_folder("archive/cs.CV/2023/03/20230311.md")
    ('archive/cs.CV', 'cs.CV')
    >>> category_folder("papers/2023/03/20230311.md")
    ('papers', None)
    >>> category_folder("downloads/20230311.md")
    ('downloads', None)
    """
    parts = path_parts(path)
    if len(parts) >= 4 and _YEAR.fullmatch(parts[-3]) and _MONTH.fullmatch(parts[-2]):
        folder = os.path.dirname(os.path.dirname(os.path.dirname(path)))
        name = parts[-4]
        return folder, name if _CATEGORY.fullmatch(name) else None
    return os.path.dirname(path) or os.curdir, None


def _day(path: str) -> dt.date | None:
    """The date a digest's file name gives, if it is one."""
    name = os.path.basename(path)
    if not DIGEST_NAME.fullmatch(name):
        return None
    try:
        return dt.date(int(name[:4]), int(name[4:6]), int(name[6:8]))
    except ValueError:
        return None


class _Days:
    """The days of one category folder seen so far: a small record a day, and the IDs."""

    def __init__(self, folder: str, name: str | None, whole: bool) -> None:
        self.folder = folder
        self.name = name
        self.whole = whole  # the whole folder is being checked: its calendar can be too
        self.paths: dict[dt.date, str] = {}
        self.counts: dict[dt.date, int] = {}
        # Each arXiv ID's first day: the one collection that grows with papers, not days.
        self.ids: dict[str, dt.date] = {}


class ArchiveRules:
    """The archive rules over digests checked one by one, in path order.

    Feed each :class:`~arxiv_digest.checks.FileCheck` to :meth:`add` (it returns the findings
    of that file that only the archive shows: AD303, AD304), then :meth:`finish` gives the
    others (AD301, AD302, AD305). Only files under ``folders`` count; memory is a small
    record a day and one entry an arXiv ID.

    >>> from arxiv_digest.checks import check_files
    >>> rules = ArchiveRules(["tests/corpus"])
    >>> paths = [p for p, _ in find_digests(["tests/corpus"]).files]
    >>> [f for result in check_files(paths) for f in rules.add(result)] + rules.finish()
    []
    """

    def __init__(self, folders: Iterable[str | os.PathLike[str]]) -> None:
        self.folders = [os.path.join(os.fspath(folder), "") for folder in folders]
        self.days: dict[str, _Days] = {}

    def _days_of(self, path: str) -> _Days | None:
        given = next((f for f in self.folders if path.startswith(f)), None)
        if given is None:
            return None  # a file named on its own: per-file rules only
        folder, name = category_folder(path)
        days = self.days.get(folder)
        if days is None:
            relative = os.path.relpath(folder, given)
            whole = relative != os.pardir and not relative.startswith(os.pardir + os.sep)
            days = self.days[folder] = _Days(folder, name, whole)
        return days

    def add(self, result: FileCheck) -> list[Finding]:
        """Take in one file's check; return its AD303 and AD304 findings.

        Call it once the file's findings are read (a big file's record is complete then).

        >>> from arxiv_digest.checks import check_files
        >>> rules = ArchiveRules(["tests/dailypapers"])
        >>> result = next(check_files(["tests/dailypapers/cs.CL/2026/08/20260814.md"]))
        >>> rules.add(result), len(rules.days["tests/dailypapers/cs.CL"].ids)
        ([], 55)
        """
        days = self._days_of(result.path)
        day = _day(result.path)
        if days is None or day is None or day in days.paths:
            return []  # the same name twice (in two month folders): AD102 says which is wrong
        days.paths[day] = result.path  # the day has a file, even one that cannot be read
        record: DigestRecord = result.record
        found = []
        if result.error is None and record.label is not None:
            days.counts[day] = record.papers
            if days.name is not None and record.label != days.name:
                found.append(
                    Finding(
                        result.path,
                        1,
                        _LABEL_COLUMN,
                        "AD304",
                        f"header label {record.label} is not the category folder {days.name}",
                    )
                )
        first_days = days.ids
        for ident, line in record.ids.items():
            first = first_days.setdefault(ident, day)
            if first != day:
                found.append(
                    Finding(
                        result.path,
                        line,
                        1,
                        "AD303",
                        f"paper {ident} is also listed on {first} ({days.paths[first]})",
                    )
                )
        return found

    def finish(self) -> list[Finding]:
        """The findings about the archive's days and calendar (AD301, AD302, AD305).

        >>> ArchiveRules(["tests/corpus"]).finish()  # nothing added: nothing found
        []
        """
        found: list[Finding] = []
        for days in self.days.values():
            found += _gap_findings(days)
            found += _thin_findings(days)
            found += _calendar(days)
        return found


class Gap(NamedTuple):
    """A run of missing days, AD301: its first and last day, both included.

    >>> Gap(dt.date(2025, 5, 31), dt.date(2025, 6, 18)).last
    datetime.date(2025, 6, 18)
    """

    first: dt.date
    last: dt.date


class ThinDay(NamedTuple):
    """A thin day, AD302: its papers, and its weekday's median over the weeks around it.

    ``samples`` is how many days that median is over.

    >>> ThinDay(dt.date(2025, 7, 3), 17, 114.0, 8).papers
    17
    """

    date: dt.date
    papers: int
    usual: float
    samples: int


def _gaps(days: Iterable[dt.date]) -> Iterator[Gap]:
    """The gaps among the days that have a file: each run of missing days amid daily weeks."""
    present = sorted(days)
    have = set(present)

    def daily(start: dt.date, step: int) -> bool:
        return all(start + dt.timedelta(days=step * n) in have for n in range(DAILY_DAYS))

    one = dt.timedelta(days=1)
    for before, after in zip(present, present[1:]):
        if (after - before).days - 1 >= GAP_DAYS and daily(before, -1) and daily(after, 1):
            yield Gap(before + one, after - one)


def _same_weekday(counts: dict[dt.date, int], day: dt.date, weeks: int) -> Iterator[int]:
    """The counts of ``day``'s weekday, nearest first, up to ``weeks`` weeks either side."""
    for week in range(1, weeks + 1):
        for sign in (-1, 1):
            try:
                other = day + sign * dt.timedelta(weeks=week)
            except OverflowError:  # weeks before 0001-01-01 or after 9999-12-31
                continue
            if other in counts:
                yield counts[other]


def _nearest(days: list[dt.date], day: dt.date, within: int) -> list[dt.date]:
    """The ``2 * THIN_WEEKS`` days of ``days`` (sorted) nearest to ``day``, not ``day`` itself.

    At most ``within`` days from it; on a tie the earlier first, as :func:`_same_weekday`.
    """
    import bisect

    before = bisect.bisect_left(days, day) - 1
    after = bisect.bisect_right(days, day)
    found: list[dt.date] = []
    while len(found) < 2 * THIN_WEEKS:
        early = days[before] if before >= 0 else None
        late = days[after] if after < len(days) else None
        if early is not None and (late is None or day - early <= late - day):
            pick, before = early, before - 1
        elif late is not None:
            pick, after = late, after + 1
        else:
            break
        if abs((pick - day).days) > within:
            break
        found.append(pick)
    return found


def _thin(counts: dict[dt.date, int]) -> Iterator[ThinDay]:
    """The thin days among the days' paper counts."""
    for day in sorted(counts):
        around = list(_same_weekday(counts, day, THIN_WEEKS))
        if len(around) < THIN_SAMPLES:
            continue
        usual = median(around)
        if usual >= THIN_MEDIAN and counts[day] < THIN_RATIO * usual:
            yield ThinDay(day, counts[day], usual, len(around))


def _gap_findings(days: _Days) -> Iterator[Finding]:
    for first, last in _gaps(days.paths):
        yield Finding(
            os.path.join(days.folder, f"{last:%Y}", f"{last:%m}"),
            0,
            0,
            "AD301",
            f"no digest for {(last - first).days + 1} days, {first} to {last}",
        )


def _thin_findings(days: _Days) -> Iterator[Finding]:
    for thin in _thin(days.counts):
        yield Finding(
            days.paths[thin.date],
            1,
            1,
            "AD302",
            f"{thin.papers} papers, where the median of the same weekday in the"
            f" {thin.samples} weeks around it is {thin.usual:g}: a likely truncated fetch",
        )


def _calendar(days: _Days) -> Iterator[Finding]:
    if not days.whole or days.name is None or not calendar_path(days.folder)[1]:
        return  # part of a category, not a category, or no calendar kept
    update = update_calendar(days.folder, write=False)
    if update.changed:
        linked, present = (update.old or "").count("]("), update.new.count("](")
        why = (
            f"it links {linked} days where the archive has {present}"
            if linked != present
            else "it is not what the files present give"
        )
        yield Finding(
            update.path,
            update.first_difference(),
            1,
            "AD305",
            f"stale calendar: {why}; `arxiv-digest calendar {days.folder}` (or `fix`) writes it",
        )


class Archive:
    """An archive on disk: its category folders, their days, papers and archive findings.

    ``path`` is the archive (a folder of category folders) or one category folder.

    >>> archive = Archive("tests/corpus")
    >>> archive.categories
    ('cs.CV',)
    >>> days = archive.days()
    >>> len(days), days[dt.date(2023, 3, 11)]
    (95, 'tests/corpus/cs.CV/2023/03/20230311.md')
    >>> archive.paper_counts()[dt.date(2023, 3, 11)]
    45
    >>> archive.findings()
    []
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._folders: dict[str, dict[dt.date, str]] = {}
        for file, _root in find_digests([self.path]).files:
            folder, name = category_folder(file)
            day = _day(file)
            if name is not None and day is not None:
                self._folders.setdefault(folder, {}).setdefault(day, file)
        self._checked: tuple[list[Finding], ArchiveRules] | None = None
        self._sorted: dict[str, list[list[dt.date]]] = {}

    @property
    def categories(self) -> tuple[str, ...]:
        """The categories with digests in the archive, in path order.

        >>> Archive("tests/dailypapers").categories
        ('cs.CL', 'cs.IR')
        """
        return tuple(os.path.basename(folder) for folder in self._folders)

    def folder(self, category: str | None = None) -> str:
        """A category's folder (``None``: the archive's only category).

        >>> Archive("tests/corpus").folder()
        'tests/corpus/cs.CV'
        """
        folders = list(self._folders)
        if category is None:
            if len(folders) != 1:
                raise ValueError(f"{self.path} has {len(folders)} categories: name one")
            return folders[0]
        for folder in folders:
            if os.path.basename(folder) == category:
                return folder
        raise KeyError(category)

    def days(self, category: str | None = None) -> dict[dt.date, str]:
        """A category's days: date -> path of its digest, in date order.

        >>> list(Archive("tests/dailypapers").days("cs.IR"))[0]
        datetime.date(2026, 8, 14)
        """
        return dict(sorted(self._folders[self.folder(category)].items()))

    def _check(self) -> tuple[list[Finding], ArchiveRules]:
        """Check every digest once (``jobs`` 1), keeping the archive's findings and records."""
        if self._checked is None:
            rules = ArchiveRules([self.path])
            found = []
            paths = [p for folder in self._folders.values() for _, p in sorted(folder.items())]
            for result in check_files(paths):
                for _ in result.findings:  # a big file's record is complete once they are read
                    pass
                found += rules.add(result)
            found += rules.finish()
            self._checked = found, rules
        return self._checked

    def paper_counts(self, category: str | None = None) -> dict[dt.date, int]:
        """A category's papers per day (files whose header does not parse are left out).

        Each file is parsed once, for these counts and :meth:`findings` together.

        >>> Archive("tests/dailypapers").paper_counts("cs.IR")[dt.date(2026, 8, 17)]
        25
        """
        counts = self._check()[1].days[self.folder(category)].counts
        return dict(sorted(counts.items()))

    def findings(self) -> list[Finding]:
        """The archive rules' findings (AD3xx); ``arxiv-digest check`` gives each file's own.

        >>> Archive("tests/dailypapers").findings()
        []
        """
        return list(self._check()[0])

    def gaps(self, category: str | None = None) -> list[Gap]:
        """A category's gaps (AD301): runs of missing days amid daily weeks, oldest first.

        >>> Archive("tests/corpus").gaps()  # three days a year: never daily, so no gap
        []
        """
        return list(_gaps(self._folders[self.folder(category)]))

    def thin_days(self, category: str | None = None) -> list[ThinDay]:
        """A category's thin days (AD302), oldest first.

        >>> Archive("tests/dailypapers").thin_days("cs.CL")
        []
        """
        return list(_thin(self.paper_counts(category)))

    def usual_papers(self, day: dt.date, category: str | None = None) -> float | None:
        """The papers ``day`` would usually have, from the counts of the days around it.

        The median of the same weekday over the nearest ``2 * THIN_WEEKS`` days of that
        weekday in the archive (a year either side at most): the weeks around it, as AD302
        compares, and further out across a gap. With no such day, the median of the nearest
        days of any weekday within a year; with none, None.

        >>> Archive("tests/dailypapers").usual_papers(dt.date(2026, 8, 21), "cs.CL")  # a Friday
        55
        """
        folder = self.folder(category)
        counts = self._check()[1].days[folder].counts
        if folder not in self._sorted:  # asked for every day of a long range: sorted once
            ordered = sorted(counts)
            self._sorted[folder] = [[d for d in ordered if d.weekday() == w] for w in range(7)]
            self._sorted[folder].append(ordered)
        weekday, every = self._sorted[folder][day.weekday()], self._sorted[folder][7]
        near = _nearest(weekday, day, 53 * 7) or _nearest(every, day, 366)
        return median([counts[other] for other in near]) if near else None

    def papers(self, category: str | None = None) -> Iterator[tuple[dt.date, Paper]]:
        """A category's papers, day after day, a block at a time (a broken block raises).

        >>> day, paper = next(Archive("tests/corpus").papers())
        >>> day, paper.arxiv_id
        (datetime.date(1998, 2, 11), 'quant-ph/9802028')
        """
        from pathlib import Path

        from .parser import iter_papers

        for day, path in self.days(category).items():
            for paper in iter_papers(Path(path)):  # a str would be the text
                yield day, paper


def update_calendars(
    paths: Sequence[str | os.PathLike[str]], *, write: bool = True
) -> list[CalendarUpdate]:
    """Write again each stale calendar of the category folders wholly in the folders given.

    What ``fix`` does for AD305. Only categories that keep a calendar count; returns the
    calendars that were stale (written unless ``write`` is false).

    >>> update_calendars(["tests/dailypapers"])  # both calendars are current
    []
    """
    folders = [os.fspath(path) for path in paths if os.path.isdir(path)]
    rules = ArchiveRules(folders)
    categories: list[str] = []
    for path, _root in find_digests(folders).files:
        days = rules._days_of(path)
        if days is not None and days.whole and days.name and days.folder not in categories:
            categories.append(days.folder)
    updates = [
        update_calendar(folder, write=write) for folder in categories if calendar_path(folder)[1]
    ]
    return [update for update in updates if update.changed]
