"""``arxiv-digest collect`` end to end: the real ``arxiv`` client against a local fake API.

The server (``tests/arxiv_api.py``) serves Atom made from the real digests of
``tests/corpus``; ``collect`` must write those files back byte for byte. 93 of the 95 files
come back unchanged: none has a title that the client would change (it collapses each
whitespace run to one space), an empty comment, DOI or journal (the client reads an empty
element as missing, which the digest writes as ``None``), or a character XML cannot carry.
The other two are not the generator's output (``UNBOLDED``): collect writes what the
generator would have written for their papers, which differs in one line each.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import attrs
import pytest

from arxiv_digest import Paper, parse_digest, serialize_digest
from arxiv_digest.collect import CollectError, CollectReport, collect
from arxiv_digest.errors import INSTALL_ARXIV
from tests.arxiv_api import FakeArxivAPI
from tests.conftest import CORPUS, CORPUS_FILES, ROOT
from tests.conftest import run as command

FIRST, LAST = "1998-01-01", "2026-11-30"
ALL_DAYS = (dt.date(2026, 11, 30) - dt.date(1998, 1, 1)).days + 1

#: The two real files the generator cannot have written (see GENERATOR.md): a paper repeats
#: its primary category later in the list without bold. The generator bolds every term equal
#: to the primary, so collect writes that line with both bold.
UNBOLDED = {
    Path("cs.CV/2018/10/20181031.md"): (
        "**cs.AI**, cs.CV, cs.LG, cs.NE, 68T05, cs.LG, cs.AI, cs.CV,",
        "**cs.AI**, cs.CV, cs.LG, cs.NE, 68T05, cs.LG, **cs.AI**, cs.CV,",
    ),
    Path("cs.CV/2025/08/20250803.md"): (
        "**cs.CV**, cs.AI, cs.CV, cs.MM",
        "**cs.CV**, cs.AI, **cs.CV**, cs.MM",
    ),
}


@functools.cache
def corpus_papers() -> tuple[Paper, ...]:
    return tuple(p for path in CORPUS_FILES for p in parse_digest(path).papers)


def run(*args: str) -> tuple[int, str, str]:
    """``arxiv-digest collect ARGS`` (conftest's run)."""
    return command("collect", *args)


def args(archive: Path, url: str, first: str = FIRST, last: str = LAST) -> list[str]:
    """The command line of a run over first..last, with no wait between requests."""
    where = ["-o", str(archive), "--api-url", url, "--delay", "0"]
    return ["cs.CV", "--from", first, "--to", last, *where]


def query_range(record: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """The days ``[A TO B]`` of a request's submittedDate term."""
    query = record["params"]["search_query"]
    assert query.startswith("cat:cs.CV AND submittedDate:["), query
    low, high = query[len("cat:cs.CV AND submittedDate:[") : -1].split(" TO ")
    assert low.endswith("0000") and high.endswith("0000")
    return dt.datetime.strptime(low[:8], "%Y%m%d").date(), dt.datetime.strptime(
        high[:8], "%Y%m%d"
    ).date()


def fetch(archive: Path, url: str, first: str, last: str, **options: Any) -> CollectReport:
    """collect of cs.CV, first..last, with no wait between requests."""
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return collect("cs.CV", start, end, archive, api_url=url, delay=0, **options)


def digests(archive: Path) -> dict[Path, bytes]:
    return {p.relative_to(archive): p.read_bytes() for p in sorted(archive.rglob("*.md"))}


def generator_bytes(path: Path) -> bytes:
    """What the generator writes for the papers of the corpus file at ``path``."""
    text = (CORPUS / path).read_text(encoding="utf-8")
    if path in UNBOLDED:
        real, bold = UNBOLDED[path]
        assert text.count(real) == 1
        text = text.replace(real, bold)
    return text.encode("utf-8")


def corpus_days(first: str, last: str) -> dict[Path, bytes]:
    """The generator's files of the corpus days first..last (names compare as dates)."""
    low, high = first.replace("-", ""), last.replace("-", "")
    paths = [p.relative_to(CORPUS) for p in CORPUS_FILES if low <= p.stem <= high]
    return {path: generator_bytes(path) for path in paths}


def totals(log: list[dict[str, Any]]) -> list[int]:
    """The total of each query, in the order of their first request."""
    seen: dict[str, int] = {}
    for record in log:
        seen.setdefault(record["params"]["search_query"], record["total"])
    return list(seen.values())


def leftovers(archive: Path) -> list[Path]:
    """Temporary files an interrupted write would leave (``.NAME.*.tmp``)."""
    return [p for p in archive.rglob("*") if p.is_file() and p.suffix != ".md"]


# ------------------------------------------------------------------ the whole corpus back


def test_collect_writes_every_real_file_back_and_a_second_run_changes_nothing(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "archive"
    with FakeArxivAPI(corpus_papers()).running() as api:
        code, out, err = run(*args(archive, api.url))
        assert (code, err) == (0, "")
        assert out == (
            f"cs.CV {FIRST} to {LAST}: {ALL_DAYS} days: 95 new, 0 updated, 0 unchanged,"
            f" {ALL_DAYS - 95} without papers; 2246 papers.\n"
        )
        written = digests(archive)
        assert written == corpus_days(FIRST, LAST)
        same = [path for path in written if written[path] == (CORPUS / path).read_bytes()]
        assert len(same) == 93 == len(CORPUS_FILES) - len(UNBOLDED)
        # One query per window, one after the other: 31 days, then twice as long after each
        # small answer, up to a year; pages of 200 (the default).
        windows = list(dict.fromkeys(query_range(r) for r in api.log))
        assert windows[0] == (dt.date(1998, 1, 1), dt.date(1998, 2, 1))
        assert windows[-1][1] == dt.date(2026, 12, 1)  # the day after --to, at 00:00
        assert all(b[0] == a[1] for a, b in zip(windows, windows[1:]))
        assert [(b - a).days for a, b in windows[:5]] == [31, 62, 124, 248, 366]
        assert all((b - a).days <= 366 for a, b in windows)
        assert len(windows) == 32
        assert len(api.log) == sum(max(1, -(-total // 200)) for total in totals(api.log)) == 38
        assert {(k, v) for r in api.log for k, v in r["params"].items()} >= {
            ("id_list", ""),
            ("sortBy", "submittedDate"),
            ("sortOrder", "ascending"),
            ("max_results", "200"),
        }
        before = {p: p.stat().st_mtime_ns for p in archive.rglob("*.md")}
        code, out, err = run(*args(archive, api.url))
    assert (code, err) == (0, "")
    assert "0 new, 0 updated, 95 unchanged" in out
    assert {p: p.stat().st_mtime_ns for p in archive.rglob("*.md")} == before
    assert leftovers(archive) == []


def test_small_pages_and_the_python_api(tmp_path: Path) -> None:
    seen: list[tuple[dt.date, str, int]] = []
    with FakeArxivAPI(corpus_papers()).running() as api:
        report = collect(
            "cs.CV",
            dt.date(2023, 1, 1),
            dt.date(2023, 12, 31),
            tmp_path,
            api_url=api.url,
            delay=0,
            page_size=17,
            on_day=lambda *day: seen.append(day),
        )
    expected = corpus_days("2023-01-01", "2023-12-31")
    assert len(expected) == 5
    assert digests(tmp_path) == expected
    papers = sum(len(parse_digest(text.decode()).papers) for text in expected.values())
    written = tuple(str(tmp_path / path) for path in sorted(expected))
    assert report == CollectReport(new=5, empty=365 - 5, papers=papers, written=written)
    # Whole pages, one request for a window without papers, and no request past the end.
    pages: dict[str, int] = {}
    for record in api.log:
        pages[record["params"]["search_query"]] = pages.get(record["params"]["search_query"], 0) + 1
        assert record["params"]["start"] == "0" or int(record["params"]["start"]) < record["total"]
    assert sum(pages.values()) == len(api.log)
    assert all(
        count == max(1, -(-record_total // 17))
        for count, record_total in zip(pages.values(), totals(api.log))
    )
    # on_day saw every day of the range, in order, with its outcome.
    assert [d for d, _, _ in seen] == [
        dt.date(2023, 1, 1) + dt.timedelta(days=i) for i in range(365)
    ]
    assert [(d, o) for d, o, _ in seen if o != "empty"] == [
        (dt.date(2023, 2, 25), "new"),
        (dt.date(2023, 3, 11), "new"),
        (dt.date(2023, 7, 1), "new"),
        (dt.date(2023, 7, 19), "new"),
        (dt.date(2023, 9, 7), "new"),
    ]


def test_the_range_covers_exactly_the_utc_days_asked(tmp_path: Path) -> None:
    # 2019-03-05 has papers at 00:00:27 and 23:59:41: the edges of the day.
    day = corpus_days("2019-03-05", "2019-03-05")
    with FakeArxivAPI(corpus_papers()).running() as api:
        report = collect(
            "cs.CV", dt.date(2019, 3, 5), dt.date(2019, 3, 5), tmp_path, api_url=api.url, delay=0
        )
        assert digests(tmp_path) == day
        assert report.new == 1
        # The day before: the query reaches 00:00 of 2019-03-05, so the API sends the
        # 00:00:27 paper; it belongs to the next day and is not written.
        report = collect(
            "cs.CV",
            dt.date(2019, 3, 4),
            dt.date(2019, 3, 4),
            tmp_path / "before",
            api_url=api.url,
            delay=0,
        )
        assert api.log[-1]["total"] == 1
        assert report == CollectReport(empty=1)
        assert not (tmp_path / "before").exists()
        # The day after starts at 00:00 of 2019-03-06: the 23:59:41 paper is not sent.
        report = collect(
            "cs.CV",
            dt.date(2019, 3, 6),
            dt.date(2019, 3, 6),
            tmp_path / "after",
            api_url=api.url,
            delay=0,
        )
        assert api.log[-1]["total"] == 0
        assert report == CollectReport(empty=1)


def test_a_day_with_no_papers_writes_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with FakeArxivAPI(corpus_papers()).running() as api:
        code, out, _ = run(*args(archive, api.url, "2023-03-12", "2023-03-20"))
    assert code == 0
    assert out.endswith(": 9 days: 0 new, 0 updated, 0 unchanged, 9 without papers; 0 papers.\n")
    assert not archive.exists()


def test_existing_files_same_are_left_alone_different_are_replaced(tmp_path: Path) -> None:
    expected = corpus_days("2023-02-25", "2023-03-11")
    same, different = sorted(expected)
    (tmp_path / same).parent.mkdir(parents=True)
    (tmp_path / same).write_bytes(expected[same])
    os.utime(tmp_path / same, ns=(0, 0))
    (tmp_path / different).parent.mkdir(parents=True)
    (tmp_path / different).write_bytes(expected[different].replace(b"ReBound", b"Rebound"))
    (tmp_path / different).chmod(0o640)
    # A day without papers in the answer writes nothing, and so leaves a file it had alone.
    kept = tmp_path / "cs.CV/2023/03/20230301.md"
    kept.write_bytes(b"# Arxiv Papers in cs.CV on 2023-03-01\n")
    with FakeArxivAPI(corpus_papers()).running() as api:
        report = collect(
            "cs.CV",
            dt.date(2023, 2, 25),
            dt.date(2023, 3, 11),
            tmp_path,
            api_url=api.url,
            delay=0,
        )
    assert (report.new, report.updated, report.unchanged) == (0, 1, 2)  # 2023-03-01 kept
    assert digests(tmp_path) == {**expected, kept.relative_to(tmp_path): kept.read_bytes()}
    assert kept.read_bytes() == b"# Arxiv Papers in cs.CV on 2023-03-01\n"
    assert (tmp_path / same).stat().st_mtime_ns == 0
    assert (tmp_path / different).stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_ties_keep_the_order_the_api_sent(tmp_path: Path) -> None:
    # 2021-04-14 has two papers published the same second; the generator's sort is stable.
    papers = list(corpus_papers())
    first = next(i for i, p in enumerate(papers) if p.entry_id.endswith("2104.06779v1"))
    assert papers[first].published == papers[first + 1].published
    papers[first], papers[first + 1] = papers[first + 1], papers[first]
    with FakeArxivAPI(papers).running() as api:
        collect(
            "cs.CV", dt.date(2021, 4, 14), dt.date(2021, 4, 14), tmp_path, api_url=api.url, delay=0
        )
    (path,) = corpus_days("2021-04-14", "2021-04-14")
    written = parse_digest(tmp_path / path)
    real = parse_digest(CORPUS / path)
    ids = [p.arxiv_id for p in written.papers]
    assert ids.index("2104.06780") == ids.index("2104.06779") - 1
    assert sorted(written.papers, key=lambda p: p.arxiv_id) == sorted(
        real.papers, key=lambda p: p.arxiv_id
    )


def test_the_header_says_the_category_unless_a_label_is_given(tmp_path: Path) -> None:
    (path,) = corpus_days("2023-03-11", "2023-03-11")
    real = parse_digest(CORPUS / path)
    cross_listed = tuple(p for p in real.papers if "eess.IV" in p.categories)
    day = dt.date(2023, 3, 11)
    with FakeArxivAPI(corpus_papers()).running() as api:
        report = collect("eess.IV", day, day, tmp_path, api_url=api.url, delay=0)
        assert report.new == 1
        assert report.papers == len(cross_listed) > 0
        written = (tmp_path / "eess.IV/2023/03/20230311.md").read_text(encoding="utf-8")
        assert written == serialize_digest(
            attrs.evolve(real, category="eess.IV", papers=cross_listed)
        )
        # --label: the generator's hard-coded cs.CV, for an archive written that way.
        code, out, _ = run(
            "eess.IV",
            "--from",
            "2023-03-11",
            "--to",
            "2023-03-11",
            "--label",
            "cs.CV",
            "-o",
            str(tmp_path / "labelled"),
            "--api-url",
            api.url,
            "--delay",
            "0",
        )
    assert (code, out.endswith("1 new, 0 updated, 0 unchanged, 0 without papers; 3 papers.\n")) == (
        0,
        True,
    ), out
    labelled = (tmp_path / "labelled/eess.IV/2023/03/20230311.md").read_text(encoding="utf-8")
    assert labelled == serialize_digest(attrs.evolve(real, papers=cross_listed))


# ------------------------------------------------------------------ the API misbehaving


def test_429_and_5xx_are_retried_with_growing_waits_where_they_failed(tmp_path: Path) -> None:
    messages: list[str] = []
    with FakeArxivAPI(corpus_papers(), faults={0: 429, 2: 503, 3: 500}).running() as api:
        report = fetch(
            tmp_path,
            api.url,
            "2023-02-25",
            "2023-03-11",
            page_size=40,
            backoff=0.2,
            on_message=messages.append,
        )
    assert digests(tmp_path) == corpus_days("2023-02-25", "2023-03-11")
    assert report.new == 2
    assert messages == [
        "HTTP 429 from the arXiv API; retry 1 of 5 in 0.2 s",
        "HTTP 503 from the arXiv API; retry 1 of 5 in 0.2 s",
        "HTTP 500 from the arXiv API; retry 2 of 5 in 0.4 s",
    ]
    log = api.log
    assert [r["status"] for r in log[:5]] == [429, 200, 503, 500, 200]
    starts = [r["params"]["start"] for r in log]
    assert starts[:5] == ["0", "0", "40", "40", "40"]  # the failed page again, not from zero
    assert starts[5:] == [str(s) for s in range(80, 40 * len(starts[5:]) + 80, 40)]
    waits = [(b["time"] - a["time"]).total_seconds() for a, b in zip(log, log[1:])]
    assert waits[0] >= 0.2  # after the 429
    assert waits[2] >= 0.2  # after the 503: the count starts again after a success
    assert waits[3] >= 0.4  # after the 500: twice as long


def test_the_retries_give_up_with_a_message(tmp_path: Path) -> None:
    api = FakeArxivAPI(corpus_papers(), faults=dict.fromkeys(range(10), 503))
    with api.running(), pytest.raises(CollectError) as raised:
        collect(
            "cs.CV",
            dt.date(2023, 3, 11),
            dt.date(2023, 3, 11),
            tmp_path,
            api_url=api.url,
            delay=0,
            retries=2,
            backoff=0.01,
        )
    assert str(raised.value) == "HTTP 503 from the arXiv API; gave up after 2 retries"
    assert len(api.log) == 3
    assert digests(tmp_path) == {}


def test_an_unreachable_api_is_retried_then_reported(tmp_path: Path) -> None:
    with FakeArxivAPI(()).running() as api:
        url = api.url  # a port that was free a moment ago and is closed now
    with pytest.raises(
        CollectError,
        match=r"^cannot reach the arXiv API \(ConnectionError\); gave up after 1 retry$",
    ):
        collect(
            "cs.CV",
            dt.date(2023, 3, 11),
            dt.date(2023, 3, 11),
            tmp_path,
            api_url=url,
            retries=1,
            backoff=0.01,
        )


def test_a_client_error_is_not_retried_and_is_exit_2(tmp_path: Path) -> None:
    with FakeArxivAPI(corpus_papers()).running() as api:
        wrong = api.url.replace("/api/query", "/api/nothing")
        code, out, err = run(*args(tmp_path, wrong, "2023-03-11", "2023-03-11"))
        assert len(api.log) == 1
    assert (code, out) == (2, "")
    assert err == f"arxiv-digest: error: the arXiv API at {wrong} answered HTTP 404\n"


def test_results_out_of_date_order_are_still_grouped_by_day(tmp_path: Path) -> None:
    # A window is held whole before its days are written, so the API's order only decides
    # ties (2023 has none): newest first, over several pages, gives the same files.
    with FakeArxivAPI(corpus_papers(), wrong_order=True).running() as api:
        report = fetch(tmp_path, api.url, "2023-02-25", "2023-03-11", page_size=10)
    assert report.new == 2
    assert digests(tmp_path) == corpus_days("2023-02-25", "2023-03-11")


def test_a_paper_the_format_cannot_carry_skips_its_day_only(tmp_path: Path) -> None:
    real = next(p for p in corpus_papers() if p.published.date() == dt.date(2023, 3, 11))
    # The API wraps comments with a newline and two spaces; a bare newline cannot be read
    # back from a digest, so the day is not written (the generator would write it anyway).
    broken = SimpleNamespace(**attrs.asdict(real, recurse=False))
    broken.comment = "10 pages\n5 figures"
    broken.published = broken.updated = dt.datetime(2023, 3, 12, 9, 0, tzinfo=dt.timezone.utc)
    broken.entry_id = "http://arxiv.org/abs/2303.09999v1"
    archive = tmp_path / "archive"
    with FakeArxivAPI([*corpus_papers(), broken]).running() as api:
        code, out, err = run(*args(archive, api.url, "2023-03-11", "2023-03-12"))
    assert code == 1
    path = archive / "cs.CV/2023/03/20230312.md"
    assert err.startswith(f"arxiv-digest: error: {path}: not written: ")
    assert "comment" in err.lower()
    assert out.endswith(
        ": 2 days: 1 new, 0 updated, 0 unchanged, 0 without papers, 1 not written; 45 papers.\n"
    )
    assert digests(archive) == corpus_days("2023-03-11", "2023-03-11")


# ------------------------------------------------------------------ the command


def test_without_the_arxiv_package_it_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "arxiv", None)  # import arxiv raises ImportError
    code, out, err = run("cs.CV", "--from", "2023-03-11", "--to", "2023-03-11", "-o", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == (f"arxiv-digest: error: collect needs the arxiv package: {INSTALL_ARXIV}\n")


def test_importing_arxiv_digest_does_not_import_arxiv() -> None:
    code = (
        "import sys, arxiv_digest, arxiv_digest.cli, arxiv_digest.collect;"
        " print(sorted(m for m in sys.modules if m.split('.')[0] in ('arxiv', 'requests')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout == "[]\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["cs.CV", "--from", "2023-3-11", "--to", "2023-03-11"], "'2023-3-11' is not a date"),
        (
            ["cs.CV", "--from", "2023-03-11", "--to", "2023-03-10"],
            "is before the first day 2023-03-11",
        ),
        (["../etc", "--from", "2023-03-11", "--to", "2023-03-11"], "not an arXiv category"),
        (
            ["cs.CV", "--from", "2023-03-11", "--to", "2023-03-11", "--api-url", "ftp://x"],
            "is not an http(s) URL",
        ),
        (["cs.CV", "--from", "2023-03-11", "--to", "2023-03-11", "--delay", "-1"], "--delay"),
        (["cs.CV", "--to", "2023-03-11"], "give one of --from and --since-last"),
        (["cs.CV", "--from", "2023-03-11", "--since-last", "3"], "give one of --from and"),
        (["cs.cv", "--from", "2023-03-11", "--to", "2023-03-11"], "(did you mean cs.CV?)"),
        (["cs.XV", "--from", "2023-03-11", "--to", "2023-03-11"], "(did you mean cs.CV?)"),
        (["cs.CV", "--from", "2023-03-11", "--to", "2999-01-01"], "is after today"),
        (["cs.CV", "--since-last", "3"], "give --from for the first run"),
        (["cs.CV", "--from", "2023-03-11", "--to", "2023-03-11", "--timeout", "0"], "--timeout"),
    ],
)
def test_usage_errors_are_exit_2(tmp_path: Path, argv: list[str], message: str) -> None:
    code, _, err = run(*argv, "-o", str(tmp_path / "archive"))
    assert code == 2
    assert message in err
    assert not (tmp_path / "archive").exists()


def test_delay_spaces_the_requests(tmp_path: Path) -> None:
    with FakeArxivAPI(corpus_papers()).running() as api:
        collect(
            "cs.CV",
            dt.date(2023, 3, 11),
            dt.date(2023, 3, 11),
            tmp_path,
            api_url=api.url,
            delay=0.3,
            page_size=20,
        )
    times = [r["time"] for r in api.log]
    assert len(times) == 3  # 45 papers, 20 a page
    assert all((b - a).total_seconds() >= 0.3 for a, b in zip(times, times[1:]))


def test_progress_bar_when_asked(tmp_path: Path) -> None:
    with FakeArxivAPI(corpus_papers()).running() as api:
        code, _, err = run(*args(tmp_path, api.url, "2023-03-10", "2023-03-12"), "--progress")
    assert code == 0
    assert "3/3" in err
    assert "day" in err


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interruption_leaves_the_finished_days_and_no_partial_file(
    tmp_path: Path, signum: int, status: int
) -> None:
    archive = tmp_path / "archive"
    api = FakeArxivAPI(corpus_papers(), hold_at=22)  # the query of 2017-04 waits until released
    with api.running():
        process = subprocess.Popen(
            [sys.executable, "-m", "arxiv_digest", "collect", *args(archive, api.url)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        try:
            assert api.held.wait(timeout=60), "the command never reached the 23rd request"
            time.sleep(0.2)  # let it block on the answer
            process.send_signal(signum)
            out, err = process.communicate(timeout=60)
        finally:
            process.kill()
    assert process.returncode == status
    assert out == ""
    if signum == signal.SIGINT:
        assert err == "arxiv-digest: interrupted\n"
    written = digests(archive)
    assert len(written) >= 30  # the days of the first nineteen years, all whole
    expected = corpus_days(FIRST, LAST)
    assert all(written[path] == expected[path] for path in written)
    assert leftovers(archive) == []


def test_the_recipe_writes_a_day_from_its_own_search(tmp_path: Path) -> None:
    import arxiv

    sys.path.insert(0, str(ROOT / "docs" / "recipes"))
    try:
        import write_from_results
    finally:
        sys.path.remove(str(ROOT / "docs" / "recipes"))
    day = dt.date(2019, 3, 5)  # papers at 00:00:27 and 23:59:41
    with FakeArxivAPI(corpus_papers()).running() as api:
        client = arxiv.Client(delay_seconds=0)
        client.query_url_format = api.url + "?{}"
        results = write_from_results.fetch("cs.CV", day, client)
        papers = (r for r in results if r.published.date() == day)
        written = write_from_results.write_days(papers, tmp_path, "cs.CV")
    assert written == [tmp_path / "cs.CV/2019/03/20190305.md"]
    assert digests(tmp_path) == corpus_days("2019-03-05", "2019-03-05")


def test_what_the_client_normalises_cannot_come_back(tmp_path: Path) -> None:
    # Why a real file with such values could not be rewritten from the API (none of the
    # corpus has one): the client collapses whitespace runs in titles, and reads an empty
    # element as missing, which the generator writes as None.
    day = dt.date(2023, 3, 11)
    real = next(p for p in corpus_papers() if p.published.date() == day)
    served = SimpleNamespace(**attrs.asdict(real, recurse=False))
    served.title = "Two  spaces\tand a tab"
    served.comment = ""
    with FakeArxivAPI([served]).running() as api:
        collect("cs.CV", day, day, tmp_path, api_url=api.url, delay=0)
    (paper,) = parse_digest(tmp_path / "cs.CV/2023/03/20230311.md").papers
    assert paper.title == "Two spaces and a tab"
    assert paper.comment is None
    assert attrs.evolve(paper, title=real.title, comment=real.comment) == real
