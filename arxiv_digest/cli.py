"""The ``arxiv-digest`` command: it parses arguments and prints; each command's work is a module.

``check`` (checks, archive), ``fix`` (fix), ``to-json`` (convert), ``to-parquet`` (parquet),
``from-json`` (fromjson), ``calendar`` (calendar), ``collect`` (collect) and ``select`` (select,
outputs, seen).

Only click and the parser are imported at start; JSON, Parquet, progress bars and process
pools are imported by the subcommands that use them, so that ``arxiv-digest check`` starts
fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from . import __version__

if TYPE_CHECKING:
    from .checks import Finding
    from .collect import Run
    from .fix import Fix

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_BUG = 0, 1, 2, 3


def _bug_guard(command: F) -> F:
    """Report an unexpected exception as a bug, in one line, instead of a traceback."""

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _terminate_on_sigterm()
        try:
            return command(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("arxiv-digest: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_ERROR)
        except OSError as error:  # an output that cannot be written: a directory, a full disk
            where = f"{error.filename}: " if error.filename else ""
            click.echo(f"arxiv-digest: error: {where}{error.strerror or error}", err=True)
            sys.exit(EXIT_ERROR)
        except Exception as error:  # anything else is a bug: say so, in one line
            click.echo(
                f"arxiv-digest: internal error (this is a bug in arxiv-digest; please report"
                f" it with the command you ran): {type(error).__name__}: {error}",
                err=True,
            )
            sys.exit(EXIT_BUG)

    return guarded  # type: ignore[return-value]


def _terminate_on_sigterm() -> None:
    """Turn SIGTERM into an exception, so temporary files are removed on the way out."""

    def stop(signum: int, frame: object) -> NoReturn:
        raise SystemExit(128 + signum)

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, stop)


class _Command(click.Group):
    """The command group, with Ctrl-C outside every command's own handling said as in it.

    Click turns a Ctrl-C that comes while it parses the arguments (before a command has
    started) into ``Aborted!`` and status 1; here it is ``interrupted`` and 130, as anywhere
    else.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            status = super().main(args, prog_name, complete_var, False, **extra)
        except click.Abort:  # a KeyboardInterrupt that no command caught
            click.echo("arxiv-digest: interrupted", err=True)
            sys.exit(130)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        sys.exit(status if isinstance(status, int) else 0)


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


#: Commands show a progress bar on a terminal for this many files or more.
PROGRESS_FILES = 100


