"""Fetching days of papers from the arXiv API and writing them as digests: ``arxiv-digest collect``.

This replaces the archives' generator script (see ``docs/writing.md``) and writes the same
bytes for the same API answers, but:

* it asks for the days wanted only: one query, ``cat:X AND submittedDate:[A TO B]``, sorted by
  submitted date, ascending, so the days come one after the other and only one is held in
  memory;
* each day is written once, atomically (a temporary file renamed into place): an interruption
  leaves the finished days and no partial file;
* a file with the same bytes is left alone, so a second run changes nothing.

The client is the ``arxiv`` package (``pip install 'arxiv-digest[arxiv]'``), imported only when
:func:`collect` runs.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import attrs

__all__ = [
    "API_URL",
    "CollectError",
    "CollectReport",
    "DayFailure",
    "MissingClientError",
    "check_category",
    "collect",
    "day_path",
    "search_query",
]

#: The arXiv API's query endpoint.
API_URL = "https://export.arxiv.org/api/query"

#: What happened to one day: written for the first time, replaced, left alone (same bytes),
#: no paper that day (nothing written), or not written (a paper the format cannot carry).
Outcome = Literal["new", "updated", "unchanged", "empty", "failed"]

_CATEGORY = re.compile(r"[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?")


class CollectError(Exception):
    """The API could not be read (after the retries), or answered something unusable.

    >>> str(CollectError("the arXiv API answered HTTP 503"))
    'the arXiv API answered HTTP 503'
    """


class MissingClientError(CollectError):
    """The ``arxiv`` package, the API client, is not installed.

    >>> print(MissingClientError())
    collect needs the arxiv package: pip install 'arxiv-digest[arxiv]'
    """

    def __init__(self) -> None:
        super().__init__("collect needs the arxiv package: pip install 'arxiv-digest[arxiv]'")


@attrs.frozen
class DayFailure:
    """A day that was not written, and why (the message names the paper and the field).

    >>> DayFailure(dt.date(2023, 3, 11), "comment cannot hold a newline").date
    datetime.date(2023, 3, 11)
    """

    date: dt.date
    message: str


@attrs.frozen
class CollectReport:
    """What :func:`collect` did: how many days were new, updated, unchanged, empty, failed.

    >>> report = CollectReport(new=2, updated=1, unchanged=4, empty=3, papers=512)
    >>> print(report.summary())
    10 days: 2 new, 1 updated, 4 unchanged, 3 without papers; 512 papers.
    """

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    empty: int = 0
    papers: int = 0
    failed: tuple[DayFailure, ...] = ()

    def summary(self) -> str:
        """The one-line summary the command prints.

        >>> print(CollectReport(empty=1).summary())
        1 day: 0 new, 0 updated, 0 unchanged, 1 without papers; 0 papers.
        """
        days = self.new + self.updated + self.unchanged + self.empty + len(self.failed)
        failed = f", {len(self.failed)} not written" if self.failed else ""
        return (
            f"{days} {'day' if days == 1 else 'days'}: {self.new} new, {self.updated} updated,"
            f" {self.unchanged} unchanged, {self.empty} without papers{failed};"
            f" {self.papers} papers."
        )


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


def day_path(archive: str | Path, category: str, date: dt.date) -> Path:
    """Where a day goes in an archive: ``ARCHIVE/CATEGORY/YYYY/MM/YYYYMMDD.md``.

    >>> day_path("archive", "cs.CV", dt.date(2023, 3, 11)).as_posix()
    'archive/cs.CV/2023/03/20230311.md'
    """
    return Path(archive, category, f"{date:%Y}", f"{date:%m}", f"{date:%Y%m%d}.md")


def check_category(category: str) -> str:
    """``category`` if it looks like an arXiv category (it becomes a directory name).

    >>> check_category("astro-ph.CO")
    'astro-ph.CO'
    >>> check_category("../x")
    Traceback (most recent call last):
    ValueError: not an arXiv category (like cs.CV, math.AG, hep-th): '../x'
    """
    if not _CATEGORY.fullmatch(category):
        raise ValueError(f"not an arXiv category (like cs.CV, math.AG, hep-th): {category!r}")
    return category


def _client(api_url: str | None, delay: float, page_size: int) -> Any:
    """An ``arxiv.Client`` for ``api_url``; its own retries are off (we retry with backoff)."""
    from .files import signals_held

    try:
        with signals_held():  # lxml is an extension: hold Ctrl-C while it loads, as for orjson
            import arxiv
    except ImportError:
        raise MissingClientError() from None

    client = arxiv.Client(page_size=page_size, delay_seconds=delay, num_retries=0)
    # On this instance only: other clients in the process keep the real endpoint.
    url = (api_url or API_URL).replace("{", "{{").replace("}", "}}")
    client.query_url_format = url + "?{}"
    return client


def _retryable(error: BaseException) -> str | None:
    """Why ``error`` is worth another try (rate limit, server error, network), or None."""
    import arxiv

    if isinstance(error, arxiv.HTTPError):
        if error.status == 429 or error.status >= 500:
            return f"the arXiv API answered HTTP {error.status}"
        return None
    if isinstance(error, arxiv.UnexpectedEmptyPageError):
        return "the arXiv API sent an empty page in the middle of the results"
    if isinstance(error, OSError):  # requests' errors are OSErrors: refused, reset, timed out
        return f"cannot reach the arXiv API: {error}"
    return None


def _results(client: Any, search: Any, retries: int, backoff: float, url: str) -> Iterator[Any]:
    """The search's results, retrying a failed page where it failed, with growing waits.

    The client pages with the API's ``start``; after a failure the search starts again at the
    first result not yet handed over, so nothing is fetched or handed over twice.
    """
    import arxiv

    handed = failures = 0
    while True:
        try:
            for result in client.results(search, offset=handed):
                handed += 1
                failures = 0
                yield result
            return
        except (arxiv.ArxivError, OSError) as error:
            reason = _retryable(error)
            if reason is None:
                status = getattr(error, "status", None)
                answer = f"HTTP {status}" if status else str(error)
                raise CollectError(f"the arXiv API at {url} answered {answer}") from error
            if failures >= retries:
                raise CollectError(
                    f"{reason}; gave up after {retries} {'retry' if retries == 1 else 'retries'}"
                ) from error
            time.sleep(backoff * 2**failures)
            failures += 1


def _write_day(results: list[Any], path: Path, label: str) -> tuple[Outcome, str | None]:
    from .files import write_atomic
    from .model import Digest
    from .serializer import serialize_digest

    try:
        digest = Digest.from_results(results, category=label)
    except ValueError as error:
        return "failed", str(error)
    data = serialize_digest(digest).encode("utf-8")
    if path.is_file():
        if path.read_bytes() == data:
            return "unchanged", None
        outcome: Outcome = "updated"
    else:
        outcome = "new"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return outcome, None


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
    label: str = "cs.CV",
    on_day: Callable[[dt.date, Outcome, int], None] | None = None,
) -> CollectReport:
    """Fetch ``category``'s papers of the UTC days ``start`` to ``end`` and write them.

    Both ends are included; one digest a day is written under ``archive``.

    Each day goes to :func:`day_path`, exactly as the generator writes it: the papers sorted
    by ``published`` (stable: the API's order breaks ties), the header ``# Arxiv Papers in
    {label} on YYYY-MM-DD`` (the generator's label is ``cs.CV`` whatever the category).
    A day with no paper writes nothing; a file with the same bytes is left alone; a different
    one is replaced atomically. A day holding a paper the format cannot carry (a value with a
    newline not followed by two spaces) is not written: it is in ``failed``, and the other days
    go on.

    ``delay`` is the wait between requests (the API's terms ask for 3 s); ``page_size`` the
    results per request. HTTP 429 and 5xx, network errors and the API's sporadic empty pages
    are retried ``retries`` times, waiting ``backoff``, then twice as long each time, and the
    search goes on where it stopped; anything else raises :class:`CollectError`.
    ``on_day(date, outcome, papers)`` is called for every day of the range, in order.

    Raises :class:`MissingClientError` when the ``arxiv`` package is not installed.

    >>> collect("cs.CV", dt.date(2023, 3, 12), dt.date(2023, 3, 11), "archive")
    Traceback (most recent call last):
    ValueError: the range ends (2023-03-11) before it starts (2023-03-12)
    """
    check_category(category)
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    client = _client(api_url, delay, page_size)
    import arxiv

    search = arxiv.Search(
        query=search_query(category, start, end),
        max_results=None,
        sort_by=arxiv.SortCriterion.SubmittedDate,
        sort_order=arxiv.SortOrder.Ascending,
    )
    counts: dict[Outcome, int] = {"new": 0, "updated": 0, "unchanged": 0, "empty": 0, "failed": 0}
    failed: list[DayFailure] = []
    papers = 0
    next_day = start  # the first day not yet reported

    def empty_until(date: dt.date) -> None:
        nonlocal next_day
        while next_day < date:  # the days before it had no paper
            counts["empty"] += 1
            if on_day is not None:
                on_day(next_day, "empty", 0)
            next_day += dt.timedelta(days=1)

    def finish(date: dt.date, results: list[Any]) -> None:
        nonlocal next_day, papers
        empty_until(date)
        outcome, message = _write_day(results, day_path(archive, category, date), label)
        counts[outcome] += 1
        if message is not None:
            failed.append(DayFailure(date, message))
        else:
            papers += len(results)
        if on_day is not None:
            on_day(date, outcome, len(results))
        next_day = date + dt.timedelta(days=1)

    day: dt.date | None = None
    buffered: list[Any] = []
    url = api_url or API_URL
    for result in _results(client, search, retries, backoff, url):
        date = result.published.astimezone(dt.timezone.utc).date()
        if not start <= date <= end:
            continue  # the minute of 00:00 after the range (see search_query)
        if date != day:
            if day is not None and date < day:
                raise CollectError(
                    f"the arXiv API at {url} sent {result.entry_id} (published"
                    f" {result.published}) after papers of {day}: the results are not in"
                    " submitted-date order, so the days cannot be written one at a time"
                )
            if day is not None:
                finish(day, buffered)
            day, buffered = date, []
        buffered.append(result)
    if day is not None:
        finish(day, buffered)
    empty_until(end + dt.timedelta(days=1))
    return CollectReport(
        new=counts["new"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        empty=counts["empty"],
        papers=papers,
        failed=tuple(failed),
    )
