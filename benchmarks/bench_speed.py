"""Speed against a bare-regex parser of the same files, in one run.

Run: ``python benchmarks/bench_speed.py [--copies 10] [--repeat 3] [--huge-mb 0] [CORPUS]``.

The data is ``--copies`` copies of the real digests in CORPUS (default: ``/work/shared/corpus``
when it exists, else ``tests/corpus``), copied into a temporary directory: at least 40 MB.
Every figure is MB/s (10**6 bytes of UTF-8 read) and a ratio to the bare-regex parser written
below, best of ``--repeat`` rounds; the issue's targets are printed alongside:

* parse (``parse_digest`` of text in memory) >= 0.50x regex parse of the same text;
* serialize (``serialize_digest``) >= 0.8x regex parse;
* ``iter_papers`` >= 0.40x regex read+parse of the same files;
* the whole archive with ``to-json --jobs 2`` and ``check --jobs 2`` (end to end, start-up
  included) >= 0.35x a single-process regex read+parse of the same files (``--jobs 1`` is
  printed too, against the same target, to show what one core does);
* start-up of ``arxiv-digest check one.md`` <= 1.3x ``python -c "import lark, attrs"``.

With ``--huge-mb N`` it also writes one valid digest of about N MB (the corpus's blocks
repeated) and prints the peak RSS of ``check`` and of ``to-json`` on it (target: under 200 MB
for 1,000 MB); the file is deleted afterwards. The machine's load average is printed at the
start and the end: on a shared machine the figures are indicative.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED = Path("/work/shared/corpus")
DEFAULT = SHARED if SHARED.is_dir() else HERE.parent / "tests" / "corpus"
BIN = Path(sys.executable).parent

# --------------------------------------------------------------------------- bare regex

# What a user writes without a grammar: one expression per paper block, values as groups.
_HEADER = re.compile(
    r"# Arxiv Papers in (?P<label>[^\n]*) on (?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})\n"
)
_WRAP = r"[^\n]*(?:\n  [^\n]*)*"
_PAPER = re.compile(
    r"### (?P<title>[^\n]*)\n"
    r"- \*\*Arxiv ID\*\*: (?P<entry>[^\n]*)\n"
    rf"- \*\*DOI\*\*: (?P<doi>{_WRAP})\n"
    rf"- \*\*Categories\*\*: (?P<categories>{_WRAP})\n"
    r"- \*\*Links\*\*: \[PDF\]\((?P<pdf>[^\n]*)\)\n"
    r"- \*\*Published\*\*: (?P<published>[^\n]*)\n"
    r"- \*\*Updated\*\*: (?P<updated>[^\n]*)\n"
    r"- \*\*Authors\*\*: (?P<authors>[^\n]*)\n"
    rf"- \*\*Comment\*\*: (?P<comment>{_WRAP})\n"
    rf"- \*\*Journal\*\*: (?P<journal>{_WRAP})\n"
    r"- \*\*Summary\*\*: (?P<summary>[^\n]*)\n\n\n\n"
)


def _none(value: str) -> str | None:
    return None if value == "None" else value


def regex_parse(text: str) -> tuple[str, dt.date, list[tuple[Any, ...]]]:
    """A digest's label, date and papers (tuples of the same values ``Paper`` holds)."""
    first = text.find("\n")
    if first > 0 and text[first - 1] == "\r":
        text = text.replace("\r\n", "\n")
    header = _HEADER.match(text)
    if header is None:
        raise ValueError("bad header")
    papers = []
    pos = header.end()
    fromisoformat = dt.datetime.fromisoformat
    while pos < len(text):
        m = _PAPER.match(text, pos)
        if m is None:
            raise ValueError(f"bad block at {pos}")
        categories = m["categories"].split(", ") if m["categories"] else []
        primary = None
        if categories and categories[0].startswith("**") and categories[0].endswith("**"):
            categories[0] = primary = categories[0][2:-2]
        authors = m["authors"]
        papers.append(
            (
                m["title"],
                m["entry"],
                _none(m["doi"]),
                tuple(categories),
                primary,
                _none(m["pdf"]),
                fromisoformat(m["published"]),
                fromisoformat(m["updated"]),
                tuple(authors.split(", ")) if authors else (),
                _none(m["comment"]),
                _none(m["journal"]),
                m["summary"],
            )
        )
        pos = m.end()
    return header["label"], dt.date.fromisoformat(header["date"]), papers


