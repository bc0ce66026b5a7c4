"""The package's modules import each other in one direction only: no module imports one that
imports it back, directly or round a longer circle (imports inside functions and under
``TYPE_CHECKING`` count too, since they are a dependency all the same)."""

from __future__ import annotations

import ast
from pathlib import Path

import arxiv_digest

PACKAGE = Path(arxiv_digest.__file__).parent


def imports_of(path: Path) -> set[str]:
    """The arxiv_digest modules that a module imports, anywhere in it."""
    module = path.stem
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:  # from .parser import x
                found.add(node.module.split(".")[0])
            elif node.level == 1:  # from . import serializer
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("arxiv_digest."):
                found.add(node.module.split(".")[1])
            elif node.module == "arxiv_digest":
                found.update(alias.name for alias in node.names if is_module(alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("arxiv_digest."):
                    found.add(alias.name.split(".")[1])
    return {name for name in found if is_module(name)} - {module}


def is_module(name: str) -> bool:
    return (PACKAGE / f"{name}.py").is_file()


def graph() -> dict[str, set[str]]:
    return {
        path.stem: imports_of(path)
        for path in sorted(PACKAGE.glob("*.py"))
        if path.stem != "__init__"
    }


def cycle_in(edges: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports, as the list of modules round it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(edges.get(module, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)) is not None:
                return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(edges):
        if module not in state and (found := visit(module)) is not None:
            return found
    return None


def test_the_import_graph_has_no_cycle() -> None:
    edges = graph()
    assert edges["_parser"] >= {"grammar", "model"}  # the walk sees real imports
    assert "diagnostics" in edges["_parser"]  # including those inside functions
    circle = cycle_in(edges)
    assert circle is None, "import cycle: " + " -> ".join(circle or [])


def test_the_cycle_finder_finds_one() -> None:
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_grammar_module_imports_nothing_of_the_package() -> None:
    assert graph()["grammar"] == set()


# What `arxiv-digest check one.md` must not import: each is milliseconds of every start
# (pathlib brings urllib.parse and ipaddress), and check one file needs none of them.
_NOT_AT_START = ("pathlib", "json", "orjson", "concurrent.futures", "multiprocessing", "tqdm")


def test_check_of_one_file_imports_nothing_it_does_not_need() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from arxiv_digest.cli import main\n"
        "sys.argv = ['arxiv-digest', 'check', 'tests/corpus/cs.CV/2023/03/20230311.md']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        f"print(sorted(set({_NOT_AT_START!r}) & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def test_to_json_of_a_folder_does_not_import_pathlib(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from arxiv_digest.cli import main\n"
        f"sys.argv = ['arxiv-digest', 'to-json', 'tests/corpus/cs.CV/2023', '-q', '-o',"
        f" {str(tmp_path / 'out.jsonl')!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "print('pathlib' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False"
    assert (tmp_path / "out.jsonl").stat().st_size > 0
