"""Lark's exceptions turned into :class:`DigestSyntaxError` messages a person understands.

Lark reports a failed line terminal at the start of the line. To point at the character that
is wrong, the line is read against what the terminal allows, left to right, in linear time and
with the standard library's ``re`` only: the column is where no string of the grammar could go
on (what partial matching of the terminal's regular expression gives; the tests check that
they agree). A value longer than :data:`SEARCH_LIMIT` characters is searched no further, and
the message says the error is somewhere after that column. Imported only when something fails.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import DigestSyntaxError
from .grammar import terminal_pattern

__all__ = ["LINES", "SEARCH_LIMIT", "at_offset", "from_lark"]

#: How many characters of a line are searched for the wrong one: far beyond any real line
#: (the longest abstract in the archive is a few thousand), small enough to take milliseconds.
SEARCH_LIMIT = 1_000_000

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


def _common(text: str, pos: int, literal: str) -> int:
    """How many characters of ``literal`` the text spells out from ``pos``."""
    count = 0
    for expected, found in zip(literal, text[pos : pos + len(literal)]):
        if expected != found:
            break
        count += 1
    return count


# Values of a bounded length (a date and time): a prefix is viable when one of these strings,
# from the prefix's length on, completes it. Each digit that follows another one is chosen so
# that it is allowed after every digit allowed before it (month 01 or 11, hour 00, 10 or 20);
# the fraction and the offset avoid the forbidden .000000 and -00:00. Checked against the
# ``regex`` package's partial matching in tests/test_hostile.py.
_DATETIME_SAMPLES = ("2000-01-01 00:00:00+00:01\n", "2000-01-01 00:00:00.000001+00:01\n")

_URL_SCHEMES = ("http://", "https://")
_NOT_SPACE_OR_SLASH = re.compile(r"[^\s/]*")
_NOT_SPACE = re.compile(r"\S*")
_VERSION_END = re.compile(r".v[0-9]{1,9}\Z", re.DOTALL)


class _Capped(Exception):
    """The search reached :data:`SEARCH_LIMIT` without finding the wrong character."""


def _bounded(pattern: re.Pattern[str], text: str, pos: int, limit: int) -> int:
    """Where ``pattern`` (a run of allowed characters) stops matching from ``pos``."""
    end = pattern.match(text, pos, limit).end()  # type: ignore[union-attr]  # matches ""
    if end == limit and limit < len(text):
        raise _Capped
    return end


def _line_reach(terminal: str, text: str, pos: int, start: int, limit: int) -> int:
    """Reach of a one-line terminal whose value takes any characters but a newline.

    Every prefix of the line is viable: only its newline can be wrong, when the whole line is
    not what the terminal needs (a Links line without its ``)``, a header without its date).
    """
    newline = text.find("\n", start)
    if newline < 0:
        return len(text)
    if newline > limit:  # too long to match the line's pattern against
        raise _Capped
    match = terminal_pattern(terminal).match(text, pos, newline + 1)
    return newline + 1 if match else newline


def _wrapped_reach(text: str, start: int) -> int:
    """Reach of a value that may go on in continuation lines (two spaces after a newline)."""
    end = text.find("\n", start)
    while end >= 0 and text.startswith("  ", end + 1):
        end = text.find("\n", end + 3)
    if end < 0:
        return len(text)
    # One space after the newline is still the start of a continuation line.
    return end + 2 if text.startswith(" ", end + 1) else end + 1


def _entry_reach(text: str, pos: int, limit: int) -> int:
    """Reach of an Arxiv ID value: ``https?://<host>/abs/<id>v<version>`` and the newline."""
    scheme = max(_common(text, pos, s) for s in _URL_SCHEMES)
    if not any(text.startswith(s, pos) for s in _URL_SCHEMES):
        return pos + scheme
    host = pos + scheme
    end = _bounded(_NOT_SPACE_OR_SLASH, text, host, limit)
    if end == host:  # at least one character of host
        return end
    abs_part = _common(text, end, "/abs/")
    if abs_part < 5:
        return end + abs_part
    start = end + 5
    end = _bounded(_NOT_SPACE, text, start, limit)
    if end < len(text) and text[end] == "\n" and _VERSION_END.search(text, start, end):
        return end + 1
    # Any run of non-space characters can still become <id>v<version>; a space cannot.
    return end


def _sample_reach(terminal: str, text: str, pos: int, start: int) -> int:
    """Reach of a bounded value: the longest prefix that one of the samples completes."""
    pattern = terminal_pattern(terminal)
    literal = text[pos:start]
    reach = start
    for end in range(start + 1, min(len(text), start + len(_DATETIME_SAMPLES[-1])) + 1):
        value = text[start:end]
        k = len(value)
        if not any(pattern.fullmatch(literal + value + s[k:]) for s in _DATETIME_SAMPLES):
            break
        reach = end
    return reach


#: The literal start of a terminal, where it is not the start of its LINES template.
_LITERALS = {"BLOCK_END": "\n\n\n", "CATEGORIES_LINE": "- **Categories**:"}

