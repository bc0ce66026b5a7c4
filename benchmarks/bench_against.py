"""This checkout's speed against another revision's, the two timed in turn on the same data.

Run: ``python benchmarks/bench_against.py REV [--rounds 12] [--copies 10] [CORPUS]``.

``bench_speed.py`` divides each figure by a bare-regex parser timed at another moment: on a
shared machine its figures move by a quarter from one run to the next, more than the margin of
any target, so it cannot tell whether a change gave speed back. Here REV (exported with ``git
archive``) and this checkout are timed one right after the other, in alternating order, round
after round, so that both see the same load. Each round gives a ratio (REV's time over this
checkout's: above 1 is faster now); the median of the rounds is printed, with each side's best.

* In one process, REV's package loaded under another name beside this one's: ``parse_digest``
  of every text in memory, ``iter_papers`` of every file, and ``check_files`` (one process,
  findings read).
* As commands (``python -m arxiv_digest``, start-up included, ``PYTHONPATH`` set to the code
  timed): ``to-json --jobs 2``, ``check --jobs 2`` and ``check one.md`` (best of 5 starts).
* The instructions that ``parse_digest``, ``to-json``'s reading (``convert.read_digest``) and
  ``check_files`` execute in one pass over the corpus, counted by valgrind's cachegrind when it
  is installed (a run of two passes less a run of one: start-up and first-call imports taken
  off). A count does not move with the load: where the timings' spread is wider than the
  change measured, it is the figure to read.

Even in turn, the timings here moved by up to a tenth between runs: read them over several.

The data is ``bench_speed.py``'s: ``--copies`` copies of the corpus's ``cs.CV``.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from bench_speed import DEFAULT, load, make_data

import arxiv_digest

REPO = Path(__file__).resolve().parent.parent


def load_as(name: str, package: Path) -> ModuleType:
    """The package in folder ``package``, imported as ``name`` (its imports are relative)."""
    spec = importlib.util.spec_from_file_location(
        name, package / "__init__.py", submodule_search_locations=[str(package)]
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def work(package: ModuleType, files: list[Path], texts: list[str]) -> dict[str, Callable[[], Any]]:
    """The in-process figures of one package: a function each."""
    checks = importlib.import_module(f"{package.__name__}.checks")
    names = [str(path) for path in files]  # made once, outside the timing

    def iterate() -> None:
        for path in files:
            for _ in package.iter_papers(path):
                pass

    def check() -> None:
        for result in checks.check_files(names):
            list(result.findings)

    return {
        "parse_digest": lambda: [package.parse_digest(text) for text in texts],
        "iter_papers": iterate,
        "check_files": check,
    }


def timed(run: Callable[[], object]) -> float:
    """Seconds ``run`` takes, after a garbage collection."""
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def command(root: Path, argv: list[str]) -> Callable[[], object]:
    """``python -m arxiv_digest ARGV`` with ``root``'s package; exit 0 or 1 expected."""

    def run() -> None:
        done = subprocess.run(
            [sys.executable, "-m", "arxiv_digest", *argv],
            env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
            cwd=root,
            capture_output=True,
            check=False,
        )
        if done.returncode not in (0, 1):
            raise SystemExit(f"{root}: {' '.join(argv[:3])} ...: exit {done.returncode}")

    return run


def compare(name: str, now: Callable[[], object], then: Callable[[], object], rounds: int) -> None:
    """Time ``now`` and ``then`` in turn for ``rounds`` rounds; print the line of ``name``."""
    times: dict[Callable[[], object], list[float]] = {now: [], then: []}
    for round_number in range(rounds):
        for run in (now, then) if round_number % 2 == 0 else (then, now):
            times[run].append(timed(run))
    ratio = statistics.median(b / a for a, b in zip(times[now], times[then]))
    print(f"{name:<18} {min(times[now]):9.3f} s {min(times[then]):12.3f} s  {ratio:11.2f}x")


