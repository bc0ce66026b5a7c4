"""Growth of the paths hostile input once made quadratic (issue 13): time at doubling sizes.

For each case, the time at three sizes, each twice the one before, and the ratio of each time
to the one before it: about 2 is linear, about 4 quadratic. Built from the real digest
tests/corpus/cs.CV/2023/03/20230311.md. Takes well under a minute; run it on a quiet machine.

    .venv/bin/python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from arxiv_digest import DigestSyntaxError, parse_digest
from arxiv_digest.checks import check_text

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "tests/corpus/cs.CV/2023/03/20230311.md").read_text(encoding="utf-8")
HEAD = TEXT[: TEXT.index("\n") + 1]
BLOCK = TEXT[len(HEAD) : TEXT.index("\n### ", len(HEAD)) + 1]
FIRST_ID = "http://arxiv.org/abs/2303.06250v1"


def _check(text: str) -> None:
    check_text(text, "cs.CV/2023/03/20230311.md")


def _strict_error(text: str) -> None:
    try:
        parse_digest(text)
    except DigestSyntaxError:
        return
    raise AssertionError("the text was meant to be broken")


def _lenient(text: str) -> None:
    parse_digest(text, strict=False)


def _field(start: str, value: str) -> str:
    """The digest with the first paper's line starting with ``start`` given ``value``."""
    at = TEXT.index(start) + len(start)
    return TEXT[:at] + value + TEXT[TEXT.index("\n", at) :]


#: name, what is timed, the text at size n, the sizes (n, 2n, 4n), what n counts
CASES: list[tuple[str, Callable[[str], None], Callable[[int], str], tuple[int, ...], str]] = [
    (
        "1. check, CR at the end of every summary",
        _check,
        lambda n: HEAD + BLOCK.replace("\n- **Summary**", "\r\n- **Summary**") * n,
        (2500, 5000, 10000),
        "papers",
    ),
    (
        "1. check, LF header, CRLF on every other line",
        _check,
        lambda n: (
            HEAD
            + "".join(
                line + ("\r\n" if i % 2 else "\n")
                for i, line in enumerate((BLOCK * n).split("\n")[:-1])
            )
        ),
        (2500, 5000, 10000),
        "papers",
    ),
    (
        "2. error in an Arxiv ID of v1 x n, then x",
        _strict_error,
        lambda n: TEXT.replace(FIRST_ID + "\n", "http://arxiv.org/abs/" + "v1" * (n // 2) + "x\n"),
        (200_000, 400_000, 800_000),
        "chars",
    ),
    (
        "2. error in a header of ' on ' x n, bad date",
        _strict_error,
        lambda n: "# Arxiv Papers in " + " on " * (n // 4) + "2023-13-01\n",
        (200_000, 400_000, 800_000),
        "chars",
    ),
    (
        "2. error in a Links line without its )",
        _strict_error,
        lambda n: _field("- **Links**: [PDF](", ")x" * (n // 2)),
        (200_000, 400_000, 800_000),
        "chars",
    ),
    (
        "2. error after a long Published value",
        _strict_error,
        lambda n: _field("- **Published**: ", "2023-03-11 00:11:30" + "0" * n),
        (200_000, 400_000, 800_000),
        "chars",
    ),
    (
        "2. file ends inside a long title",
        _strict_error,
        lambda n: HEAD + "### " + "x" * n,
        (200_000, 400_000, 800_000),
        "chars",
    ),
    (
        "2. file ends after a long wrapped comment",
        _strict_error,
        lambda n: (
            HEAD
            + BLOCK[: BLOCK.index("- **Comment**")]
            + "- **Comment**: x"
            + "\n  x" * (n // 4)
            + "\n"
        ),
        (200_000, 400_000, 800_000),
        "chars",
    ),
    (
        "3. lenient parse of many broken blocks",
        _lenient,
        lambda n: HEAD + BLOCK.replace("- **DOI**: None\n", "", 1) * n,
        (5000, 10000, 20000),
        "blocks",
    ),
]


def _time(run: Callable[[str], None], text: str) -> float:
    """The best of a few runs: a shared machine adds noise, never speed."""
    times = [_once(run, text)]
    while len(times) < (7 if times[0] < 0.1 else 2):
        times.append(_once(run, text))
    return min(times)


def _once(run: Callable[[str], None], text: str) -> float:
    started = time.perf_counter()
    run(text)
    return time.perf_counter() - started


def main() -> None:
    print(f"{'case':48} {'sizes':>26}  {'seconds':>24}  growth per doubling")
    for name, run, make, sizes, unit in CASES:
        times = [_time(run, make(n)) for n in sizes]
        ratios = " ".join(f"x{b / a:.2f}" for a, b in zip(times, times[1:]))
        shown = "/".join(f"{n:,}" for n in sizes)
        seconds = " / ".join(f"{t:.3f}" for t in times)
        print(f"{name:48} {shown + ' ' + unit:>26}  {seconds:>24}  {ratios}")


if __name__ == "__main__":
    main()
