"""Parquet against flat JSON Lines for data work: file size, pandas load time and peak memory.

    .venv/bin/python benchmarks/bench_parquet.py [--copies 20] [--jobs 2] [--repeat 3]
        [--corpus /work/shared/corpus]

Copies the corpus ``--copies`` times into a temporary directory, converts it with
``arxiv-digest to-json --flat`` and ``arxiv-digest to-parquet`` (timed, with the peak RSS of
the largest process of each run), then loads each file into pandas in a fresh subprocess,
``--repeat`` times: ``pd.read_parquet`` against ``pd.read_json(lines=True)``. Each load
reports its seconds and the process's peak resident memory (``resource.getrusage`` max RSS),
and the peak after importing pandas alone, so the load's own cost is the difference. Prints
the figures; the median of the repeats is shown. Needs the ``parquet`` extra and pandas. On a
shared machine the figures are indicative.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path("/work/shared/corpus")

# Run in a fresh interpreter: max RSS is per process, so each load must start clean.
LOAD = """
import json, resource, sys, time
import pandas as pd
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
if sys.argv[1] == "parquet":
    frame = pd.read_parquet(sys.argv[2])
else:
    frame = pd.read_json(sys.argv[2], lines=True)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({
    "seconds": seconds, "peak_kb": peak, "pandas_kb": before, "rows": len(frame),
    "published": str(frame["published"].dtype), "pandas": pd.__version__,
}))
"""


def make_archive(corpus: Path, copies: int, into: Path) -> tuple[int, int]:
    """``copies`` copies of the corpus's digests under ``into``: (files, bytes)."""
    files = size = 0
    digests = sorted(p for p in corpus.rglob("*.md") if p.name != "README.md")
    for copy in range(copies):
        for path in digests:
            target = into / f"copy{copy:02d}" / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            files += 1
            size += path.stat().st_size
    return files, size


# The command in a child of a fresh process, whose RUSAGE_CHILDREN max RSS is then that of the
# largest process of the run (the command or one of its workers), and of nothing else.
CONVERT = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stderr=subprocess.DEVNULL)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kb": peak}))
"""


def convert(command: list[str]) -> tuple[float, float]:
    """Run ``command``: its seconds, and the peak RSS in MB of its largest process."""
    out = subprocess.run(
        [sys.executable, "-c", CONVERT, *command], check=True, capture_output=True, text=True
    )
    result = json.loads(out.stdout)
    return result["seconds"], result["peak_kb"] / 1024


@dataclasses.dataclass
class Load:
    seconds: float
    peak_mb: float
    pandas_mb: float
    rows: int
    published: str
    pandas: str


def load(kind: str, path: Path, repeat: int) -> Load:
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", LOAD, kind, str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(out.stdout))
    return Load(
        seconds=statistics.median(r["seconds"] for r in runs),
        peak_mb=statistics.median(r["peak_kb"] for r in runs) / 1024,
        pandas_mb=statistics.median(r["pandas_kb"] for r in runs) / 1024,
        rows=runs[0]["rows"],
        published=runs[0]["published"],
        pandas=runs[0]["pandas"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    default = SHARED if SHARED.is_dir() else ROOT / "tests" / "corpus"
    parser.add_argument("--corpus", type=Path, default=default)
    args = parser.parse_args()
    command = [sys.executable, "-m", "arxiv_digest"]
    with tempfile.TemporaryDirectory(prefix="bench-parquet-") as work:
        archive, flat, parquet = Path(work, "archive"), Path(work, "flat.jsonl"), Path(work, "p.pq")
        files, size = make_archive(args.corpus, args.copies, archive)
        print(f"archive: {args.copies} copies of {args.corpus}: {files} files, {size / 1e6:.1f} MB")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        jobs = ["--jobs", str(args.jobs)]
        seconds, peak = convert(
            [*command, "to-json", str(archive), "--flat", *jobs, "-o", str(flat)]
        )
        print(
            f"to-json --flat   --jobs {args.jobs}: {seconds:6.1f} s, largest process {peak:.0f} MB"
        )
        seconds, peak = convert([*command, "to-parquet", str(archive), *jobs, "-o", str(parquet)])
        print(
            f"to-parquet       --jobs {args.jobs}: {seconds:6.1f} s, largest process {peak:.0f} MB"
        )
        flat_mb, parquet_mb = flat.stat().st_size / 1e6, parquet.stat().st_size / 1e6
        print(
            f"size: flat JSON Lines {flat_mb:.1f} MB, Parquet {parquet_mb:.1f} MB"
            f" ({parquet_mb / flat_mb:.0%} of it)"
        )
        results = {"read_parquet": load("parquet", parquet, args.repeat)}
        results["read_json(lines=True)"] = load("json", flat, args.repeat)
        first = next(iter(results.values()))
        print(
            f"pandas {first.pandas}: median of {args.repeat} fresh processes; peak RSS"
            f" includes {first.pandas_mb:.0f} MB for Python and pandas"
        )
        for name, r in results.items():
            print(
                f"  pd.{name:22} {r.seconds:6.2f} s  peak {r.peak_mb:7.0f} MB"
                f"  ({r.peak_mb - r.pandas_mb:6.0f} MB for the load)  {r.rows} rows,"
                f" published {r.published}"
            )


if __name__ == "__main__":
    main()
