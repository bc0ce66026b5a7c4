"""The ``arxiv-digest`` command: it parses arguments and prints; each command's work is a module.

``check`` (check), ``fix`` (fix), ``to-json`` (convert), ``to-parquet`` (parquet),
``from-json`` (fromjson), ``calendar`` (calendar), ``collect`` (collect) and ``select`` (select,
outputs, seen). Each returns a report that gives the lines to print; how the process ends
(signals, statuses, a bug said in one line) is ``_process``'s.

Only click and the parser are imported at start; JSON, Parquet, progress bars and process
pools are imported by the subcommands that use them, so that ``arxiv-digest check`` starts
fast.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from . import __version__
from ._process import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    bug_guard,
    end,
    interrupted,
    own_process,
    standalone,
)
from ._report import PROGRESS_FILES, Printed, Progress, error_line
from .pool import cores

if TYPE_CHECKING:
    from .check import CheckReport
    from .collect import Run
    from .convert import Conversion
    from .fix import FixReport

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])


class _Command(click.Group):
    """The command group: Ctrl-C while click parses the arguments is ``interrupted``, 130."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        def run() -> Any:
            return super(_Command, self).main(args, prog_name, complete_var, False, **extra)

        return standalone(run) if standalone_mode else run()


@click.group(
    cls=_Command,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="""\b
Examples:
  arxiv-digest check cs.CV/2023/03/20230311.md
  arxiv-digest check cs.CV --format github
  arxiv-digest to-json cs.CV -o cs.CV.jsonl
  arxiv-digest to-json cs.CV --flat -o papers.jsonl
  arxiv-digest to-parquet cs.CV -o papers.parquet
  arxiv-digest from-json cs.CV.jsonl -o rebuilt/
  arxiv-digest fix cs.CV --diff
  arxiv-digest calendar archive/cs.CV
  arxiv-digest collect cs.CV --from 2023-03-11 --to 2023-03-12 -o archive/
  arxiv-digest select cs.CV --match diffusion --exclude medical --format atom -o mine.xml
""",
)
@click.version_option(__version__, "-V", "--version", prog_name="arxiv-digest")
def main() -> None:
    """Check, fix, convert, collect and select from daily arXiv digest Markdown files."""


# --------------------------------------------------------------------------- check

# Options that several commands take, written once.
_JOBS = click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Processes (default: all cores)."
)
_PROGRESS = click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: when stderr is a terminal and not --quiet).",
)


def _rule_options(text_format: str) -> Callable[[F], F]:
    """``--format``, ``--select`` and ``--ignore``, as check and fix both take them."""

    def decorate(command: F) -> F:
        command = click.option(
            "--ignore", multiple=True, metavar="CODES", help="Not these codes (or prefixes)."
        )(command)
        command = click.option(
            "--select", multiple=True, metavar="CODES", help="Only these codes (or prefixes)."
        )(command)
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(["text", "json", "github"]),
            default="text",
            show_default=True,
            help=f"{text_format}; json: one document; github: Actions annotations.",
        )(command)

    return decorate


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@_rule_options("text: path:line:col: CODE message")
@_JOBS
@_PROGRESS
@bug_guard
def check(
    paths: tuple[str, ...],
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    jobs: int | None,
    progress: bool | None,
) -> None:
    """Check digest files for syntax errors and archive rules.

    PATHS are files or directories. A file named on the command line is always checked; in a
    directory, only files named YYYYMMDD.md are digests (README.md, calendar.md and the like
    are skipped and counted). Every broken block of a file is reported, not just the first.

    A file that is not a digest's UTF-8 Markdown (not UTF-8, UTF-16 text, to-json's JSON)
    is an AD001 finding that says what it is. Rule codes are listed in docs/cli.md.

    Exit status: 0 clean; 1 findings; 2 usage or I/O error (a path that does not exist, a
    directory with no YYYYMMDD.md file, a file that cannot be read).

    \b
    Examples:
      arxiv-digest check cs.CV/2023/03/20230311.md
      arxiv-digest check cs.CV --ignore AD104
      arxiv-digest check . --format github --select AD0,AD1
    """
    from .check import CheckReport

    select, ignore = _codes(select, "--select"), _codes(ignore, "--ignore")
    report = CheckReport(paths, select=select, ignore=ignore, output_format=output_format)
    end(_run(report, jobs, progress))


