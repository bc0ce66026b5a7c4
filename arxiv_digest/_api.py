"""Reading one date range from the arXiv API, and knowing whether the answer is whole.

The ``arxiv`` client pages and parses; this module makes it safe to leave unattended:

* every request has a connect and a read timeout (a transport adapter mounted on the
  client's ``requests`` session: the client itself sets none);
* every page is read strictly before the client sees it: XML that is not well-formed (the
  client's lxml parser would *recover* a truncated page into half a paper), a missing or
  malformed ``totalResults``, an entry without an id or with a missing or malformed
  ``<published>``/``<updated>`` (which the client skips or crashes on) fail the page;
* a failed page (HTTP 429 or 5xx, the network, a timeout, a page failed as above, an empty
  page in the middle) is asked again, after a wait that doubles (or the server's
  ``Retry-After``), from the first result not yet received;
* the whole answer is then counted: the distinct papers received against the API's
  ``totalResults``, which every page must agree on. An answer that does not add up (the
  client stops at an empty first page, a ``totalResults`` that under-reports, pages that
  overlap or skip) is asked again from the start, and what the last try gave is returned
  with the reason it is not whole.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from typing import Any

import attrs

from .errors import CollectError, MissingClientError

_ATOM = "{http://www.w3.org/2005/Atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
_WHEN = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})"
)
#: The longest wait a ``Retry-After`` may ask for: a server cannot park the run for ever.
MAX_WAIT = 600.0
#: The most results one query may page through (the API's own limit on ``start``).
MAX_RESULTS = 30_000


class _BadPage(Exception):
    """A page that cannot be trusted (raised inside the client's request, so it stops there)."""


@attrs.frozen
class _Page:
    total: int
    ids: tuple[str, ...]


@attrs.frozen
class Answer:
    """What the API sent for a range: its results and whether they add up.

    ``problem`` is None for a whole answer (every page agreed on ``total`` and that many
    distinct papers arrived), else why it is not whole, in words.
    """

    results: tuple[Any, ...]
    total: int
    problem: str | None


def _read_page(content: bytes) -> _Page:
    """The page's ``totalResults`` and entry ids, or :class:`_BadPage` saying what is wrong."""
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise _BadPage("the arXiv API sent a page with a document type declaration")
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as error:
        line, column = error.position
        raise _BadPage(
            f"the arXiv API sent a page that is not whole XML (line {line}, column {column})"
        ) from None
    total_text = root.findtext(f"{_OPENSEARCH}totalResults")
    if root.tag != f"{_ATOM}feed" or total_text is None or not total_text.strip().isdigit():
        raise _BadPage("the arXiv API sent a page without its totalResults")
    ids = []
    for number, entry in enumerate(root.iter(f"{_ATOM}entry"), 1):
        entry_id = (entry.findtext(f"{_ATOM}id") or "").strip()
        if not entry_id:
            raise _BadPage(f"the arXiv API sent an entry without an id (entry {number} of a page)")
        for field in ("published", "updated"):
            value = entry.findtext(f"{_ATOM}{field}")
            if value is None:
                raise _BadPage(f"the arXiv API sent {entry_id} without <{field}>")
            if not _WHEN.fullmatch(value.strip()) or not _valid_time(value.strip()):
                raise _BadPage(f"the arXiv API sent {entry_id} with <{field}> {value.strip()!r}")
        ids.append(entry_id)
    return _Page(int(total_text), tuple(ids))


def _valid_time(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _retry_after(value: str | None) -> float | None:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date), or None."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        seconds = (when - dt.datetime.now(dt.timezone.utc)).total_seconds()
    return min(max(seconds, 0.0), MAX_WAIT) if seconds == seconds else None  # NaN: ignored


class Fetcher:
    """One ``arxiv.Client`` for a run, with timeouts, strict pages, retries and counting.

    ``say`` gets one line for each retry as it happens.
    """

    def __init__(
        self,
        api_url: str,
        *,
        delay: float,
        page_size: int,
        retries: int,
        backoff: float,
        timeout: tuple[float, float],
        say: Callable[[str], None],
    ) -> None:
        from .files import signals_held

        try:
            with signals_held():  # lxml is an extension: hold Ctrl-C while it loads
                import arxiv
                import requests.adapters
        except ImportError:
            raise MissingClientError() from None

        self.url = api_url
        self.retries = retries
        self.backoff = backoff
        self.say = say
        self.pages: list[_Page] = []
        self.headers: Any = {}
        fetcher = self

        class Adapter(requests.adapters.HTTPAdapter):
            """Timeouts on every request; each page read strictly before the client parses it."""

            def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
                kwargs["timeout"] = timeout
                response = super().send(request, *args, **kwargs)
                fetcher.headers = response.headers
                if response.status_code == 200:
                    fetcher.pages.append(_read_page(response.content))
                return response

        self.client = arxiv.Client(page_size=page_size, delay_seconds=delay, num_retries=0)
        # On this instance only: other clients in the process keep the real endpoint.
        self.client.query_url_format = api_url.replace("{", "{{").replace("}", "}}") + "?{}"
        session = self.client._session  # the client's documented-in-source requests.Session
        for prefix in ("http://", "https://"):
            session.mount(prefix, Adapter(max_retries=0))
        self._arxiv = arxiv

    def _reason(self, error: BaseException) -> str | None:
        """Why a failed page is worth another try, in words; None when it is not."""
        arxiv = self._arxiv
        if isinstance(error, _BadPage):
            return str(error)
        if isinstance(error, arxiv.HTTPError):
            if error.status == 429 or error.status >= 500:
                return f"HTTP {error.status} from the arXiv API"
            return None
        if isinstance(error, OSError):  # requests' errors: refused, reset, timed out
            name = type(error).__name__
            if "Timeout" in name:
                return f"the arXiv API did not answer in time ({name})"
            return f"cannot reach the arXiv API ({name})"
        return None

    def _wait(self, reason: str, failures: int, what: str, asked: float | None = None) -> None:
        """Say the retry on its own line, then wait: the server's Retry-After, or the backoff."""
        wait = asked if asked is not None else self.backoff * 2 ** (failures - 1)
        self.say(f"{reason}; {what} {failures} of {self.retries} in {wait:g} s")
        time.sleep(wait)

    def _attempt(self, search: Any) -> tuple[list[Any], list[_Page]]:
        """Every result of ``search``; a failed page is asked again where it failed."""
        arxiv = self._arxiv
        results: list[Any] = []
        self.pages = []
        failures = 0
        while True:
            try:
                for result in self.client.results(search, offset=len(results)):
                    results.append(result)
                    failures = 0
                    if len(results) > MAX_RESULTS:
                        raise CollectError(
                            f"the arXiv API sent more than {MAX_RESULTS} papers for one range;"
                            " collect a shorter range"
                        )
                return results, self.pages
            except arxiv.UnexpectedEmptyPageError:
                # The client cannot page on from here (its first page empty is its end): the
                # count tells whether anything is missing, and the range is asked again whole.
                return results, self.pages
            except (arxiv.ArxivError, OSError, _BadPage) as error:
                reason = self._reason(error)
                if reason is None:
                    status = getattr(error, "status", None)
                    answer = f"HTTP {status}" if status else str(error)
                    raise CollectError(f"the arXiv API at {self.url} answered {answer}") from None
                failures += 1
                if failures > self.retries:
                    tries = "retry" if self.retries == 1 else "retries"
                    raise CollectError(f"{reason}; gave up after {self.retries} {tries}") from None
                asked = None
                if isinstance(error, arxiv.HTTPError):  # the response is the last one seen
                    asked = _retry_after(self.headers.get("Retry-After"))
                self._wait(reason, failures, "retry", asked)

    def fetch(self, query: str, expect_papers: bool) -> Answer:
        """The API's answer to ``query``, asked again from the start while it does not add up.

        An empty answer counts as not adding up when ``expect_papers`` (the archive shows the
        range had papers); otherwise it is a range without papers.
        """
        arxiv = self._arxiv
        search = arxiv.Search(
            query=query,
            max_results=None,
            sort_by=arxiv.SortCriterion.SubmittedDate,
            sort_order=arxiv.SortOrder.Ascending,
        )
        tries = 0
        before: set[str] | None = None
        while True:
            results, pages = self._attempt(search)
            ids = {result.entry_id for result in results}
            problem = _problem(results, ids, pages, expect_papers, before)
            before = ids
            if problem is None or tries >= self.retries:
                total = max((page.total for page in pages), default=0)
                return Answer(tuple(results), total, problem)
            tries += 1
            self._wait(problem, tries, "asking for the whole range again,")


def _problem(
    results: list[Any],
    ids: set[str],
    pages: list[_Page],
    expect_papers: bool,
    before: set[str] | None,
) -> str | None:
    """Why an answer does not add up, or None when it does.

    It adds up when every page gave the same ``totalResults`` and that many entries arrived,
    each paper once. Pages that overlap (the API's results shift while it is paged) send a
    paper twice and another not at all, so an answer with repeats adds up only when the
    try before it (``before``) gave the very same papers: the API lists one paper twice.
    """
    totals = sorted({page.total for page in pages})
    if len(totals) > 1:
        low, high = totals[0], totals[-1]
        return f"the arXiv API's pages disagree on how many papers it holds ({low} to {high})"
    total = totals[0] if totals else 0
    if len(results) < total:
        return f"the arXiv API sent {len(ids)} of the {total} papers it holds"
    if len(results) > total:
        return f"the arXiv API sent {len(results)} papers but says it holds {total}"
    if len(ids) < len(results) and ids != before:
        repeats = len(results) - len(ids)
        return f"the arXiv API sent {repeats} {'paper' if repeats == 1 else 'papers'} twice"
    if not results and expect_papers:
        return "the arXiv API returned no papers for a range that had papers"
    return None
