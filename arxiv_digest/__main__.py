"""``python -m arxiv_digest`` and the ``arxiv-digest`` console script: the command.

The signal handlers come first, before the imports that take most of a start (click, lark,
attrs and the parser): SIGTERM or Ctrl-C ends the command with status 143 or 130 however early
it comes, instead of killing it (-15) or printing a traceback from the middle of an import.
The package's names load on first use, so importing this module loads nothing else.
"""

from __future__ import annotations

import signal
import sys

TYPE_CHECKING = False  # not typing's: it would be the first import of a start
if TYPE_CHECKING:
    from typing import NoReturn


def _stop(signum: int, frame: object) -> NoReturn:
    raise SystemExit(128 + signum)


def script() -> None:
    """Run the ``arxiv-digest`` command with this process's arguments (the console script).

    >>> import sys
    >>> sys.argv = ["arxiv-digest", "--version"]
    >>> script()
    Traceback (most recent call last):
    ...
    SystemExit: 0
    """
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _stop)
    try:
        from .cli import script as command

        command()
    except KeyboardInterrupt:  # Ctrl-C during the imports: said as a later one is
        sys.stderr.write("arxiv-digest: interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    script()