#: terminal -> how its value is read after the literal start
_VALUES = {
    "DOI_LINE": "wrapped",
    "CATEGORIES_LINE": "categories",
    "COMMENT_LINE": "wrapped",
    "JOURNAL_LINE": "wrapped",
    "ARXIV_ID_LINE": "entry",
    "PUBLISHED_LINE": "datetime",
    "UPDATED_LINE": "datetime",
    "BLOCK_END": "literal",
}


def _viable_prefix(terminal: str, text: str, pos: int) -> tuple[int, bool]:
    """How many characters from ``pos`` still begin some string the terminal matches.

    The second value is true when the search stopped at :data:`SEARCH_LIMIT`.
    """
    if terminal not in LINES or terminal.startswith(("$", "<")):
        return 0, False
    literal = _LITERALS.get(terminal, LINES[terminal][1])
    common = _common(text, pos, literal)
    if common < len(literal):
        return common, False
    start = pos + len(literal)
    limit = min(len(text), start + SEARCH_LIMIT)
    kind = _VALUES.get(terminal, "line")
    try:
        if kind == "literal":
            end = start
        elif kind == "entry":
            end = _entry_reach(text, start, limit)
        elif kind == "datetime":
            end = _sample_reach(terminal, text, pos, start)
        elif kind == "wrapped":
            end = _wrapped_reach(text, start)
        elif kind == "categories":  # no categories: the line ends right after the colon
            if text.startswith(" ", start):
                end = _wrapped_reach(text, start + 1)
            else:
                end = start + 1 if text.startswith("\n", start) else start
        else:
            end = _line_reach(terminal, text, pos, start, limit)
    except _Capped:
        return limit - pos, True
    return end - pos, False


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
    end_of_file: bool = True,
) -> DigestSyntaxError:
    """Translate a Lark exception raised while parsing ``text`` into a DigestSyntaxError.

    ``end_of_file`` is false when ``text`` is a block of a file that goes on: where the block
    ends, the next title line starts, and the message says so instead of "end of file".

    >>> from arxiv_digest._parser import line_parser
    >>> text = "# Arxiv Papers in cs.CV on 2023-03-11\\nstray\\n"
    >>> try:
    ...     line_parser().parse(text, start="digest")
    ... except UnexpectedInput as error:
    ...     print(from_lark(error, text, path="a.md"))
    a.md:2:1: expected a title line `### <title>` or the end of the file
        stray
        ^
    """
    if isinstance(error, UnexpectedToken) and error.token.type != "$END":
        # The contextual lexer found a line that is valid somewhere, just not here.
        # Nothing expected: the end of a one-block text (parse_paper) where a block follows.
        expected = _expected_names(error.expected) or ("end of the block",)
        message = f"expected {_either(expected)}, found {_phrase(_name(error.token.type))}"
        pos = error.token.start_pos or 0
        return at_offset(text, pos, message, path=path, first_line=first_line, expected=expected)
    if isinstance(error, (UnexpectedToken, UnexpectedEOF)):
        expected = _expected_names(error.expected)
        if end_of_file:
            message = f"unexpected end of file: expected {_either(expected)}"
        else:
            message = f"expected {_either(expected)}, found the title line"
        return at_offset(
            text, len(text), message, path=path, first_line=first_line, expected=expected
        )
    assert isinstance(error, UnexpectedCharacters)
    pos = error.pos_in_stream or 0
    allowed = sorted(error.allowed)
    expected = _expected_names(allowed)
    best, reach, capped = allowed[0], -1, False
    for terminal in allowed:
        k, stopped = _viable_prefix(terminal, text, pos)
        if k > reach:
            best, reach, capped = terminal, k, stopped
    name, prefix, template = LINES.get(best, (best, "", ""))
    shown = f" `{template}`" if template else ""
    where = pos + reach
    if capped:
        column = where - (text.rfind("\n", 0, where) + 1)
        field = name.removesuffix(" line")
        message = (
            f"invalid {field} value somewhere after column {column}: expected{shown} (a line"
            f" this long is searched no further than {SEARCH_LIMIT:,} characters)"
        )
    elif where >= len(text) and not end_of_file:
        # The block ends where the next title line begins: that line is what was found.
        if best == "BLOCK_END":
            message = "expected three empty lines after the summary, then the next title or the end"
        else:
            message = f"expected {_phrase(name)}{shown}, found the title line"
    elif best == "BLOCK_END" and where >= len(text):
        message = "unexpected end of file: expected three empty lines after the summary"
    elif where >= len(text):
        message = f"unexpected end of file in {_phrase(name)}"
    elif best == "BLOCK_END":
        message = "expected three empty lines after the summary, then the next title or the end"
    elif prefix and reach >= len(prefix):
        field = name.removesuffix(" line")
        message = f"invalid {field} value: expected{shown}"
        if best == "ARXIV_ID_LINE" and _LONG_VERSION.search(text, pos, where):
            message += " (a version has at most 9 digits)"
    elif best == "TITLE_LINE":
        message = f"expected a title line{shown} or the end of the file"
    elif not template:
        message = f"expected {_either(expected)}"
    else:
        message = f"expected the {name}{shown}"
    message += _crlf_hint(text, where)
    return at_offset(text, where, message, path=path, first_line=first_line, expected=expected)


_LONG_VERSION = re.compile(r"v[0-9]{10,}\Z")
