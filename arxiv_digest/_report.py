"""What the commands' reports share: words, GitHub annotations, a finding's line, a progress bar.

Each command's module has its report (``check.CheckReport``, ``fix.FixReport``,
``convert.Conversion``, ``fromjson.Report``, ...); this module holds the pieces written once
for all of them.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .checks import Finding

#: Commands show a progress bar on a terminal for this many files or more.
PROGRESS_FILES = 100

#: A line to print: its text, ended by its own newline, and whether it goes to stderr.
Printed = tuple[str, bool]


def error_line(problem: str) -> str:
    """A problem as the commands say it on stderr.

    >>> error_line("a.md: cannot read: No such file or directory")
    'arxiv-digest: error: a.md: cannot read: No such file or directory'
    """
    return f"arxiv-digest: error: {problem}"


def plural(count: int, word: str) -> str:
    """``count`` and ``word``, with an ``s`` unless the count is one.

    >>> plural(1, "file"), plural(2, "file"), plural(0, "error")
    ('1 file', '2 files', '0 errors')
    """
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def batch_note() -> str:
    """What a summary adds when pre-commit runs the command: it may be one of several runs.

    pre-commit passes a hook's files in batches when they do not fit one command line (an
    archive of thousands of days does not), and sets ``PRE_COMMIT=1``.

    >>> os.environ.pop("PRE_COMMIT", None) and None; batch_note()
    ''
    """
    if os.environ.get("PRE_COMMIT"):
        return " in this batch (pre-commit may pass the files in several)"
    return ""


def github_escape(text: str, *, property_value: bool = False) -> str:
    """Escape as the GitHub Actions toolkit does (``escapeData`` / ``escapeProperty``).

    >>> github_escape("50%\\nmore"), github_escape("a:b,c", property_value=True)
    ('50%25%0Amore', 'a%3Ab%2Cc')
    """
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def annotation(level: str, message: str, **properties: object) -> str:
    """A GitHub Actions workflow command: ``::level key=value,...::message``, escaped.

    A property without a value (the line of a finding about a folder) is left out; the title
    is always there.

    >>> annotation("error", "AD101 wrong date", file="a.md", line=1, col=0, title="AD101")
    '::error file=a.md,line=1,title=AD101::AD101 wrong date'
    """
    fields = ",".join(
        f"{key}={github_escape(str(value), property_value=True)}"
        for key, value in properties.items()
        if value or key == "title"
    )
    return f"::{level} {fields}::{github_escape(message)}"


def finding_line(finding: Finding, output_format: str) -> str:
    """A finding as ``check`` and ``fix`` print it: ``text`` or a ``github`` annotation.

    >>> from arxiv_digest.checks import Finding
    >>> finding = Finding("a.md", 3, 1, "AD104", "not sorted")
    >>> finding_line(finding, "text")
    'a.md:3:1: AD104 not sorted'
    >>> finding_line(finding, "github")
    '::error file=a.md,line=3,col=1,title=AD104::AD104 not sorted'
    """
    if output_format == "github":
        return annotation(
            "error",
            f"{finding.code} {finding.message}",
            file=finding.path,
            line=finding.line,
            col=finding.column,
            title=finding.code,
        )
    return finding.text()


def finding_dict(finding: Finding) -> dict[str, object]:
    """A finding in a JSON document: path, line, column, code, message.

    >>> from arxiv_digest.checks import Finding
    >>> finding_dict(Finding("a.md", 3, 1, "AD104", "not sorted"))["column"]
    1
    """
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "code": finding.code,
        "message": finding.message,
    }


def json_document(document: dict[str, Any]) -> str:
    """A command's JSON document, as it prints it: indented, not escaped to ASCII.

    >>> print(json_document({"checked": 1}))
    {
      "checked": 1
    }
    """
    import json

    return json.dumps(document, indent=2, ensure_ascii=False)


class Progress:
    """Lines for stdout and stderr, and a progress bar on stderr that they do not garble.

    ``progress`` is --progress/--no-progress; by default (None) the bar is shown when ``auto``
    says so and stderr is a terminal, after ``wait`` seconds of work.

    >>> with Progress(2, False) as out:
    ...     out.echo("a line")
    ...     out.advance()
    a line
    """

    def __init__(
        self,
        total: int | None,
        progress: bool | None,
        *,
        auto: bool = True,
        unit: str = "file",
        wait: float = 0.0,
        bar_format: str | None = None,
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
                delay=wait if progress is None else 0,
                bar_format=bar_format,
            )

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def echo(self, text: str, *, err: bool = False, nl: bool = True) -> None:
        """Print a line (``nl=False``: a text that ends its own lines) above the bar."""
        if self.bar is None:
            import click

            click.echo(text, err=err, nl=nl)
        else:
            self.bar.write(text, file=sys.stderr if err else sys.stdout, end="\n" if nl else "")

    def advance(self, count: int = 1, note: str | None = None) -> None:
        """Move the bar on by ``count``; ``note`` is shown after it."""
        if self.bar is not None:
            if note is not None:
                self.bar.set_postfix_str(note, refresh=False)
            self.bar.update(count)

    def close(self) -> None:
        """Take the bar away (again: a no-op)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
