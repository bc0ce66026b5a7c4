"""Lark's exceptions turned into :class:`DigestSyntaxError` messages a person understands.

Lark reports a failed line terminal at the start of the line. To point at the character that
is wrong, the terminal's own regular expression is matched against ever longer prefixes of the
line with the ``regex`` package's partial matching: the column is where no string of the
grammar could go on. Imported only when something fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import regex
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import DigestSyntaxError
from .grammar import terminal_pattern

__all__ = ["LINES", "at_offset", "from_lark"]

#: terminal -> (what a person calls it, its literal start, what it looks like)
LINES: dict[str, tuple[str, str, str]] = {
    "HEADER_LINE": (
        "header line",
        "# Arxiv Papers in ",
        "# Arxiv Papers in <label> on <YYYY-MM-DD>",
    ),
    "TITLE_LINE": ("title line", "### ", "### <title>"),
    "ARXIV_ID_LINE": (
        "Arxiv ID line",
        "- **Arxiv ID**: ",
        "- **Arxiv ID**: http://arxiv.org/abs/<id>v<version>",
    ),
    "DOI_LINE": ("DOI line", "- **DOI**: ", "- **DOI**: <doi or None>"),
    "CATEGORIES_LINE": (
        "Categories line",
        "- **Categories**: ",
        "- **Categories**: **<primary>**, <category>, ...",
    ),
    "LINKS_LINE": ("Links line", "- **Links**: [PDF](", "- **Links**: [PDF](<url or None>)"),
    "PUBLISHED_LINE": (
        "Published line",
        "- **Published**: ",
        "- **Published**: YYYY-MM-DD HH:MM:SS+00:00",
    ),
    "UPDATED_LINE": (
        "Updated line",
        "- **Updated**: ",
        "- **Updated**: YYYY-MM-DD HH:MM:SS+00:00",
    ),
    "AUTHORS_LINE": ("Authors line", "- **Authors**: ", "- **Authors**: <name>, <name>, ..."),
    "COMMENT_LINE": ("Comment line", "- **Comment**: ", "- **Comment**: <text or None>"),
    "JOURNAL_LINE": ("Journal line", "- **Journal**: ", "- **Journal**: <text or None>"),
    "SUMMARY_LINE": ("Summary line", "- **Summary**: ", "- **Summary**: <abstract>"),
    "BLOCK_END": ("three empty lines after the summary", "", ""),
    "$END": ("end of the file", "", ""),
    "<END-OF-FILE>": ("end of the file", "", ""),
}


def _name(terminal: str) -> str:
    return LINES.get(terminal, (terminal.lower(), "", ""))[0]


def _phrase(name: str) -> str:
    return name if name.startswith("three") else f"the {name}"


def _expected_names(terminals: Iterable[str]) -> tuple[str, ...]:
    names = {_name(t) for t in terminals}
    if "title line" in names:
        # A title line is expected only where a new block may start, and so may the end.
        names.add("end of the file")
    return tuple(sorted(names))


def _either(names: tuple[str, ...]) -> str:
    return " or ".join(_phrase(n) for n in names)


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def at_offset(
    text: str,
    pos: int,
    message: str,
    *,
    path: str | os.PathLike[str] | None,
    first_line: int = 1,
    expected: tuple[str, ...] = (),
) -> DigestSyntaxError:
    """A syntax error at character offset ``pos`` of ``text`` (which starts at ``first_line``).

    >>> at_offset("# header\\n### title\\n", 13, "bad title", path=None).location
    '<string>:2:5'
    """
    pos = max(0, min(pos, len(text)))
    start, end = _line_bounds(text, pos)
    return DigestSyntaxError(
        message,
        path=path,
        line=first_line + text.count("\n", 0, pos),
        column=pos - start + 1,
        source_line=text[start:end],
        expected=expected,
    )


def _viable_prefix(terminal: str, text: str, pos: int) -> int:
    """How many characters from ``pos`` still begin some string the terminal matches."""
    if terminal not in LINES or terminal.startswith(("$", "<")):
        return 0
    pattern = regex.compile(terminal_pattern(terminal).pattern)
    # Failures are on the terminal's first line, or at most in the three lines of BLOCK_END.
    limit = pos
    for _ in range(3):
        newline = text.find("\n", limit)
        limit = len(text) if newline < 0 else newline + 1
    low, high = 0, limit - pos
    while low < high:  # the largest k such that text[pos:pos+k] is a viable prefix
        middle = (low + high + 1) // 2
        if pattern.fullmatch(text[pos : pos + middle], partial=True):
            low = middle
        else:
            high = middle - 1
    return low


def _crlf_hint(text: str, pos: int) -> str:
    start, end = _line_bounds(text, pos)
    if end > 0 and text[end - 1 : end] == "\r" and end < len(text):
        return " (this line ends with CRLF but the file's first line with LF only)"
    if "\r" in text[start:end]:
        return " (a lone CR does not end a line: only LF or CRLF do)"
    return ""


def from_lark(
    error: UnexpectedInput,
    text: str,
    *,
    path: str | os.PathLike[str] | None,
    first_line: int = 1,
) -> DigestSyntaxError:
    """Translate a Lark exception raised while parsing ``text`` into a DigestSyntaxError.

    >>> from arxiv_digest.parser import lark_parser
    >>> text = "# Arxiv Papers in cs.CV on 2023-03-11\\nstray\\n"
    >>> try:
    ...     lark_parser().parse(text, start="digest")
    ... except UnexpectedInput as error:
    ...     print(from_lark(error, text, path="a.md").location)
    a.md:2:1
    """
    if isinstance(error, UnexpectedToken) and error.token.type != "$END":
        # The contextual lexer found a line that is valid somewhere, just not here.
        expected = _expected_names(error.expected)
        message = f"expected {_either(expected)}, found {_phrase(_name(error.token.type))}"
        pos = error.token.start_pos or 0
        return at_offset(text, pos, message, path=path, first_line=first_line, expected=expected)
    if isinstance(error, (UnexpectedToken, UnexpectedEOF)):
        expected = _expected_names(error.expected)
        message = f"unexpected end of file: expected {_either(expected)}"
        return at_offset(
            text, len(text), message, path=path, first_line=first_line, expected=expected
        )
    assert isinstance(error, UnexpectedCharacters)
    pos = error.pos_in_stream or 0
    allowed = sorted(error.allowed)
    expected = _expected_names(allowed)
    best, reach = allowed[0], -1
    for terminal in allowed:
        k = _viable_prefix(terminal, text, pos)
        if k > reach:
            best, reach = terminal, k
    name, prefix, template = LINES.get(best, (best, "", ""))
    where = pos + reach
    if best == "BLOCK_END" and where >= len(text):
        message = "unexpected end of file: expected three empty lines after the summary"
    elif where >= len(text):
        message = f"unexpected end of file in {_phrase(name)}"
    elif best == "BLOCK_END":
        message = "expected three empty lines after the summary, then the next title or the end"
    elif prefix and reach >= len(prefix):
        field = name.removesuffix(" line")
        message = f"invalid {field} value: expected `{template}`"
    elif best == "TITLE_LINE":
        message = f"expected a title line `{template}` or the end of the file"
    else:
        message = f"expected the {name} `{template}`"
    message += _crlf_hint(text, where)
    return at_offset(text, where, message, path=path, first_line=first_line, expected=expected)
