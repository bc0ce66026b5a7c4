"""Coverage-guided fuzzing of the parser, serializer, checks and write paths with atheris.

The write paths: fix in place, to-json, from-json through both its line readers (see
harness.write_paths); atheris drives libFuzzer.

One command, bounded in time (see CONTRIBUTING.md):

    python fuzz/fuzz_digest.py --minutes 30

seeds a working corpus from the small real digests in tests/corpus and from long-line recipes
(harness.long_line: every field, fragments that once made error messages quadratic), runs
libFuzzer for the given time, and leaves any crashing input in fuzz/crashes/. Copy a crash into
tests/fuzz_regressions/ once it is fixed: the test suite replays every file there.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

with atheris.instrument_imports():
    from harness import LONG_LINE, PLACES, check_bytes

    import arxiv_digest
    import arxiv_digest.checks
    import arxiv_digest.convert
    import arxiv_digest.diagnostics
    import arxiv_digest.files
    import arxiv_digest.fix
    import arxiv_digest.fromjson  # noqa: F401


def seed(work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    corpus = HERE.parent / "tests" / "corpus"
    for path in sorted(corpus.rglob("[0-9]*.md")):
        if path.stat().st_size <= 20_000:
            shutil.copy(path, work / path.name)
            # Its to-json line too, for from-json's two readers of a line.
            import orjson

            from arxiv_digest import parse_digest
            from arxiv_digest.jsondata import digest_to_dict

            line = orjson.dumps(digest_to_dict(parse_digest(path), path.name))
            (work / f"{path.stem}.jsonl").write_bytes(line + b"\n")
    fragments = [b"v1", b" on ", b"x", b"x)", b"2", b"\n  x", b"\r\n", b"a, ", b"**", b"\n"]
    for place in range(len(PLACES)):
        for number, fragment in enumerate(fragments):
            recipe = bytes([LONG_LINE, place]) + (20_000).to_bytes(2, "big") + fragment
            (work / f"long-{place:02}-{number:02}").write_bytes(recipe + b"y")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--minutes", type=float, default=30.0)
    options.add_argument("--work", type=Path, default=HERE / "work")
    args, rest = options.parse_known_args()
    seed(args.work)
    crashes = HERE / "crashes"
    crashes.mkdir(exist_ok=True)
    argv = [
        sys.argv[0],
        str(args.work),
        f"-max_total_time={int(args.minutes * 60)}",
        "-max_len=30000",
        "-timeout=10",  # an input that takes 10 s is a hang
        "-rss_limit_mb=4096",
        f"-artifact_prefix={crashes}/",
        "-print_final_stats=1",
        *rest,
    ]
    atheris.Setup(argv, check_bytes)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
