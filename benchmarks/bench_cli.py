"""Start-up of ``arxiv-digest check`` and conversion speed of ``to-json`` (issue 3).

Run: ``python benchmarks/bench_cli.py [DIR]``. Prints the best-of-N wall time of
``python -c "import lark, attrs"`` against ``arxiv-digest check one.md`` (target: at most
1.5x), and of ``to-json`` over DIR (default: 20 copies of the corpus, 76 MB) with ``--jobs 1``
and ``--jobs 2``: files/s, MB/s (end to end: start-up, parse, JSON, atomic write), speed-up.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "corpus"
BIN = Path(sys.executable).parent


def best(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("directory", nargs="?", type=Path, default=None)
    options.add_argument("--copies", type=int, default=20, help="corpus copies to convert")
    options.add_argument("--repeat", type=int, default=15)
    args = options.parse_args()
    one = CORPUS / "cs.CV/2023/03/20230311.md"
    # As after a pip install, which compiles the package to bytecode (an editable install, or
    # PYTHONDONTWRITEBYTECODE, would otherwise compile it again at every start).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(HERE.parent / "arxiv_digest")], check=True
    )
    subprocess.run([str(BIN / "arxiv-digest"), "check", str(one)], check=True, capture_output=True)
    baseline = best([sys.executable, "-c", "import lark, attrs"], args.repeat)
    startup = best([str(BIN / "arxiv-digest"), "check", str(one)], args.repeat)
    print(f'python -c "import lark, attrs": {baseline * 1e3:6.1f} ms')
    ratio = startup / baseline
    print(f"arxiv-digest check one.md:     {startup * 1e3:6.1f} ms  ({ratio:.2f}x, target <= 1.5x)")

    with tempfile.TemporaryDirectory() as scratch:
        if args.directory is None:  # an archive of N copies of the real corpus
            args.directory = Path(scratch) / "archive"
            for copy in range(args.copies):
                shutil.copytree(CORPUS / "cs.CV", args.directory / f"copy{copy}")
        files = sorted(p for p in args.directory.rglob("[0-9]*.md"))
        megabytes = sum(p.stat().st_size for p in files) / 1e6
        timings = {}
        for jobs in (1, 2):
            out = Path(scratch) / f"out{jobs}.jsonl"
            command = [
                str(BIN / "arxiv-digest"),
                "to-json",
                str(args.directory),
                "--jobs",
                str(jobs),
                "-o",
                str(out),
            ]
            timings[jobs] = best(command, 5)
            seconds = timings[jobs]
            print(
                f"to-json --jobs {jobs}: {len(files) / seconds:7.0f} files/s"
                f"  {megabytes / seconds:6.1f} MB/s  ({seconds:.2f} s for {megabytes:.1f} MB)"
            )
        same = (Path(scratch) / "out1.jsonl").read_bytes() == (
            Path(scratch) / "out2.jsonl"
        ).read_bytes()
    speedup = timings[1] / timings[2]
    print(f"speed-up with 2 jobs: {speedup:.2f}x (target >= 1.6x); outputs identical: {same}")


if __name__ == "__main__":
    main()
