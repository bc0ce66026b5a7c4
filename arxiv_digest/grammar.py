"""Where the grammar lives, and its terminals.

``grammar/digest.lark`` at the top of the repository is the one source of the syntax. A wheel
carries it as ``arxiv_digest/grammar/digest.lark``; an editable install or a source checkout
reads it from the repository. This module only loads it: the parser builds its own Lark
instances from :func:`grammar_text` and :data:`LARK_OPTIONS`.
"""

from __future__ import annotations

import functools
import os
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "BLOCK_START_SYMBOLS",
    "LARK_OPTIONS",
    "LINE_START_SYMBOLS",
    "grammar_path",
    "grammar_text",
    "terminal_pattern",
]

#: What one call of the line-by-line rules parses, one token per line: the header line (and
#: what follows it up to the first block), or one paper block. Every error message is worded
#: from these.
LINE_START_SYMBOLS = ("digest", "paper")
#: The fast path: a file, or the blocks after its header, one token per paper block. A parser
#: is built for one set or the other: Lark keeps only the terminals its start symbols use, so
#: the line rules' lexer never reports a whole block where a line was expected.
BLOCK_START_SYMBOLS = ("digest_blocks", "paper_blocks")

#: How the grammar is compiled (with ``start=`` one of the sets above): LALR with the
#: contextual lexer, the tables pickled in the temporary directory under a hash of the grammar,
#: lark's version and these options (so that ``arxiv-digest check`` starts without compiling).
LARK_OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "maybe_placeholders": False,
    "cache": True,
}

# os.path, not pathlib: pathlib costs `arxiv-digest check` 3 ms to import.
_HERE = os.path.dirname(os.path.realpath(__file__))
_CANDIDATES = (
    os.path.join(_HERE, "grammar", "digest.lark"),  # an installed wheel (pyproject.toml)
    os.path.join(os.path.dirname(_HERE), "grammar", "digest.lark"),  # a checkout, editable
)


def grammar_path() -> Path:
    """The path of ``digest.lark`` this installation uses.

    >>> grammar_path().name
    'digest.lark'
    """
    from pathlib import Path

    return Path(_grammar_file())


def _grammar_file() -> str:
    for candidate in _CANDIDATES:
        if os.path.isfile(candidate):
            return candidate
    tried = ", ".join(str(c) for c in _CANDIDATES)
    raise RuntimeError(f"arxiv-digest is installed without its grammar (looked in {tried})")


@functools.cache
def grammar_text() -> str:
    """The text of ``digest.lark``.

    >>> "HEADER_LINE:" in grammar_text()
    True
    """
    with open(_grammar_file(), encoding="utf-8") as file:
        return file.read()


@functools.cache
def _terminals() -> dict[str, str]:
    from lark import Lark

    lark = Lark(grammar_text(), start=list(LINE_START_SYMBOLS), **LARK_OPTIONS)
    return {t.name: t.pattern.to_regexp() for t in lark.terminals}


@functools.cache
def terminal_pattern(name: str) -> re.Pattern[str]:
    """The compiled regular expression of one of the grammar's terminals.

    The model's validators match a value's serialized line against it, so what the model
    accepts and what the grammar accepts cannot drift apart.

    >>> bool(terminal_pattern("TITLE_LINE").fullmatch("### A title\\n"))
    True
    """
    return re.compile(_terminals()[name])
