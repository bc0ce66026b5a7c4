"""check a block at a time and with several processes: the same findings as the whole file."""

from __future__ import annotations

import datetime as dt
import io
import signal
import time
from pathlib import Path

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import arxiv_digest._parser
import arxiv_digest.checks
import arxiv_digest.parser
import arxiv_digest.pool
from arxiv_digest import Paper
from arxiv_digest._parser import file_chunks
from arxiv_digest.checks import FileCheck, check_file, check_files
from arxiv_digest.strategies import papers
from tests.conftest import CORPUS, CORPUS_FILES, TEXT

FIRST_ID = "http://arxiv.org/abs/2303.06250v1"


def block_starts(text: str) -> list[int]:
    starts = [0] if text.startswith("### ") else []
    pos = text.find("\n### ")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n### ", pos + 1)
    return starts


def nth_block(text: str, n: int) -> str:
    starts = [*block_starts(text), len(text)]
    return text[starts[n] : starts[n + 1]]


def swapped(text: str) -> str:
    """The first two papers the other way round: AD104 and a line shift for the rest."""
    first, second = nth_block(text, 0), nth_block(text, 1)
    return text.replace(first + second, second + first, 1)


# Broken and rule-breaking variants of a real file, each as it would be on disk.
VARIANTS: dict[str, str] = {
    "clean": TEXT,
    "bad published": TEXT.replace("2023-03-11 00:11:30", "2023-03-11 00:1x:30", 1),
    "missing DOI": TEXT.replace("- **DOI**: None\n", "", 1),
    "bad header date": TEXT.replace("on 2023-03-11", "on 2023-02-30", 1),
    "header date": TEXT.replace("on 2023-03-11", "on 2023-03-12", 1),
    "short id": TEXT.replace(FIRST_ID, FIRST_ID[:-2], 1),
    "extra line": TEXT.replace("- **Summary**: In recent", "- **Summary**: x\n- **Extra**: y"),
    "two broken": TEXT.replace("- **DOI**: None\n", "", 2),
    "repeated": TEXT + nth_block(TEXT, 3),
    "swapped": swapped(TEXT),
    "junk after header": TEXT.replace("\n### ", "\njunk\n\n### ", 1),
    "junk at the end": TEXT + "junk\n",
    "truncated": TEXT[:3000],
    "no block end": TEXT[:-2],
    "empty": "",
    "header only": TEXT[: TEXT.index("\n") + 1],
    "header without newline": TEXT[: TEXT.index("\n")],
    "starts with a block": TEXT[TEXT.index("###") :],
    "broken header": "# Arxiv Papers on cs.CV\n" + TEXT[TEXT.index("###") :],
    "byte-order mark": "\ufeff" + TEXT,
    "mixed line endings": TEXT.replace("\n", "\r\n", 5),
    "lone CR": TEXT.replace("\n", "\r"),
    "crlf": TEXT.replace("\n", "\r\n"),
    "crlf broken": TEXT.replace("- **DOI**: None\n", "", 1).replace("\n", "\r\n"),
    "CR in an LF file": TEXT.replace("Bounding Box", "Bounding\r\nBox", 1).replace(
        "None\n- **Journal", "None\r\n- **Journal", 3
    ),
    "wrapped and broken": TEXT.replace("- **Comment**: None", "- **Comment**: a\n  b\nc", 1),
}


