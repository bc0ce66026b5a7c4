"""The project as a newcomer meets it: docstrings with examples, and the docs in step."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import arxiv_digest
from arxiv_digest.checks import RULES
from tests.conftest import ROOT


def public_names() -> list[tuple[str, object]]:
    names: list[tuple[str, object]] = []
    for info in pkgutil.iter_modules(arxiv_digest.__path__):
        module = importlib.import_module(f"arxiv_digest.{info.name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                names.append((f"{info.name}.{name}", obj))
                if inspect.isclass(obj):
                    names += [
                        (f"{info.name}.{name}.{attr}", value)
                        for attr, value in vars(obj).items()
                        if not attr.startswith("_")
                        and (inspect.isfunction(value) or isinstance(value, property))
                    ]
    return names


def test_every_public_name_has_a_docstring_with_an_example() -> None:
    names = public_names()
    assert len(names) > 40
    missing = [name for name, obj in names if ">>>" not in (inspect.getdoc(obj) or "")]
    assert missing == []


def test_every_rule_code_is_documented_with_an_example() -> None:
    cli = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for code in RULES:
        assert f"| {code} |" in cli
        assert f": {code} " in cli  # an example finding, as the command prints it


def test_every_page_is_in_the_site() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    assert [p for p in pages if p not in config] == []


def test_snippet_includes_are_intact() -> None:
    import re

    for page in sorted((ROOT / "docs").glob("*.md")):
        for line in page.read_text(encoding="utf-8").splitlines():
            if "8<" in line or "8 <" in line:
                include = re.fullmatch(r'--8<-- "([^":]+)(?::[a-z_]+)?"', line)
                assert include, f"{page.name}: mangled snippet include {line!r}"
                assert (ROOT / include[1]).is_file()