# --------------------------------------------------------------------------- timing


def best(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def best_command(command: list[str], repeat: int, ok: tuple[int, ...] = (0, 1)) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in ok:
            what = " ".join(command[:4])
            raise SystemExit(f"{what} ...: exit {done.returncode}\n{done.stderr!r}")
    return min(times)


# Measures a command's peak RSS from a small process: a child's peak RSS counts the memory of
# the process that forked it (until exec), so this benchmark's own could not be told apart.
_RSS_HELPER = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def peak_rss(command: list[str]) -> tuple[float, float, int]:
    """Run ``command``; its wall time (s), peak RSS (MB) and exit status."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _RSS_HELPER, *command], capture_output=True, text=True, check=True
    )
    kilobytes, status = map(int, done.stdout.split())
    return time.perf_counter() - start, kilobytes / 1024, status


def row(name: str, megabytes: float, seconds: float, regex_mbs: float, target: float) -> None:
    mbs = megabytes / seconds
    ratio = mbs / regex_mbs
    verdict = "ok" if ratio >= target else "BELOW"
    print(
        f"{name:<24} {mbs:7.1f} MB/s  {ratio:5.2f}x regex  (target >= {target:.2f}x: {verdict};"
        f" {seconds:.2f} s)"
    )


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def make_data(
    scratch: Path, corpus: Path, copies: int
) -> tuple[Path, list[Path], list[str], float]:
    """``copies`` copies of ``corpus``'s cs.CV under ``scratch``: the folder, files, texts, MB.

    Prints what it made.
    """
    archive = scratch / "archive"
    for copy in range(copies):
        shutil.copytree(corpus / "cs.CV", archive / f"copy{copy}" / "cs.CV")
    files = sorted(archive.rglob("[0-9]*.md"))
    texts = [p.read_bytes().decode("utf-8") for p in files]
    megabytes = sum(p.stat().st_size for p in files) / 1e6
    print(f"data: {len(files)} files, {megabytes:.1f} MB ({copies} copies of {corpus})")
    return archive, files, texts, megabytes


# --------------------------------------------------------------------------- the run


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    options.add_argument("--copies", type=int, default=10)
    options.add_argument("--repeat", type=int, default=3)
    options.add_argument("--startup-repeat", type=int, default=15)
    options.add_argument("--huge-mb", type=float, default=0, help="also a file of N MB: peak RSS")
    args = options.parse_args()
    print(f"start: {load()}")

    from arxiv_digest import iter_papers, parse_digest, serialize_digest

    with tempfile.TemporaryDirectory(prefix="bench-speed-") as scratch_name:
        scratch = Path(scratch_name)
        archive, files, texts, megabytes = make_data(scratch, args.corpus, args.copies)

        parse_digest(texts[0])  # build the parser outside the timing
        digests = [parse_digest(t) for t in texts]
        regexed = [regex_parse(t) for t in texts]
        papers = sum(len(d.papers) for d in digests)
        agree = sum(len(d.papers) == len(r[2]) for d, r in zip(digests, regexed))
        print(f"papers: {papers}; the regex parser agrees on {agree}/{len(files)} files")

        regex_s = best(lambda: [regex_parse(t) for t in texts], args.repeat)

        def regex_read_parse() -> None:
            for path in files:
                with open(path, "rb") as file:
                    regex_parse(file.read().decode("utf-8"))

        regex_read_s = best(regex_read_parse, args.repeat)
        regex_mbs = megabytes / regex_s
        regex_read_mbs = megabytes / regex_read_s
        print(f"{'regex parse':<24} {regex_mbs:7.1f} MB/s  (the reference for parse, serialize)")
        print(f"{'regex read+parse':<24} {regex_read_mbs:7.1f} MB/s  (the reference for the rest)")

        parse_s = best(lambda: [parse_digest(t) for t in texts], args.repeat)
        row("parse_digest", megabytes, parse_s, regex_mbs, 0.50)
        serialize_s = best(lambda: [serialize_digest(d) for d in digests], args.repeat)
        row("serialize_digest", megabytes, serialize_s, regex_mbs, 0.80)
        identical = sum(serialize_digest(d) == t for d, t in zip(digests, texts))

        def iterate() -> None:
            for path in files:
                for _ in iter_papers(path):
                    pass

        iter_s = best(iterate, args.repeat)
        row("iter_papers", megabytes, iter_s, regex_read_mbs, 0.40)

        # The commands as installed: bytecode compiled, as after a pip install.
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(HERE.parent / "arxiv_digest")],
            check=True,
        )
        command = str(BIN / "arxiv-digest")
        out = scratch / "out.jsonl"
        has_jobs = (
            "--jobs"
            in subprocess.run([command, "check", "--help"], capture_output=True, text=True).stdout
        )
        # With one job too: on a machine whose cores are busy with other work, two jobs can
        # gain nothing, and the one-job figure shows what a core does.
        for jobs in ("1", "2"):
            to_json = [command, "to-json", str(archive), "--jobs", jobs, "-o", str(out)]
            seconds = best_command(to_json, args.repeat)
            row(f"to-json --jobs {jobs}", megabytes, seconds, regex_read_mbs, 0.35)
            out.unlink()
        for jobs in ("1", "2"):
            check = [command, "check", str(archive), "--jobs", jobs]
            name = f"check --jobs {jobs}"
            if not has_jobs:  # before issue 12: one process
                check, name = check[:-2], "check (no --jobs)"
            row(name, megabytes, best_command(check, args.repeat), regex_read_mbs, 0.35)
            if not has_jobs:
                break
        print(f"round trip identical: {identical}/{len(files)}")

        one = files[0].parent.parent.parent / "2023/03/20230311.md"
        one = one if one.exists() else files[0]
        subprocess.run([command, "check", str(one)], check=False, capture_output=True)
        baseline = best_command([sys.executable, "-c", "import lark, attrs"], args.startup_repeat)
        startup = best_command([command, "check", str(one)], args.startup_repeat)
        ratio = startup / baseline
        print(f'python -c "import lark, attrs":  {baseline * 1e3:6.1f} ms')
        verdict = "ok" if ratio <= 1.3 else "ABOVE"
        print(
            f"arxiv-digest check one.md:      {startup * 1e3:6.1f} ms  ({ratio:.2f}x,"
            f" target <= 1.30x: {verdict})"
        )
        if args.huge_mb:
            huge(scratch, args.corpus, args.huge_mb, command)
    print(f"end: {load()}")


def write_huge(big: Path, corpora: list[Path], size_mb: float) -> list[bytes]:
    """Write a valid digest of about ``size_mb`` MB to ``big``: the corpora's blocks repeated.

    Returns the distinct blocks.
    """
    from arxiv_digest import parse_digest, serialize_paper

    blocks: list[bytes] = []
    for corpus in corpora:
        for file in sorted(corpus.rglob("[0-9]*.md")):
            blocks += [serialize_paper(p).encode("utf-8") for p in parse_digest(file).papers]
    big.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with open(big, "wb") as out:
        out.write(b"# Arxiv Papers in cs.CV on 2023-03-11\n")
        while size < size_mb * 1e6:
            for block in blocks:
                out.write(block)
                size += len(block)
    return blocks


def describe_huge(big: Path, blocks: list[bytes]) -> str:
    """A line that describes the digest :func:`write_huge` wrote."""
    largest = max(len(b) for b in blocks) / 1e3
    return f"huge digest: {big.stat().st_size / 1e6:.0f} MB, largest block {largest:.1f} kB"


def huge(scratch: Path, corpus: Path, size_mb: float, command: str) -> None:
    """Peak RSS of ``check`` and ``to-json`` on one digest of about ``size_mb`` MB."""
    big = scratch / "cs.CV" / "2023" / "03" / "20230311.md"
    print(describe_huge(big, write_huge(big, [corpus], size_mb)))
    megabytes = big.stat().st_size / 1e6
    try:
        for name, argv in (
            ("check", [command, "check", str(big)]),
            ("to-json", [command, "to-json", str(big), "-o", str(scratch / "huge.jsonl")]),
        ):
            seconds, rss, status = peak_rss(argv)
            verdict = "ok" if rss < 200 else "ABOVE"
            print(
                f"{name:<8} of {megabytes:.0f} MB: peak RSS {rss:6.0f} MB (target < 200 MB:"
                f" {verdict}), {seconds:.1f} s, {megabytes / seconds:.1f} MB/s, exit {status}"
            )
    finally:
        big.unlink()
        (scratch / "huge.jsonl").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
