"""A griffe extension for the API reference: doctest examples shown as code.

Docstrings keep plain doctest examples (``>>>`` lines and their output), which CI runs; in
Markdown a ``>>>`` line would be a block quote, so this wraps each example in a ``pycon``
fence before mkdocstrings renders it.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence_examples(text: str) -> str:
    """Wrap each run of doctest lines (prompt, continuation, output) in a pycon fence.

    >>> fence_examples("Text.\\n\\n>>> 1 + 1\\n2\\n\\nMore.").split("\\n")
    ['Text.', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'More.']
    >>> once = fence_examples(">>> 1\\n1")
    >>> fence_examples(once) == once
    True
    """
    out: list[str] = []
    inside = fenced = False
    for line in text.split("\n"):
        if line.startswith("```") and not inside:  # already a code block: leave it be
            fenced = not fenced
        elif line.startswith(">>>") and not inside and not fenced:
            out.append("```pycon")
            inside = True
        elif inside and not line.strip():
            out.append("```")
            inside = False
        out.append(line)
    if inside:
        out.append("```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the doctest examples of every docstring griffe loads."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite the object's docstring, once it is loaded."""
        if obj.docstring is not None:
            obj.docstring.value = fence_examples(obj.docstring.value)

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """The same for a package's own docstring (``__init__.py``)."""
        self.on_object(obj=pkg)

    def on_module(self, *, mod: griffe.Module, **kwargs: Any) -> None:
        """The same for a module's docstring."""
        self.on_object(obj=mod)
