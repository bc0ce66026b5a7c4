"""How the ``arxiv-digest`` process ends: signals, exit statuses, bugs said in one line.

Imported by ``__main__`` before anything heavy, so it imports only ``os``, ``signal`` and
``sys`` at its top; click is imported by the functions that need it, once it is loaded.
"""

from __future__ import annotations

import os
import signal
import sys

TYPE_CHECKING = False  # not typing's: it would be the first import of a start
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NoReturn, TypeVar

    F = TypeVar("F", bound=Callable[..., Any])

#: The exit statuses: nothing found, findings (or files left out), usage or I/O error, a bug.
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_BUG = 0, 1, 2, 3
#: Ctrl-C: 128 + SIGINT, as a shell reports it.
EXIT_INTERRUPTED = 130

# Set by own_process(): this process is the command, and ends with it.
_own_process = False


def stop(signum: int, frame: object) -> NoReturn:
    """A signal handler that ends the process with ``128 + signum``, through ``finally``s."""
    raise SystemExit(128 + signum)


def stop_on_sigterm() -> None:
    """Turn SIGTERM into :func:`stop`, so temporary files are removed on the way out."""
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, stop)
    if not isinstance(sys.unraisablehook, _SignalAgain):
        sys.unraisablehook = _SignalAgain(sys.unraisablehook)


class _SignalAgain:
    """Deliver again a signal whose exception came inside a weakref callback or a ``__del__``.

    Python prints such an exception as "Exception ignored" and drops it: the command would go
    on and end with 0. The signal is raised again a millisecond later (a timer: raised from
    here, it would land in this hook, dropped the same way), where the program can stop.
    Anything else goes to the hook that was there before.
    """

    def __init__(self, previous: Callable[[Any], object]) -> None:
        self.previous = previous

    def __call__(self, unraisable: Any) -> None:
        error = unraisable.exc_value
        if isinstance(error, KeyboardInterrupt):
            signum = signal.SIGINT
        elif isinstance(error, SystemExit) and error.code == 128 + signal.SIGTERM:
            signum = signal.SIGTERM
        else:
            self.previous(unraisable)
            return
        if not hasattr(signal, "setitimer"):  # not POSIX
            self.previous(unraisable)
            return
        signal.signal(signal.SIGALRM, lambda _alarm, _frame: signal.raise_signal(signum))
        signal.setitimer(signal.ITIMER_REAL, 0.001)


def interrupted(detail: str = "") -> NoReturn:
    """Say ``arxiv-digest: interrupted`` (and ``detail``) on stderr, and exit with 130."""
    sys.stderr.write(f"arxiv-digest: interrupted{detail}\n")
    sys.stderr.flush()
    sys.exit(EXIT_INTERRUPTED)


def own_process() -> None:
    """Say that this process is the command (the console script): :func:`end` may skip teardown."""
    global _own_process
    _own_process = True


def end(status: int) -> NoReturn:
    """Exit with ``status``: at once when this process is the command, else by ``sys.exit``."""
    threading = sys.modules.get("threading")
    multiprocessing = sys.modules.get("multiprocessing")
    if (
        _own_process
        and (threading is None or threading.active_count() == 1)
        and (multiprocessing is None or not multiprocessing.active_children())
    ):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass  # a closed or broken output: the ordinary way out reports it
        else:
            # Python's teardown frees every module and object, which a short check pays for
            # at every start; the output is flushed and in place, so there is nothing to undo.
            os._exit(status)
    sys.exit(status)


def bug_guard(command: F) -> F:
    """Wrap a command: Ctrl-C, a closed pipe, an I/O error, a bug (3) each end in one line."""
    import functools

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        import click

        from .errors import OptionError

        stop_on_sigterm()
        try:
            return command(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except OptionError as error:  # a command module's refusal of an option: a usage error
            if error.option is None:
                raise click.UsageError(str(error)) from None
            raise click.BadParameter(str(error), param_hint=error.option) from None
        except KeyboardInterrupt:
            interrupted()
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


def standalone(main: Callable[[], Any]) -> NoReturn:
    """Run click's ``main`` and exit as its standalone mode would, but Ctrl-C is 130."""
    import click

    try:
        status = main()
    except click.Abort:  # a KeyboardInterrupt that no command caught
        interrupted()
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    sys.exit(status if isinstance(status, int) else 0)
