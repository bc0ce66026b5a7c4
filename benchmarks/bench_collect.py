"""Speed and peak memory of ``arxiv-digest collect`` against the local fake arXiv API.

Run: ``python benchmarks/bench_collect.py [--days 10 100]``. The server (tests/arxiv_api.py,
in this process) serves the biggest real day of the corpus (2026-05-07, 154 papers) copied
onto each of N consecutive days; the command runs as a child process with ``--delay 0`` and
the default 200 results a request. Prints, for each N: papers, requests, wall time, papers/s
(end to end: HTTP, the client's lxml parse, the digests, atomic writes) and the child's peak
RSS. Memory is bounded by one day when the peak does not grow with N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import attrs

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from arxiv_digest import parse_digest  # noqa: E402
from tests.arxiv_api import FakeArxivAPI  # noqa: E402

DAY = HERE.parent / "tests" / "corpus" / "cs.CV/2026/05/20260507.md"


def run(days: int) -> None:
    papers = parse_digest(DAY).papers
    served = [
        attrs.evolve(p, published=p.published + shift, updated=p.updated + shift)
        for shift in (dt.timedelta(days=d) for d in range(days))
        for p in papers
    ]
    last = dt.date(2026, 5, 7) + dt.timedelta(days=days - 1)
    with tempfile.TemporaryDirectory() as archive, FakeArxivAPI(served).running() as api:
        command = [
            sys.executable, "-m", "arxiv_digest", "collect", "cs.CV", "--from", "2026-05-07",
            "--to", str(last), "-o", archive, "--api-url", api.url, "--delay", "0",
        ]  # fmt: skip
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not all children's
        wall = time.perf_counter() - start
        written = len(list(Path(archive).rglob("*.md")))
    assert status == 0, status
    assert written == days, written
    print(
        f"{days:4d} days  {len(served):6d} papers  {len(api.log):4d} requests  {wall:6.1f} s"
        f"  {len(served) / wall:6.0f} papers/s  peak RSS {usage.ru_maxrss / 1024:.0f} MB"
    )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--days", type=int, nargs="+", default=[10, 100])
    for days in options.parse_args().days:
        run(days)


if __name__ == "__main__":
    main()
