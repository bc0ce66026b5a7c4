"""The Categories line as the generator writes it, and as real archives hold it."""

from __future__ import annotations

from pathlib import Path

import attrs
import orjson
import pytest

from arxiv_digest import DigestSyntaxError, parse_digest, parse_paper, serialize_digest
from arxiv_digest.checks import check_text
from arxiv_digest.jsondata import digest_from_dict, digest_to_dict, paper_to_dict
from tests.conftest import CORPUS, TEXT

FIRST = "- **Categories**: **cs.CV**\n"  # the first paper's line
assert FIRST in TEXT


def with_line(line: str) -> str:
    return TEXT.replace(FIRST, line, 1)


@pytest.mark.parametrize(
    ("line", "categories", "primary", "unbolded"),
    [
        ("- **Categories**:\n", (), None, ()),
        ("- **Categories**: \n", ("",), None, ()),
        ("- **Categories**: ****\n", ("",), "", ()),
        ("- **Categories**: cs.LG, **cs.CV**\n", ("cs.LG", "cs.CV"), "cs.CV", ()),
        (
            "- **Categories**: **cs.CV**, cs.LG, **cs.CV**\n",
            ("cs.CV", "cs.LG", "cs.CV"),
            "cs.CV",
            (),
        ),
        ("- **Categories**: **cs.CV**, cs.LG, cs.CV\n", ("cs.CV", "cs.LG", "cs.CV"), "cs.CV", (2,)),
        ("- **Categories**: cs.CV, cs.LG, **cs.CV**\n", ("cs.CV", "cs.LG", "cs.CV"), "cs.CV", (0,)),
        ("- **Categories**: cs.LG, eess.IV\n", ("cs.LG", "eess.IV"), None, ()),
        ("- **Categories**: ***, **\n", ("***", "**"), None, ()),
        ("- **Categories**: *****\n", ("*",), "*", ()),
        (
            "- **Categories**: **cs.CV**, 68T45,\n  I.4.8\n",
            ("cs.CV", "68T45,\n  I.4.8"),
            "cs.CV",
            (),
        ),
    ],
)
def test_every_shape_reads_and_round_trips(
    line: str, categories: tuple[str, ...], primary: str | None, unbolded: tuple[int, ...]
) -> None:
    text = with_line(line)
    digest = parse_digest(text)
    paper = digest.papers[0]
    assert (paper.categories, paper.primary_category, paper.unbolded) == (
        categories,
        primary,
        unbolded,
    )
    assert attrs.evolve(paper) == paper  # the parser's object passes the validators
    assert serialize_digest(digest) == text
    # ... and JSON and back (from-json), byte for byte.
    _, back = digest_from_dict(orjson.loads(orjson.dumps(digest_to_dict(digest, "x.md"))))
    assert back == digest
    assert serialize_digest(back) == text
    assert ("unbolded" in paper_to_dict(paper)) == bool(unbolded)


def test_two_different_bold_terms_are_a_located_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "20230311.md"
    path.write_text(with_line("- **Categories**: **cs.CV**, cs.AI, **cs.LG**\n"), encoding="utf-8")
    with pytest.raises(DigestSyntaxError) as raised:
        parse_digest(path)
    error = raised.value
    assert (error.line, error.column) == (5, 37)
    assert str(error).startswith(f"{path}:5:37: a second bold category term, **cs.LG**, after")
    assert parse_digest(path, strict=False).broken[0].error.column == 37
    assert [f.code for f in check_text(path.read_text(encoding="utf-8"), path)] == ["AD001"]
    start = TEXT.index("### ")
    block = TEXT[start : TEXT.index("\n### ", start) + 1]
    block = block.replace(FIRST, "- **Categories**: **a**, **b**\n")
    with pytest.raises(DigestSyntaxError, match=r"^<string>:4:26: a second bold"):
        parse_paper(block)


def test_the_categories_line_without_a_space_only_when_empty() -> None:
    with pytest.raises(DigestSyntaxError, match=r"^<string>:5:18: expected the Categories"):
        parse_digest(with_line("- **Categories**:cs.CV\n"))
    with pytest.raises(DigestSyntaxError, match=r"^<string>:6:1: expected the Links line"):
        parse_digest(with_line("- **Categories**:\n  cs.CV\n"))


def test_the_real_papers_with_an_unbolded_primary() -> None:
    for name, index in (("2018/10/20181031.md", 7), ("2025/08/20250803.md", 47)):
        path = CORPUS / "cs.CV" / name
        digest = parse_digest(path)
        assert serialize_digest(digest) == path.read_text(encoding="utf-8")
        odd = [i for i, paper in enumerate(digest.papers) if paper.unbolded]
        assert odd == [index]
        assert check_text(path.read_text(encoding="utf-8"), path) == []


@pytest.mark.parametrize(
    ("line", "found"),
    [
        (
            "- **Categories**: cs.CV, cs.LG\n",
            ["5:19: AD205 no primary category: no category term is bold"],
        ),
        ("- **Categories**:\n", ["5:18: AD205 no primary category: the paper has no categories"]),
        ("- **Categories**: \n", ["5:19: AD205 no primary category: no category term is bold"]),
        ("- **Categories**: cs.LG, **cs.CV**\n", []),  # the generator, primary not first
        ("- **Categories**: **cs.CV**, cs.LG, **cs.CV**\n", []),
        ("- **Categories**: **cs.CV**, cs.LG, cs.CV\n", []),  # as in two real files
        ("- **Categories**: ****\n", []),
    ],
)
def test_check_rule_ad205(line: str, found: list[str]) -> None:
    findings = check_text(with_line(line), "cs.CV/2023/03/20230311.md")
    assert [f.text() for f in findings] == [f"cs.CV/2023/03/20230311.md:{f}" for f in found]
