"""The grammar ships inside the wheel and is found from an installed wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_carries_the_grammar_and_works_installed(tmp_path: Path) -> None:
    # Build the sdist, then the wheel from the sdist: the path a user's pip install takes.
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "arxiv_digest/grammar/digest.lark" in names
    assert "arxiv_digest/py.typed" in names
    shipped = zipfile.ZipFile(wheel).read("arxiv_digest/grammar/digest.lark")
    assert shipped == (ROOT / "grammar" / "digest.lark").read_bytes()

    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    script = (
        "import arxiv_digest, arxiv_digest.grammar as g, sys;"
        "print(g.grammar_path());"
        "d = arxiv_digest.parse_digest(open(sys.argv[1], encoding='utf-8').read());"
        "print(len(d.papers))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "tests/corpus/cs.CV/2023/03/20230311.md")],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    ).stdout.split("\n")
    assert out[0] == str(target / "arxiv_digest" / "grammar" / "digest.lark")
    assert out[1] == "45"
