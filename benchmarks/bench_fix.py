"""``fix`` against ``check`` on the same archive, and ``fix``'s peak memory on one huge digest.

Run: ``python benchmarks/bench_fix.py [--megabytes 40] [--repeat 3] [--huge-mb 1000] [CORPUS]``.

The archive is copies of the real digests in CORPUS (default: ``/work/shared/corpus`` when it
exists, else ``tests/corpus`` and ``tests/corpus_fixable``) up to ``--megabytes`` (issue 20:
about 40 MB). Its few files with something to fix (repeats) are fixed by every ``fix`` round,
each on a fresh copy; the copying is not timed. Printed, best of ``--repeat`` end-to-end runs of
the commands as installed (start-up included):

* ``check --jobs 1`` and ``fix --jobs 1``, and the same with ``--jobs 2``: seconds, MB/s, and
  fix / check (target: fix <= 1.3x check), in wall time and in CPU time (user and system, the
  workers' included: on a shared machine the steadier figure);

With ``--huge-mb N`` (0 to skip), one valid digest of about N MB (the corpus's blocks repeated,
so nearly every block is an exact repeat to drop) is fixed in place: peak RSS of ``fix``
(target: under 200 MB for 1,000 MB), measured from a small helper process as
``bench_speed.py`` does, and of ``check`` on it for comparison.

``PYTHONPATH=/path/to/another/checkout python benchmarks/bench_fix.py`` measures another
version of the package with the same script (the "before" figures of a change).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_speed import load, peak_rss, write_huge  # the speed benchmark's measures

HERE = Path(__file__).resolve().parent
SHARED = Path("/work/shared/corpus")
TESTS = HERE.parent / "tests"
# As a command, so that PYTHONPATH chooses the package measured.
COMMAND = [sys.executable, "-m", "arxiv_digest"]


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user and system, worker processes included) of a command.

    On a machine shared with other work, the CPU time is the steadier of the two.
    """
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    after = os.times()
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[:5])} ...: exit {done.returncode}\n{done.stderr!r}")
    user = after.children_user - before.children_user
    return seconds, user + after.children_system - before.children_system


def sources(corpus: Path | None) -> list[Path]:
    """The category folders whose digests are copied."""
    if corpus is not None:
        return [corpus / "cs.CV"]
    if SHARED.is_dir():
        return [SHARED / "cs.CV"]
    return [TESTS / "corpus" / "cs.CV", TESTS / "corpus_fixable" / "cs.CV"]


def make_archive(folders: list[Path], target: Path, megabytes: float) -> tuple[int, float]:
    """Copies of ``folders`` in ``target`` up to ``megabytes``: (files, MB)."""
    size = 0
    copy = 0
    while size < megabytes * 1e6:
        for folder in folders:
            destination = target / f"copy{copy}" / folder.parent.name / "cs.CV"
            shutil.copytree(folder, destination)
            size += sum(p.stat().st_size for p in destination.rglob("[0-9]*.md"))
        copy += 1
    files = list(target.rglob("[0-9]*.md"))
    return len(files), sum(p.stat().st_size for p in files) / 1e6


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("corpus", nargs="?", type=Path, default=None)
    options.add_argument("--megabytes", type=float, default=40)
    options.add_argument("--repeat", type=int, default=3)
    options.add_argument("--huge-mb", type=float, default=1000)
    args = options.parse_args()
    print(f"start: {load()}")
    import arxiv_digest

    print(f"package: {Path(arxiv_digest.__file__).parent}")
    folders = sources(args.corpus)
    with tempfile.TemporaryDirectory(prefix="bench-fix-") as scratch_name:
        scratch = Path(scratch_name)
        if args.megabytes:
            archive(scratch, folders, args.megabytes, args.repeat)
        if args.huge_mb:
            huge(scratch, folders, args.huge_mb)
    print(f"end: {load()}")


def archive(scratch: Path, folders: list[Path], size_mb: float, repeat: int) -> None:
    """``fix`` against ``check`` on an archive of about ``size_mb`` MB."""
    pristine = scratch / "pristine"
    files, megabytes = make_archive(folders, pristine, size_mb)
    print(f"archive: {files} files, {megabytes:.1f} MB (copies of {', '.join(map(str, folders))})")
    work = scratch / "work"
    shutil.copytree(pristine, work)
    done = subprocess.run([*COMMAND, "fix", "--diff", str(work)], capture_output=True, text=True)
    print(f"fix --diff: {done.stderr.strip().splitlines()[-1]}")
    help_text = subprocess.run([*COMMAND, "fix", "--help"], capture_output=True, text=True)
    has_jobs = "--jobs" in help_text.stdout  # before issue 20, fix had no --jobs
    for jobs in ("1", "2"):
        jobs_option = ["--jobs", jobs] if has_jobs else []
        check_runs = [
            run([*COMMAND, "check", "--jobs", jobs, str(pristine)]) for _ in range(repeat)
        ]
        fix_runs = []
        for _ in range(repeat):
            shutil.rmtree(work)
            shutil.copytree(pristine, work)
            fix_runs.append(run([*COMMAND, "fix", *jobs_option, str(work)]))
        label = f"--jobs {jobs}" if has_jobs else f"--jobs {jobs} (fix: one process)"
        for what, index in (("wall", 0), ("CPU", 1)):
            check_s = min(r[index] for r in check_runs)
            fix_s = min(r[index] for r in fix_runs)
            ratio = fix_s / check_s
            verdict = "ok" if ratio <= 1.3 else "ABOVE"
            print(
                f"{label}, {what:>4}: check {check_s:6.2f} s ({megabytes / check_s:5.1f} MB/s),"
                f" fix {fix_s:6.2f} s ({megabytes / fix_s:5.1f} MB/s): fix/check {ratio:.2f}x"
                f" (target <= 1.30x: {verdict})"
            )


def huge(scratch: Path, folders: list[Path], size_mb: float) -> None:
    """Peak RSS of ``check`` and ``fix`` on one digest of about ``size_mb`` MB."""
    big = scratch / "huge" / "cs.CV" / "2023" / "03" / "20230311.md"
    blocks = write_huge(big, folders, size_mb)
    megabytes = big.stat().st_size / 1e6
    print(f"huge digest: {megabytes:.0f} MB, {len(blocks)} distinct blocks repeated")
    for name in ("check", "fix"):
        seconds, rss, status = peak_rss([*COMMAND, name, str(big)])
        verdict = "ok" if rss < 200 else "ABOVE"
        print(
            f"{name:<5} of {megabytes:.0f} MB: peak RSS {rss:6.0f} MB (target < 200 MB:"
            f" {verdict}), {seconds:.1f} s, exit {status}"
        )
    print(f"after fix: {big.stat().st_size / 1e6:.1f} MB")
    big.unlink()


if __name__ == "__main__":
    main()