def write(tmp_path: Path, text: str, name: str = "cs.CV/2023/03/20230311.md") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-16-le"),  # no byte-order mark: valid UTF-8, full of NULs
        TEXT.encode("utf-16"),
        b'{"path": "2023/03/20230311.md", "papers": []}\n' * 50,
    ],
    ids=["utf-16-le", "utf-16", "json"],
)
def test_plainly_no_digest_finds_what_the_whole_file_finds(
    tmp_path: Path, data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from arxiv_digest.convert import convert_batch

    path = write(tmp_path, "")
    path.write_bytes(data)
    whole = check_file(path, stream=False)
    assert [f.code for f in whole] == ["AD001"]
    assert list(check_file(path, stream=True)) == whole
    batch = [(str(path), "a.md")]
    expected = convert_batch(batch, False, False, io.BytesIO()).errors
    monkeypatch.setattr("arxiv_digest.convert.STREAM_BYTES", 0)  # read a chunk at a time
    out = io.BytesIO()
    assert convert_batch(batch, False, False, out).errors == expected
    assert out.getvalue() == b""


def test_a_missing_file_raises_at_once(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        check_file(tmp_path / "nope.md", stream=True)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 64, 1000])
def test_file_chunks_cut_between_blocks(size: int) -> None:
    for text in (TEXT, VARIANTS["starts with a block"], VARIANTS["junk after header"], "", "##"):
        data = text.encode("utf-8")
        chunks = list(file_chunks(io.BytesIO(data), size))
        assert b"".join(chunk for _, chunk in chunks) == data
        assert all(chunk.startswith(b"### ") for _, chunk in chunks[1:])
        offsets = [0]
        for _, chunk in chunks:
            offsets.append(offsets[-1] + len(chunk))
        assert [line for line, _ in chunks] == [1 + data.count(b"\n", 0, o) for o in offsets[:-1]]


def test_a_block_longer_than_many_reads_is_read_whole() -> None:
    long = TEXT.replace("### ReBound", "### " + "x" * 100_000, 1).encode("utf-8")
    chunks = list(file_chunks(io.BytesIO(long), 16))
    assert b"".join(b for _, b in chunks) == long
    assert max(len(b) for _, b in chunks) > 100_000


def results(checks: list[FileCheck]) -> list[tuple[str, list[str], str]]:
    return [
        (c.path, [f.text() for f in c.findings], "" if c.error is None else str(c.error))
        for c in checks
    ]


def test_jobs_give_the_same_results_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [str(p) for p in CORPUS_FILES]
    for number, text in enumerate(VARIANTS.values()):
        paths.append(str(write(tmp_path, text, f"v{number}/cs.CV/2023/03/20230311.md")))
    bad = write(tmp_path, TEXT, "bad/20230311.md")
    bad.write_bytes(b"\xff" + bad.read_bytes())
    paths[40:40] = [str(bad), str(tmp_path / "missing.md")]
    one = results(list(check_files(paths, jobs=1)))
    assert results(list(check_files(paths, jobs=2))) == one
    assert results(list(check_files(paths, jobs=3))) == one
    # Big files are streamed in this process, in their place among the workers' batches.
    monkeypatch.setattr(arxiv_digest.pool, "STREAM_BYTES", 50_000)
    monkeypatch.setattr(arxiv_digest.checks, "STREAM_BYTES", 50_000)
    monkeypatch.setattr(arxiv_digest.pool, "BATCH_BYTES", 100_000)
    assert results(list(check_files(paths, jobs=2))) == one
    assert [c.path for c in check_files(paths, jobs=2)] == paths
    assert any(f for _, f, _ in one) and any(e for _, _, e in one)


def test_check_command_output_is_the_same_with_jobs(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from arxiv_digest.cli import main

    for number, text in enumerate(VARIANTS.values()):
        write(tmp_path, text, f"v{number}/cs.CV/2023/03/20230311.md")
    runs = {}
    for jobs in ("1", "2"):
        for shape in ("text", "json", "github"):
            result = CliRunner().invoke(
                main, ["check", str(CORPUS), str(tmp_path), "--jobs", jobs, "--format", shape]
            )
            runs[jobs, shape] = (result.exit_code, result.stdout, result.stderr)
    for shape in ("text", "json", "github"):
        assert runs["2", shape] == runs["1", shape]
        assert runs["1", shape][0] == 1
    assert "AD001" in runs["1", "text"][1] and "AD206" in runs["1", "text"][1]


@pytest.mark.parametrize(("flat", "array"), [(False, False), (True, False), (False, True)])
def test_to_json_streams_big_files_to_the_same_bytes_and_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flat: bool, array: bool
) -> None:
    from arxiv_digest import convert

    jobs = [(str(p), p.name) for p in CORPUS_FILES[:8]]
    for number, text in enumerate(VARIANTS.values()):
        path = write(tmp_path, text, f"v{number}/cs.CV/2023/03/20230311.md")
        jobs.insert(number * 2, (str(path), f"v{number}.md"))

    def run(workers: int) -> tuple[bytes, list[str]]:
        out = io.BytesIO()
        errors = [
            e for b in convert.convert_in_order(jobs, flat, array, workers, out) for e in b.errors
        ]
        return out.getvalue(), errors

    whole = run(1)
    assert len(whole[1]) > 10 and whole[0]
    monkeypatch.setattr(convert, "STREAM_BYTES", 0)  # every file read a chunk at a time
    monkeypatch.setattr(arxiv_digest._parser, "CHUNK_BYTES", 3000)
    assert run(1) == whole
    assert run(2) == whole


