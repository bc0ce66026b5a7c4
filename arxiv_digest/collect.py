"""Fetching days of papers from the arXiv API and writing them as digests: ``arxiv-digest collect``.

This replaces the archives' generator script (see ``docs/writing.md``) and writes the same
bytes for the same complete API answers, but it can be left unattended:

* the range is asked for in windows, one query each (``cat:X AND submittedDate:[A TO B]``,
  sorted by submitted date): 31 days at first, then longer for a quiet category and shorter
  for a busy one, so that a window holds about 5000 papers; only one is held in memory;
* a window's answer is verified before any of its days replaces anything (``_api``): strict
  pages, timeouts, retries, and the distinct papers received counted against the API's
  ``totalResults``;
* a day's file is merged, not replaced: the papers it held that the API did not return are
  kept, their blocks as they were (``--replace`` writes the API's answer alone);
* the day written must not break a rule of ``check`` that its old file did not break;
* each day is written atomically, only inside the archive, and a file with the same bytes is
  left alone, so a second run changes nothing.

The client is the ``arxiv`` package (the ``arxiv`` extra), imported only when :func:`collect`
runs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ._process import EXIT_CLEAN, EXIT_FINDINGS
from ._report import error_line, plural
from .errors import CollectError, MissingClientError, OptionError

if TYPE_CHECKING:
    from .archive import Archive, ThinDay

__all__ = [
    "API_URL",
    "CollectError",
    "CollectReport",
    "DayFailure",
    "MissingClientError",
    "Plan",
    "RangeProblem",
    "Run",
    "check_archive",
    "check_category",
    "collect",
    "day_path",
    "newest_day",
    "plan_missing",
    "search_query",
]

#: The arXiv API's query endpoint.
API_URL = "https://export.arxiv.org/api/query"

#: The days of the first query; a window's answer is held in memory until it is verified.
WINDOW_DAYS = 31
#: The papers a window aims at: after an answer of less than half, the next window is twice
#: as long (up to a year); after one of more than twice, half as long. A quiet category is
#: fetched in a few requests, a busy one in bounded memory.
WINDOW_PAPERS = 5000

#: What happened to one day: written for the first time, replaced, left alone (same bytes),
#: no paper that day and no file (nothing written), not written (see the report's
#: ``failed``), or not asked for because its range's answer could not be used.
Outcome = Literal["new", "updated", "unchanged", "empty", "failed", "skipped"]


@attrs.frozen
class DayFailure:
    """A day that was not written, and why (the message names the paper, field or rule).

    >>> DayFailure(dt.date(2023, 3, 11), "comment cannot hold a newline").date
    datetime.date(2023, 3, 11)
    """

    date: dt.date
    message: str


@attrs.frozen
class RangeProblem:
    """A range whose answer did not add up after the retries, and what became of its days.

    >>> RangeProblem(dt.date(2026, 8, 14), dt.date(2026, 8, 20), "...").last
    datetime.date(2026, 8, 20)
    """

    first: dt.date
    last: dt.date
    message: str


#: An empty answer for a window that the archive's neighbouring days say holds at least this
#: many papers is the API's fault (a day whose weekday has 10 papers has none about once in
#: 20,000 days).
EXPECT_PAPERS = 10


@attrs.frozen
class Run:
    """A run of consecutive days to fetch: one query, or :func:`collect`'s windows when long.

    ``papers`` is the run's estimated papers (None: nothing near it to estimate from),
    ``requests`` the requests that should take, ``thin`` the run's thin days (AD302); its
    other days have no file.

    >>> run = Run(dt.date(2025, 5, 31), dt.date(2025, 6, 18), papers=2850.0, requests=15)
    >>> run.days, run.expects(run.first, run.first)
    (19, True)
    >>> print(run.describe())
    2025-05-31 to 2025-06-18: 19 days missing; about 2850 papers, 15 requests
    """

    first: dt.date
    last: dt.date
    papers: float | None = None
    requests: int = 1
    thin: tuple[ThinDay, ...] = ()

    @property
    def days(self) -> int:
        """The days of the run.

        >>> Run(dt.date(2025, 7, 3), dt.date(2025, 7, 3)).days
        1
        """
        return (self.last - self.first).days + 1

    def expects(self, first: dt.date, last: dt.date) -> bool:
        """Whether the days ``first``..``last`` of the run should hold papers, by its estimate.

        >>> Run(dt.date(2026, 8, 15), dt.date(2026, 8, 16), papers=12.0).expects(
        ...     dt.date(2026, 8, 15), dt.date(2026, 8, 15))
        False
        """
        if self.papers is None:
            return False
        return self.papers * ((last - first).days + 1) / self.days >= EXPECT_PAPERS

    def describe(self) -> str:
        """One line of the plan: the days, why, the estimated papers and requests.

        >>> from arxiv_digest.archive import ThinDay
        >>> day = dt.date(2025, 7, 3)
        >>> print(Run(day, day, 114.0, 1, (ThinDay(day, 17, 114.0, 8),)).describe())
        2025-07-03: thin (17 papers, its weekday's median 114); about 114 papers, 1 request
        """
        days = f"{self.first}" if self.days == 1 else f"{self.first} to {self.last}"
        why = []
        missing = self.days - len(self.thin)
        if missing:
            why.append(f"{plural(missing, 'day')} missing")
        for thin in self.thin:
            at = "" if self.days == 1 else f" {thin.date}"
            why.append(f"thin{at} ({thin.papers} papers, its weekday's median {thin.usual:g})")
        papers = (
            "nothing near to estimate from"
            if self.papers is None
            else (f"about {round(self.papers)} papers")
        )
        requests = plural(self.requests, "request")
        return f"{days}: {', '.join(why)}; {papers}, {requests}"


@attrs.frozen
class Plan:
    """What ``collect --missing`` fetches (:func:`plan_missing`), and what that costs.

    ``requests`` is the estimated requests of the runs (at least one per query);
    ``generator`` those the archives' generator script would need for the same days: it
    pages the category from its newest paper back, 200 a request, so it fetches
    ``generator_papers`` (the papers from the oldest day wanted to the archive's newest:
    the archive's counts, the wanted days and the days without a file estimated as
    :meth:`~arxiv_digest.archive.Archive.usual_papers` does) and the papers newer than the
    archive, which it cannot know.

    >>> plan = Plan("cs.CV", (Run(dt.date(2025, 5, 31), dt.date(2025, 6, 18), 2850.0, 15),),
    ...             dt.date(2026, 8, 12), 15, 1650, 329_800.0)
    >>> print(plan.text())  # doctest: +NORMALIZE_WHITESPACE
    cs.CV: 19 days to fetch in 1 run:
      2025-05-31 to 2025-06-18: 19 days missing; about 2850 papers, 15 requests
    About 15 requests; the generator script would need at least 1650 for the same days:
    it pages from the newest paper back to 2025-05-31, about 329800 papers to 2026-08-12 and
    any newer.
    """

    category: str
    runs: tuple[Run, ...]
    newest: dt.date | None
    requests: int
    generator: int
    generator_papers: float

    @property
    def days(self) -> int:
        """The days to fetch.

        >>> Plan("cs.CV", (), None, 0, 0, 0.0).days
        0
        """
        return sum(run.days for run in self.runs)

    def text(self, most: int = 20) -> str:
        """The plan as ``collect --missing`` prints it, at most ``most`` runs one by one.

        >>> print(Plan("cs.CV", (), None, 0, 0, 0.0).text())
        cs.CV: no day missing or thin: nothing to fetch.
        """
        if not self.runs:
            return f"{self.category}: no day missing or thin: nothing to fetch."
        count = len(self.runs)
        lines = [f"{self.category}: {plural(self.days, 'day')} to fetch in {plural(count, 'run')}:"]
        lines += [f"  {run.describe()}" for run in self.runs[:most]]
        if count > most:
            lines.append(f"  and {count - most} more runs, to {self.runs[-1].last}")
        unknown = any(run.papers is None for run in self.runs)
        oldest = self.runs[0].first
        requests = plural(self.requests, "request")
        if not self.generator_papers:
            lines.append(f"At least {requests}: no day of the archive to estimate from.")
            return "\n".join(lines)
        lines += [
            f"{'At least' if unknown else 'About'} {requests}; the generator script"
            f" would need at least {self.generator} for the same days:",
            f"it pages from the newest paper back to {oldest}, about"
            f" {round(self.generator_papers)} papers to {self.newest} and any newer.",
        ]
        return "\n".join(lines)


@attrs.frozen
class CollectReport:
    """What :func:`collect` did: days new, updated, unchanged, empty, failed, and papers kept.

    ``kept`` counts the papers of existing files that the API did not return (kept in their
    files), ``dropped`` those that ``replace`` dropped; ``incomplete`` the ranges whose
    answer stayed short or empty; ``written`` the files written, in order.

    >>> report = CollectReport(new=2, updated=1, unchanged=4, empty=3, papers=512)
    >>> print(report.summary())
    10 days: 2 new, 1 updated, 4 unchanged, 3 without papers; 512 papers.
    >>> print(CollectReport(updated=1, papers=17, kept=75).summary())  # doctest: +ELLIPSIS
    1 day: 0 new, 1 updated, ...; 17 papers; kept 75 papers the API did not return.
    """

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    empty: int = 0
    papers: int = 0
    failed: tuple[DayFailure, ...] = ()
    skipped: int = 0
    kept: int = 0
    dropped: int = 0
    incomplete: tuple[RangeProblem, ...] = ()
    written: tuple[str, ...] = ()

    def summary(self) -> str:
        """The one-line summary the command prints.

        >>> print(CollectReport(empty=1).summary())
        1 day: 0 new, 0 updated, 0 unchanged, 1 without papers; 0 papers.
        """
        days = self.new + self.updated + self.unchanged + self.empty + len(self.failed)
        days += self.skipped
        failed = f", {len(self.failed)} not written" if self.failed else ""
        skipped = f", {self.skipped} not fetched" if self.skipped else ""
        text = (
            f"{plural(days, 'day')}: {self.new} new, {self.updated} updated,"
            f" {self.unchanged} unchanged, {self.empty} without papers{failed}{skipped};"
            f" {plural(self.papers, 'paper')}"
        )
        if self.kept:
            text += f"; kept {plural(self.kept, 'paper')} the API did not return"
        if self.dropped:
            text += f"; dropped {plural(self.dropped, 'paper')} the API did not return (--replace)"
        if self.incomplete:
            ranges = len(self.incomplete)
            text += f"; {plural(ranges, 'range')} incomplete"
        return text + "."

    def heading(
        self, category: str, first: dt.date, last: dt.date, runs: Sequence[Run] | None
    ) -> str:
        """What the command's last line says before the summary: the category and the days.

        >>> CollectReport().heading("cs.CV", dt.date(2023, 3, 11), dt.date(2023, 3, 12), None)
        'cs.CV 2023-03-11 to 2023-03-12: '
        """
        count = "" if runs is None else f" ({plural(len(runs), 'run')})"
        return f"{category} {first} to {last}{count}: "

    def problems(self, archive: str | os.PathLike[str], category: str) -> list[str]:
        """The error lines for stderr: each day not written, each range still short.

        >>> CollectReport().problems("archive", "cs.CV")
        []
        """
        lines = [
            error_line(
                f"{day_path(archive, category, failure.date)}: not written: {failure.message}"
            )
            for failure in self.failed
        ]
        return lines + [error_line(problem.message) for problem in self.incomplete]

    def exit_status(self, *, strict: bool = False) -> int:
        """1 if a day is not written or a range short (``strict``: or a paper kept), else 0.

        >>> CollectReport(kept=3).exit_status(), CollectReport(kept=3).exit_status(strict=True)
        (0, 1)
        """
        short = self.failed or self.incomplete or self.skipped
        return EXIT_FINDINGS if short or (strict and self.kept) else EXIT_CLEAN


def search_query(category: str, start: dt.date, end: dt.date) -> str:
    """The API query for the UTC days ``start`` to ``end``, both included.

    The API's ``submittedDate`` range is inclusive and to the minute, so ``... TO
    YYYYMMDD2359`` would leave the question of a paper at 23:59:30 to how the API rounds.
    The range therefore reaches to 00:00 of the next day, and :func:`collect` drops the papers
    of that minute (they belong to the next day).

    >>> search_query("cs.CV", dt.date(2023, 3, 11), dt.date(2023, 3, 12))
    'cat:cs.CV AND submittedDate:[202303110000 TO 202303130000]'
    """
    after = end + dt.timedelta(days=1)
    return f"cat:{category} AND submittedDate:[{start:%Y%m%d}0000 TO {after:%Y%m%d}0000]"


def day_path(archive: str | os.PathLike[str], category: str, date: dt.date) -> Path:
    """Where a day goes in an archive: ``ARCHIVE/CATEGORY/YYYY/MM/YYYYMMDD.md``.

    >>> day_path("archive", "cs.CV", dt.date(2023, 3, 11)).as_posix()
    'archive/cs.CV/2023/03/20230311.md'
    """
    return Path(_day_file(archive, category, date))


def _day_file(archive: str | os.PathLike[str], category: str, date: dt.date) -> str:
    """:func:`day_path` as a string: asked for every day of a range, several times."""
    year, month = f"{date.year:04d}", f"{date.month:02d}"
    return os.path.join(archive, category, year, month, f"{year}{month}{date.day:02d}.md")


def check_category(category: str) -> str:
    """``category`` if it is one of arXiv's categories (it also becomes a directory name).

    >>> check_category("astro-ph.CO")
    'astro-ph.CO'
    >>> check_category("cs.cv")
    Traceback (most recent call last):
    ValueError: not an arXiv category: 'cs.cv' (did you mean cs.CV?)
    """
    from .taxonomy import categories, nearest_category

    if category not in categories():
        nearest = nearest_category(category)
        hint = f" (did you mean {nearest}?)" if nearest else " (like cs.CV, math.AG, hep-th)"
        raise ValueError(f"not an arXiv category: {category!r}{hint}")
    return category


def check_archive(archive: str | os.PathLike[str], category: str) -> None:
    """Refuse an archive root that is the category's own folder (``-o cs.CV`` for cs.CV).

    Days go to ``ARCHIVE/CATEGORY/...``: given the category folder, they would land in
    ``cs.CV/cs.CV/``. A folder named like the category that holds the category's folder is a
    root, and accepted.

    >>> check_archive("archive", "cs.CV")
    >>> check_archive("archive/cs.CV", "cs.CV")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: archive/cs.CV is the cs.CV folder itself: give the archive's root, ... (archive)
    """
    path = os.path.abspath(archive)
    if os.path.basename(path) == category and not os.path.isdir(os.path.join(path, category)):
        parent = os.path.dirname(os.fspath(archive).rstrip("/\\")) or "."
        raise ValueError(
            f"{os.fspath(archive)} is the {category} folder itself: give the archive's root,"
            f" the folder that holds it ({parent})"
        )


def newest_day(archive: str | os.PathLike[str], category: str) -> dt.date | None:
    """The newest day with a file in ``ARCHIVE/CATEGORY/YYYY/MM/``, or None.

    >>> newest_day("tests/corpus", "cs.CV")
    datetime.date(2026, 8, 12)
    """
    return max(_category_archive(archive, category)[1], default=None)


def parse_day(value: str, option: str) -> dt.date:
    """A day written YYYY-MM-DD, the one form taken (20230311 and 2023-3-11 are not).

    Raises :class:`~arxiv_digest.errors.OptionError` for ``option``.

    >>> parse_day("2023-03-11", "--from")
    datetime.date(2023, 3, 11)
    >>> parse_day("2023-02-30", "--to")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    arxiv_digest.errors.OptionError: '2023-02-30' is not a day of the calendar: day is out of ...
    """
    digits = value.replace("-", "")
    if not (
        len(value) == 10 and value[4] == value[7] == "-" and digits.isascii() and digits.isdigit()
    ):
        raise OptionError(f"{value!r} is not a date written YYYY-MM-DD (like 2023-03-11)", option)
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise OptionError(f"{value!r} is not a day of the calendar: {error}", option) from None


def check_options(category: str, archive: str | os.PathLike[str], api_url: str | None) -> None:
    """Refuse what :func:`collect` cannot start from, naming the option at fault.

    Not a category, the category's own folder as the archive (:func:`check_category`,
    :func:`check_archive`), an API URL that is not http(s): each raises
    :class:`~arxiv_digest.errors.OptionError`.

    >>> check_options("cs.CV", "archive", "ftp://example.org")
    Traceback (most recent call last):
    arxiv_digest.errors.OptionError: 'ftp://example.org' is not an http(s) URL
    """
    try:
        check_category(category)
    except ValueError as error:
        raise OptionError(str(error), "CATEGORY") from None
    try:
        check_archive(archive, category)
    except ValueError as error:
        raise OptionError(str(error), "-o") from None
    if api_url is not None and not api_url.startswith(("http://", "https://")):
        raise OptionError(f"{api_url!r} is not an http(s) URL", "--api-url")


def collect_range(
    category: str,
    archive: str | os.PathLike[str],
    start: str | None,
    since_last: int | None,
    end: str | None,
) -> tuple[dt.date, dt.date]:
    """The days a plain ``collect`` fetches: ``--from`` (or ``--since-last``) to ``--to``.

    ``end`` defaults to yesterday (UTC); ``since_last`` counts back from the archive's
    newest day. Raises :class:`~arxiv_digest.errors.OptionError`.

    >>> collect_range("cs.CV", "tests/corpus", None, 1, "2026-08-12")
    (datetime.date(2026, 8, 11), datetime.date(2026, 8, 12))
    """
    today = dt.datetime.now(dt.timezone.utc).date()
    last = parse_day(end, "--to") if end is not None else today - dt.timedelta(days=1)
    if last > today:
        raise OptionError(
            f"{end} is after today ({today}, UTC): the API has no paper there yet", "--to"
        )
    if (start is None) == (since_last is None):
        raise OptionError("give one of --from and --since-last")
    if start is not None:
        first = parse_day(start, "--from")
    else:
        newest = newest_day(archive, category)
        if newest is None:
            where = os.path.join(archive, category)
            raise OptionError(
                f"no day in {where} yet: give --from for the first run", "--since-last"
            )
        first = newest - dt.timedelta(days=since_last or 0)
    if last < first:
        raise OptionError(f"{last} is before the first day {first}", "--to")
    return first, last


def missing_plan(
    category: str,
    archive: str | os.PathLike[str],
    start: str | None,
    since_last: int | None,
    end: str | None,
    page_size: int,
) -> Plan:
    """:func:`plan_missing` from ``collect --missing``'s options as given.

    Raises :class:`~arxiv_digest.errors.OptionError`.

    >>> missing_plan("cs.CL", "tests/dailypapers", "2026-08-10", None, "2026-08-21", 200).days
    5
    """
    if since_last is not None:
        raise OptionError("--missing takes --from and --to, not --since-last")
    first = parse_day(start, "--from") if start is not None else None
    last = parse_day(end, "--to") if end is not None else None
    try:
        return plan_missing(archive, category, first, last, page_size=page_size)
    except ValueError as error:
        raise OptionError(str(error), "--missing") from None


def _category_archive(
    archive: str | os.PathLike[str], category: str
) -> tuple[Archive, dict[dt.date, str]]:
    """The category's folder as an :class:`~arxiv_digest.archive.Archive`, and its days."""
    from .archive import Archive

    found = Archive(os.path.join(archive, category))
    return found, found.days(category) if category in found.categories else {}


