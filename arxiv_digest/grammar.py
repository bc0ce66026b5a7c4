"""Where the grammar lives, and the one Lark parser built from it.

``grammar/digest.lark`` at the top of the repository is the one source of the syntax. A wheel
carries it as ``arxiv_digest/grammar/digest.lark``; an editable install or a source checkout
reads it from the repository.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lark import Lark

__all__ = ["START_SYMBOLS", "grammar_path", "lark_parser", "terminal_pattern"]

#: What one call can parse: a whole file, one paper block, or the header line.
START_SYMBOLS = ("digest", "paper", "header")

_HERE = Path(__file__).resolve().parent
_CANDIDATES = (
    _HERE / "grammar" / "digest.lark",  # an installed wheel (see pyproject.toml force-include)
    _HERE.parent / "grammar" / "digest.lark",  # a source checkout or an editable install
)


def grammar_path() -> Path:
    """The path of ``digest.lark`` this installation uses.

    >>> grammar_path().name
    'digest.lark'
    """
    for candidate in _CANDIDATES:
        if candidate.is_file():
            return candidate
    tried = ", ".join(str(c) for c in _CANDIDATES)
    raise RuntimeError(f"arxiv-digest is installed without its grammar (looked in {tried})")


@functools.cache
def lark_parser() -> Lark:
    """The LALR parser, built once per process, that turns text straight into model objects.

    >>> lark_parser().options.parser
    'lalr'
    """
    from lark import Lark

    from .parser import Builder

    return Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        start=list(START_SYMBOLS),
        transformer=Builder(),
        maybe_placeholders=False,
        # The LALR tables, pickled in the temp directory under a hash of the grammar, lark's
        # version and these options: start-up of `arxiv-digest check` drops by about 15 ms.
        cache=True,
    )


@functools.cache
def terminal_pattern(name: str) -> re.Pattern[str]:
    """The compiled regular expression of one of the grammar's line terminals.

    The model's validators match a value's serialized line against it, so what the model
    accepts and what the grammar accepts cannot drift apart.

    >>> bool(terminal_pattern("TITLE_LINE").fullmatch("### A title\\n"))
    True
    """
    terminal = lark_parser().get_terminal(name)
    return re.compile(terminal.pattern.to_regexp())
