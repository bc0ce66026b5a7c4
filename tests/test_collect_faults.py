"""``collect`` against a stand-in API that misbehaves as the real one does.

Two real days of the corpus (2025-08-03 and 2025-08-21, 185 papers) in one window, 50
results a page (4 pages), and, unless a test says otherwise, the complete days already on
disk. For every fault: no paper a file held is lost, no run that got less than the API's
total exits 0, no run waits past its timeouts, and every line on stderr is one message.
The waits are tiny (``--backoff 0.01``, ``--timeout 0.5``) to keep the suite fast; the
request counts are exact, so a change in how faults are retried shows here.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.arxiv_api import FakeArxivAPI, Fault
from tests.conftest import run as command
from tests.test_collect import corpus_days, corpus_papers, digests

FIRST, LAST = "2025-08-01", "2025-08-31"
DAYS = corpus_days(FIRST, LAST)
EARLY, LATE = sorted(DAYS)  # 2025-08-03 (88 papers), 2025-08-21 (97 papers)
#: A paper of 2025-08-21, the short answer's missing one.
GONE = next(
    p.entry_id
    for p in corpus_papers()
    if p.published.date().isoformat() == "2025-08-21" and "cs.CV" in p.categories
)


def run(archive: Path, url: str, *extra: str) -> tuple[int, str, str, float]:
    argv = ["collect", "cs.CV", "--from", FIRST, "--to", LAST, "-o", str(archive)]
    argv += ["--api-url", url, "--delay", "0", "--page-size", "50", "--backoff", "0.01"]
    argv += ["--timeout", "0.5", "--retries", "3", *extra]
    started = time.monotonic()
    status, out, err = command(*argv)
    return status, out, err, time.monotonic() - started


def on_disk(archive: Path) -> Path:
    for path, data in DAYS.items():
        (archive / path).parent.mkdir(parents=True, exist_ok=True)
        (archive / path).write_bytes(data)
        os.utime(archive / path, ns=(0, 0))
    return archive


def one_line_each(err: str) -> list[str]:
    lines = err.splitlines()
    assert all(line.startswith("arxiv-digest: ") for line in lines), err
    assert "Traceback" not in err
    return lines


# (fault on which requests, requests made, retry lines): each is got over by the retries.
RECOVERED = {
    "empty first page": ({0: Fault.empty()}, 5, 1),
    "two empty pages in a row": ({0: Fault.empty(), 1: Fault.empty()}, 6, 2),
    "503 then an empty page": ({0: Fault.status(503), 1: Fault.empty()}, 6, 2),
    "empty middle page": ({1: Fault.empty_page()}, 6, 1),
    "short last page": ({3: Fault.short(5)}, 5, 0),  # the client asks for the 5 next
    "totalResults under-reports": ({0: Fault.total(78)}, 6, 1),
    "totalResults reads 0": ({0: Fault.total(0)}, 5, 1),
    "a page overlaps the previous by 5": ({1: Fault.shift(-5)}, 8, 1),
    "a page skips 5": ({1: Fault.shift(5)}, 8, 1),
    "an entry without <published>": ({1: Fault.no_published()}, 5, 1),
    "a malformed <published>": ({1: Fault.bad_published()}, 5, 1),
    "an entry dropped": ({1: Fault.drop_entry()}, 8, 1),
    "truncated XML": ({1: Fault.truncated()}, 5, 1),
    "a hung response": ({1: Fault.hang()}, 5, 1),
    "a 503 storm": ({0: Fault.status(503), 1: Fault.status(503), 2: Fault.status(503)}, 7, 3),
    "429 with Retry-After": ({0: Fault.status(429, retry_after="1")}, 5, 1),
}


#: An empty answer on a fresh archive is a range without papers (nothing says otherwise):
#: see test_an_empty_answer_for_days_that_had_none_is_quiet.
EMPTY_FIRST = {"empty first page", "two empty pages in a row", "503 then an empty page"}


@pytest.mark.parametrize(
    ("name", "fresh"),
    [(name, False) for name in RECOVERED]
    + [(name, True) for name in RECOVERED if name not in EMPTY_FIRST],
)
def test_a_fault_got_over_by_the_retries_ends_complete(
    tmp_path: Path, name: str, fresh: bool
) -> None:
    faults, requests, retries = RECOVERED[name]
    archive = tmp_path if fresh else on_disk(tmp_path)
    with FakeArxivAPI(corpus_papers(), faults=faults).running() as api:
        code, out, err, seconds = run(archive, api.url)
        assert len(api.log) == requests
    lines = one_line_each(err)
    assert len(lines) == retries, err
    assert all(" of 3 in " in line for line in lines)
    assert code == 0, err
    assert digests(archive) == DAYS  # the generator's bytes, nothing lost, nothing repeated
    if fresh:
        assert "2 new, 0 updated" in out
    else:
        assert "0 new, 0 updated, 2 unchanged" in out
        assert all((archive / p).stat().st_mtime_ns == 0 for p in DAYS)
    if name == "429 with Retry-After":
        assert lines == ["arxiv-digest: HTTP 429 from the arXiv API; retry 1 of 3 in 1 s"]
        waits = [(b["time"] - a["time"]).total_seconds() for a, b in zip(api.log, api.log[1:])]
        assert waits[0] >= 1
    if name == "a hung response":
        assert lines == [
            "arxiv-digest: the arXiv API did not answer in time (ReadTimeout); retry 1 of 3 in"
            " 0.01 s"
        ]
        assert seconds < 5


def test_a_short_answer_that_stays_short_keeps_every_paper_and_exits_1(tmp_path: Path) -> None:
    archive = on_disk(tmp_path)
    with FakeArxivAPI(corpus_papers(), missing=[GONE]).running() as api:
        code, out, err, _ = run(archive, api.url)
        # The whole range, then again 3 times: 4 pages and the empty fifth that ends each.
        assert len(api.log) == 4 * 5
    assert code == 1
    assert digests(archive) == DAYS
    lines = one_line_each(err)
    assert lines[-2:] == [
        "arxiv-digest: 2025-08-21: kept 1 paper the API did not return",
        "arxiv-digest: error: 2025-08-01..2025-08-31: the arXiv API sent 184 of the 185 papers"
        " it holds; its days were written keeping every paper their files held",
    ]
    assert lines[:3] == [
        "arxiv-digest: the arXiv API sent 184 of the 185 papers it holds; asking for the whole"
        f" range again, {n} of 3 in {0.01 * 2 ** (n - 1):g} s"
        for n in (1, 2, 3)
    ]
    assert out.endswith("; 184 papers; kept 1 paper the API did not return; 1 range incomplete.\n")


def test_a_short_answer_on_a_fresh_archive_writes_what_came_and_exits_1(tmp_path: Path) -> None:
    with FakeArxivAPI(corpus_papers(), missing=[GONE]).running() as api:
        code, out, _, _ = run(tmp_path, api.url, "--retries", "0")
        assert len(api.log) == 5
    assert code == 1
    assert "2 new" in out and "1 range incomplete" in out
    assert digests(tmp_path)[EARLY] == DAYS[EARLY]
    assert GONE.encode() not in digests(tmp_path)[LATE]


def test_an_answer_that_stays_empty_writes_nothing_and_says_so(tmp_path: Path) -> None:
    archive = on_disk(tmp_path)
    faults = dict.fromkeys(range(10), Fault.empty())
    with FakeArxivAPI(corpus_papers(), faults=faults).running() as api:
        code, out, err, _ = run(archive, api.url)
        assert len(api.log) == 4
    assert code == 1
    assert digests(archive) == DAYS
    assert one_line_each(err)[-1] == (
        "arxiv-digest: error: the arXiv API returned no papers for 2025-08-01..2025-08-31, which"
        " had papers; nothing written"
    )
    assert "31 not fetched; 0 papers; 1 range incomplete." in out


def test_an_empty_answer_for_days_that_had_none_is_quiet(tmp_path: Path) -> None:
    with FakeArxivAPI(corpus_papers(), faults={0: Fault.empty()}).running() as api:
        code, out, err, _ = run(tmp_path, api.url)  # a fresh archive: nothing says otherwise
        assert len(api.log) == 1
    assert (code, err) == (0, "")
    assert "31 without papers" in out


def test_the_api_down_after_the_retries_is_exit_2_and_leaves_the_files(tmp_path: Path) -> None:
    archive = on_disk(tmp_path)
    faults = dict.fromkeys(range(10), Fault.hang())
    with FakeArxivAPI(corpus_papers(), faults=faults).running() as api:
        code, out, err, seconds = run(archive, api.url, "--retries", "2")
        assert len(api.log) == 3
    assert (code, out) == (2, "")
    assert one_line_each(err)[-1] == (
        "arxiv-digest: error: the arXiv API did not answer in time (ReadTimeout); gave up after"
        " 2 retries"
    )
    assert seconds < 10  # 3 timeouts of 0.5 s, not for ever
    assert digests(archive) == DAYS


def test_a_repeated_paper_is_written_once(tmp_path: Path) -> None:
    with FakeArxivAPI(corpus_papers(), repeated=[GONE]).running() as api:
        code, _, err, _ = run(tmp_path, api.url)
        assert len(api.log) == 8  # asked twice: the same repeat both times is the API's
        assert code == 0
        assert one_line_each(err) == [
            "arxiv-digest: the arXiv API sent 1 paper twice; asking for the whole range again,"
            " 1 of 3 in 0.01 s"
        ]
        assert digests(tmp_path) == DAYS
        # --no-fix writes the repeat, as the generator would have.
        code, _, err, _ = run(tmp_path / "raw", api.url, "--no-fix")
    assert (code, err.count("\n")) == (0, 1)
    raw = digests(tmp_path / "raw")
    assert raw[EARLY] == DAYS[EARLY]
    assert raw[LATE].count(GONE.encode()) == 2 * DAYS[LATE].count(GONE.encode())