def test_line_endings_are_told_across_reads(tmp_path: Path) -> None:
    from arxiv_digest._parser import uniform_newline

    # A header line that ends exactly where the first megabyte read does, CR on one side.
    start, end = "# Arxiv Papers in ", " on 2023-03-11"
    label = "x" * ((1 << 20) - 1 - len(start) - len(end))
    crlf = (start + label + end + "\n" + TEXT[TEXT.index("\n") + 1 :]).replace("\n", "\r\n")
    path = write(tmp_path, crlf)
    assert path.read_bytes()[(1 << 20) - 1 : (1 << 20) + 1] == b"\r\n"
    assert uniform_newline(str(path)) == "\r\n"
    assert list(check_file(path, stream=True)) == check_file(path, stream=False)
    second = crlf.index("\r\n") + 2
    mixed_text = crlf[:second] + crlf[second:].replace("\r\n", "\n", 1)
    mixed = write(tmp_path, mixed_text, "cs.CV/2023/03/20230312.md")
    assert uniform_newline(str(mixed)) is None  # mixed: checked whole, as it was
    assert list(check_file(mixed, stream=True)) == check_file(mixed, stream=False)
    lf = write(tmp_path, crlf.replace("\r\n", "\n", 1), "cs.CV/2023/03/20230313.md")
    assert uniform_newline(str(lf)) == "\n"  # the first line decides: the CRs are AD206
    assert list(check_file(lf, stream=True)) == check_file(lf, stream=False)
    assert "AD206" in {f.code for f in check_file(lf)}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_check_with_jobs_interrupted_by_a_signal(signum: int) -> None:
    from tests.test_files import interrupt

    files = [str(p) for p in CORPUS_FILES] * 40
    started = time.monotonic()
    err = interrupt(  # exit 130 or 143, checked by interrupt()
        ["check", "--jobs", "2", *files], lambda: time.monotonic() > started + 0.4, signum
    )
    assert b"Traceback" not in err


# Entries and PDF links at the edges of AD203 and AD204: a month 13, version 0, an archive
# holding "v", an https entry, a second "v", a ".pdf" suffix, no version, another version.
_EDGE_ENTRIES = (
    "http://arxiv.org/abs/2303.06250v1",
    "http://arxiv.org/abs/2313.06250v1",
    "http://arxiv.org/abs/2303.06250v0",
    "http://arxiv.org/abs/2303.0625v12",
    "http://arxiv.org/abs/solv-int/9901001v2",
    "http://arxiv.org/abs/math.AG/0101001v1",
    "https://arxiv.org/abs/2303.06250v1",
    "http://arxiv.org/abs/2303.06250v1v2",
    "http://arxiv.org/abs/cs/0407047",
)
_ENTRIES = st.sampled_from(_EDGE_ENTRIES)


@st.composite
def _edge_papers(draw: st.DrawFn) -> Paper:
    paper = draw(papers())
    if draw(st.booleans()):
        entry = draw(_ENTRIES)
        ident = entry.split("/abs/", 1)[1]
        pdf = draw(
            st.sampled_from(
                [
                    None,
                    f"http://arxiv.org/pdf/{ident}",
                    f"https://arxiv.org/pdf/{ident}",
                    f"http://arxiv.org/pdf/{ident}.pdf",
                    f"http://arxiv.org/pdf/{ident.rsplit('v', 1)[0]}",
                    f"http://arxiv.org/pdf/{ident}1",
                    f"ftp://arxiv.org/pdf/{ident}",
                    "http://arxiv.org/pdf/",
                ]
            )
        )
        try:
            paper = attrs.evolve(paper, entry_id=entry, pdf_url=pdf)
        except ValueError:  # a value the grammar refuses: no paper can hold it
            assume(False)
    return paper


