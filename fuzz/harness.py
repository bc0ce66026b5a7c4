"""The property every input must keep, for the fuzzer and the regression tests alike.

Any bytes: decoding, strict and lenient parsing and the checks either succeed, and then the
text comes back byte for byte, through the serializer and through JSON, or raise DigestError
(a syntax error located inside the text). Anything else escaping is a bug.

The write paths too, on real files in a scratch folder (:func:`write_paths`): the bytes as a
file, ``fix`` in place, ``to-json``'s engine, and ``from-json --force`` over an older file,
through both its readers (a line read whole with orjson, and a long line read a piece at a
time); and the bytes as a JSON line given to ``from-json``, where the two readers must agree
on what they write.

An input that starts with the byte 0x01 is read as a recipe for a long line instead (see
:func:`long_line`): one field of a real digest made of a fragment repeated many times, so that
the fuzzer explores megabyte lines of every field without having to grow them byte by byte.
A slow error message on such a line is a hang for libFuzzer's ``-timeout``.
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
import tempfile
from pathlib import Path

import orjson

from arxiv_digest import DigestError, DigestSyntaxError, fromjson, parse_digest, serialize_digest
from arxiv_digest.checks import check_text
from arxiv_digest.convert import convert_batch
from arxiv_digest.fix import fix_file, fix_text
from arxiv_digest.jsondata import digest_from_dict, digest_to_dict
from arxiv_digest.parser import decode

LONG_LINE = 0x01

_SEED = (
    Path(__file__).resolve().parent.parent / "tests/corpus/cs.CV/2023/03/20230311.md"
).read_bytes()
_HEADER, _, _REST = _SEED.partition(b"\n")
_BLOCK = _REST[: _REST.index(b"\n### ") + 1]

#: Where a long fragment goes: (the text before it, the text after it) in a one-paper digest.
PLACES: tuple[tuple[bytes, bytes], ...] = tuple(
    (before, after)
    for before, after in (
        (b"# Arxiv Papers in ", b" on 2023-03-11\n" + _BLOCK),
        (b"# Arxiv Papers in cs.CV on ", b"\n" + _BLOCK),
        *(
            (
                _HEADER + b"\n" + _BLOCK[: _BLOCK.index(start) + len(start)],
                _BLOCK[_BLOCK.index(b"\n", _BLOCK.index(start)) :],
            )
            for start in (
                b"### ",
                b"- **Arxiv ID**: ",
                b"- **DOI**: ",
                b"- **Categories**: ",
                b"- **Links**: [PDF](",
                b"- **Published**: ",
                b"- **Updated**: ",
                b"- **Authors**: ",
                b"- **Comment**: ",
                b"- **Journal**: ",
                b"- **Summary**: ",
            )
        ),
        (_HEADER + b"\n" + _BLOCK.rstrip(b"\n") + b"\n", b""),  # after the summary
    )
)


def long_line(recipe: bytes) -> bytes:
    """A digest with one field made of a fragment repeated: the recipe's bytes say which.

    ``recipe[0]`` picks the place, ``recipe[1:3]`` the repeat count (up to 65,535 times, at
    most about 500 kB in all: enough to make quadratic work take minutes, small enough for
    the instrumented run to take well under libFuzzer's timeout), the rest is the fragment.

    >>> long_line(bytes([3, 0, 3]) + b"v1").count(b"v1v1v1")
    1
    """
    if len(recipe) < 4:
        return recipe
    before, after = PLACES[recipe[0] % len(PLACES)]
    fragment = recipe[3:]
    count = min(int.from_bytes(recipe[1:3], "big"), 500_000 // len(fragment))
    return before + fragment * count + after


def _located(error: DigestSyntaxError, lines: list[str]) -> None:
    """The error is inside the text (split into ``lines`` once: a file may have many)."""
    assert 1 <= error.line <= len(lines), (error.line, len(lines))
    assert 1 <= error.column <= len(lines[error.line - 1]) + 1, (error.line, error.column)
    str(error)  # the rendering must not fail either


def _json_round_trip(text: str) -> None:
    """The text through to-json's lossless shape and back: the same bytes (strict parses)."""
    digest = parse_digest(text)
    line = orjson.dumps(digest_to_dict(digest, "20230311.md"))
    path, back = digest_from_dict(orjson.loads(line))
    assert path == "20230311.md"
    assert back == digest
    assert serialize_digest(back) == text


def check_bytes(data: bytes) -> None:
    """Assert the property for one input; raise AssertionError or the stray exception."""
    if data[:1] == bytes([LONG_LINE]):
        data = long_line(data[1:])
    write_paths(data)
    try:
        text = decode(data, "fuzz.md")
    except DigestSyntaxError as error:
        _located(error, data.decode("utf-8", errors="replace").split("\n"))
        return
    lines = text.split("\n")
    for strict in (True, False):
        try:
            digest = parse_digest(text, strict=strict)
        except DigestSyntaxError as error:
            _located(error, lines)
        else:
            assert serialize_digest(digest) == text
            if strict:
                assert not digest.broken
                _json_round_trip(text)
            for block in digest.broken:
                _located(block.error, lines)
    try:
        findings = check_text(text, "cs.CV/2023/03/20230311.md")
    except DigestError as error:
        raise AssertionError(f"check_text raised instead of reporting: {error}") from None
    for finding in findings:
        assert finding.line >= 1
        assert finding.column >= 1


#: The scratch folder of this process's write paths (in memory where Linux has /dev/shm).
_SCRATCH = Path(
    tempfile.mkdtemp(prefix="fuzz-write-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
)
atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)


def _from_json(line: bytes, folder: Path, *, long: bool) -> list[tuple[str, bytes | None]]:
    """``from-json --force`` of one line into ``folder``: each result's status and file bytes.

    ``long``: the line is read as a long line (:data:`fromjson.LINE_BYTES` made tiny for the
    call), a piece at a time; else whole, with orjson.
    """
    limit = fromjson.LINE_BYTES
    if long:
        fromjson.LINE_BYTES = 8
    try:
        source = io.BytesIO(line if line.endswith(b"\n") else line + b"\n")
        try:
            results = list(fromjson.rebuild_lines(source, folder, force=True))
        except fromjson.WrongShape:
            return [("wrong shape", None)]
    finally:
        fromjson.LINE_BYTES = limit
    done = []
    for result in results:
        assert result.status != fromjson.FAILED, result.message  # the scratch folder is ours
        target = folder / result.path if result.path and result.status != "refused" else None
        done.append((result.status, target.read_bytes() if target else None))
    leftovers = [p.name for p in folder.rglob("*.tmp")]
    assert not leftovers, leftovers
    return done


def write_paths(data: bytes) -> None:
    """The write paths on ``data``: fix, to-json, from-json (see the module's docstring)."""
    shutil.rmtree(_SCRATCH, ignore_errors=True)
    archive = _SCRATCH / "archive"
    archive.mkdir(parents=True)
    path = archive / "20230311.md"
    path.write_bytes(data)
    # The bytes as a from-json line: both readers refuse it, or write the same bytes.
    for folder in ("a", "b"):
        (_SCRATCH / folder).mkdir()
    whole = _from_json(data.split(b"\n", 1)[0], _SCRATCH / "a", long=False)
    pieces = _from_json(data.split(b"\n", 1)[0], _SCRATCH / "b", long=True)
    for (status, written), (other, other_written) in zip(whole, pieces):
        if status in ("written", "unchanged") and other in ("written", "unchanged"):
            assert written == other_written, (status, other)
    # The bytes as a file, fixed in place: the file holds what fix makes of the same text.
    done = fix_file(path)
    assert done.error is None, done.error
    if done.written:
        expected = fix_text(decode(data, str(path)), path).after.encode("utf-8")
        assert path.read_bytes() == expected
    else:
        assert path.read_bytes() == data  # nothing to fix, or a syntax error: not touched
    fixed = path.read_bytes()
    try:
        parse_digest(path)
    except DigestError:
        return  # a syntax error: fix leaves it, to-json leaves the file out
    # to-json's engine, then from-json --force over the bytes before the fix: the fixed bytes.
    sink = io.BytesIO()
    batch = convert_batch([(str(path), "20230311.md")], False, False, sink)
    assert batch.errors == (), batch.errors
    assert batch.items == 1
    for long in (False, True):
        out = _SCRATCH / f"out-{long}"
        out.mkdir()
        (out / "20230311.md").write_bytes(data)
        results = _from_json(sink.getvalue(), out, long=long)
        assert results == [("unchanged" if fixed == data else "written", fixed)], results
