"""Parse and serialize throughput over the real corpus (issue 2, section 8).

Run: ``python benchmarks/bench_core.py [--repeat N] [DIR]``. Prints MB/s for parse (text to
``Paper`` objects) and serialize, best of N rounds, on one core. MB is 10**6 bytes of UTF-8.
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from arxiv_digest import parse_digest, serialize_digest

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent / "tests" / "corpus"


def main() -> None:
    """Time parse and serialize over every digest under DIR, and print the figures."""
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("directory", nargs="?", type=Path, default=DEFAULT)
    options.add_argument("--repeat", type=int, default=5)
    args = options.parse_args()
    files = sorted(p for p in args.directory.rglob("*.md") if p.name != "README.md")
    texts = [p.read_bytes().decode("utf-8") for p in files]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    parse_digest(texts[0])  # build the parser once, outside the timing

    def best(work: object) -> float:
        times = []
        for _ in range(args.repeat):
            gc.collect()
            start = time.perf_counter()
            work()  # type: ignore[operator]
            times.append(time.perf_counter() - start)
        return min(times)

    digests = [parse_digest(t) for t in texts]
    papers = sum(len(d.papers) for d in digests)
    parse_s = best(lambda: [parse_digest(t) for t in texts])
    serialize_s = best(lambda: [serialize_digest(d) for d in digests])
    identical = sum(serialize_digest(d) == t for d, t in zip(digests, texts))
    print(f"corpus: {len(files)} files, {papers} papers, {megabytes:.2f} MB")
    parse_mbs = megabytes / parse_s
    print(f"parse:     {parse_mbs:7.1f} MB/s  ({parse_s * 1e3:.0f} ms, target >= 30)")
    serialize_mbs = megabytes / serialize_s
    print(f"serialize: {serialize_mbs:7.1f} MB/s  ({serialize_s * 1e3:.0f} ms, target >= 100)")
    print(f"round trip identical: {identical}/{len(files)}")


if __name__ == "__main__":
    main()
