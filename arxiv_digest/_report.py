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
    """A problem as the commands say it on stderr: ``arxiv-digest: error: ...``."""
    return f"arxiv-digest: error: {problem}"


def plural(count: int, word: str) -> str:
    """``count`` and ``word``, with an ``s`` unless the count is one."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def failure(path: str, error: Exception) -> str:
    """The one-line report of a file left out: ``path:line:col: message``, or the I/O error.

    >>> failure("x.md", FileNotFoundError(2, "No such file or directory"))
    'x.md: cannot read: No such file or directory'
    """
    from .errors import DigestSyntaxError

    if isinstance(error, DigestSyntaxError):
        return str(error).split("\n")[0]
    if isinstance(error, OSError):
        return f"{path}: cannot read: {error.strerror or error}"
    return f"{path}: {error}"


def batch_note() -> str:
    """What a summary adds when pre-commit (``PRE_COMMIT=1``) may pass the files in batches."""
    if os.environ.get("PRE_COMMIT"):
        return " in this batch (pre-commit may pass the files in several)"
    return ""


def github_escape(text: str, *, property_value: bool = False) -> str:
    """Escape as the GitHub Actions toolkit does (``escapeData`` / ``escapeProperty``)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def annotation(level: str, message: str, **properties: object) -> str:
    """A GitHub Actions command: ``::level key=value,...::message``, escaped."""
    fields = ",".join(  # a property without a value (a folder's line: 0) is left out
        f"{key}={github_escape(str(value), property_value=True)}"
        for key, value in properties.items()
        if value or key == "title"
    )
    return f"::{level} {fields}::{github_escape(message)}"


def finding_line(finding: Finding, output_format: str) -> str:
    """A finding as ``check`` and ``fix`` print it: ``text`` or a ``github`` annotation."""
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
    """A finding in a JSON document: path, line, column, code, message."""
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "code": finding.code,
        "message": finding.message,
    }


def json_document(document: dict[str, Any]) -> str:
    """A command's JSON document, as it prints it: indented, not escaped to ASCII."""
    import json

    return json.dumps(document, indent=2, ensure_ascii=False)


class Progress:
    """Lines for stdout and stderr, and a progress bar on stderr that they do not garble."""

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
        # --progress/--no-progress, or by default (None) when ``auto`` says so on a terminal.
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
