"""docs/architecture.md is the code's own map: every module has a row, the drawing of who
imports whom is the import graph of the code, and no module reaches into another's private
names."""

from __future__ import annotations

import ast
import re

from tests.conftest import ROOT
from tests.test_imports import PACKAGE, graph

PAGE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def drawn_graph() -> dict[str, set[str]]:
    """The "Who imports whom" drawing as a graph: ``module ──► a, b (note)``, wrapped lines."""
    drawing = PAGE.split("## Who imports whom", 1)[1].split("```")[1]
    edges: dict[str, set[str]] = {}
    current = None
    for line in drawing.splitlines():
        line = re.sub(r"\([^)]*\)", "", line)  # a note: "(types only)", "(the arxiv client)"
        arrow = re.match(r"\s*(?:[0-9]+\s+)?(\w+) ─*► (.*)", line)
        if arrow:
            current, targets = arrow.group(1), arrow.group(2)
        elif current is not None and re.fullmatch(r"\s{6,}\w[\w, ]*", line):
            targets = line  # the wrapped rest of the line above
        else:
            current = None
            continue
        for word in re.findall(r"\w+", targets.split(";")[0]):
            edges.setdefault(current, set()).add(word)
    return edges


def test_the_drawing_is_the_import_graph() -> None:
    drawn = drawn_graph()
    actual = {module: targets for module, targets in graph().items() if targets}
    assert drawn.keys() == actual.keys()
    for module in sorted(actual):
        assert drawn[module] == actual[module], module


def test_every_module_has_a_row() -> None:
    rows = set(re.findall(r"^\| `arxiv_digest/(\w+)\.py` \|", PAGE, re.M))
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__"}
    assert rows == modules


def test_no_module_imports_a_private_name_of_another() -> None:
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.name}: from .{node.module} import {alias.name}")
    assert found == []
