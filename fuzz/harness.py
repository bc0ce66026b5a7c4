"""The property every input must keep, for the fuzzer and the regression tests alike.

Any bytes: decoding, strict and lenient parsing and the checks either succeed, and then the
text comes back byte for byte, or raise DigestError (a syntax error located inside the text).
Anything else escaping is a bug.
"""

from __future__ import annotations

from arxiv_digest import DigestError, DigestSyntaxError, parse_digest, serialize_digest
from arxiv_digest.checks import check_text
from arxiv_digest.parser import decode


def _located(error: DigestSyntaxError, text: str) -> None:
    lines = text.split("\n")
    assert 1 <= error.line <= len(lines), (error.line, len(lines))
    assert 1 <= error.column <= len(lines[error.line - 1]) + 1, (error.line, error.column)
    str(error)  # the rendering must not fail either


def check_bytes(data: bytes) -> None:
    """Assert the property for one input; raise AssertionError or the stray exception."""
    try:
        text = decode(data, "fuzz.md")
    except DigestSyntaxError as error:
        _located(error, data.decode("utf-8", errors="replace"))
        return
    for strict in (True, False):
        try:
            digest = parse_digest(text, strict=strict)
        except DigestSyntaxError as error:
            _located(error, text)
        else:
            assert serialize_digest(digest) == text
            if strict:
                assert not digest.broken
    try:
        findings = check_text(text, "cs.CV/2023/03/20230311.md")
    except DigestError as error:
        raise AssertionError(f"check_text raised instead of reporting: {error}") from None
    for finding in findings:
        assert finding.line >= 1
        assert finding.column >= 1
