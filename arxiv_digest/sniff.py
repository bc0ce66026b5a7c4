"""What a file is when it is plainly not a digest: UTF-16 or UTF-32 text, or JSON.

A digest starts with ``# Arxiv Papers in``. Bytes that start otherwise are looked at here, so
that the message names what the user gave (to-json's output, a file saved as UTF-16 by an
editor) in one line instead of a byte that cannot be decoded or a header that is not there.
Only the first bytes are read: the look costs nothing on a large file.
"""

from __future__ import annotations

import codecs

__all__ = ["foreign_format"]

_UTF8 = "digests are UTF-8"
_MARKDOWN = "digests are Markdown: # Arxiv Papers in ..."
_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _alternating_nuls(head: bytes, width: int) -> bool:
    """Every ``width``-byte unit of ``head`` is one ASCII byte and NULs (either byte order)."""
    units = [head[i : i + width] for i in range(0, len(head) - len(head) % width, width)]
    if len(units) < 2:
        return False
    return all(u[:-1] == bytes(width - 1) and u[-1] for u in units) or all(
        u[1:] == bytes(width - 1) and u[0] for u in units
    )


def foreign_format(data: bytes) -> str | None:
    """Say what ``data`` (a file's first bytes, or all of them) is when it is plainly no digest.

    ``None`` means nothing is known: the bytes may be a digest, or a broken one, and the
    parser says which.

    >>> foreign_format("# Arxiv".encode("utf-16"))
    'this is UTF-16 text (it starts with a byte-order mark); digests are UTF-8'
    >>> foreign_format("# Arxiv".encode("utf-16-le"))
    'this looks like UTF-16 text (a NUL byte beside each character); digests are UTF-8'
    >>> foreign_format(b'{"path": "2023/03/20230311.md", "category": "cs.CV"}\\n')
    'this looks like JSON (to-json output?); digests are Markdown: # Arxiv Papers in ...'
    >>> foreign_format(b"# Arxiv Papers in cs.CV on 2023-03-11\\n") is None
    True
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return f"this is {name} text (it starts with a byte-order mark); {_UTF8}"
    head = data[:64]
    if _alternating_nuls(head, 4):
        return f"this looks like UTF-32 text (three NUL bytes beside each character); {_UTF8}"
    if _alternating_nuls(head, 2):
        return f"this looks like UTF-16 text (a NUL byte beside each character); {_UTF8}"
    if head.lstrip(b" \t\r\n")[:1] in (b"{", b"["):
        return f"this looks like JSON (to-json output?); {_MARKDOWN}"
    return None
