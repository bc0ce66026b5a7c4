"""The exceptions arxiv-digest raises, and the wording of syntax errors.

Every problem with the input is a :class:`DigestError`; a problem at a place in the text is a
:class:`DigestSyntaxError`, which knows its path, line and column.
"""

from __future__ import annotations

import os

__all__ = [
    "INSTALL_ARXIV",
    "CollectError",
    "DigestError",
    "DigestSyntaxError",
    "MissingClientError",
    "OptionError",
]

#: How to install ``collect``'s client until arxiv-digest is on a package index: from the
#: repository, at the tag of this version (tests/test_collect_job.py holds every install line
#: of the docs to it).
INSTALL_ARXIV = (
    "pip install 'arxiv-digest[arxiv] @ git+https://github.com/arxiv-digest/arxiv-digest@v0.1.0'"
)

# Characters a terminal would not draw as one cell: shown as a space in the caret snippet.
_SHOWN_AS_SPACE = frozenset("\t\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\ufeff")


class DigestError(Exception):
    """Base class of every error about a digest's content.

    Catch this to handle any problem with the input; anything else escaping arxiv-digest is a
    bug.

    >>> from arxiv_digest import DigestError, parse_digest
    >>> try:
    ...     parse_digest("not a digest")
    ... except DigestError as error:
    ...     print(type(error).__name__)
    DigestSyntaxError
    """


class DigestSyntaxError(DigestError, ValueError):
    """The text is not a digest: something at ``line``:``column`` breaks the grammar.

    ``line`` and ``column`` are 1-based and count characters, as editors do; ``expected``
    names, in words, what the grammar would have accepted there. ``str()`` starts with
    ``path:line:column: message`` and ends with the offending line and a caret under the
    column.

    >>> from arxiv_digest import DigestSyntaxError, parse_digest
    >>> try:
    ...     parse_digest("# Arxiv Papers in cs.CV on 2023-02-30\\n", path="20230230.md")
    ... except DigestSyntaxError as error:
    ...     print(error.line, error.column)
    ...     print(error)
    1 28
    20230230.md:1:28: invalid date '2023-02-30': day is out of range for month
        # Arxiv Papers in cs.CV on 2023-02-30
                                   ^
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] | None = None,
        line: int,
        column: int,
        source_line: str = "",
        expected: tuple[str, ...] = (),
    ) -> None:
        self.message = message
        self.path = None if path is None else os.fspath(path)
        self.line = line
        self.column = column
        self.source_line = source_line
        self.expected = expected
        super().__init__(message)

    @property
    def location(self) -> str:
        """``path:line:column`` (``<string>`` when the text came from no file).

        >>> DigestSyntaxError("oops", line=3, column=7).location
        '<string>:3:7'
        """
        path = "<string>" if self.path is None else self.path
        return f"{path}:{self.line}:{self.column}"

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if not self.source_line:
            return text
        # A window of the line around the column, drawn as a terminal shows it, so that the
        # caret lands under the column even on a 10 MB line or one holding line separators.
        start = max(0, self.column - 1 - 60)
        shown = self.source_line[start : start + 120]
        shown = "".join(" " if char in _SHOWN_AS_SPACE else char for char in shown)
        lead = "…" if start else ""
        caret = " " * (len(lead) + self.column - 1 - start)
        return f"{text}\n    {lead}{shown}\n    {caret}^"

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments: tell pickle how to rebuild (errors cross process pools).
        return (
            _rebuild_syntax_error,
            (
                self.message,
                self.path,
                self.line,
                self.column,
                self.source_line,
                self.expected,
            ),
        )


def _rebuild_syntax_error(
    message: str,
    path: str | None,
    line: int,
    column: int,
    source_line: str,
    expected: tuple[str, ...],
) -> DigestSyntaxError:
    return DigestSyntaxError(
        message,
        path=path,
        line=line,
        column=column,
        source_line=source_line,
        expected=expected,
    )


class CollectError(Exception):
    """``collect`` could not read the arXiv API (after the retries), or it answered nonsense.

    >>> str(CollectError("HTTP 503 from the arXiv API; gave up after 5 retries"))
    'HTTP 503 from the arXiv API; gave up after 5 retries'
    """


class MissingClientError(CollectError):
    """The ``arxiv`` package, the API client of ``collect``, is not installed.

    >>> print(MissingClientError())  # doctest: +ELLIPSIS
    collect needs the arxiv package: pip install 'arxiv-digest[arxiv] @ git+https://...@v0.1.0'
    """

    def __init__(self) -> None:
        super().__init__(f"collect needs the arxiv package: {INSTALL_ARXIV}")


class OptionError(ValueError):
    """A command's option that cannot be used as given; ``option`` names it (``--to``).

    ``option`` is ``None`` when the options do not go together. The command line shows it as
    click's usage error for that option.

    >>> error = OptionError("2023-03-12 is before the first day 2023-03-13", "--to")
    >>> error.option, str(error)
    ('--to', '2023-03-12 is before the first day 2023-03-13')
    """

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option