def _next_length(length: int, total: float) -> int:
    """The days of the next window after a window of ``length`` days held ``total`` papers."""
    if total < WINDOW_PAPERS // 2:
        return min(2 * length, 366)
    if total > 2 * WINDOW_PAPERS:
        return max(length // 2, 1)
    return length


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    for offset in range((last - first).days + 1):
        yield first + dt.timedelta(days=offset)


def plan_missing(
    archive: str | os.PathLike[str],
    category: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    page_size: int = 200,
) -> Plan:
    """The days of ``ARCHIVE/CATEGORY`` to fetch again, in runs, and what that costs.

    Without ``start`` and ``end``: the days of the archive's gaps (AD301) and its thin days
    (AD302). With either: every day from ``start`` (default: the archive's first day) to
    ``end`` (default: yesterday, UTC) without a file, and the thin days among them. Each
    run of consecutive days is one query (longer runs, :func:`collect`'s windows); its
    papers are estimated day by day from the same weekday's counts in the weeks around
    (:meth:`~arxiv_digest.archive.Archive.usual_papers`), its requests from those and
    ``page_size``. Give the plan's runs to :func:`collect` (``runs=plan.runs``).

    >>> plan = plan_missing("tests/dailypapers", "cs.CL", dt.date(2026, 8, 10),
    ...                     dt.date(2026, 8, 21))
    >>> for run in plan.runs:
    ...     print(run.describe())
    2026-08-10 to 2026-08-13: 4 days missing; about 260 papers, 2 requests
    2026-08-21: 1 day missing; about 55 papers, 1 request
    """
    check_category(category)
    check_archive(archive, category)
    found, days = _category_archive(archive, category)
    where = os.path.join(archive, category)
    if not days and start is None:
        raise ValueError(f"no day in {where} yet: nothing to compare with; give --from")
    thin = {day.date: day for day in found.thin_days(category)} if days else {}
    one = dt.timedelta(days=1)
    if start is None and end is None:
        wanted = {day for gap in found.gaps(category) for day in _days(*gap)} | set(thin)
    else:
        today = dt.datetime.now(dt.timezone.utc).date()
        first = start if start is not None else min(days)
        last = end if end is not None else today - one
        if last > today:
            raise ValueError(f"the range ends ({last}) after today ({today}, UTC)")
        if last < first:
            raise ValueError(f"the range ends ({last}) before it starts ({first})")
        wanted = {day for day in _days(first, last) if day not in days or day in thin}
    usual = {day: found.usual_papers(day, category) if days else None for day in wanted}

    def _usual(day: dt.date) -> float:
        return (usual[day] if day in usual else found.usual_papers(day, category)) or 0.0

    runs: list[Run] = []
    length = WINDOW_DAYS
    for first, last in _consecutive(sorted(wanted)):
        estimates = [usual[day] for day in _days(first, last)]
        requests = 0
        window = first
        while window <= last:  # the windows collect will ask for, sized as it sizes them
            until = min(last, window + dt.timedelta(days=length - 1))
            papers = sum(_usual(day) for day in _days(window, until))
            requests += max(1, -(-round(papers) // page_size))
            length = _next_length(length, papers)
            window = until + one
        known = None if None in estimates else sum(e or 0.0 for e in estimates)
        thin_days = tuple(thin[day] for day in _days(first, last) if day in thin)
        runs.append(Run(first, last, known, requests, thin_days))
    newest = max([*days, *wanted], default=None)
    oldest = min(wanted, default=newest)
    counts = found.paper_counts(category) if days else {}
    # The days the script pages through: each wanted day, and a day without a file that an
    # archive sampled here and there does not show, as the days around it usually have.
    generator_papers = sum(
        counts[day] if day in counts and day not in wanted else _usual(day)
        for day in (_days(oldest, newest) if oldest and newest else ())
    )
    return Plan(
        category,
        tuple(runs),
        newest,
        sum(run.requests for run in runs),
        max(1, -(-round(generator_papers) // 200)) if runs else 0,
        generator_papers,
    )


def _consecutive(days: Sequence[dt.date]) -> Iterator[tuple[dt.date, dt.date]]:
    """The runs of consecutive days among ``days`` (sorted): first and last of each."""
    one = dt.timedelta(days=1)
    for index, day in enumerate(days):
        if index == 0 or days[index - 1] != day - one:
            first = day
        if index + 1 == len(days) or days[index + 1] != day + one:
            yield first, day


def _had_papers(
    archive: str | os.PathLike[str], category: str, first: dt.date, last: dt.date
) -> bool:
    """Whether an empty answer for ``first``..``last`` must be a fault of the API.

    True when the archive holds a day of the range, or holds at least half of the same days
    a week before (a category with papers most days); a small category's quiet week is not.
    """
    span = (last - first).days + 1
    days = [first + dt.timedelta(days=offset) for offset in range(-7, span)]
    held = [day for day in days if os.path.exists(_day_file(archive, category, day))]
    return (
        any(day >= first for day in held)
        or 2 * sum(day <= last - dt.timedelta(days=7) for day in held) >= span
    )


@attrs.frozen
class _Day:
    outcome: Outcome
    papers: int = 0
    kept: int = 0
    dropped: int = 0
    message: str | None = None


def _new_findings(new: str, old: str | None, shown: str, repeats: bool) -> str | None:
    """The first rule of ``check`` the new text breaks more often than the old, or None.

    ``repeats``: the repeats of the API's answer were asked for (``--no-fix``), so AD103 is
    not counted.
    """
    from .checks import check_text

    found = [f for f in check_text(new, shown) if not (repeats and f.code == "AD103")]
    before = Counter(f.code for f in check_text(old, shown)) if old is not None else Counter()
    extra = Counter(f.code for f in found) - before
    for finding in found:
        if extra[finding.code]:
            return f"it would break a rule the file did not: {finding.text()}"
    return None


def _write_day(
    results: list[Any],
    path: Path,
    root: str,
    label: str,
    *,
    fix: bool,
    replace: bool,
) -> _Day:
    """Verify one day's result against its old file and write it when it differs."""
    from .errors import DigestError
    from .files import file_state, is_inside, open_regular, write_atomic
    from .fix import fix_digest
    from .model import Digest
    from .parser import parse_digest
    from .serializer import serialize_digest

    shown = str(path)
    try:
        if not is_inside(root, os.path.realpath(path)):
            raise ValueError("leads outside the archive through a symbolic link")
        existing = open_regular(path, shown)
    except ValueError as error:
        return _Day("failed", message=str(error).removeprefix(f"{shown}: "))
    old_bytes = state = None
    if existing is not None:
        with existing:
            state = file_state(existing)  # replaced only if still the file read (issue 22)
            old_bytes = existing.read()
    old = None
    if old_bytes is not None:
        try:
            old = parse_digest(old_bytes.decode("utf-8"), path=shown)
        except (DigestError, UnicodeDecodeError) as error:
            reason = str(error).splitlines()[0].removeprefix(f"{shown}:")
            return _Day("failed", message=f"the file there does not parse ({reason.strip()})")
    if not results:
        return _Day("unchanged", kept=len(old.papers)) if old is not None else _Day("empty")
    try:
        digest = Digest.from_results(results, category=label)
    except ValueError as error:
        return _Day("failed", message=str(error))
    if fix:
        # The API's own answer: an exact repeat, or an older version beside the newer one, is
        # an artefact of paging (the API holds one record a paper), never a paper of its own.
        digest = fix_digest(digest, unsafe=True)[0]
    returned = {paper.arxiv_id for paper in digest.papers}
    kept = dropped = 0
    if old is not None:
        others = tuple(p for p in old.papers if p.arxiv_id not in returned)
        if replace:
            dropped = len({p.arxiv_id for p in others})
        else:
            # The generator's order: by published, stable; the API's papers first on a tie.
            merged = sorted(digest.papers + others, key=lambda paper: paper.published)
            digest = attrs.evolve(digest, papers=tuple(merged))
        digest = attrs.evolve(digest, newline=old.newline)
    if fix and old is not None:
        digest = fix_digest(digest)[0]  # exact repeats among the kept blocks
    if old is not None and not replace:
        kept = sum(paper.arxiv_id not in returned for paper in digest.papers)
    text = serialize_digest(digest)
    before = None if old_bytes is None else old_bytes.decode()
    problem = _new_findings(text, before, shown, repeats=not fix)
    if problem is not None:
        return _Day("failed", message=problem)
    papers = len(digest.papers) - kept
    data = text.encode("utf-8")
    if old_bytes == data:
        return _Day("unchanged", papers, kept, dropped)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data, expect=state)
    return _Day("new" if old_bytes is None else "updated", papers, kept, dropped)


def collect(
    category: str,
    start: dt.date,
    end: dt.date,
    archive: str | Path,
    *,
    api_url: str | None = None,
    delay: float = 3.0,
    page_size: int = 200,
    retries: int = 5,
    backoff: float = 5.0,
    timeout: tuple[float, float] = (30.0, 120.0),
    label: str | None = None,
    fix: bool = True,
    replace: bool = False,
    runs: Sequence[Run] | None = None,
    on_day: Callable[[dt.date, Outcome, int], None] | None = None,
    on_message: Callable[[str], None] | None = None,
) -> CollectReport:
    """Fetch ``category``'s papers of the UTC days ``start`` to ``end`` and write them.

    Both ends are included; one digest a day is written under ``archive``, at
    :func:`day_path`, as the generator writes it: the papers sorted by ``published`` (stable:
    the API's order breaks ties), the header ``# Arxiv Papers in {label} on YYYY-MM-DD``
    (``label`` defaults to the category), every exact repeat dropped when ``fix`` (as
    ``arxiv-digest fix`` would).

    The range is asked for in windows, :data:`WINDOW_DAYS` at first, then sized after the
    answers to hold about :data:`WINDOW_PAPERS` papers. A window's answer is verified
    before it replaces anything: HTTP 429 and 5xx, network errors, timeouts (``timeout`` is
    the connect and the read timeout of every request) and pages that cannot be trusted are
    asked again ``retries`` times, waiting ``backoff``, then twice as long each time (or what
    the server's ``Retry-After`` says); an answer whose distinct papers are not the API's
    ``totalResults`` is asked again from the start. When it stays short, its days are still
    merged in (nothing is lost) and the window is in ``incomplete``; when it stays empty for
    a range the archive shows had papers (its days, or the same days a week before), nothing
    is written and the window is in ``incomplete`` too. Anything else raises
    :class:`CollectError` (the days of earlier windows stay written).

    A day's existing file keeps the papers the API did not return, their blocks as they
    were (``kept``); with ``replace`` the API's answer alone is written (``dropped``). A day
    with no paper writes nothing; a file with the same bytes is left alone. A day is not
    written (it is in ``failed`` and the other days go on) when it holds a paper the format
    cannot carry, when the result would break a rule of ``check`` the old file did not
    break, when its file does not parse, is not a regular file, or is reached through a
    symbolic link that leads out of the archive.

    ``runs`` fetches only those runs of days (each inside ``start``..``end``, in order, not
    overlapping): what :func:`plan_missing` plans. A run is one query, or several windows
    when it is long; an empty answer for a window of a run estimated to hold papers is the
    API's fault, as for a range the archive shows had papers.

    ``on_day(date, outcome, papers)`` is called for every day fetched, in order;
    ``on_message(line)`` for each retry as it happens and each day that kept papers.
    Raises :class:`MissingClientError` when the ``arxiv`` package is not installed.

    >>> collect("cs.CV", dt.date(2023, 3, 12), dt.date(2023, 3, 11), "archive")
    Traceback (most recent call last):
    ValueError: the range ends (2023-03-11) before it starts (2023-03-12)
    """
    from ._api import Fetcher
    from .model import utc_date

    check_category(category)
    check_archive(archive, category)
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    today = dt.datetime.now(dt.timezone.utc).date()
    if end > today:
        raise ValueError(
            f"the range ends ({end}) after today ({today}, UTC): no paper is there yet"
        )
    runs = (Run(start, end),) if runs is None else tuple(runs)
    after = start
    for run in runs:
        if run.first < after or run.last < run.first or run.last > end:
            raise ValueError(f"run {run.first}..{run.last}: not in order inside {start}..{end}")
        after = run.last + dt.timedelta(days=1)
    say = on_message if on_message is not None else (lambda line: None)
    fetcher = Fetcher(
        api_url or API_URL,
        delay=delay,
        page_size=page_size,
        retries=retries,
        backoff=backoff,
        timeout=timeout,
        say=say,
    )
    root = os.path.realpath(archive)
    counts: Counter[str] = Counter()
    failed: list[DayFailure] = []
    incomplete: list[RangeProblem] = []
    written: list[str] = []
    one = dt.timedelta(days=1)
    length = WINDOW_DAYS
    for run in runs:
        first = run.first
        while first <= run.last:
            last = min(run.last, first + dt.timedelta(days=length - 1))
            expect = run.expects(first, last) or _had_papers(archive, category, first, last)
            answer = fetcher.fetch(search_query(category, first, last), expect)
            days: dict[dt.date, list[Any]] = {}
            for result in answer.results:
                date = utc_date(result.published)
                if date is not None and first <= date <= last:  # not 00:00 after the range
                    days.setdefault(date, []).append(result)
            if not answer.results and answer.problem is not None:
                incomplete.append(
                    RangeProblem(
                        first,
                        last,
                        f"the arXiv API returned no papers for {first}..{last},"
                        " which had papers; nothing written",
                    )
                )
            elif answer.problem is not None:
                incomplete.append(
                    RangeProblem(
                        first,
                        last,
                        f"{first}..{last}: {answer.problem}; its days were written keeping every"
                        " paper their files held",
                    )
                )
            day = first
            while day <= last:
                path_text = _day_file(archive, category, day)
                if not answer.results and answer.problem is not None:
                    done = _Day("skipped")
                elif day not in days and not os.path.lexists(path_text):
                    done = _Day("empty")  # most days of a long range: no need to look further
                else:
                    path = Path(path_text)
                    done = _write_day(
                        days.get(day, []),
                        path,
                        root,
                        label or category,
                        fix=fix,
                        replace=replace and answer.problem is None,
                    )
                    if done.message is not None:
                        failed.append(DayFailure(day, done.message))
                    if done.outcome in ("new", "updated"):
                        written.append(str(path))
                    if done.kept:
                        say(f"{day}: kept {plural(done.kept, 'paper')} the API did not return")
                counts[done.outcome] += 1
                counts["papers"] += done.papers
                counts["kept"] += done.kept
                counts["dropped"] += done.dropped
                if on_day is not None:
                    on_day(day, done.outcome, done.papers)
                day += one
            first = last + one
            length = _next_length(length, answer.total)
    return CollectReport(
        new=counts["new"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        empty=counts["empty"],
        papers=counts["papers"],
        failed=tuple(failed),
        skipped=counts["skipped"],
        kept=counts["kept"],
        dropped=counts["dropped"],
        incomplete=tuple(incomplete),
        written=tuple(written),
    )
