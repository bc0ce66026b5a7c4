"""Peak RSS of each command on one big digest (issue 22: under 200 MB for 1,000 MB).

Run: ``python benchmarks/bench_memory.py [--mb 1000] [--code DIR] [--only NAMES] [CORPUS]``.

Writes one valid digest of about ``--mb`` MB (the corpus's blocks repeated, as
``bench_speed.py --huge-mb`` does) in a temporary folder, and runs each command on it in a
process of its own, its peak RSS measured by a small helper process (``bench_speed.peak_rss``):

* ``check`` and ``to-json`` (streamed since issue 12);
* ``from-json`` of to-json's line into an empty folder, then again over the file it wrote
  (compared, unchanged), then ``--force`` over a file that differs in its last paper;
* ``to-parquet`` (pyarrow's own memory included);
* ``fix`` (for the record: its memory is issue 20's).

``--code DIR`` runs the ``arxiv_digest`` package found in DIR instead (a checkout of an older
commit: the figures before a change). ``--only`` names the commands to run (comma-separated).
The load average is printed: on a shared machine the times are indicative, the RSS is not.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bench_speed import DEFAULT, describe_huge, load, peak_rss, write_huge

TARGET_MB = 200


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    options.add_argument("--mb", type=float, default=1000)
    options.add_argument("--code", type=Path, help="run the arxiv_digest package in this folder")
    options.add_argument("--only", default="check,to-json,from-json,to-parquet,fix")
    args = options.parse_args()
    wanted = args.only.split(",")
    if args.code:
        os.environ["PYTHONPATH"] = str(args.code.resolve())
    command = [sys.executable, "-m", "arxiv_digest"]
    print(f"start: {load()}; code: {args.code or 'this checkout'}")
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as scratch_name:
        scratch = Path(scratch_name)
        # Out of this checkout: python -m would find its arxiv_digest first, whatever --code.
        os.chdir(scratch)
        big = scratch / "archive" / "cs.CV" / "2023" / "03" / "20230311.md"
        print(describe_huge(big, write_huge(big, [args.corpus], args.mb)))
        megabytes = big.stat().st_size / 1e6
        line = scratch / "huge.jsonl"
        out = scratch / "rebuilt"
        runs: list[tuple[str, list[str]]] = [
            ("check", ["check", str(big)]),
            ("to-json", ["to-json", str(big), "-q", "-o", str(line)]),
        ]
        if "from-json" in wanted:
            runs += [
                ("from-json", ["from-json", str(line), "-q", "-o", str(out)]),
                ("from-json again", ["from-json", str(line), "-q", "-o", str(out)]),
                ("from-json --force", ["from-json", str(line), "-q", "-o", str(out), "--force"]),
            ]
        runs += [
            ("to-parquet", ["to-parquet", str(big), "-q", "-o", str(scratch / "huge.parquet")]),
            ("fix", ["fix", str(big)]),
        ]
        for name, argv in runs:
            if name.split()[0] not in wanted and not (name == "to-json" and "from-json" in wanted):
                continue
            if name == "from-json --force":  # the last paper differs: rewritten from there
                rebuilt = out / "20230311.md"
                with open(rebuilt, "r+b") as file:
                    file.seek(-10, os.SEEK_END)
                    file.write(b"X")
            seconds, rss, status = peak_rss([*command, *argv])
            verdict = "ok" if rss < TARGET_MB else "ABOVE"
            print(
                f"{name:<18} peak RSS {rss:6.0f} MB (target < {TARGET_MB} MB for 1,000 MB:"
                f" {verdict}), {seconds:6.1f} s, {megabytes / seconds:5.1f} MB/s, exit {status}"
            )
    print(f"end: {load()}")


if __name__ == "__main__":
    main()
