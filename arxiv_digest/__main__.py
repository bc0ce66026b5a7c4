"""``python -m arxiv_digest`` and the ``arxiv-digest`` console script: the command.

The signal handlers come first, before the imports that take most of a start (click, lark,
attrs and the parser): SIGTERM or Ctrl-C ends the command with status 143 or 130 however early
it comes, instead of killing it (-15) or printing a traceback from the middle of an import.
The package's names load on first use, so importing this module loads only ``_process``.
"""

from __future__ import annotations

from ._process import interrupted, stop_on_sigterm


def script() -> None:
    """Run the ``arxiv-digest`` command with this process's arguments (the console script).

    >>> import sys
    >>> sys.argv = ["arxiv-digest", "--version"]
    >>> script()
    Traceback (most recent call last):
    ...
    SystemExit: 0
    """
    stop_on_sigterm()
    try:
        from .cli import script as command

        command()
    except KeyboardInterrupt:  # Ctrl-C during the imports: said as a later one is
        interrupted()


if __name__ == "__main__":
    script()
