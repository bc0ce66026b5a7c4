"""A local HTTP server that plays the arXiv API, for testing ``collect`` with no network.

It answers ``GET /api/query`` as ``export.arxiv.org`` does: an Atom 1.0 page with the
opensearch totals and one ``<entry>`` per paper, written the way the real API writes them
(namespaces, ``<id>``, ``<published>``/``<updated>`` as ``2023-03-11T00:11:30Z``, the ``arxiv:``
extension elements, the alternate and pdf links, ``arxiv:primary_category`` and the category
terms). It honours ``search_query`` (``cat:X`` and ``submittedDate:[A TO B]`` joined by
``AND``), ``sortBy``, ``sortOrder``, ``start`` and ``max_results``; anything else is HTTP 400,
as a query the real API cannot answer.

What it serves is a list of papers: parsed real digests, so that a client that reads the
pages back and writes digests must give the same files. Each value goes into the XML exactly
as the paper holds it, so the ``arxiv`` client reads back the value the digest was written
from: a summary without its original line breaks (the digest replaced them by spaces, so
they are gone), a comment with its ``"\\n  "`` continuation breaks (as the API wraps them).

Faults, as the real API shows them: ``faults`` maps a request's index (0 for the first) to
what goes wrong with that one answer: an HTTP status (429, 503, ...) or a :class:`Fault`
(``Fault.status(429, retry_after="1")``, an empty first page, an empty page in the middle, a
short page, a ``totalResults`` that under-reports or reads 0, a page that overlaps or skips
the previous one, an entry without ``<published>`` or with a malformed one, an entry dropped,
truncated XML, a connection accepted and never answered). ``missing`` are papers the API
counts in ``totalResults`` and never sends (a short answer on every try); ``repeated`` are
papers every answer lists (and counts) twice. ``hold_at`` blocks that request until
``release`` is set, so a test can interrupt the client while it waits; ``wrong_order``
sorts the opposite way to ``sortOrder``. Every wait is bounded (60 s), so a test cannot
hang on the server.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"

_DATE_RANGE = re.compile(r"submittedDate:\[([0-9]{12}) TO ([0-9]{12})\]")


def _text(value: str) -> str:
    """Escape character data. A carriage return is a reference: XML turns a raw one into LF."""
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _when(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry(paper: Any) -> str:
    """One ``<entry>`` for an object with the ``Paper`` (or ``arxiv.Result``) attributes."""
    abstract = paper.entry_id
    lines = [
        "  <entry>",
        f"    <id>{_text(abstract)}</id>",
        f"    <updated>{_when(paper.updated)}</updated>",
        f"    <published>{_when(paper.published)}</published>",
        f"    <title>{_text(paper.title)}</title>",
        f"    <summary>{_text(paper.summary)}</summary>",
    ]
    lines += [
        f"    <author>\n      <name>{_text(name)}</name>\n    </author>" for name in paper.authors
    ]
    if paper.doi is not None:
        lines.append(f"    <arxiv:doi>{_text(paper.doi)}</arxiv:doi>")
        lines.append(
            f'    <link title="doi" href="{_attribute("http://dx.doi.org/" + paper.doi)}"'
            ' rel="related"/>'
        )
    if paper.comment is not None:
        lines.append(f"    <arxiv:comment>{_text(paper.comment)}</arxiv:comment>")
    if paper.journal_ref is not None:
        lines.append(f"    <arxiv:journal_ref>{_text(paper.journal_ref)}</arxiv:journal_ref>")
    lines.append(f'    <link href="{_attribute(abstract)}" rel="alternate" type="text/html"/>')
    if paper.pdf_url is not None:
        lines.append(
            f'    <link title="pdf" href="{_attribute(paper.pdf_url)}" rel="related"'
            ' type="application/pdf"/>'
        )
    if paper.primary_category:
        lines.append(
            f'    <arxiv:primary_category term="{_attribute(paper.primary_category)}"'
            f' scheme="{ARXIV}"/>'
        )
    lines += [
        f'    <category term="{_attribute(term)}" scheme="{ARXIV}"/>' for term in paper.categories
    ]
    lines.append("  </entry>")
    return "\n".join(lines)


def feed(papers: Sequence[Any], *, query: str, total: int, start: int, per_page: int) -> bytes:
    """An Atom page as the API sends it: the opensearch totals, then the entries."""
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<feed xmlns="{ATOM}" xmlns:opensearch="{OPENSEARCH}" xmlns:arxiv="{ARXIV}">',
        f'  <link href="http://arxiv.org/api/query?{_attribute(query)}" rel="self"'
        ' type="application/atom+xml"/>',
        f'  <title type="html">ArXiv Query: {_text(query)}</title>',
        "  <id>http://arxiv.org/api/test</id>",
        "  <updated>2026-01-01T00:00:00-05:00</updated>",
        f"  <opensearch:totalResults>{total}</opensearch:totalResults>",
        f"  <opensearch:startIndex>{start}</opensearch:startIndex>",
        f"  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>",
    ]
    body = [entry(paper) for paper in papers]
    return "\n".join([*head, *body, "</feed>\n"]).encode("utf-8")


class QueryError(ValueError):
    """A query the fake API cannot answer (HTTP 400, as the real one answers a bad query)."""


def select(papers: Sequence[Any], params: Mapping[str, str], *, reverse: bool = False) -> list[Any]:
    """The papers a query matches, in the order asked for (a stable sort, like the API's).

    ``reverse`` plays an API that gets the order wrong: the opposite of ``sortOrder``.
    """
    if params.get("id_list"):
        raise QueryError("id_list is not supported")
    matched = list(papers)
    query = params.get("search_query", "")
    for term in query.split(" AND ") if query else []:
        if term.startswith("cat:"):
            category = term[len("cat:") :]
            matched = [p for p in matched if category in p.categories]
        elif found := _DATE_RANGE.fullmatch(term):
            low, high = (
                dt.datetime.strptime(value, "%Y%m%d%H%M").replace(tzinfo=dt.timezone.utc)
                for value in found.groups()
            )
            high += dt.timedelta(minutes=1)  # [A TO B] is inclusive, to the minute
            matched = [p for p in matched if low <= p.published < high]
        else:
            raise QueryError(f"unsupported term {term!r}")
    order = params.get("sortOrder", "descending")
    if order not in ("ascending", "descending"):
        raise QueryError(f"bad sortOrder {order!r}")
    key = {"submittedDate": "published", "lastUpdatedDate": "updated"}.get(
        params.get("sortBy", "relevance")
    )
    if key is not None:
        matched.sort(key=lambda p: getattr(p, key), reverse=(order == "descending") != reverse)
    elif params.get("sortBy", "relevance") != "relevance":
        raise QueryError(f"bad sortBy {params['sortBy']!r}")
    return matched


@dataclass(frozen=True)
class Fault:
    """What goes wrong with one answer; build one with the class methods."""

    kind: str
    value: int = 0
    retry_after: str | None = None

    @classmethod
    def status(cls, code: int, retry_after: str | None = None) -> Fault:
        """Answer HTTP ``code`` (with a ``Retry-After`` header when given)."""
        return cls("status", code, retry_after)

    @classmethod
    def empty(cls) -> Fault:
        """The API's empty answer: no entry and ``totalResults`` 0, whatever the query."""
        return cls("empty")

    @classmethod
    def empty_page(cls) -> Fault:
        """No entry, with the true ``totalResults`` (an empty page in the middle)."""
        return cls("empty-page")

    @classmethod
    def short(cls, count: int) -> Fault:
        """The page without its last ``count`` entries."""
        return cls("short", count)

    @classmethod
    def total(cls, count: int) -> Fault:
        """``totalResults`` reads ``count`` (under-reports, or 0)."""
        return cls("total", count)

    @classmethod
    def shift(cls, count: int) -> Fault:
        """The page starts ``count`` results later (negative: it overlaps the previous one)."""
        return cls("shift", count)

    @classmethod
    def no_published(cls) -> Fault:
        """The page's first entry has no ``<published>``."""
        return cls("no-published")

    @classmethod
    def bad_published(cls) -> Fault:
        """The page's first entry has a ``<published>`` that is not a time."""
        return cls("bad-published")

    @classmethod
    def drop_entry(cls) -> Fault:
        """One entry of the page (its middle one) is left out."""
        return cls("drop-entry")

    @classmethod
    def truncated(cls) -> Fault:
        """The body stops in the middle of the second entry (a cut connection)."""
        return cls("truncated")

    @classmethod
    def hang(cls) -> Fault:
        """The connection is accepted and never answered (until the server stops)."""
        return cls("hang")


class FakeArxivAPI:
    """The server: start it with :meth:`running`; ``url`` is what ``--api-url`` takes."""

    def __init__(
        self,
        papers: Sequence[Any],
        *,
        faults: Mapping[int, int | Fault] | None = None,
        hold_at: int | None = None,
        wrong_order: bool = False,
        missing: Sequence[str] = (),
        repeated: Sequence[str] = (),
    ) -> None:
        self.papers = list(papers)
        self.wrong_order = wrong_order
        self.faults = {
            index: Fault.status(fault) if isinstance(fault, int) else fault
            for index, fault in (faults or {}).items()
        }
        self.missing = frozenset(missing)
        self.repeated = frozenset(repeated)
        self.hold_at = hold_at
        self.held = threading.Event()
        self.release = threading.Event()
        #: One record per request: its parameters, the status sent, the results matched.
        self.log: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """The query endpoint, ``http://127.0.0.1:PORT/api/query``."""
        assert self._server is not None, "not running"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api/query"

    def answer(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        """The status, body and extra headers for one request (status 0: no answer at all)."""
        parts = urlsplit(path)
        params = {
            key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()
        }
        with self._lock:
            index = len(self.log)
            record: dict[str, Any] = {"params": params, "time": dt.datetime.now()}
            self.log.append(record)
        if index == self.hold_at:
            self.held.set()
            self.release.wait(timeout=60)
        if parts.path != "/api/query":
            record["status"] = 404
            return 404, b"not found\n", {}
        fault = self.faults.get(index)
        record["fault"] = fault
        if fault is not None and fault.kind == "hang":
            record["status"] = 0
            self.release.wait(timeout=60)
            return 0, b"", {}
        if fault is not None and fault.kind == "status":
            record["status"] = fault.value
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return fault.value, b"<error>try again later</error>\n", headers
        try:
            matched = select(self.papers, params, reverse=self.wrong_order)
            start = int(params.get("start", "0"))
            per_page = int(params.get("max_results", "10"))
        except (QueryError, ValueError) as error:
            record["status"] = 400
            return 400, str(error).encode(), {}
        # A repeated paper is listed (and counted) twice; a missing one counted, never sent.
        listed = [q for p in matched for q in ([p, p] if p.entry_id in self.repeated else [p])]
        total = len(listed)
        sent = [p for p in listed if p.entry_id not in self.missing]
        kind = fault.kind if fault is not None else ""
        if kind == "shift":
            start = max(0, start + fault.value)  # type: ignore[union-attr]
        page = sent[start : start + per_page]
        if kind == "empty":
            page, total = [], 0
        elif kind == "empty-page":
            page = []
        elif kind == "short":
            page = page[: max(0, len(page) - fault.value)]  # type: ignore[union-attr]
        elif kind == "total":
            total = fault.value  # type: ignore[union-attr]
        elif kind == "drop-entry" and page:
            del page[len(page) // 2]
        record.update(status=200, total=total, sent=len(page))
        body = feed(page, query=parts.query, total=total, start=start, per_page=len(page))
        if kind in ("no-published", "bad-published") and page:
            published = f"<published>{_when(page[0].published)}</published>"
            broken = "" if kind == "no-published" else "<published>2023-13-45T25:61:00Z</published>"
            body = body.replace(published.encode(), broken.encode(), 1)
        elif kind == "truncated":
            second = body.find(b"<entry>", body.find(b"<entry>") + 1)
            body = body[: second + 200] if second > 0 else body[: len(body) // 2]
        return 200, body, {}

    @contextmanager
    def running(self) -> Iterator[FakeArxivAPI]:
        """Serve on 127.0.0.1, on a free port, in a thread, until the block ends."""
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body, headers = api.answer(self.path)
                if not status:
                    self.close_connection = True
                    return  # accepted, never answered
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the test reads api.log instead

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release.set()
            self._server.shutdown()
            self._server.server_close()
            thread.join()
