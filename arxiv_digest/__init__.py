"""arxiv-digest: parse, check and convert daily arXiv digest Markdown files, byte for byte.

>>> from arxiv_digest import parse_digest, serialize_digest
>>> text = "# Arxiv Papers in cs.CV on 2023-03-11\\n"
>>> serialize_digest(parse_digest(text)) == text
True

The names are loaded on first use (PEP 562), so that importing a part of the package (the
command's entry point, which installs its signal handlers first) does not load the parser.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing costs the command's start 5 ms
if TYPE_CHECKING:
    from typing import Any

    from .errors import DigestError, DigestSyntaxError
    from .files import write_digest
    from .model import BrokenBlock, Digest, Paper
    from .parser import iter_papers, parse_digest, parse_paper
    from .serializer import serialize_digest, serialize_paper

__all__ = [
    "BrokenBlock",
    "Digest",
    "DigestError",
    "DigestSyntaxError",
    "Paper",
    "__version__",
    "iter_papers",
    "parse_digest",
    "parse_paper",
    "serialize_digest",
    "serialize_paper",
    "write_digest",
]

__version__ = "0.1.0"

#: The module each public name comes from.
_MODULES = {
    "DigestError": "errors",
    "DigestSyntaxError": "errors",
    "write_digest": "files",
    "BrokenBlock": "model",
    "Digest": "model",
    "Paper": "model",
    "iter_papers": "parser",
    "parse_digest": "parser",
    "parse_paper": "parser",
    "serialize_digest": "serializer",
    "serialize_paper": "serializer",
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time it is asked for.

    >>> import arxiv_digest
    >>> arxiv_digest.Digest.__name__
    'Digest'
    """
    if name not in _MODULES:
        raise AttributeError(f"module 'arxiv_digest' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_MODULES[name]}", __name__), name)
    globals()[name] = value  # once: later uses are plain lookups
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
