"""The fast path (one token per paper block, lark-cython when installed) reads every real
file as the line-by-line rules do, and falls back to them, unchanged, on anything else."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, cast

import attrs
import pytest
from hypothesis import given
from lark import Lark
from lark.exceptions import UnexpectedInput

from arxiv_digest import DigestSyntaxError, parse_digest, parse_paper, serialize_digest
from arxiv_digest.grammar import BLOCK_START_SYMBOLS, LARK_OPTIONS, grammar_text
from arxiv_digest.parser import Builder, _BadValue, _fast, fast_parser, lark_parser, normalize
from arxiv_digest.strategies import digest_texts
from tests.conftest import CORPUS_FILES

CYTHON = importlib.util.find_spec("lark_cython") is not None


def text_of(path: Path) -> str:
    return normalize(path.read_bytes().decode("utf-8"), None)[0]


def parse_fast(text: str, start: str) -> object:
    return fast_parser().parse(text, start=start)


def test_fast_parser_is_lark_cython_exactly_when_it_is_installed() -> None:
    plugins = fast_parser().options.options.get("_plugins") or {}
    assert bool(plugins) == CYTHON
    assert "lark_cython" in type(fast_parser().parser.parser).__module__ or not CYTHON


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_the_block_terminal_reads_what_the_line_rules_read(path: Path) -> None:
    text = text_of(path)
    fast = cast("tuple[object, object, tuple[object, ...]]", parse_fast(text, "digest_blocks"))
    assert fast == lark_parser().parse(text, start="digest")
    header_end = text.index("\n") + 1
    assert parse_fast(text[header_end:], "paper_blocks") == fast[2]


def test_lark_cython_and_plain_lark_give_the_same_papers() -> None:
    plain = Lark(
        grammar_text(), start=list(BLOCK_START_SYMBOLS), transformer=Builder(), **LARK_OPTIONS
    )
    for path in CORPUS_FILES:
        text = text_of(path)
        assert fast_parser().parse(text, start="digest_blocks") == plain.parse(
            text, start="digest_blocks"
        )


@pytest.mark.parametrize("path", CORPUS_FILES[::10], ids=lambda p: p.name)
def test_parsed_digests_pass_the_validators(path: Path) -> None:
    digest = parse_digest(path)  # built without running them
    assert attrs.evolve(digest) == digest  # evolve runs every validator again
    assert serialize_digest(digest) == path.read_bytes().decode("utf-8")
    for paper in digest.papers[:5]:
        assert attrs.evolve(paper) == paper


def third_line(text: str, first: int, third: int) -> int:
    """The line, counted from the first block, where the second block starts."""
    return text.count("\n", first, text.index("\n### ", first) + 1) + 1


def test_parse_paper_takes_one_block_only() -> None:
    text = text_of(CORPUS_FILES[-1])
    first = text.index("### ")
    second = text.index("\n### ", first) + 1
    third = text.index("\n### ", second) + 1
    assert parse_paper(text[first:second]) == parse_digest(text).papers[0]
    with pytest.raises(DigestSyntaxError) as two:
        parse_paper(text[first:third])  # two blocks: the fast path leaves them to the rules
    assert two.value.line == third_line(text, first, third)


def test_trusted_paper_sets_every_field() -> None:
    from arxiv_digest.model import Paper, trusted_paper

    for paper in parse_digest(CORPUS_FILES[-1]).papers[:3]:
        names = [field.name for field in attrs.fields(Paper)]
        values = [getattr(paper, name) for name in names]
        built = trusted_paper(*values)
        assert built == paper
        assert all(getattr(built, name) is value for name, value in zip(names, values))


def test_lark_cython_is_loaded_only_past_a_megabyte(monkeypatch: pytest.MonkeyPatch) -> None:
    from arxiv_digest import parser

    asked: list[bool] = []
    real = parser.fast_parser

    def recording(accelerated: bool = True) -> Lark:
        asked.append(accelerated)
        return real(accelerated)

    monkeypatch.setattr(parser, "fast_parser", recording)
    monkeypatch.setattr(parser, "_parsed", 0)
    text = CORPUS_FILES[-1].read_bytes().decode("utf-8")
    first = parse_digest(text)
    assert parser._parsed == len(text)
    monkeypatch.setattr(parser, "_parsed", parser.ACCELERATE_AFTER)
    assert parse_digest(text) == first
    assert asked == [False, True]


def line_rules(text: str) -> Any:
    try:
        return lark_parser().parse(text, start="digest")
    except (UnexpectedInput, _BadValue):  # a value the model refuses, such as a 30 February
        return None


@given(digest_texts())
def test_the_fast_path_reads_what_the_line_rules_read_on_grammar_drawn_text(text: str) -> None:
    """Text drawn from the grammar's own terminals: the fast path (PAPER_BLOCKS, then the
    field expression made from the line layouts) gives what the line rules give, or leaves the
    text to them exactly when they refuse it (a 30 February, a second bold term)."""
    assert _fast(text, "digest_blocks") == line_rules(text)
    body = text[text.index("\n") + 1 :]
    blocks = line_rules("# Arxiv Papers in cs.CV on 2023-03-11\n" + body)
    assert _fast(body, "paper_blocks") == (None if blocks is None else blocks[2])
