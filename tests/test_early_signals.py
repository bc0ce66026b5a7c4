"""A signal in the first tenth of a second (issue 22, point 6): the command's handlers are
installed before the imports that take most of its start, so SIGTERM ends it with 143 and
Ctrl-C with 130 (and ``arxiv-digest: interrupted``), never killed (-15) nor a traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REAL

SCRIPT = Path(sys.executable).parent / "arxiv-digest"

# The console script as pip writes it, with an import hook that notes, at the first import of
# a heavy module, which handler SIGTERM and SIGINT have.
WATCHED = """
import signal, sys

class Watch:
    seen = None

    def find_spec(self, name, path=None, target=None):
        if Watch.seen is None and name.split(".")[0] in ("click", "lark", "attr", "attrs"):
            Watch.seen = (name, signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT))
            print(Watch.seen[0], Watch.seen[1] is not signal.SIG_DFL, file=sys.stderr)
        return None

sys.meta_path.insert(0, Watch())
sys.argv = ["arxiv-digest", "--version"]
from arxiv_digest.__main__ import script
script()
"""


def test_handlers_come_before_the_heavy_imports() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WATCHED], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    first, handled = done.stderr.split()
    assert first in ("click", "lark", "attr", "attrs")
    assert handled == "True"  # SIGTERM's handler is ours when the first heavy import starts


def caught_signals(pid: int) -> int:
    """The mask of signals the process has a handler for (Linux's /proc), 0 if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("SigCgt:"):
            return int(line.split()[1], 16)
    return 0


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_early_signals_end_with_the_documented_status(signum: int, status: int) -> None:
    """A bounded loop: each run gets the signal as soon as the handler is there, or after a
    few milliseconds more, while it is still importing; every one ends with ``status``."""
    if not Path("/proc/self/status").exists():
        pytest.fail("this test reads Linux's /proc")
    term = 1 << (signal.SIGTERM - 1)
    outcomes = []
    for extra in (0.0, 0.0, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05):
        process = subprocess.Popen(
            [str(SCRIPT), "check", str(REAL)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 10
        while not caught_signals(process.pid) & term:
            assert process.poll() is None, "ended before its handler was seen"
            assert time.monotonic() < deadline
            time.sleep(0.0005)
        time.sleep(extra)
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
        if process.returncode == 0:  # it had finished already: the signal came too late
            assert out.endswith(b"no problems found.\n")
            continue
        assert b"Traceback" not in err
        assert process.returncode == status, err
        # Ctrl-C while click parses the arguments: click first ends the terminal's "^C" line.
        said = err.removeprefix(b"\n") if signum == signal.SIGINT else err
        assert said == (b"arxiv-digest: interrupted\n" if signum == signal.SIGINT else b"")
        outcomes.append(process.returncode)
    assert outcomes, "every run finished before its signal: none was early"


# A signal whose exception comes inside a weakref callback (as one of importlib's does while a
# module loads): Python prints it as "Exception ignored" and drops it.
DROPPED = """
import sys, time, weakref
from arxiv_digest._process import stop, stop_on_sigterm

stop_on_sigterm()

class Thing:
    pass

thing = Thing()
ref = weakref.ref(thing, lambda _: {raise_it})
del thing
try:
    time.sleep(5)
except KeyboardInterrupt:
    sys.exit(130)
print("went on")
"""


@pytest.mark.parametrize(
    ("raise_it", "status"),
    [("stop(15, None)", 143), ("signal.default_int_handler(2, None)", 130)],
)
def test_a_signal_dropped_by_python_is_delivered_again(raise_it: str, status: int) -> None:
    code = DROPPED.format(raise_it=raise_it).replace("import sys,", "import signal, sys,")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (status, "", "")
