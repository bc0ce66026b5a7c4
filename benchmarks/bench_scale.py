"""Scaling and memory (issue 4, section 3): time against size, and peak memory.

Run: ``python benchmarks/bench_scale.py [--copies 10,100,1000] [--megabytes 200]``.

Prints, each measured in a fresh process:
* parse of the corpus and of a synthetic digest of about 200 MB (real blocks repeated): MB/s;
* ``iter_papers`` and ``to-json`` on that file: MB/s and peak RSS, against the largest block
  and the file size;
* ``to-json --jobs 2`` over archives of 10, 100 and 1,000 copies of the corpus (hard links):
  seconds and MB/s, which stay flat when nothing grows faster than linearly;
* a 1 and 10 MB title, 0.1 and 1 million authors: parse time, and the time to fail on a
  broken line of the same size.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "corpus"
BIN = Path(sys.executable).parent

# Runs in a child: times its own work (start-up excluded) and prints seconds.
CHILD = """
import sys, time
from pathlib import Path
from arxiv_digest import iter_papers, parse_digest
parse_digest("# Arxiv Papers in cs.CV on 2023-03-11\\n")  # build the parser first
start = time.perf_counter()
if sys.argv[1] == "parse":
    for path in sys.argv[2:]:
        parse_digest(open(path, encoding="utf-8", newline="").read())
else:
    for paper in iter_papers(Path(sys.argv[2])):
        pass
print(time.perf_counter() - start)
"""


def measure(command: list[str], **kwargs: object) -> tuple[float, float, bytes]:
    """Run a command; return its wall time (s), peak RSS (MB) and standard output."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[:4]} failed")
    return elapsed, usage.ru_maxrss / 1024, out


def synthetic(path: Path, megabytes: float) -> tuple[int, int]:
    """A valid digest of about ``megabytes`` MB: the corpus's blocks repeated, in order."""
    from arxiv_digest import parse_digest, serialize_paper

    blocks: list[str] = []
    for file in sorted(CORPUS.rglob("[0-9]*.md")):
        blocks += [serialize_paper(p) for p in parse_digest(file).papers]
    largest = max(len(b.encode("utf-8")) for b in blocks)
    size = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("# Arxiv Papers in cs.CV on 2023-03-11\n")
        while size < megabytes * 1e6:
            for block in blocks:
                out.write(block)
                size += len(block.encode("utf-8"))
    return path.stat().st_size, largest


def files_and_memory(scratch: Path, megabytes: float) -> None:
    big = scratch / "20230311.md"
    size, largest = synthetic(big, megabytes)
    mb = size / 1e6
    corpus = sorted(CORPUS.rglob("[0-9]*.md"))
    corpus_mb = sum(p.stat().st_size for p in corpus) / 1e6
    print(f"synthetic digest: {mb:.1f} MB; largest block {largest / 1e3:.1f} kB")
    _, idle_rss, _ = measure([sys.executable, "-c", CHILD, "parse"])
    _, _, out = measure([sys.executable, "-c", CHILD, "parse", *map(str, corpus)])
    print(f"parse_digest, corpus:    {corpus_mb / float(out):6.1f} MB/s for {corpus_mb:.1f} MB")
    _, rss, out = measure([sys.executable, "-c", CHILD, "parse", str(big)])
    print(
        f"parse_digest, synthetic: {mb / float(out):6.1f} MB/s for {mb:.1f} MB;"
        f" peak RSS {rss:.0f} MB ({rss / mb:.1f}x the file: the whole digest is in memory)"
    )
    _, rss, out = measure([sys.executable, "-c", CHILD, "iter", str(big)])
    print(
        f"iter_papers, synthetic:  {mb / float(out):6.1f} MB/s; peak RSS {rss:.0f} MB"
        f" (idle interpreter with the parser: {idle_rss:.0f} MB)"
    )
    output = scratch / "big.jsonl"
    command = [str(BIN / "arxiv-digest"), "to-json", "--jobs", "1", str(big), "-o", str(output)]
    seconds, rss, _ = measure(command)
    print(
        f"to-json, synthetic:      {mb / seconds:6.1f} MB/s end to end;"
        f" peak RSS {rss:.0f} MB ({rss / mb:.1f}x the file)"
    )
    output.unlink()
    big.unlink()


def archives(scratch: Path, copies_list: list[int]) -> None:
    corpus = sorted(CORPUS.rglob("[0-9]*.md"))
    corpus_mb = sum(p.stat().st_size for p in corpus) / 1e6
    for copies in copies_list:
        archive = scratch / f"archive{copies}"
        for copy in range(copies):
            for file in corpus:
                target = archive / str(copy) / file.relative_to(CORPUS)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(file, target)
        total = corpus_mb * copies
        with open(os.devnull, "wb") as null:
            command = [str(BIN / "arxiv-digest"), "to-json", "--jobs", "2", str(archive), "-o", "-"]
            start = time.perf_counter()
            subprocess.run(command, stdout=null, check=True)
            seconds = time.perf_counter() - start
        print(
            f"to-json --jobs 2, {copies:5d} copies: {len(corpus) * copies:7d} files"
            f" {total:8.1f} MB {seconds:7.2f} s {total / seconds:6.1f} MB/s"
        )
        subprocess.run(["rm", "-rf", str(archive)], check=True)


def pathological() -> None:
    from arxiv_digest import DigestSyntaxError, parse_digest

    text = CORPUS.joinpath("cs.CV/2023/03/20230311.md").read_text(encoding="utf-8")
    for size in (1, 10):
        long_title = text.replace("### ReBound", "### " + "x" * size * 10**6, 1)
        start = time.perf_counter()
        parse_digest(long_title)
        parsed = time.perf_counter() - start
        padded = "- **Links**: [PDF](" + "y" * size * 10**6
        broken = long_title.replace("- **Links**: [PDF](", padded, 1).replace("v1)\n", "v1\n", 1)
        start = time.perf_counter()
        with contextlib.suppress(DigestSyntaxError):
            parse_digest(broken)
        failed = time.perf_counter() - start
        print(
            f"{size:2d} MB title: parsed in {parsed * 1e3:6.1f} ms;"
            f" {size} MB broken Links line: error in {failed * 1e3:6.1f} ms"
        )
    for count in (100_000, 1_000_000):
        authors = ", ".join(f"Author {i}" for i in range(count))
        many = text.replace("- **Authors**: Wesley Chen", f"- **Authors**: {authors}", 1)
        start = time.perf_counter()
        parse_digest(many)
        print(f"{count:9d} authors: parsed in {(time.perf_counter() - start) * 1e3:6.1f} ms")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--copies", default="10,100,1000")
    options.add_argument("--megabytes", type=float, default=200)
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        files_and_memory(Path(scratch), args.megabytes)
        archives(Path(scratch), [int(c) for c in args.copies.split(",")])
    pathological()


if __name__ == "__main__":
    main()
