"""``collect`` and the files already in the archive: merged, never lost, only inside it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import attrs
from click.testing import CliRunner

from arxiv_digest import parse_digest, serialize_digest
from arxiv_digest.cli import main
from arxiv_digest.collect import newest_day
from tests.arxiv_api import FakeArxivAPI
from tests.conftest import run as command
from tests.test_collect import corpus_days, corpus_papers, digests

DAY = "2025-08-21"
(PATH,) = corpus_days(DAY, DAY)
COMPLETE = corpus_days(DAY, DAY)[PATH]
REAL = parse_digest(COMPLETE.decode())


def run(archive: Path, url: str, *extra: str, day: str = DAY) -> tuple[int, str, str]:
    argv = ["collect", "cs.CV", "--from", day, "--to", day, "-o", str(archive)]
    argv += ["--api-url", url, "--delay", "0", "--backoff", "0.01", "--retries", "1", *extra]
    return command(*argv)


def without(count: int) -> list[object]:
    """The corpus as an API that no longer lists the first ``count`` papers of the day."""
    gone = {p.entry_id for p in REAL.papers[:count]}
    return [p for p in corpus_papers() if p.entry_id not in gone]


def test_a_smaller_answer_keeps_the_papers_the_file_held(tmp_path: Path) -> None:
    # The fork's 2025-07-03: a re-fetch that answered 17 of 92 papers replaced the file.
    # Here the API holds 75 papers fewer and says so (a complete answer of 22): all 97 stay.
    (tmp_path / PATH).parent.mkdir(parents=True)
    (tmp_path / PATH).write_bytes(COMPLETE)
    os.utime(tmp_path / PATH, ns=(0, 0))
    with FakeArxivAPI(without(75)).running() as api:
        code, out, err = run(tmp_path, api.url)
        assert (code, err) == (0, f"arxiv-digest: {DAY}: kept 75 papers the API did not return\n")
        assert out.endswith(
            "0 new, 0 updated, 1 unchanged, 0 without papers; 22 papers;"
            " kept 75 papers the API did not return.\n"
        )
        assert (tmp_path / PATH).read_bytes() == COMPLETE
        assert (tmp_path / PATH).stat().st_mtime_ns == 0  # same bytes: left alone
        # --strict: a scheduled job can notice.
        code, _, _ = run(tmp_path, api.url, "--strict")
        assert code == 1
        # --replace: exactly the API's answer, and how many papers that dropped.
        code, out, err = run(tmp_path, api.url, "--replace")
    assert (code, err) == (0, "")
    assert out.endswith(
        "1 updated, 0 unchanged, 0 without papers; 22 papers; dropped 75 papers"
        " the API did not return (--replace).\n"
    )
    assert parse_digest(tmp_path / PATH) == attrs.evolve(REAL, papers=REAL.papers[75:])


def test_a_paper_the_api_returns_replaces_its_old_block_and_the_rest_stay_as_they_were(
    tmp_path: Path,
) -> None:
    # The old file: an older version of one paper, and one paper the API no longer lists,
    # with a block the generator would not write today (its title's spaces). CRLF endings.
    first, second = REAL.papers[0], REAL.papers[1]
    old_first = attrs.evolve(first, title="An older title", entry_id=first.entry_id[:-1] + "1")
    odd = attrs.evolve(second, title="Two  spaces")
    old = attrs.evolve(REAL, papers=(old_first, odd, *REAL.papers[2:]), newline="\r\n")
    (tmp_path / PATH).parent.mkdir(parents=True)
    (tmp_path / PATH).write_bytes(serialize_digest(old).encode())
    served = [p for p in corpus_papers() if p.entry_id != second.entry_id]
    with FakeArxivAPI(served).running() as api:
        code, out, err = run(tmp_path, api.url)
    assert (code, err) == (0, f"arxiv-digest: {DAY}: kept 1 paper the API did not return\n")
    assert "1 updated" in out
    written = (tmp_path / PATH).read_bytes()
    # The API's first paper replaced its old block; the kept block is byte for byte the old
    # one; the file keeps its CRLF endings; the generator's order.
    assert (
        written
        == serialize_digest(
            attrs.evolve(REAL, papers=(first, odd, *REAL.papers[2:]), newline="\r\n")
        ).encode()
    )
    assert (
        serialize_digest(attrs.evolve(REAL, papers=(odd,), newline="\r\n"))
        .split("\r\n", 1)[1]
        .encode()
        in written
    )


def test_a_file_that_does_not_parse_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / PATH).parent.mkdir(parents=True)
    broken = COMPLETE.replace(b"- **Arxiv ID**", b"- **Arxiv", 1)
    (tmp_path / PATH).write_bytes(broken)
    with FakeArxivAPI(corpus_papers()).running() as api:
        code, _, err = run(tmp_path, api.url)
    assert code == 1
    assert err.startswith(
        f"arxiv-digest: error: {tmp_path / PATH}: not written: the file there does not parse ("
    )
    assert len(err.splitlines()) == 1
    assert (tmp_path / PATH).read_bytes() == broken


def test_only_inside_the_archive(tmp_path: Path) -> None:
    archive, outside = tmp_path / "archive", tmp_path / "outside"
    (archive / "cs.CV/2025").mkdir(parents=True)
    (outside / "08").mkdir(parents=True)
    (archive / "cs.CV/2025/08").symlink_to("../../../outside/08")
    with FakeArxivAPI(corpus_papers()).running() as api:
        code, _, err = run(archive, api.url)
        assert code == 1
        assert err == (
            f"arxiv-digest: error: {archive / PATH}: not written: leads outside the archive"
            " through a symbolic link\n"
        )
        assert list(outside.rglob("*")) == [outside / "08"]
        # A FIFO at a day's path is refused at once, not opened (that would block the run).
        (archive / "cs.CV/2025/08").unlink()
        (archive / PATH).parent.mkdir()
        os.mkfifo(archive / PATH)
        code, _, err = run(archive, api.url)
    assert code == 1
    assert err == (
        f"arxiv-digest: error: {archive / PATH}: not written: is a FIFO, not a regular file;"
        " not replaced\n"
    )


def test_the_category_folder_is_not_the_archive(tmp_path: Path) -> None:
    (tmp_path / "cs.CV").mkdir()
    code, _, err = run(tmp_path / "cs.CV", "http://127.0.0.1:9/api/query")
    assert code == 2
    assert f"{tmp_path / 'cs.CV'} is the cs.CV folder itself: give the archive's root" in err
    assert f"({tmp_path})" in err
    # A root named like the category, that holds the category's folder, is a root.
    (tmp_path / "cs.CV/cs.CV").mkdir()
    with FakeArxivAPI(corpus_papers()).running() as api:
        code, _, _ = run(tmp_path / "cs.CV", api.url)
    assert code == 0
    assert (tmp_path / "cs.CV" / PATH).is_file()


def test_since_last_starts_before_the_newest_day_and_written_lists_the_files(
    tmp_path: Path,
) -> None:
    (tmp_path / PATH).parent.mkdir(parents=True)
    (tmp_path / PATH).write_bytes(COMPLETE)
    assert newest_day(tmp_path, "cs.CV") == dt.date(2025, 8, 21)
    written = tmp_path / "written.txt"
    with FakeArxivAPI(corpus_papers()).running() as api:
        argv = ["collect", "cs.CV", "--since-last", "20", "--to", "2025-09-01", "-o"]
        argv += [str(tmp_path), "--api-url", api.url, "--delay", "0", "--written", str(written)]
        result = CliRunner().invoke(main, argv, catch_exceptions=False)
        queries = [record["params"]["search_query"] for record in api.log]
    assert result.exit_code == 0, result.stderr
    assert queries == [  # windows of 31 days
        "cat:cs.CV AND submittedDate:[202508010000 TO 202509010000]",
        "cat:cs.CV AND submittedDate:[202509010000 TO 202509020000]",
    ]
    assert result.stdout.startswith(
        "cs.CV 2025-08-01 to 2025-09-01: 32 days: 1 new, 0 updated, 1 unchanged"
    )
    assert written.read_text() == f"{tmp_path / 'cs.CV/2025/08/20250803.md'}\n"
    assert (
        digests(tmp_path)[Path("cs.CV/2025/08/20250803.md")]
        == corpus_days("2025-08-03", "2025-08-03")[Path("cs.CV/2025/08/20250803.md")]
    )


def test_retry_lines_go_above_the_progress_bar(tmp_path: Path) -> None:
    with FakeArxivAPI(corpus_papers(), faults={0: 503}).running() as api:
        code, _, err = run(tmp_path, api.url, "--progress")
    assert code == 0
    retry = "arxiv-digest: HTTP 503 from the arXiv API; retry 1 of 1 in 0.01 s\n"
    assert retry in err
    # On a line of its own: the bar's redraws (\r) are before it or after it, never in it.
    for line in err.split("\r"):
        assert (
            retry not in line
            or line.startswith(retry)
            or line.endswith(retry)
            or f"\n{retry}" in line
        )


def test_a_connection_that_never_answers_times_out(tmp_path: Path) -> None:
    import socket

    with socket.socket() as server:  # accepts (the kernel's backlog) and never answers
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/api/query"
        code, out, err = run(tmp_path, url, "--timeout", "0.3")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "arxiv-digest: the arXiv API did not answer in time (ReadTimeout); retry 1 of 1 in 0.01 s",
        "arxiv-digest: error: the arXiv API did not answer in time (ReadTimeout); gave up after"
        " 1 retry",
    ]


def test_the_apis_repeats_and_old_versions_are_dropped_unless_no_fix(tmp_path: Path) -> None:
    # The real 2026-02-02 of CVPapers: 40 exact repeats and a paper in two versions, all
    # from the generator's paging. Served as the API's answer: collect writes what
    # `fix --unsafe-fixes` leaves; with --no-fix, the generator's file byte for byte.
    from arxiv_digest.fix import fix_digest

    real = Path("tests/corpus_fixable/cs.CV/2026/02/20260202.md")
    digest = parse_digest(real)
    with FakeArxivAPI(digest.papers).running() as api:
        code, _, err = run(tmp_path / "fixed", api.url, day="2026-02-02")
        assert code == 0, err
        code, _, err = run(tmp_path / "raw", api.url, "--no-fix", day="2026-02-02")
        assert code == 0, err
    path = Path("cs.CV/2026/02/20260202.md")
    fixed = parse_digest(tmp_path / "fixed" / path)
    assert fixed == fix_digest(digest, unsafe=True)[0]
    assert len(fixed.papers) == 149
    assert (tmp_path / "raw" / path).read_bytes() == real.read_bytes()