def _run(report: CheckReport | FixReport, jobs: int | None, progress: bool | None) -> int:
    """Run ``check`` or ``fix`` and print its report as it comes; return the exit status."""
    out = Progress(report.files, progress, auto=report.files >= PROGRESS_FILES, wait=0.5)
    try:
        with out:
            _echo(report.opening(), out)
            for lines in report.run(jobs or cores()):
                out.advance()
                _echo(lines, out)
    except KeyboardInterrupt:
        interrupted(report.interruption())
    _echo(report.finish() + report.ending(), out)
    return report.exit_status()


def _echo(lines: list[Printed], out: Progress) -> None:
    """Print ``(text, to stderr)`` lines, each text ended by its own newline."""
    for text, err in lines:
        out.echo(text, err=err, nl=False)


def _codes(values: tuple[str, ...], option: str) -> tuple[str, ...]:
    from .check import rule_codes

    try:
        return rule_codes(values)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def _fail(problem: str) -> NoReturn:
    """Say a problem that stops the command before it starts, and exit with 2."""
    click.echo(error_line(problem), err=True)
    sys.exit(EXIT_ERROR)


# --------------------------------------------------------------------------- to-json


@main.command("to-json")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-o", "--output", default="-", metavar="OUT", help="Output file; - is stdout.")
@click.option(
    "--flat",
    is_flag=True,
    help="One paper a line, with its digest's path, category and digest_date.",
)
@click.option(
    "--format",
    "shape",
    type=click.Choice(["jsonl", "json"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one item a line; json: one JSON array.",
)
@_JOBS
@_PROGRESS
@click.option(
    "-q", "--quiet", is_flag=True, help="No summary line on stderr (errors are still printed)."
)
@bug_guard
def to_json(
    paths: tuple[str, ...],
    output: str,
    flat: bool,
    shape: str,
    jobs: int | None,
    progress: bool | None,
    quiet: bool,
) -> None:
    """Convert digests to JSON Lines: one digest a line (lossless), or one paper a line.

    Paths in the output are relative to the directory given. Output order is the sorted
    paths whatever --jobs is. A broken file (a syntax error, not UTF-8, UTF-16 text) is
    reported as path:line:col: message and left out; the others are converted. OUT is written
    to a temporary file and renamed into place, so an interrupted run leaves the old OUT
    untouched. A one-line summary (files, papers, MB, seconds) ends on stderr.

    Exit status: 0 all converted; 1 broken files left out; 2 usage or I/O error (a path that
    does not exist, a directory with no YYYYMMDD.md file, a file that cannot be read, an
    output that cannot be written); nothing is written when a path gives no digest, nor when
    every file is left out (a good OUT is not replaced by an empty one).

    \b
    Examples:
      arxiv-digest to-json cs.CV -o cs.CV.jsonl
      arxiv-digest to-json cs.CV --flat --jobs 2 -o papers.jsonl
      arxiv-digest to-json cs.CV/2023 --format json | jq '.[0].papers[0].title'
    """
    from .convert import convert_in_order
    from .files import signals_held, write_output

    with signals_held():  # load it before any output exists: it crashes if interrupted loading
        import orjson  # noqa: F401

    conversion = _conversion(
        paths, "nothing written" if output == "-" else f"{output} not written", quiet
    )
    array = shape == "json"

    def write(file: IO[bytes]) -> None:
        file.write(b"[\n" if array else b"")
        written = 0
        with Progress(conversion.files, progress, auto=not quiet) as out:
            for batch in convert_in_order(conversion.work, flat, array, jobs or cores(), file):
                _converted(conversion, batch, out)
                written += batch.items
        if array:
            file.write(b"\n]\n" if written else b"]\n")
        if output != "-":
            conversion.check_converted(output)  # before the rename: an empty OUT replaces nothing

    _unless_nothing_converted(lambda: write_output(output, write))
    if not quiet:
        click.echo(conversion.summary(), err=True)
    end(conversion.exit_status())  # the output is in place, the workers gone


# --------------------------------------------------------------------------- to-parquet


@main.command("to-parquet")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-o", "--output", required=True, metavar="FILE", help="The Parquet file to write.")
@_JOBS
@_PROGRESS
@click.option("-q", "--quiet", is_flag=True, help="No summary line on stderr.")
@bug_guard
def to_parquet(
    paths: tuple[str, ...], output: str, jobs: int | None, progress: bool | None, quiet: bool
) -> None:
    """Convert digests to one Parquet file: a paper a row, typed columns (needs pyarrow).

    The columns are to-json --flat's, in its order and with its rows in the same order:
    published and updated are UTC timestamps, digest_date a date, authors and categories
    lists of strings. A broken file is reported as path:line:col: message and left out; the
    others are converted and the exit status is 1. FILE is written to a temporary file and
    renamed into place. Install pyarrow with: pip install 'arxiv-digest[parquet]'.

    \b
    Examples:
      arxiv-digest to-parquet cs.CV -o papers.parquet
      arxiv-digest to-parquet cs.CV/2023 cs.CV/2024 --jobs 2 -o recent.parquet
    """
    from .files import atomic_output
    from .parquet import MissingExtra, import_pyarrow, parquet_in_order

    try:
        import_pyarrow()  # before any output exists
    except MissingExtra as error:
        _fail(str(error))
    conversion = _conversion(paths, f"{output} not written", quiet)

    def write() -> None:
        out = Progress(conversion.files, progress, auto=not quiet)
        with out, atomic_output(output) as file:
            for part in parquet_in_order(conversion.work, jobs or cores(), file):
                _converted(conversion, part, out)
            conversion.check_converted(output)

    _unless_nothing_converted(write)
    if not quiet:
        click.echo(conversion.parquet_summary(output), err=True)
    sys.exit(conversion.exit_status())


def _conversion(paths: tuple[str, ...], nothing: str, quiet: bool) -> Conversion:
    """The files to convert, or exit 2 before any output exists (``nothing`` says what)."""
    from .convert import Conversion

    conversion = Conversion(paths)
    if conversion.errors:
        for line in conversion.refusal(nothing, quiet=quiet):
            click.echo(line, err=True)
        sys.exit(EXIT_ERROR)
    return conversion


def _converted(conversion: Conversion, done: Any, out: Progress) -> None:
    """Count a batch converted, print its errors, move the bar on."""
    for line in conversion.add(done):
        out.echo(line, err=True)
    out.advance(done.files, conversion.rate() if out.bar is not None else None)


def _unless_nothing_converted(write: Callable[[], None]) -> None:
    """Run ``write``; when no file converted, say that the output was not written."""
    from .convert import NothingConverted

    try:
        write()
    except NothingConverted as error:
        click.echo(error_line(str(error)), err=True)


# --------------------------------------------------------------------------- from-json


@main.command("from-json")
@click.argument("source", type=click.File("rb"))
@click.option(
    "-o",
    "--output",
    "directory",
    required=True,
    type=click.Path(file_okay=False, path_type=str),
    help="Directory to rebuild the files in.",
)
@click.option("--force", is_flag=True, help="Overwrite existing files that differ.")
@_PROGRESS
@click.option("-q", "--quiet", is_flag=True, help="No summary line on stderr.")
@bug_guard
def from_json(
    source: IO[bytes], directory: str, force: bool, progress: bool | None, quiet: bool
) -> None:
    """Rebuild digest Markdown files from to-json's default JSON Lines (SOURCE; - is stdin).

    Each file is written atomically. An existing file with the same content is left alone; a
    different one is kept unless --force. A line that cannot be written (malformed, a path
    that leaves the output directory, even through a symbolic link, something other than a
    regular file at the target) is reported with its line number and the run goes on; the
    exit status is then 1, or 2 when the system refused a write (permissions, a full disk, a
    file another program changed since it was read: it is left as it is). A file is replaced
    only if it is still the one read. A summary goes to stderr unless --quiet.

    \b
    Examples:
      arxiv-digest from-json cs.CV.jsonl -o rebuilt/
      arxiv-digest to-json cs.CV | arxiv-digest from-json - -o copy/
    """
    import io
    import time

    from .fromjson import LineResult, Report, WrongShape, rebuild_lines

    name = getattr(source, "name", "<stdin>")
    started = time.perf_counter()
    results: list[LineResult] = []
    try:
        size: int | None = os.fstat(source.fileno()).st_size
    except (OSError, ValueError, io.UnsupportedOperation):
        size = None  # not a file: a counter of bytes, without an end

    def report() -> Report:
        seconds = time.perf_counter() - started
        return Report(len(results), sum(r.size for r in results), tuple(results), seconds)

    try:
        with Progress(size or None, progress, auto=not quiet, unit="B", wait=0.5) as out:
            for result in rebuild_lines(source, directory, force=force):
                results.append(result)
                out.advance(result.size)
                problem = result.problem(name)
                if problem is not None:
                    out.echo(problem, err=True)
    except WrongShape as error:
        click.echo(error_line(f"{name}: {error}"), err=True)
        sys.exit(EXIT_FINDINGS)
    except KeyboardInterrupt:
        interrupted(report().interruption())
    if not quiet:
        click.echo(report().summary(), err=True)
    sys.exit(report().exit_status())


# --------------------------------------------------------------------------- fix


@main.command("fix")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of the fixes.")
@click.option(
    "--unsafe-fixes", is_flag=True, help="Also drop older versions of a paper listed twice."
)
@click.option(
    "--fixes-only",
    is_flag=True,
    help="Report the fixes, not the problems left (a pre-commit fix hook beside check's).",
)
@_rule_options("text: path:line: CODE fixed: ...")
@_JOBS
@_PROGRESS
@bug_guard
def fix(
    paths: tuple[str, ...],
    diff: bool,
    unsafe_fixes: bool,
    fixes_only: bool,
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    jobs: int | None,
    progress: bool | None,
) -> None:
    """Fix what check finds and a program can repair for certain, in place.

    Safe fixes: an exact repeat of a paper is dropped (AD103), papers are put back in
    published order with a stable sort (AD104), mixed line endings become the file's majority
    ending (AD206), a byte-order mark is removed (AD001), and a folder's stale calendar is
    written again (AD305, as `calendar` does). --unsafe-fixes also keeps only the newest
    version of a paper listed in two versions (AD103). A file with a syntax error is reported
    and never touched; what needs a person (AD101, AD102, ...) is reported. Files are
    rewritten atomically, permissions kept.

    Every line number is a line of the file as fixed (as it is on disk afterwards, or as the
    --diff would make it). Each file's lines are printed as soon as it is done.

    Exit status: 0 nothing changed and nothing left, 1 files changed (or would be, with
    --diff) or problems left (with --fixes-only: files changed), 2 usage or I/O error. With
    --diff the diff goes to stdout and the rest to stderr.

    \b
    Examples:
      arxiv-digest fix cs.CV/2026/02/20260202.md
      arxiv-digest fix cs.CV --diff | less
      arxiv-digest fix cs.CV --unsafe-fixes --select AD103
    """
    from .fix import FixReport

    report = FixReport(
        paths,
        unsafe=unsafe_fixes,
        select=_codes(select, "--select"),
        ignore=_codes(ignore, "--ignore"),
        diff=diff,
        fixes_only=fixes_only,
        output_format=output_format,
    )
    end(_run(report, jobs, progress))


# --------------------------------------------------------------------------- calendar


@main.command("calendar")
@click.argument("category", type=click.Path(file_okay=False, path_type=str))
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE",
    help="Where to write it; - is stdout (default: where the archive's calendar script does).",
)
@bug_guard
def calendar(category: str, output: str | None) -> None:
    """Write the calendar of a category folder (ARCHIVE/CATEGORY), as the archive's script does.

    The calendar links every day with a digest, month by month, byte for byte as the
    archive's own calendar script writes it. Default FILE: ARCHIVE/calendar/calendar_XX.md
    when the archive has that file (DailyPapers' layout, XX the part after the dot), else
    ARCHIVE/calendar.md (CVPapers'). FILE is written atomically and left alone when it
    already holds the same text.

    Exit status: 0 written or already current; 2 usage or I/O error (no digest in CATEGORY).

    \b
    Examples:
      arxiv-digest calendar cs.CV
      arxiv-digest calendar archive/cs.CL -o archive/calendar/calendar_CL.md
    """
    from .archive import Archive
    from .calendar import render_calendar, update_calendar

    if not os.path.isdir(category):
        _fail(f"{category}: no such folder")
    archive = Archive(category)
    folder = os.path.normpath(category)
    if [os.path.normpath(archive.folder(name)) for name in archive.categories] != [folder]:
        _fail(
            f"{category}: not a category folder with digests in"
            " YYYY/MM/YYYYMMDD.md (give ARCHIVE/CATEGORY, like archive/cs.CV)"
        )
    if output == "-":
        click.echo(render_calendar(folder, f"./{os.path.basename(folder)}"), nl=False)
        return
    update = update_calendar(folder, output)
    click.echo(update.summary(len(archive.days())))


# --------------------------------------------------------------------------- collect


#: collect's bar: what it has done first, then the time; no rate (the API sets it). Short
#: enough that an 80-column terminal shows it whole.
COLLECT_BAR = "{percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} days{postfix} [{elapsed}<{remaining}]"


@main.command()
@click.argument("category")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First UTC day.")
@click.option(
    "--since-last",
    type=click.IntRange(min=0),
    metavar="N",
    help="Start N days before the newest day already in ARCHIVE/CATEGORY (instead of --from).",
)
@click.option(
    "--to", "end", metavar="YYYY-MM-DD", help="Last UTC day, included (default: yesterday)."
)
@click.option(
    "--missing",
    is_flag=True,
    help="Fetch only the days missing or thin in the archive (AD301, AD302), or with --from/--to"
    " every day of the range without a file; prints the plan first.",
)
@click.option("--dry-run", is_flag=True, help="With --missing: print the plan, fetch nothing.")
@click.option(
    "-o",
    "--output",
    "archive",
    required=True,
    type=click.Path(file_okay=False, path_type=str),
    help="The archive's root: days go to ARCHIVE/CATEGORY/YYYY/MM/YYYYMMDD.md.",
)
@click.option("--label", default=None, help="The header's label (default: the category).")
@click.option(
    "--fix/--no-fix",
    default=True,
    show_default=True,
    help="Drop repeats and older versions of a paper in the API's answer, as fix does.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Write the API's complete answer alone, dropping papers a file held that it lacks.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when a day kept papers the API did not return.",
)
@click.option(
    "--written",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Write the paths of the files written to this file, one a line.",
)
@click.option(
    "--api-url",
    default=None,
    envvar="ARXIV_DIGEST_API_URL",
    metavar="URL",
    help="The API's query endpoint (default: https://export.arxiv.org/api/query).",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=3.0,
    envvar="ARXIV_DIGEST_DELAY",
    show_default=True,
    metavar="SECONDS",
    help="Wait between requests (the API's terms of use ask for 3).",
)
@click.option(
    "--page-size",
    type=click.IntRange(min=1, max=2000),
    default=200,
    show_default=True,
    help="Results per request.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=120.0,
    envvar="ARXIV_DIGEST_TIMEOUT",
    show_default=True,
    metavar="SECONDS",
    help="Read timeout of each request; the connect timeout is 30 s, or this if shorter.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=5,
    envvar="ARXIV_DIGEST_RETRIES",
    show_default=True,
    help="Tries again after a failure, waiting --backoff, then twice as long each time.",
)
@click.option(
    "--backoff",
    type=click.FloatRange(min=0),
    default=5.0,
    envvar="ARXIV_DIGEST_BACKOFF",
    show_default=True,
    metavar="SECONDS",
    help="The first wait before a retry.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: when stderr is a terminal).",
)
@bug_guard
def collect(
    category: str,
    start: str | None,
    since_last: int | None,
    end: str | None,
    missing: bool,
    dry_run: bool,
    archive: str,
    label: str | None,
    fix: bool,
    replace: bool,
    strict: bool,
    written: str | None,
    api_url: str | None,
    delay: float,
    page_size: int,
    timeout: float,
    retries: int,
    backoff: float,
    progress: bool | None,
) -> None:
    """Fetch a category's papers from the arXiv API and write one digest per UTC day.

    The days --from (or --since-last N) to --to, both included, in queries of 31 days at
    first, then sized after the answers, each answer verified before it replaces anything:
    counted against the API's total, retried when short, and merged with each day's file so
    that no paper a file held is lost.
    Days are written atomically, byte for byte as the archives' generator script writes a
    complete answer. Needs the arxiv package (see docs/writing.md for the install line).

    --missing fetches only what the archive lacks: the days of its gaps (AD301) and its
    thin days (AD302), or with --from/--to every day of the range without a file, one query
    per run of days. It prints the plan first (the runs, the estimated requests, and those
    the generator script would need); --dry-run stops there.

    --api-url, --delay, --timeout, --retries and --backoff can also be set from the
    environment: ARXIV_DIGEST_API_URL, ARXIV_DIGEST_DELAY, and so on.

    Exit status: 0 every day complete; 1 a day not written, a range still short or empty
    after the retries (written without losing a paper, or not written), or with --strict a
    day that kept papers the API did not return; 2 usage error, arxiv not installed, or the
    API unusable after the retries; 130 interrupted (finished days stay).

    \b
    Examples:
      arxiv-digest collect cs.CV --from 2023-03-11 --to 2023-03-11 -o archive/
      arxiv-digest collect cs.CV --since-last 7 -o . --written written.txt
      arxiv-digest collect cs.CV --missing -o archive/ --dry-run
    """
    from .collect import CollectError, check_options, collect_range, missing_plan
    from .collect import collect as run_collect

    check_options(category, archive, api_url)
    if missing:
        plan = missing_plan(category, archive, start, since_last, end, page_size)
        click.echo(plan.text())
        if dry_run or not plan.runs:
            sys.exit(EXIT_CLEAN)
        runs: tuple[Run, ...] | None = plan.runs
        first, last, days = plan.runs[0].first, plan.runs[-1].last, plan.days
    else:
        if dry_run:
            raise click.UsageError("--dry-run goes with --missing")
        first, last = collect_range(category, archive, start, since_last, end)
        runs, days = None, (last - first).days + 1
    papers = 0

    def advance(date: dt.date, outcome: str, count: int) -> None:
        nonlocal papers
        papers += count
        out.advance(1, f"{papers} papers, {date} {outcome}" if out.bar is not None else None)

    try:
        with Progress(days, progress, bar_format=COLLECT_BAR) as out:
            report = run_collect(
                category,
                first,
                last,
                archive,
                api_url=api_url,
                delay=delay,
                page_size=page_size,
                retries=retries,
                backoff=backoff,
                timeout=(min(30.0, timeout), timeout),
                label=label,
                fix=fix,
                replace=replace,
                runs=runs,
                on_day=advance,
                on_message=lambda line: out.echo(f"arxiv-digest: {line}", err=True),
            )
    except CollectError as error:
        _fail(str(error))
    for line in report.problems(archive, category):
        click.echo(line, err=True)
    if written is not None:
        from .files import write_atomic

        write_atomic(written, "".join(f"{path}\n" for path in report.written).encode())
    click.echo(report.heading(category, first, last, runs) + report.summary())
    sys.exit(report.exit_status(strict=strict))


# --------------------------------------------------------------------------- select


@main.command("select")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--match", multiple=True, metavar="TERMS", help="Keep papers with all these words.")
@click.option("--exclude", multiple=True, metavar="TERMS", help="Drop papers with all these words.")
@click.option(
    "--in",
    "fields",
    multiple=True,
    type=click.Choice(["title", "summary", "comment"]),
    help="Where --match and --exclude look (default: all three).",
)
@click.option("--author", "authors", multiple=True, metavar="NAME", help="An author's whole name.")
@click.option(
    "--category", "categories", multiple=True, metavar="CAT", help="A category, cross-lists too."
)
@click.option("--from", "start", default=None, metavar="YYYY-MM-DD", help="First day (UTC).")
@click.option("--to", "end", default=None, metavar="YYYY-MM-DD", help="Last day (included).")
@click.option("--seen", default=None, metavar="STATE", help="Emit only what this file has not.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["digest", "jsonl", "atom", "md"]),
    default="md",
    show_default=True,
    help="digest: files in OUT/; jsonl: flat rows; atom: a feed; md: a reading list.",
)
@click.option("-o", "--output", default="-", metavar="OUT", help="Output; - is stdout.")
@click.option("--title", default=None, help="The feed's or reading list's title.")
@click.option("--feed-url", default=None, metavar="URL", help="Where the feed is published.")
@click.option("--config", default=None, metavar="TOML", help="Options from a TOML file.")
@_JOBS
@click.option("-q", "--quiet", is_flag=True, help="No summary line on stderr.")
@bug_guard
def select_command(**given: Any) -> None:
    """Select papers from archives: by words in or out, authors, categories, days, novelty.

    --match TERMS keeps a paper whose title, summary or comment holds every word of TERMS
    (case and accents do not count; whole words: GAN does not match organ); "a quoted
    phrase" is its words in order; re:PATTERN a regular expression. Repeated --match: any
    of them. Each --exclude drops what it matches. --author matches a whole name as the
    archive writes it, --category a term of the categories (cross-lists count). Kinds
    combine with AND. With --seen STATE, only papers not emitted before (or in a newer
    version) are emitted, and STATE is updated once the output is written.

    OUT: for --format digest a folder (OUT/CATEGORY/YYYY/MM/YYYYMMDD.md, each block byte
    for byte as in the archive; days already there are added to); otherwise a file, written
    atomically (- is stdout). --config reads the same options from a TOML file; options
    given on the command line win.

    Exit status: 0 done; 1 broken files left out or days not written; 2 usage or I/O error
    (a bad pattern, a damaged STATE, a path with no digest): nothing is written then.

    \b
    Examples:
      arxiv-digest select cs.CV --match "diffusion model" --exclude medical
      arxiv-digest select cs.CV --match '"neural radiance"' --match re:nerfs? -o nerf.md
      arxiv-digest select cs.CV --author "Kaiming He" --format atom -o he.xml
      arxiv-digest select --config interests.toml
    """
    import time

    from .collect import parse_day
    from .outputs import write_selection
    from .seen import SeenError, SeenState
    from .select import Query, SelectError, read_config, select_archive

    started = time.perf_counter()
    context = click.get_current_context()
    if given["config"] is not None:
        try:
            config = read_config(given["config"])
        except (SelectError, OSError) as error:
            where = f"{given['config']}: " if isinstance(error, OSError) else ""
            _fail(f"{where}{_reason(error)}")
        # A config key is the long option (or, for paths, the argument) of the same name.
        names = {o.lstrip("-"): p.name for p in context.command.params for o in p.opts}
        for key, value in config.items():
            name = names[key]
            if context.get_parameter_source(name) in (None, click.core.ParameterSource.DEFAULT):
                given[name] = value
    paths, output, output_format = given["paths"], given["output"], given["output_format"]
    if not paths:
        raise click.UsageError("give the archives or files to select from (or paths in --config)")
    first, last = (  # a date of the config file, or a string of the command line
        parse_day(value, option) if isinstance(value, str) else value
        for value, option in ((given["start"], "--from"), (given["end"], "--to"))
    )
    try:
        query = Query(
            match=tuple(given["match"]),
            exclude=tuple(given["exclude"]),
            authors=tuple(given["authors"]),
            categories=tuple(given["categories"]),
            fields=tuple(given["fields"]) or ("title", "summary", "comment"),
            first=first,
            last=last,
        )
    except SelectError as error:
        raise click.UsageError(str(error)) from None
    if output_format == "digest" and output == "-":
        raise click.UsageError("--format digest writes a folder of digests: give -o FOLDER")
    state = None
    if given["seen"] is not None:
        try:
            state = SeenState.load(given["seen"])
        except SeenError as error:
            _fail(str(error))
    quiet = given["quiet"]
    work = _conversion(paths, "nothing written", quiet).work
    found = select_archive(
        work, query, seen=state, blocks=output_format == "digest", jobs=given["jobs"] or cores()
    )
    for problem in found.errors:
        click.echo(error_line(problem), err=True)
    title = given["title"] or f"arXiv: {query.describe()}"
    _, failed = write_selection(
        found.selected, output_format, output, title=title, feed_url=given["feed_url"], seen=state
    )
    for problem in failed:
        click.echo(error_line(problem), err=True)
    if not quiet:
        click.echo(found.summary(time.perf_counter() - started), err=True)
    sys.exit(found.exit_status(len(failed)))


def _reason(error: Exception) -> str:
    return (error.strerror or str(error)) if isinstance(error, OSError) else str(error)


def run(argv: Sequence[str] | None = None) -> None:
    """Run the command with ``argv`` (default: this process's arguments), from Python.

    >>> run(["--version"])
    Traceback (most recent call last):
    ...
    SystemExit: 0
    """
    main(args=argv, prog_name="arxiv-digest")


def script() -> None:
    """Entry point of the ``arxiv-digest`` console script and of ``python -m arxiv_digest``.

    The same as :func:`run`, in a process of its own: ``check`` and ``to-json`` may leave it
    without Python's teardown (see :func:`arxiv_digest._process.end`).
    """
    own_process()
    run()
