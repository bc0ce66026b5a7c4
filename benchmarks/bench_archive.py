"""``check`` of a whole archive, with the archive rules (issue 18): time and peak memory.

Run: ``python benchmarks/bench_archive.py [--megabytes 343] [--repeat 3] [--jobs 2]``.

Builds an archive of about ``--megabytes`` MB from hard links to the real digests of
``tests/corpus`` (copy K of the corpus is ``ARCHIVE/copyK/cs.CV/YYYY/MM/YYYYMMDD.md``: as many
category folders as copies, each a real tree, so every per-file rule and every archive rule
runs on real data), then times ``arxiv-digest check --jobs N ARCHIVE`` end to end, best of
``--repeat``, with the CPU seconds it used, workers included (the steadier figure on a busy
machine), and the peak RSS of the command's main process (the workers parse the files; the
main process keeps the per-day records and the arXiv IDs the archive rules need).

The issue's target: within 1.3x of ``check`` before the archive rules. To compare two
commits, run the script from each checkout's root: the command imports the package from the
current directory. The load average is printed: on a shared machine the figures are
indicative.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "corpus"
BIN = Path(sys.executable).parent

# Runs the command in a child and prints its peak RSS (the main process of check).
CHILD = """
import resource, sys
from arxiv_digest.cli import run
try:
    run(sys.argv[1:])
except SystemExit:
    pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def build(target: Path, megabytes: float) -> tuple[int, int]:
    """Hard-link copies of the corpus under ``target``; return (files, bytes)."""
    sources = sorted(p for p in CORPUS.rglob("*.md") if p.name != "README.md")
    size = sum(p.stat().st_size for p in sources)
    copies = max(1, round(megabytes * 1e6 / size))
    for copy in range(copies):
        for source in sources:
            link = target / f"copy{copy}" / source.relative_to(CORPUS)
            link.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, link)
    return copies * len(sources), copies * size


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--megabytes", type=float, default=343)
    options.add_argument("--repeat", type=int, default=3)
    options.add_argument("--jobs", type=int, default=2)
    args = options.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder)
        files, size = build(archive, args.megabytes)
        command = ["check", "--jobs", str(args.jobs), "--format", "json", str(archive)]
        best = cpu = float("inf")
        rss = 0
        for _ in range(args.repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(
                [str(BIN / "python"), "-c", CHILD, *command], capture_output=True, text=True
            )
            best = min(best, time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            cpu = min(cpu, used)
            rss = int(done.stderr.strip().splitlines()[-1])
        print(
            f"check --jobs {args.jobs} of {files} files, {size / 1e6:.0f} MB:"
            f" {best:.2f} s ({size / 1e6 / best:.0f} MB/s), {cpu:.2f} s of CPU (workers"
            f" included), main process peak RSS {rss / 1024:.0f} MB"
        )
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
