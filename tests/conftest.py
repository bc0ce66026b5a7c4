"""Shared fixtures: the real corpus, the command run in-process, and hypothesis profiles.

Profiles: ``ci`` (the default: a modest budget for every test run) and ``fuzz`` (a long run:
``HYPOTHESIS_PROFILE=fuzz pytest tests/test_properties.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from arxiv_digest.cli import main

#: The repository's root (README.md, docs/, .ci/).
ROOT = Path(__file__).resolve().parent.parent
#: The real CVPapers digests shipped with the tests, and every one of them.
CORPUS = Path(__file__).parent / "corpus"
CORPUS_FILES = sorted(p for p in CORPUS.rglob("*.md") if p.name != "README.md")
#: One real day (45 papers) that most tests start from, and its text.
REAL = CORPUS / "cs.CV/2023/03/20230311.md"
TEXT = REAL.read_text(encoding="utf-8")


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    """The command with ``args``, in this process: exit status, stdout, stderr (no traceback)."""
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    # In CI the examples are the same on every run, so a submission's result cannot hang on a
    # lucky draw; on a developer's machine they vary, which is how new bugs are found.
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=20_000,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