class _Output:
    """Lines for stdout and stderr, and a progress bar on stderr that they do not garble.

    ``progress`` is --progress/--no-progress; by default (None) the bar is shown when
    ``auto`` says so and stderr is a terminal, once the work has taken half a second.
    """

    def __init__(
        self, total: int | None, progress: bool | None, *, auto: bool = True, unit: str = "file"
    ) -> None:
        self.bar: Any = None
        if progress or (progress is None and auto and sys.stderr.isatty()):
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                unit=unit,
                unit_scale=unit == "B",
                file=sys.stderr,
                dynamic_ncols=True,
                delay=0.5 if progress is None else 0,
            )

    def echo(self, text: str, *, err: bool = False, nl: bool = True) -> None:
        """Print a line (``nl=False``: a text that ends its own lines)."""
        if self.bar is None:
            click.echo(text, err=err, nl=nl)
        else:
            self.bar.write(text, file=sys.stderr if err else sys.stdout, end="\n" if nl else "")

    def advance(self, count: int = 1) -> None:
        """Move the bar on by ``count``."""
        if self.bar is not None:
            self.bar.update(count)

    def close(self) -> None:
        """Take the bar away (again: a no-op)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _batch() -> str:
    """What a summary adds when pre-commit runs the command: it may be one of several runs.

    pre-commit passes a hook's files in batches when they do not fit one command line (an
    archive of thousands of days does not), and sets ``PRE_COMMIT=1``.
    """
    if os.environ.get("PRE_COMMIT"):
        return " in this batch (pre-commit may pass the files in several)"
    return ""


def _finding_dict(finding: Finding) -> dict[str, object]:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "code": finding.code,
        "message": finding.message,
    }


def _codes(values: tuple[str, ...], option: str) -> tuple[str, ...]:
    from .checks import RULES

    codes = tuple(c.strip().upper() for v in values for c in v.split(",") if c.strip())
    for code in codes:
        if not any(rule.startswith(code) for rule in RULES):
            raise click.BadParameter(f"no rule code starts with {code!r}", param_hint=option)
    return codes


def _github_escape(text: str, *, property_value: bool = False) -> str:
    """Escape as the GitHub Actions toolkit does (``escapeData`` / ``escapeProperty``)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _finding_line(finding: Finding, output_format: str) -> str:
    if output_format == "github":
        properties = ",".join(
            f"{key}={_github_escape(str(value), property_value=True)}"
            for key, value in (
                ("file", finding.path),
                ("line", finding.line),
                ("col", finding.column),
                ("title", finding.code),
            )
            if value or key == "title"  # a finding about a folder (AD301) has no line
        )
        return f"::error {properties}::{_github_escape(f'{finding.code} {finding.message}')}"
    return finding.text()


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
@_bug_guard
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
    from .checks import check_files
    from .files import DIGEST_NAME, find_digests

    selected = _codes(select, "--select")
    ignored = _codes(ignore, "--ignore")
    found = find_digests(paths)
    errors = list(found.errors)
    findings: list[Finding] = []  # kept for --format json; the others print as they come
    checked = found_count = ignored_count = 0
    folders = [path for path in paths if os.path.isdir(path)]  # pre-commit names files
    archive = None
    if folders:  # imported only then: a check of named files starts as fast as before
        from .archive import ArchiveRules

        archive = ArchiveRules(folders)
    out = _Output(len(found.files), progress, auto=len(found.files) >= PROGRESS_FILES)

    def report(finding: Finding) -> bool:
        nonlocal found_count, ignored_count
        if (selected and not finding.code.startswith(selected)) or (
            ignored and finding.code.startswith(ignored)
        ):
            ignored_count += 1
            return False
        found_count += 1
        if output_format == "json":
            findings.append(finding)
        else:
            out.echo(_finding_line(finding, output_format))
        return True

    failing: set[str] = set()
    try:
        for result in check_files([path for path, _root in found.files], jobs or _cores()):
            out.advance()
            if result.error is not None:
                reason = result.error.strerror or result.error
                errors.append(f"{result.path}: cannot read: {reason}")
                continue
            checked += 1
            file_found = found_count
            for finding in result.findings:
                report(finding)
            for finding in archive.add(result) if archive else ():  # its record is complete now
                report(finding)
            if found_count > file_found:
                failing.add(result.path)
    except KeyboardInterrupt:
        out.close()
        click.echo(
            f"arxiv-digest: interrupted after checking {checked} of"
            f" {_plural(len(found.files), 'file')}"
            " (the findings so far are above)",
            err=True,
        )
        sys.exit(130)
    finally:
        out.close()
    for finding in archive.finish() if archive else ():
        # A thin day is about a digest file; a gap is about a folder, a calendar no digest.
        if report(finding) and DIGEST_NAME.fullmatch(os.path.basename(finding.path)):
            failing.add(finding.path)
    failing_files = len(failing)
    if output_format == "json":
        import json

        document = {
            "checked": checked,
            "skipped": len(found.skipped),
            "temporary": list(found.temporary),
            "errors": errors,
            "ignored": ignored_count,
            "findings": [_finding_dict(f) for f in findings],
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for problem in errors:
            click.echo(f"arxiv-digest: error: {problem}", err=True)
        if found.temporary:
            click.echo(_temporary_line(found.temporary), err=True)
        click.echo(
            _check_summary(
                checked, len(found.skipped), found_count, failing_files, errors, ignored_count
            )
        )
    _end(EXIT_ERROR if errors else EXIT_FINDINGS if found_count else EXIT_CLEAN)


#: Set by the console script (:func:`script`): this process is the command, and ends with it.
_OWN_PROCESS = False


def _end(status: int) -> NoReturn:
    """End ``check`` or ``to-json`` with ``status``: at once when nothing is left but teardown.

    Python's teardown (freeing every module and object) takes about 10 ms, an eighth of a
    ``check`` of one file in pre-commit, and does nothing for a command that has printed its
    last line and put its output in place. So the console script flushes the output and
    leaves by ``os._exit``, unless another thread or a worker process is still running. Called
    from Python (``run``, click's test runner), it is an ordinary ``sys.exit``.
    """
    threading = sys.modules.get("threading")
    multiprocessing = sys.modules.get("multiprocessing")
    if (
        _OWN_PROCESS
        and (threading is None or threading.active_count() == 1)
        and (multiprocessing is None or not multiprocessing.active_children())
    ):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass  # a closed or broken output: the ordinary way out reports it
        else:
            os._exit(status)
    sys.exit(status)


def _temporary_line(paths: Sequence[str]) -> str:
    """The one line that names the temporary files a killed run left (``check``).

    >>> print(_temporary_line(["a/.20230311.md.arxiv-digest-7-x.tmp"]))
    arxiv-digest: warning: 1 temporary file left by an interrupted run (the next fix, from-json or collect there removes it when no process holds it): a/.20230311.md.arxiv-digest-7-x.tmp
    """  # noqa: E501
    names = ", ".join(paths[:5]) + (f", and {len(paths) - 5} more" if paths[5:] else "")
    it = "it" if len(paths) == 1 else "them"
    return (
        f"arxiv-digest: warning: {_plural(len(paths), 'temporary file')} left by an interrupted"
        f" run (the next fix, from-json or collect there removes {it} when no process holds"
        f" {it}): {names}"
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _check_summary(
    checked: int, skipped: int, found: int, failing: int, errors: list[str], ignored: int = 0
) -> str:
    """The last line of ``check``: never "no problems found" when something went wrong."""
    skipped_note = f" ({skipped} skipped)" if skipped else ""
    files = "file" if checked == 1 else "files"
    if found:
        summary = (
            f"Found {_plural(found, 'problem')} in {failing} of {checked} {files}"
            f" checked{_batch()}{skipped_note}"
        )
    else:
        summary = f"Checked {checked} {files}{_batch()}{skipped_note}"
    if errors:
        errors_note = f"{_plural(len(errors), 'error')} (see above)"
        return f"{summary}; {errors_note}: not everything was checked."
    # --select or --ignore left findings out: said, so that "no problems" is not taken as all.
    note = f" ({_plural(ignored, 'finding')} ignored by --select/--ignore)" if ignored else ""
    return f"{summary}{note}." if found else f"{summary}: no problems found{note}."


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
@_bug_guard
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
    from .files import signals_held

    with signals_held():  # load it before any output exists: it crashes if interrupted loading
        import orjson  # noqa: F401

    work = _work(paths, "nothing written" if output == "-" else f"{output} not written", quiet)
    tally = _Tally(len(work), (sys.stderr.isatty() and not quiet) if progress is None else progress)

    def run(file: IO[bytes]) -> None:
        array = shape == "json"
        file.write(b"[\n" if array else b"")
        written = 0
        with tally:
            for batch in convert_in_order(work, flat, array, jobs or _cores(), file):
                tally.add(batch)
                written += batch.items
        if array:
            file.write(b"\n]\n" if written else b"]\n")
        if output != "-":
            tally.check_converted()  # before the rename: an empty OUT replaces nothing

    with _unless_nothing_converted(output, len(work)):
        _write_to(output, run)
    if not quiet:
        converted = len(work) - tally.failed
        files = (
            _plural(converted, "file") if not tally.failed else f"{converted} of {len(work)} files"
        )
        left_out = f"; {tally.failed} left out (see above)" if tally.failed else ""
        click.echo(
            f"Converted {files} ({_plural(tally.papers, 'paper')}, {tally.size / 1e6:.1f} MB)"
            f" in {tally.seconds():.2f} s{left_out}.",
            err=True,
        )
    _end(tally.exit_status())  # the output is in place, the workers gone


def _write_to(output: str, write: Callable[[IO[bytes]], None]) -> None:
    """Run ``write`` on stdout (``-``) or on the file ``output``, written atomically."""
    if output == "-":
        write(sys.stdout.buffer)
        sys.stdout.flush()
    else:
        from .files import atomic_output

        with atomic_output(output) as file:
            write(file)


# --------------------------------------------------------------------------- to-parquet


@main.command("to-parquet")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-o", "--output", required=True, metavar="FILE", help="The Parquet file to write.")
@_JOBS
@_PROGRESS
@click.option("-q", "--quiet", is_flag=True, help="No summary line on stderr.")
@_bug_guard
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
        click.echo(f"arxiv-digest: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    work = _work(paths, f"{output} not written", quiet)
    tally = _Tally(len(work), (sys.stderr.isatty() and not quiet) if progress is None else progress)
    with _unless_nothing_converted(output, len(work)), atomic_output(output) as file:
        with tally:
            for part in parquet_in_order(work, jobs or _cores(), file):
                tally.add(part)
        tally.check_converted()
    if not quiet:
        converted = len(work) - tally.failed
        files = "file" if converted == 1 else "files"
        left_out = f" ({tally.failed} left out with errors)" if tally.failed else ""
        click.echo(
            f"Wrote {tally.papers} papers from {converted} {files}{left_out},"
            f" {tally.size / 1e6:.1f} MB, to {output} in {tally.seconds():.1f} s.",
            err=True,
        )
    sys.exit(tally.exit_status())


def _work(paths: tuple[str, ...], nothing: str, quiet: bool) -> list[tuple[str, str]]:
    """The ``(path, relative path)`` pairs to convert, or exit 2 before any output exists.

    A path that is missing or holds no digest must not replace the output.
    """
    from .convert import SamePath, output_paths
    from .files import find_digests

    found = find_digests(paths)
    errors = list(found.errors)
    work: list[tuple[str, str]] = []
    try:
        work = output_paths(found.files)
    except SamePath as error:
        errors.append(str(error))
    for problem in errors:
        click.echo(f"arxiv-digest: error: {problem}", err=True)
    if errors:
        if not quiet:
            click.echo(f"Nothing converted ({nothing}).", err=True)
        sys.exit(EXIT_ERROR)
    return work


class _NothingConverted(Exception):
    """Every file was left out: the output would hold nothing, so it replaces nothing."""


@contextlib.contextmanager
def _unless_nothing_converted(output: str, total: int) -> Iterator[None]:
    """Around ``atomic_output``: when no file converted, say that OUT was not written."""
    kept = os.path.exists(output)
    try:
        yield
    except _NothingConverted:
        none = "the file could not" if total == 1 else f"none of the {total} files could"
        was = "the file there is kept" if kept else "no file made"
        click.echo(
            f"arxiv-digest: error: {output}: not written: {none} be converted (see above); {was}.",
            err=True,
        )


class _Tally:
    """What a converting command has done so far: counts, errors printed, a progress bar."""

    def __init__(self, total: int, show: bool) -> None:
        import time

        self.total = total
        self.clock = time.perf_counter
        self.started = self.clock()
        self.failed = self.papers = self.size = self.unreadable = 0
        self.bar: Any = None
        if show:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True)

    def __enter__(self) -> _Tally:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def add(self, done: Any) -> None:
        """Count a batch (``convert.Batch`` or ``parquet.Part``) and print its errors."""
        for problem in done.errors:
            message = f"arxiv-digest: error: {problem}"
            if self.bar is not None:
                self.bar.write(message, file=sys.stderr)
            else:
                click.echo(message, err=True)
        self.failed += len(done.errors)
        self.unreadable += done.unreadable
        self.papers += done.papers
        self.size += done.size
        if self.bar is not None:
            rate = self.size / 1e6 / max(self.seconds(), 1e-9)
            self.bar.set_postfix_str(f"{self.papers} papers, {rate:.1f} MB/s", refresh=False)
            self.bar.update(done.files)

    def check_converted(self) -> None:
        """Raise :class:`_NothingConverted` when every file was left out (an empty output)."""
        if self.total and self.failed == self.total:
            raise _NothingConverted

    def seconds(self) -> float:
        """Seconds since the command started converting."""
        return self.clock() - self.started

    def exit_status(self) -> int:
        """2 if a file could not be read, 1 if one was left out, else 0."""
        if self.unreadable:
            return EXIT_ERROR
        return EXIT_FINDINGS if self.failed else EXIT_CLEAN


def _cores() -> int:
    """The cores this process may run on (a container's or taskset's limit included)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


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
@_bug_guard
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

    from .fromjson import FAILED, REFUSED, UNCHANGED, WRITTEN, Report, WrongShape, rebuild_lines

    name = getattr(source, "name", "<stdin>")
    started = time.perf_counter()
    results = []
    try:
        size: int | None = os.fstat(source.fileno()).st_size
    except (OSError, ValueError, io.UnsupportedOperation):
        size = None  # not a file: a counter of bytes, without an end
    out = _Output(size or None, progress, auto=not quiet, unit="B")
    try:
        for result in rebuild_lines(source, directory, force=force):
            results.append(result)
            out.advance(result.size)
            if result.status in (REFUSED, FAILED):
                out.echo(f"arxiv-digest: error: {name}:{result.number}: {result.message}", err=True)
    except WrongShape as error:
        out.close()
        click.echo(f"arxiv-digest: error: {name}: {error}", err=True)
        sys.exit(EXIT_FINDINGS)
    except KeyboardInterrupt:
        out.close()
        written = sum(r.status == WRITTEN for r in results)
        unchanged = sum(r.status == UNCHANGED for r in results)
        click.echo(
            f"arxiv-digest: interrupted after {_plural(len(results), 'line')}:"
            f" {_plural(written, 'file')} written, {unchanged} unchanged,"
            f" {len(results) - written - unchanged} refused; the file being written then was"
            " not (its old version, if any, is kept)",
            err=True,
        )
        sys.exit(130)
    finally:
        out.close()
    report = Report(
        len(results), sum(r.size for r in results), tuple(results), time.perf_counter() - started
    )
    if not quiet:
        click.echo(report.summary(), err=True)
    sys.exit(report.exit_status())


# --------------------------------------------------------------------------- fix


def _fix_line(path: str, fix: Fix, output_format: str) -> str:
    if output_format == "github":
        properties = ",".join(
            f"{key}={_github_escape(str(value), property_value=True)}"
            for key, value in (("file", path), ("line", fix.line), ("title", fix.code))
        )
        return f"::notice {properties}::{_github_escape(f'{fix.code} fixed: {fix.message}')}"
    return fix.text(path)


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
@_bug_guard
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
    from .files import find_digests, remove_stale_temporaries
    from .fix import Fix, fix_files, unified_diff

    selected = _codes(select, "--select")
    ignored = _codes(ignore, "--ignore")
    found = find_digests(paths)
    if not diff:
        remove_stale_temporaries(found.temporary)  # what killed runs left (issue 22)
    errors = list(found.errors)  # missing paths, directories with no digest
    text = output_format != "json"
    out = _Output(len(found.files), progress, auto=len(found.files) >= PROGRESS_FILES)
    for problem in errors:
        out.echo(f"arxiv-digest: error: {problem}", err=True)
    checked = changed = written = fixes = unwritten = unwritten_files = unsafe = left = 0
    document: dict[str, list[Any]] = {"fixes": [], "remaining": []}
    diffs: list[str] = []
    results = fix_files(
        [path for path, _root in found.files],
        jobs or _cores(),
        unsafe=unsafe_fixes,
        select=selected,
        ignore=ignored,
        write=not diff,
        diff=diff,
    )
    try:
        for result in results:
            out.advance()
            if result.error is not None and not result.changed:  # it could not be read
                errors.append(f"{result.path}: cannot fix: {result.error}")
                out.echo(f"arxiv-digest: error: {errors[-1]}", err=True)
                continue
            checked += 1
            made = () if result.error is not None else result.fixes
            changed += bool(made)
            written += result.written
            fixes += sum(f.count for f in made)
            unsafe += result.unsafe_fixable
            remaining = () if fixes_only else result.remaining
            left += len(remaining)
            if result.error is not None:
                unwritten += sum(f.count for f in result.fixes)
                unwritten_files += 1
                errors.append(
                    f"{result.path}: cannot fix: {result.error}"
                    f" ({_plural(sum(f.count for f in result.fixes), 'problem')} not fixed)"
                )
                out.echo(f"arxiv-digest: error: {errors[-1]}", err=True)
            if not text:
                document["fixes"] += [
                    {
                        "path": result.path,
                        "line": f.line,
                        "code": f.code,
                        "message": f.message,
                        "count": f.count,
                    }
                    for f in made
                ]
                document["remaining"] += [_finding_dict(f) for f in remaining]
                diffs.append(result.diff)
                continue
            if result.diff:
                out.echo(result.diff, nl=False)
            for line in [_fix_line(result.path, f, output_format) for f in made] + [
                _finding_line(f, output_format) for f in remaining
            ]:
                out.echo(line, err=diff)  # --diff keeps stdout a clean patch
    except KeyboardInterrupt:
        out.close()
        done = "would be fixed" if diff else "fixed"
        lines = "its lines" if changed == 1 else "their lines"
        click.echo(
            f"arxiv-digest: interrupted after {_plural(checked, 'file')} done ({changed} {done},"
            f" {lines} above); a file being fixed at that moment is left as it was or fixed,"
            " never half-written",
            err=True,
        )
        sys.exit(130)
    finally:
        out.close()
    calendars: list[tuple[str, str, str, Fix]] = []  # each stale calendar, written again (AD305)
    if (not selected or "AD305".startswith(selected)) and not (
        ignored and "AD305".startswith(ignored)
    ):
        from .archive import update_calendars

        for update in update_calendars(paths, write=not diff):
            stale = Fix(update.first_difference(), "AD305", "written again for the files present")
            calendars.append((update.path, update.old or "", update.new, stale))
            if text:
                if diff:
                    out.echo(unified_diff(update.path, update.old or "", update.new), nl=False)
                out.echo(_fix_line(update.path, stale, output_format), err=diff)
            else:
                document["fixes"].append(
                    {
                        "path": update.path,
                        "line": stale.line,
                        "code": stale.code,
                        "message": stale.message,
                        "count": stale.count,
                    }
                )
                diffs.append(unified_diff(update.path, update.old or "", update.new))
    if not text:
        import json

        report = {
            "checked": checked,
            "skipped": len(found.skipped),
            "changed": changed,
            "written": written,
            "errors": errors,
            "line_numbers": "of the files as fixed",
            **document,
            "unsafe_fixable": unsafe,
            **({"diff": "".join(diffs)} if diff else {}),
        }
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        files = "file" if checked == 1 else "files"
        skipped = f" ({len(found.skipped)} skipped)" if found.skipped else ""
        if fixes:
            verb = "Would fix" if diff else "Fixed"
            numbering = (
                "line numbers: the file as fixed"
                if changed == 1
                else ("line numbers: the files as fixed")
            )
            summary = (
                f"{verb} {_plural(fixes, 'problem')} in {changed} of {checked} {files}"
                f"{_batch()}{skipped} ({numbering})."
            )
        elif unwritten or calendars:
            summary = f"Checked {checked} {files}{_batch()}{skipped}."
        else:
            summary = f"Checked {checked} {files}{_batch()}{skipped}: nothing to fix."
        if calendars:
            wrote = "Would write" if diff else "Wrote"
            summary += f" {wrote} {_plural(len(calendars), 'stale calendar')} again."
        if unwritten:
            files_not = "a file" if unwritten_files == 1 else f"{unwritten_files} files"
            summary += (
                f" {_plural(unwritten, 'problem')} not fixed ({files_not} could not be written,"
                " see above)."
            )
        if left:
            verb = "problem remains" if left == 1 else "problems remain"
            summary += f" {left} {verb}"
            summary += f" ({unsafe} fixable with --unsafe-fixes)." if unsafe else "."
        if errors:  # never "nothing to fix" alone beside an error of the run
            summary += f" {_plural(len(errors), 'error')} (see above): not everything was fixed."
        click.echo(summary, err=diff)
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if changed or left or calendars else EXIT_CLEAN)


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
@_bug_guard
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
        click.echo(f"arxiv-digest: error: {category}: no such folder", err=True)
        sys.exit(EXIT_ERROR)
    archive = Archive(category)
    folder = os.path.normpath(category)
    if [os.path.normpath(archive.folder(name)) for name in archive.categories] != [folder]:
        click.echo(
            f"arxiv-digest: error: {category}: not a category folder with digests in"
            " YYYY/MM/YYYYMMDD.md (give ARCHIVE/CATEGORY, like archive/cs.CV)",
            err=True,
        )
        sys.exit(EXIT_ERROR)
    if output == "-":
        click.echo(render_calendar(folder, f"./{os.path.basename(folder)}"), nl=False)
        return
    update = update_calendar(folder, output)
    days = len(archive.days())
    if update.changed:
        click.echo(f"Wrote {update.path} ({_plural(days, 'day')}).")
    else:
        click.echo(f"{update.path} is up to date ({_plural(days, 'day')}).")


# --------------------------------------------------------------------------- collect


#: collect's bar: what it has done first, then the time; no rate (the API sets it). Short
#: enough that an 80-column terminal shows it whole.
COLLECT_BAR = "{percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} days{postfix} [{elapsed}<{remaining}]"


def _date(value: str, option: str) -> dt.date:
    """A day written YYYY-MM-DD, the one form taken (20230311 and 2023-3-11 are not)."""
    digits = value.replace("-", "")
    if not (
        len(value) == 10 and value[4] == value[7] == "-" and digits.isascii() and digits.isdigit()
    ):
        raise click.BadParameter(
            f"{value!r} is not a date written YYYY-MM-DD (like 2023-03-11)", param_hint=option
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(
            f"{value!r} is not a day of the calendar: {error}", param_hint=option
        ) from None


def _collect_range(
    category: str, start: str | None, since_last: int | None, end: str | None, archive: str
) -> tuple[dt.date, dt.date]:
    """The days a plain ``collect`` fetches: --from (or --since-last) to --to."""
    from .collect import newest_day

    today = dt.datetime.now(dt.timezone.utc).date()
    last = _date(end, "--to") if end is not None else today - dt.timedelta(days=1)
    if last > today:
        raise click.BadParameter(
            f"{end} is after today ({today}, UTC): the API has no paper there yet",
            param_hint="--to",
        )
    if (start is None) == (since_last is None):
        raise click.UsageError("give one of --from and --since-last")
    if start is not None:
        first = _date(start, "--from")
    else:
        newest = newest_day(archive, category)
        if newest is None:
            where = os.path.join(archive, category)
            raise click.BadParameter(
                f"no day in {where} yet: give --from for the first run", param_hint="--since-last"
            )
        first = newest - dt.timedelta(days=since_last or 0)
    if last < first:
        raise click.BadParameter(f"{last} is before the first day {first}", param_hint="--to")
    return first, last


def _missing_runs(
    category: str,
    start: str | None,
    since_last: int | None,
    end: str | None,
    archive: str,
    page_size: int,
    dry_run: bool,
) -> tuple[Run, ...]:
    """Plan ``collect --missing`` and print the plan; exit when there is nothing to fetch."""
    from .collect import plan_missing

    if since_last is not None:
        raise click.UsageError("--missing takes --from and --to, not --since-last")
    first = _date(start, "--from") if start is not None else None
    last = _date(end, "--to") if end is not None else None
    try:
        plan = plan_missing(archive, category, first, last, page_size=page_size)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--missing") from None
    click.echo(plan.text())
    if dry_run or not plan.runs:
        sys.exit(EXIT_CLEAN)
    return plan.runs


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
@_bug_guard
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
    from .collect import CollectError, check_archive, check_category, day_path
    from .collect import collect as run_collect

    try:
        check_category(category)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="CATEGORY") from None
    try:
        check_archive(archive, category)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="-o") from None
    if api_url is not None and not api_url.startswith(("http://", "https://")):
        raise click.BadParameter(f"{api_url!r} is not an http(s) URL", param_hint="--api-url")
    if missing:
        runs = _missing_runs(category, start, since_last, end, archive, page_size, dry_run)
        first, last = runs[0].first, runs[-1].last
    else:
        if dry_run:
            raise click.UsageError("--dry-run goes with --missing")
        first, last = _collect_range(category, start, since_last, end, archive)
        runs = None
    bar = None
    if sys.stderr.isatty() if progress is None else progress:
        from tqdm import tqdm

        days = (last - first).days + 1 if runs is None else sum(run.days for run in runs)
        bar = tqdm(total=days, file=sys.stderr, dynamic_ncols=True, bar_format=COLLECT_BAR)
    papers = 0

    def advance(date: dt.date, outcome: str, count: int) -> None:
        nonlocal papers
        papers += count
        if bar is not None:
            bar.set_postfix_str(f"{papers} papers, {date} {outcome}", refresh=False)
            bar.update(1)

    def say(line: str) -> None:
        if bar is not None:
            bar.write(f"arxiv-digest: {line}", file=sys.stderr)  # above the bar, not inside it
        else:
            click.echo(f"arxiv-digest: {line}", err=True)

    try:
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
            on_message=say,
        )
    except CollectError as error:
        click.echo(f"arxiv-digest: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    finally:
        if bar is not None:
            bar.close()
    for failure in report.failed:
        path = day_path(archive, category, failure.date)
        click.echo(f"arxiv-digest: error: {path}: not written: {failure.message}", err=True)
    for problem in report.incomplete:
        click.echo(f"arxiv-digest: error: {problem.message}", err=True)
    if written is not None:
        from .files import write_atomic

        write_atomic(written, "".join(f"{path}\n" for path in report.written).encode())
    count = "" if runs is None else f" ({_plural(len(runs), 'run')})"
    click.echo(f"{category} {first} to {last}{count}: {report.summary()}")
    short = report.failed or report.incomplete or report.skipped
    sys.exit(EXIT_FINDINGS if short or (strict and report.kept) else EXIT_CLEAN)


# --------------------------------------------------------------------------- select

# Config file keys -> this command's parameter names (select.CONFIG_KEYS lists the keys).
_SELECT_PARAMETERS = {
    "paths": "paths",
    "match": "match",
    "exclude": "exclude",
    "in": "fields",
    "author": "authors",
    "category": "categories",
    "from": "start",
    "to": "end",
    "seen": "seen",
    "format": "output_format",
    "output": "output",
    "title": "title",
    "feed-url": "feed_url",
    "jobs": "jobs",
}


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
@_bug_guard
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

    from .outputs import atom_feed, reading_list, write_digests, write_jsonl
    from .seen import SeenError, SeenState
    from .select import Query, SelectError, read_config, select_archive

    started = time.perf_counter()
    context = click.get_current_context()
    if given["config"] is not None:
        try:
            config = read_config(given["config"])
        except (SelectError, OSError) as error:
            where = f"{given['config']}: " if isinstance(error, OSError) else ""
            click.echo(f"arxiv-digest: error: {where}{_reason(error)}", err=True)
            sys.exit(EXIT_ERROR)
        for key, value in config.items():
            name = _SELECT_PARAMETERS[key]
            if context.get_parameter_source(name) in (None, click.core.ParameterSource.DEFAULT):
                given[name] = value
    paths, output, output_format = given["paths"], given["output"], given["output_format"]
    if not paths:
        raise click.UsageError("give the archives or files to select from (or paths in --config)")
    first, last = (  # a date of the config file, or a string of the command line
        _date(value, option) if isinstance(value, str) else value
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
            click.echo(f"arxiv-digest: error: {error}", err=True)
            sys.exit(EXIT_ERROR)
    quiet = given["quiet"]
    work = _work(paths, "nothing written", quiet)
    # The outputs' folders are made if needed: the first run of a scheduled job just works.
    folders = [output if output_format == "digest" else os.path.dirname(output)]
    for folder in [*folders, os.path.dirname(given["seen"] or "")]:
        if folder:
            os.makedirs(folder, exist_ok=True)
    found = select_archive(
        work, query, seen=state, blocks=output_format == "digest", jobs=given["jobs"] or _cores()
    )
    for problem in found.errors:
        click.echo(f"arxiv-digest: error: {problem}", err=True)
    emitted = list(found.selected)
    failed_days = 0
    if output_format == "digest":
        for day in write_digests(emitted, output):
            if day.error is not None:
                click.echo(f"arxiv-digest: error: {day.error}", err=True)
                failed_days += 1
                emitted = [s for s in emitted if s.paper not in day.given]
    else:
        title = given["title"] or f"arXiv: {query.describe()}"
        if output_format == "jsonl":

            def render(file: IO[bytes]) -> None:
                write_jsonl(emitted, file)

        else:
            data = (
                atom_feed(emitted, title=title, self_url=given["feed_url"])
                if output_format == "atom"
                else reading_list(emitted, title=title).encode("utf-8")
            )

            def render(file: IO[bytes]) -> None:
                file.write(data)

        _write_to(output, render)
    if state is not None:  # only once the output is in place
        for item in emitted:
            state.add(item.paper)
        state.save()
    if not quiet:
        seen_note = f" ({found.already_seen} seen before)" if found.already_seen else ""
        click.echo(
            f"Selected {len(found.selected)} of {_plural(found.papers, 'paper')} in"
            f" {_plural(found.files, 'file')}{seen_note} in {time.perf_counter() - started:.2f} s.",
            err=True,
        )
    if found.unreadable:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if found.errors or failed_days else EXIT_CLEAN)


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

    The same as :func:`run`, in a process of its own: ``check`` may leave it without Python's
    teardown (see :func:`_end`).
    """
    global _OWN_PROCESS
    _OWN_PROCESS = True
    run()