@given(st.lists(_edge_papers(), min_size=1, max_size=6), st.data())
def test_the_quick_test_of_a_paper_finds_what_the_rules_find(
    drawn: list[Paper], data: st.DataObject
) -> None:
    """``_PaperRules.findings`` says "nothing" quickly only where the rules find nothing."""
    # Repeats and the header's day as the first paper's UTC date (or another day).
    papers_ = drawn + data.draw(st.lists(st.sampled_from(drawn), max_size=2))
    first = papers_[0].published
    day = data.draw(st.sampled_from([first.date(), dt.date(2023, 3, 11)]))
    if first.utcoffset() is not None and first.year not in (1, 9999):
        day = data.draw(st.sampled_from([day, first.astimezone(dt.timezone.utc).date()]))
    if data.draw(st.booleans()):
        # All on the day (in their own offset, so the UTC date may differ), with a primary and,
        # mostly, in order: what is left to tell apart is the entry, the link and the offset.
        times = data.draw(st.lists(st.times(), min_size=len(papers_), max_size=len(papers_)))
        if data.draw(st.integers(0, 3)):
            times.sort()
        offset = data.draw(st.sampled_from([0, 0, 330, -480, 14 * 60, -12 * 60]))
        zone = dt.timezone(dt.timedelta(minutes=offset)) if offset else dt.timezone.utc
        papers_ = [
            attrs.evolve(
                paper,
                published=(when := dt.datetime.combine(day, time, zone)),
                updated=when,
                categories=("cs.CV",),
                primary_category="cs.CV",
                unbolded=(),
            )
            for paper, time in zip(papers_, times)
        ]
    quick = arxiv_digest.checks._PaperRules("x.md", day)
    rules = arxiv_digest.checks._PaperRules("x.md", day)
    for line, paper in enumerate(papers_, start=2):
        assert list(quick.findings(line, paper)) == list(rules._findings(line, paper))


_PDFS = (
    None,
    "http://arxiv.org/pdf/{id}",
    "https://arxiv.org/pdf/{id}",
    "http://arxiv.org/pdf/{id}.pdf",
    "http://arxiv.org/pdf/{bare}",
    "http://arxiv.org/pdf/{id}1",
    "ftp://arxiv.org/pdf/{id}",
    "http://arxiv.org/pdf/",
    "http://arxiv.org/pdf/x{id}",
    "http://arxiv.org/pdf/{other}",  # as long as the right one: another version
)


@pytest.mark.parametrize("offset", [0, 330, -480])
@pytest.mark.parametrize("pdf", _PDFS)
@pytest.mark.parametrize("entry", _EDGE_ENTRIES[:-1])  # the last has no version: no Paper
def test_the_quick_test_at_every_edge_of_the_entry_and_link(
    entry: str, pdf: str | None, offset: int
) -> None:
    """Every edge entry with every link, on the day in its own offset: quick test == rules."""
    ident = entry.split("/abs/", 1)[1]
    bare = ident.rsplit("v", 1)[0]
    assert ident != bare + "v7"
    zone = dt.timezone(dt.timedelta(minutes=offset)) if offset else dt.timezone.utc
    when = dt.datetime(2023, 3, 11, 0 if offset > 0 else 23, 30, tzinfo=zone)
    paper = Paper(
        title="A title",
        entry_id=entry,
        doi=None,
        categories=("cs.CV",),
        primary_category="cs.CV",
        pdf_url=None if pdf is None else pdf.format(id=ident, bare=bare, other=bare + "v7"),
        published=when,
        updated=when,
        authors=("A. Author",),
        comment=None,
        journal_ref=None,
        summary="A summary.",
    )
    day = dt.date(2023, 3, 11)
    quick = arxiv_digest.checks._PaperRules("x.md", day).findings(2, paper)
    assert list(quick) == list(arxiv_digest.checks._PaperRules("x.md", day)._findings(2, paper))
