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
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import attrs

from .errors import CollectError, MissingClientError

__all__ = [
    "API_URL",
    "CollectError",
    "CollectReport",
    "DayFailure",
    "MissingClientError",
    "RangeProblem",
    "check_archive",
    "check_category",
    "collect",
    "day_path",
    "newest_day",
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
            f"{days} {'day' if days == 1 else 'days'}: {self.new} new, {self.updated} updated,"
            f" {self.unchanged} unchanged, {self.empty} without papers{failed}{skipped};"
            f" {_papers(self.papers)}"
        )
        if self.kept:
            text += f"; kept {_papers(self.kept)} the API did not return"
        if self.dropped:
            text += f"; dropped {_papers(self.dropped)} the API did not return (--replace)"
        if self.incomplete:
            ranges = len(self.incomplete)
            text += f"; {ranges} {'range' if ranges == 1 else 'ranges'} incomplete"
        return text + "."


def _papers(count: int) -> str:
    return f"{count} {'paper' if count == 1 else 'papers'}"


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
    newest: dt.date | None = None
    root = os.path.join(archive, category)
    for year in _names(root, 4):
        for month in _names(os.path.join(root, year), 2):
            for name in _names(os.path.join(root, year, month), 11):
                if name.endswith(".md") and name[:6] == year + month:
                    try:
                        day = dt.date(int(name[:4]), int(name[4:6]), int(name[6:8]))
                    except ValueError:
                        continue
                    newest = day if newest is None else max(newest, day)
    return newest


def _names(folder: str, length: int) -> list[str]:
    """The names in ``folder`` of ``length`` characters starting with a digit (none if absent)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [n for n in names if len(n) == length and n[:1].isdigit()]


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
    from .files import is_inside, regular_bytes, write_atomic
    from .fix import fix_digest
    from .model import Digest
    from .parser import parse_digest
    from .serializer import serialize_digest

    shown = str(path)
    try:
        if not is_inside(root, os.path.realpath(path)):
            raise ValueError("leads outside the archive through a symbolic link")
        old_bytes = regular_bytes(path, shown)
    except ValueError as error:
        return _Day("failed", message=str(error).removeprefix(f"{shown}: "))
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
    write_atomic(path, data)
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

    ``on_day(date, outcome, papers)`` is called for every day of the range, in order;
    ``on_message(line)`` for each retry as it happens and each day that kept papers.
    Raises :class:`MissingClientError` when the ``arxiv`` package is not installed.

    >>> collect("cs.CV", dt.date(2023, 3, 12), dt.date(2023, 3, 11), "archive")
    Traceback (most recent call last):
    ValueError: the range ends (2023-03-11) before it starts (2023-03-12)
    """
    from ._api import Fetcher

    check_category(category)
    check_archive(archive, category)
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    today = dt.datetime.now(dt.timezone.utc).date()
    if end > today:
        raise ValueError(
            f"the range ends ({end}) after today ({today}, UTC): no paper is there yet"
        )
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
    first, length = start, WINDOW_DAYS
    while first <= end:
        last = min(end, first + dt.timedelta(days=length - 1))
        expect = _had_papers(archive, category, first, last)
        answer = fetcher.fetch(search_query(category, first, last), expect)
        days: dict[dt.date, list[Any]] = {}
        for result in answer.results:
            date = result.published.astimezone(dt.timezone.utc).date()
            if first <= date <= last:  # not the minute of 00:00 after the range
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
                    say(f"{day}: kept {_papers(done.kept)} the API did not return")
            counts[done.outcome] += 1
            counts["papers"] += done.papers
            counts["kept"] += done.kept
            counts["dropped"] += done.dropped
            if on_day is not None:
                on_day(day, done.outcome, done.papers)
            day += one
        first = last + one
        if answer.total < WINDOW_PAPERS // 2:
            length = min(2 * length, 366)
        elif answer.total > 2 * WINDOW_PAPERS:
            length = max(length // 2, 1)
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