# One figure's work, for cachegrind: the arxiv_digest of argv[1] over the files of argv[3],
# argv[4] times.
_COUNTED = """
import glob, importlib, sys
sys.path.insert(0, sys.argv[1])
package = importlib.import_module("arxiv_digest")
convert = importlib.import_module("arxiv_digest.convert")
checks = importlib.import_module("arxiv_digest.checks")
files = sorted(glob.glob(sys.argv[3] + "/**/[0-9]*.md", recursive=True))
texts = [open(name, "rb").read().decode() for name in files]
for _ in range(int(sys.argv[4])):
    if sys.argv[2] == "parse_digest":
        for text in texts:
            package.parse_digest(text)
    elif sys.argv[2] == "read_digest":
        for name in files:
            convert.read_digest(name)
    else:
        for result in checks.check_files(files):
            list(result.findings)
"""


def instructions(root: Path, figure: str, corpus: Path, passes: int) -> int:
    """The instructions one run of ``_COUNTED`` executes, as cachegrind counts them."""
    cachegrind = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
    ]
    done = subprocess.run(
        [*cachegrind, sys.executable, "-c", _COUNTED, str(root), figure, str(corpus), str(passes)],
        env={**os.environ, "PYTHONHASHSEED": "0"},  # the same hashes each run: the same count
        capture_output=True,
        text=True,
        check=True,
    )
    refs = re.search(r"I\s+refs:\s+([0-9,]+)", done.stderr)
    assert refs is not None, done.stderr
    return int(refs[1].replace(",", ""))


def count(now: Path, then: Path, corpus: Path, rev: str) -> None:
    """Print the instructions of each counted figure, now and at REV."""
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed, not counted")
        return
    print(f"instructions, millions, of one pass over {corpus}/cs.CV (two passes less one):")
    for figure in ("parse_digest", "read_digest", "check_files"):
        now_count, then_count = (
            instructions(root, figure, corpus / "cs.CV", 2)
            - instructions(root, figure, corpus / "cs.CV", 1)
            for root in (now, then)
        )
        print(
            f"{figure:<18} {now_count / 1e6:9.0f} M {then_count / 1e6:12.0f} M"
            f"  {then_count / now_count:11.2f}x"
        )


def main() -> None:
    """Export REV, make the data, time both in turn, and print the ratios."""
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("rev", help="the git revision to compare with, like b68ed6b")
    options.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    options.add_argument("--copies", type=int, default=10)
    options.add_argument("--rounds", type=int, default=12)
    args = options.parse_args()
    print(f"start: {load()}")
    with tempfile.TemporaryDirectory(prefix="bench-against-") as scratch_name:
        scratch = Path(scratch_name)
        old = scratch / "old"
        old.mkdir()
        exported = subprocess.run(
            ["git", "-C", str(REPO), "archive", args.rev, "arxiv_digest", "grammar"],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", str(old)], input=exported.stdout, check=True)
        archive, files, texts, _ = make_data(scratch, args.corpus, args.copies)
        print(f"{'':<18} {'now (best)':>11} {args.rev + ' (best)':>14}  {'median ratio':>12}")

        then_package = load_as("arxiv_digest_then", old / "arxiv_digest")
        now_work, then_work = work(arxiv_digest, files, texts), work(then_package, files, texts)
        for name in now_work:
            now_work[name]()  # warm: the parsers built, the files cached
            then_work[name]()
            compare(name, now_work[name], then_work[name], args.rounds)

        here = Path(arxiv_digest.__file__).resolve().parent.parent
        for root in (here, old):  # as after a pip install: bytecode compiled
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "arxiv_digest")])
        out = str(scratch / "out.jsonl")
        one = str(archive / "copy0" / "cs.CV" / "2023" / "03" / "20230311.md")
        for name, argv in (
            ("to-json --jobs 2", ["to-json", str(archive), "--jobs", "2", "-o", out]),
            ("check --jobs 2", ["check", str(archive), "--jobs", "2"]),
        ):
            compare(name, command(here, argv), command(old, argv), args.rounds)

        def starts(root: Path) -> Callable[[], object]:
            return lambda: [command(root, ["check", one])() for _ in range(5)]

        compare("check one.md (x5)", starts(here), starts(old), args.rounds)
        count(here, old, args.corpus, args.rev)
    print(f"end: {load()}")
    print(f"ratio: {args.rev}'s time over this checkout's, the median of the rounds")


if __name__ == "__main__":
    main()
