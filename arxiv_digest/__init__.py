"""arxiv-digest: parse, check and convert daily arXiv digest Markdown files, byte for byte.

>>> from arxiv_digest import parse_digest, serialize_digest
>>> text = "# Arxiv Papers in cs.CV on 2023-03-11\\n"
>>> serialize_digest(parse_digest(text)) == text
True
"""

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
