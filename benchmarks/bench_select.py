"""``arxiv-digest select`` over a whole archive against a ``check`` of it (issue 21).

Run: ``python benchmarks/bench_select.py [DIR]``. Prints the best-of-N wall time of
``arxiv-digest check DIR`` and of ``arxiv-digest select DIR`` with a few terms in and out
(default DIR: 10 copies of the corpus, about 40 MB), both with the default processes and with
``--jobs 1``, and their ratio (target: at most 1.5x); and the CPU time of ``--jobs 1`` (user and
system, of the process and its children), which a busy machine disturbs less than wall time.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_cli import best  # this folder is on the path of a script run from it

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "corpus"
BIN = Path(sys.executable).parent

#: A reader's interests: a few terms in, a few out.
TERMS = [
    *("--match", "diffusion", "--match", '"point cloud"', "--match", "re:nerfs?"),
    *("--match", "gaussian splatting", "--exclude", "medical", "--exclude", "survey"),
]


def cpu(command: list[str], repeat: int) -> float:
    """The least CPU time (user + system) of ``repeat`` runs of ``command``."""
    times = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, check=False, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return min(times)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("directory", nargs="?", type=Path, default=None)
    options.add_argument("--copies", type=int, default=10, help="corpus copies in the archive")
    options.add_argument("--repeat", type=int, default=5)
    args = options.parse_args()
    # As after a pip install, which compiles the package to bytecode.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(HERE.parent / "arxiv_digest")], check=True
    )
    command = str(BIN / "arxiv-digest")
    with tempfile.TemporaryDirectory() as scratch:
        if args.directory is None:  # an archive of N copies of the real corpus
            args.directory = Path(scratch) / "archive"
            for copy in range(args.copies):
                shutil.copytree(CORPUS / "cs.CV", args.directory / f"copy{copy}")
        files = sorted(args.directory.rglob("[0-9]*.md"))
        megabytes = sum(p.stat().st_size for p in files) / 1e6
        out = Path(scratch) / "selected.jsonl"
        print(f"{len(files)} files, {megabytes:.1f} MB; terms: {' '.join(TERMS)}")
        for jobs in ([], ["--jobs", "1"]):
            check = best([command, "check", str(args.directory), *jobs], args.repeat)
            output = ["--format", "jsonl", "-o", str(out)]
            select = best(
                [command, "select", str(args.directory), *TERMS, *output, *jobs], args.repeat
            )
            label = " ".join(jobs) or "default jobs"
            print(
                f"{label:>12}: check {check:.3f} s, select {select:.3f} s"
                f"  ({select / check:.2f}x, target <= 1.5x)"
            )
        check_cpu = cpu([command, "check", str(args.directory), "--jobs", "1"], args.repeat)
        select_cpu = cpu(
            [command, "select", str(args.directory), *TERMS, *output, "--jobs", "1"], args.repeat
        )
        print(
            f"   CPU, -j 1: check {check_cpu:.3f} s, select {select_cpu:.3f} s"
            f"  ({select_cpu / check_cpu:.2f}x)"
        )
        selected = sum(1 for _ in out.open("rb"))
        print(f"select kept {selected} papers")


if __name__ == "__main__":
    main()
