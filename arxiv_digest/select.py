"""Choosing papers: composable predicates over :class:`Paper`, and ``arxiv-digest select``.

A predicate is any ``Callable[[Paper], bool]``; :func:`matching`, :func:`excluding`,
:func:`by_author`, :func:`in_category` and :func:`published_between` make them, :func:`all_of`
joins them, and they work on :func:`iter_papers` as on a parsed digest's papers::

    wanted = all_of(matching("diffusion"), excluding("medical"))
    papers = [paper for paper in iter_papers(path) if wanted(paper)]

Text is compared folded (:func:`fold`: compatibility-decomposed, accents removed, case-folded)
and words on word boundaries: ``GAN`` does not match ``organ``. The command's work
(:func:`select_archive`) finds the files, parses them in parallel as ``check`` does, keeps the
papers the :class:`Query` selects and, with a :class:`~arxiv_digest.seen.SeenState`, only
those not emitted before; ``arxiv_digest.outputs`` writes them.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ._process import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from ._report import plural
from .model import Paper, utc_date

if TYPE_CHECKING:
    from .model import Digest
    from .seen import SeenState

__all__ = [
    "FIELDS",
    "Predicate",
    "Query",
    "SelectError",
    "Selected",
    "Selection",
    "all_of",
    "by_author",
    "compile_terms",
    "excluding",
    "fold",
    "in_category",
    "matching",
    "published_between",
    "read_config",
    "select_archive",
    "select_batch",
]

#: A test of one paper.
Predicate = Callable[[Paper], bool]

#: The fields ``--match`` and ``--exclude`` look at (``--in`` narrows them).
FIELDS = ("title", "summary", "comment")


class SelectError(ValueError):
    """A term, pattern, option or config file that cannot be used: the message says why.

    >>> compile_terms("re:(")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    arxiv_digest.select.SelectError: bad pattern 're:(': missing ), unterminated subpattern ...
    """


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def _unmarked(found: re.Match[str]) -> str:
    return "".join(c for c in found[0] if not unicodedata.combining(c))


def fold(text: str) -> str:
    """``text`` as it is compared: case-folded, NFKD-decomposed, without combining marks.

    >>> fold("Hervé LOMBAERT"), fold("Straße"), fold("ﬁne-tuning")
    ('herve lombaert', 'strasse', 'fine-tuning')
    """
    if text.isascii():  # the common case: NFKD changes nothing, casefold is lower
        return text.lower()
    # Only the runs of non-ASCII characters can be combining marks: a Python loop over
    # every character of a summary would cost more than its parse.
    return _NOT_ASCII.sub(_unmarked, unicodedata.normalize("NFKD", text.casefold()))


def _words_pattern(words: list[str]) -> str:
    """Folded words in this order, apart only by non-word characters, on word boundaries.

    The boundary before the first word is tested after it, by a look-behind of its length:
    a pattern that starts with a literal is searched for by its literal, several times
    faster than one that starts with a look-behind.
    """
    first, *rest = (re.escape(word) for word in words)
    pattern = first
    if re.match(r"\w", words[0]):
        pattern += rf"(?<!\w.{{{len(words[0])}}})"
    pattern += "".join(rf"\W+{word}" for word in rest)
    if re.search(r"\w$", words[-1]):
        pattern += r"(?!\w)"
    return pattern


def _regex_flags(pattern: str) -> int:
    """Ignore case only for a pattern with upper-case letters (escapes such as ``\\S`` aside).

    The text is folded to lower case already, and a search that ignores case is several
    times slower.
    """
    letters = re.sub(r"\\.", "", pattern)
    return re.IGNORECASE if any(c.isupper() for c in letters) else 0


_TERM = re.compile(r'"([^"]*)"|([^\s"]+)|(")')


def compile_terms(terms: str) -> tuple[re.Pattern[str], ...]:
    """The patterns of one ``--match`` value, all of which must be found in a paper.

    Words (each on its own, anywhere), ``"quoted phrases"`` (the words in this order, apart
    only by spaces or punctuation), or ``re:PATTERN``: a Python regular expression searched,
    ignoring case, in the folded text. Raises :class:`SelectError` for a bad pattern, an
    unclosed quote or no word at all.

    >>> [p.pattern for p in compile_terms('GAN "point cloud"')]
    ['gan(?<!\\\\w.{3})(?!\\\\w)', 'point(?<!\\\\w.{5})\\\\W+cloud(?!\\\\w)']
    >>> compile_terms('"point cloud')
    Traceback (most recent call last):
    ...
    arxiv_digest.select.SelectError: '"point cloud': a quote (") is not closed
    """
    if terms.startswith("re:"):
        if not terms[3:]:
            raise SelectError(f"{terms!r}: the pattern after re: is empty")
        try:
            return (re.compile(terms[3:], _regex_flags(terms[3:])),)
        except re.error as error:
            raise SelectError(f"bad pattern {terms!r}: {error}") from None
    patterns = []
    for found in _TERM.finditer(terms):
        if found[3]:
            raise SelectError(f'{terms!r}: a quote (") is not closed')
        words = fold(found[1] if found[1] is not None else found[2]).split()
        if words:
            patterns.append(re.compile(_words_pattern(words)))
    if not patterns:
        raise SelectError(f"{terms!r}: no word to look for")
    return tuple(patterns)


def _fields_of(fields: Sequence[str]) -> tuple[str, ...]:
    unknown = [field for field in fields if field not in FIELDS]
    if unknown or not fields:
        raise SelectError(f"fields must be some of {', '.join(FIELDS)}, not {list(fields)!r}")
    return tuple(fields)


def _texts(paper: Paper, fields: tuple[str, ...]) -> list[str]:
    texts = []
    for field in fields:
        value = getattr(paper, field)
        if value is not None:
            texts.append(fold(value))
    return texts


_Terms = list[tuple[re.Pattern[str], ...]]


def _found(paper: Paper, fields: tuple[str, ...], any_of: _Terms) -> bool:
    """Whether all patterns of one of ``any_of`` are found, each in one of the fields."""
    texts = _texts(paper, fields)
    for patterns in any_of:
        for pattern in patterns:
            for text in texts:
                if pattern.search(text):
                    break
            else:  # this pattern is in no field: this term does not match
                break
        else:
            return True
    return False


def matching(*terms: str, fields: Sequence[str] = FIELDS) -> Predicate:
    """Papers in which any one of ``terms`` is found, in ``fields`` (some of :data:`FIELDS`).

    Each of ``terms`` is found when all its words are (see :func:`compile_terms`).

    >>> from pathlib import Path

    >>> from arxiv_digest import iter_papers

    >>> day = Path("tests/corpus/cs.CV/2023/03/20230311.md")
    >>> wanted = matching('"active learning"', "GAN", fields=["title"])
    >>> [p.arxiv_id for p in iter_papers(day) if wanted(p)]
    ['2303.06250', '2303.06298']
    """
    any_of = [compile_terms(term) for term in terms]
    where = _fields_of(fields)
    return lambda paper: _found(paper, where, any_of)


def excluding(*terms: str, fields: Sequence[str] = FIELDS) -> Predicate:
    """Papers in which none of ``terms`` is found: the opposite of :func:`matching`.

    >>> from pathlib import Path

    >>> from arxiv_digest import iter_papers

    >>> day = Path("tests/corpus/cs.CV/2023/03/20230311.md")
    >>> papers = list(iter_papers(day))
    >>> len(papers), len([p for p in papers if excluding("segmentation")(p)])
    (45, 36)
    """
    any_of = [compile_terms(term) for term in terms]
    where = _fields_of(fields)
    return lambda paper: not _found(paper, where, any_of)


def _name(name: str) -> str:
    return " ".join(fold(name).split())


def by_author(*names: str) -> Predicate:
    """Papers with an author whose whole name is one of ``names``, as the archive writes it.

    Case, accents and runs of spaces do not count (``Herve Lombaert`` finds ``Hervé
    Lombaert``); a part of a name does not match (``He`` is not ``Kaiming He``).

    >>> from pathlib import Path

    >>> from arxiv_digest import iter_papers

    >>> day = Path("tests/corpus/cs.CV/2023/03/20230311.md")
    >>> wanted = by_author("herve lombaert")
    >>> [p.arxiv_id for p in iter_papers(day) if wanted(p)]
    ['2303.06268']
    """
    wanted = frozenset(_name(name) for name in names)
    return lambda paper: any(_name(author) in wanted for author in paper.authors)


def in_category(*categories: str) -> Predicate:
    """Papers listed in any of ``categories``, primary or cross-listed (case does not count).

    >>> from pathlib import Path

    >>> from arxiv_digest import iter_papers

    >>> day = Path("tests/corpus/cs.CV/2023/03/20230311.md")
    >>> wanted = in_category("eess.iv")
    >>> len([p for p in iter_papers(day) if wanted(p)])
    3
    """
    wanted = frozenset(category.casefold() for category in categories)
    return lambda paper: any(term.casefold() in wanted for term in paper.categories)


def published_between(first: dt.date | None = None, last: dt.date | None = None) -> Predicate:
    """Papers published (UTC date, a digest's day) from ``first`` to ``last``, both included.

    >>> import datetime as dt
    >>> from pathlib import Path
    >>> from arxiv_digest import iter_papers
    >>> day = Path("tests/corpus/cs.CV/2023/03/20230311.md")
    >>> wanted = published_between(dt.date(2023, 3, 12))
    >>> any(wanted(p) for p in iter_papers(day))
    False
    """
    low = dt.date.min if first is None else first
    high = dt.date.max if last is None else last

    def between(paper: Paper) -> bool:
        day = utc_date(paper.published)
        if day is None:  # before year 1 or after 9999 in UTC: beyond any bound given
            return first is None if paper.published.year == 1 else last is None
        return low <= day <= high

    return between


def all_of(*predicates: Predicate) -> Predicate:
    """Papers that every one of ``predicates`` accepts (all papers, for none).

    >>> all_of(matching("x"), excluding("x"))  # doctest: +ELLIPSIS
    <function all_of.<locals>.<lambda> at ...>
    """
    return lambda paper: all(predicate(paper) for predicate in predicates)


@attrs.frozen
class Query:
    """What ``arxiv-digest select`` keeps: its filter options, checked when it is made.

    Plain values, so that worker processes can be handed it; :meth:`predicate` builds the
    test. Kinds are combined with AND, the values of one kind with OR (every ``exclude``
    removes).

    >>> from pathlib import Path

    >>> from arxiv_digest import iter_papers

    >>> day = Path("tests/corpus/cs.CV/2023/03/20230311.md")
    >>> first = next(iter_papers(day))
    >>> Query(match=("3D annotation",), exclude=("medical",)).predicate()(first)
    True
    >>> Query(match=("re:[",))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    arxiv_digest.select.SelectError: bad pattern 're:[': unterminated character set ...
    """

    match: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    fields: tuple[str, ...] = FIELDS
    first: dt.date | None = None
    last: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        for terms in (*self.match, *self.exclude):  # every bad term, before any work
            compile_terms(terms)
        _fields_of(self.fields)
        if self.first and self.last and self.last < self.first:
            raise SelectError(f"the last day {self.last} is before the first {self.first}")

    def describe(self) -> str:
        """The query in a few words, for a feed's or a reading list's default title.

        >>> Query(match=("diffusion", "GAN"), exclude=("medical",)).describe()
        'diffusion | GAN, not medical'
        """
        parts = [" | ".join(self.match)] if self.match else []
        parts += [f"by {name}" for name in self.authors]
        parts += [f"in {' | '.join(self.categories)}"] if self.categories else []
        parts += [f"not {term}" for term in self.exclude]
        if self.first or self.last:
            parts.append(f"{self.first or '...'} to {self.last or '...'}")
        return ", ".join(parts) or "every paper"

    def predicate(self) -> Predicate:
        """The test of one paper (built once per process: it compiles the patterns).

        >>> from pathlib import Path

        >>> from arxiv_digest import iter_papers

        >>> day = Path("tests/corpus/cs.CV/2023/03/20230311.md")
        >>> test = Query(categories=("cs.CV",)).predicate()
        >>> all(test(p) for p in iter_papers(day))
        True
        """
        return _predicate(self)


@functools.cache
def _predicate(query: Query) -> Predicate:
    tests: list[Predicate] = []
    if query.first is not None or query.last is not None:
        tests.append(published_between(query.first, query.last))
    if query.categories:
        tests.append(in_category(*query.categories))
    if query.authors:
        tests.append(by_author(*query.authors))
    if query.match:
        tests.append(matching(*query.match, fields=query.fields))
    if query.exclude:
        tests.append(excluding(*query.exclude, fields=query.fields))
    return all_of(*tests)


# --------------------------------------------------------------------------- the command


@attrs.frozen
class Selected:
    """One selected paper, with where it was listed.

    ``head`` is its digest without papers (the header's label and date, the newline),
    ``relative`` the digest's path relative to the folder given (as ``to-json`` writes it), and
    ``block`` the paper's block as the file holds it, when the output needs it.

    >>> work = [("tests/corpus/cs.CV/2023/03/20230311.md", "2023/03/20230311.md")]
    >>> found = select_archive(work, Query(match=("ReBound",)), blocks=True).selected[0]
    >>> found.head.date, found.relative, found.block.splitlines()[1]
    (datetime.date(2023, 3, 11), '2023/03/20230311.md', '- **Arxiv ID**: http://arxiv.org/abs/2303.06250v1')
    """

    paper: Paper
    head: Digest
    relative: str
    block: str | None = None


@attrs.frozen
class Picked:
    """What one batch of files gave: the selected papers, and the files that failed.

    >>> select_batch([("missing.md", "missing.md")], Query()).errors
    ('missing.md: cannot read: No such file or directory',)
    """

    selected: tuple[Selected, ...]
    files: int
    papers: int
    errors: tuple[str, ...] = ()
    unreadable: int = 0


def select_batch(batch: list[tuple[str, str]], query: Query, blocks: bool = False) -> Picked:
    """Parse ``(path, relative path)`` pairs and keep the papers ``query`` selects.

    With ``blocks``, each keeps its block's text as in the file (for digest output). A file
    that is broken or cannot be read is left out whole and named in ``errors``. (A top-level
    function: worker processes run it.)

    >>> path = "tests/corpus/cs.CV/2023/03/20230311.md"
    >>> picked = select_batch([(path, "20230311.md")], Query(match=('"active learning"',)))
    >>> picked.papers, [s.paper.arxiv_id for s in picked.selected]
    (45, ['2303.06250'])
    """
    from .convert import failure
    from .errors import DigestSyntaxError
    from .parser import paper_blocks, parse_digest, read_text

    test = query.predicate()
    selected: list[Selected] = []
    errors: list[str] = []
    papers = unreadable = 0
    for path, relative in batch:
        try:
            text = read_text(path)
            digest = parse_digest(text, path=path)
        except (DigestSyntaxError, OSError) as error:
            errors.append(failure(path, error))
            unreadable += isinstance(error, OSError)
            continue
        papers += len(digest.papers)
        chosen = [index for index, paper in enumerate(digest.papers) if test(paper)]
        if not chosen:
            continue
        texts = paper_blocks(text) if blocks else None
        head = attrs.evolve(digest, papers=())
        selected += [
            Selected(digest.papers[i], head, relative, None if texts is None else texts[i])
            for i in chosen
        ]
    return Picked(tuple(selected), len(batch), papers, tuple(errors), unreadable)


@attrs.frozen
class Selection:
    """What :func:`select_archive` found: the papers to emit, in the order of the files.

    ``papers`` is the number of papers read, ``already_seen`` how many selected ones were
    left out as seen before (or repeated in this run), ``errors`` the files left out.

    >>> work = [("tests/corpus/cs.CV/2023/03/20230311.md", "20230311.md"), ("nope.md", "nope.md")]
    >>> found = select_archive(work, Query(match=("ReBound",)))
    >>> len(found.selected), found.files, found.papers, found.errors
    (1, 2, 45, ('nope.md: cannot read: No such file or directory',))
    """

    selected: tuple[Selected, ...]
    files: int
    papers: int
    already_seen: int
    errors: tuple[str, ...]
    unreadable: int

    def summary(self, seconds: float) -> str:
        """The command's last line, on stderr, after ``seconds`` of work.

        >>> print(Selection((), 1, 45, 0, (), 0).summary(0.5))
        Selected 0 of 45 papers in 1 file in 0.50 s.
        """
        seen_note = f" ({self.already_seen} seen before)" if self.already_seen else ""
        return (
            f"Selected {len(self.selected)} of {plural(self.papers, 'paper')} in"
            f" {plural(self.files, 'file')}{seen_note} in {seconds:.2f} s."
        )

    def exit_status(self, failed_days: int = 0) -> int:
        """2 if a file could not be read, 1 if one was left out or a day not written, else 0.

        >>> Selection((), 1, 45, 0, (), 0).exit_status(failed_days=1)
        1
        """
        if self.unreadable:
            return EXIT_ERROR
        return EXIT_FINDINGS if self.errors or failed_days else EXIT_CLEAN


def select_archive(
    work: Sequence[tuple[str, str]],
    query: Query,
    *,
    seen: SeenState | None = None,
    blocks: bool = False,
    jobs: int = 1,
    on_batch: Callable[[Picked], None] | None = None,
) -> Selection:
    """The papers of the ``(path, relative path)`` files that ``query`` selects, not yet seen.

    ``seen`` (a :class:`~arxiv_digest.seen.SeenState`) leaves out a paper whose arXiv ID was
    emitted before in this version or a newer one; it is not changed (add the papers once
    they are written). A paper listed twice in the files is kept once, as is an older
    version of one kept before. ``jobs``
    processes parse the files; the result is the same whatever it is. ``on_batch`` is
    called after each batch of files, for progress.

    >>> work = [("tests/corpus/cs.CV/2023/03/20230311.md", "20230311.md")]
    >>> found = select_archive(work, Query(authors=("Hervé Lombaert",)))
    >>> [s.paper.title for s in found.selected]
    ['Trust your neighbours: Penalty-based constraints for model calibration']
    """
    from contextlib import closing

    from .pool import batches, in_order
    from .seen import SeenState

    # A copy: the caller adds what it emitted once the output is written.
    known = SeenState(dict(seen.versions) if seen is not None else {})
    kept: list[Selected] = []
    files = papers = already = unreadable = 0
    errors: list[str] = []
    task = functools.partial(select_batch, query=query, blocks=blocks)
    jobs = jobs if len(work) > 1 else 1
    with closing(in_order(task, batches(work), jobs)) as results:
        for picked in results:
            files += picked.files
            papers += picked.papers
            errors += picked.errors
            unreadable += picked.unreadable
            for item in picked.selected:
                if known.is_new(item.paper):
                    known.add(item.paper)
                    kept.append(item)
                else:
                    already += 1
            if on_batch is not None:
                on_batch(picked)
    return Selection(tuple(kept), files, papers, already, tuple(errors), unreadable)


# --------------------------------------------------------------------------- config file

#: The keys of a config file, each with what it holds: option name -> kind.
CONFIG_KEYS = {
    "paths": "paths",
    "match": "strings",
    "exclude": "strings",
    "in": "strings",
    "author": "strings",
    "category": "strings",
    "from": "date",
    "to": "date",
    "seen": "path",
    "format": "string",
    "output": "path",
    "title": "string",
    "feed-url": "string",
    "jobs": "integer",
}


def read_config(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The options of a TOML config file for ``select --config``, checked.

    Keys are the long option names (``match``, ``exclude``, ``author``, ...; ``paths`` for
    the archives); a repeatable option takes a string or a list of strings, ``from`` and
    ``to`` a date. Relative paths (``paths``, ``seen``, ``output``) are relative to the
    config file's folder, so a scheduled job can run from anywhere. Raises
    :class:`SelectError` for a file that is not TOML, an unknown key or a wrong type.

    >>> import tempfile, pathlib
    >>> config = pathlib.Path(tempfile.mkdtemp()) / "interests.toml"
    >>> _ = config.write_text('match = ["diffusion", "GAN"]\\nfrom = 2023-03-11\\n')
    >>> read_config(config)
    {'match': ('diffusion', 'GAN'), 'from': datetime.date(2023, 3, 11)}
    """
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 installs tomli (see pyproject.toml)
        import tomli as tomllib

    name = os.fspath(path)
    try:
        with open(name, "rb") as file:
            loaded = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise SelectError(f"{name}: not a valid TOML file: {error}") from None
    except UnicodeDecodeError as error:
        raise SelectError(f"{name}: not a valid TOML file: {error}") from None
    folder = os.path.dirname(name)
    options: dict[str, Any] = {}
    for key, value in loaded.items():
        kind = CONFIG_KEYS.get(key)
        if kind is None:
            known = ", ".join(CONFIG_KEYS)
            raise SelectError(f"{name}: unknown key {key!r} (the keys are: {known})")
        options[key] = _config_value(name, key, kind, value, folder)
    return options


def _config_value(name: str, key: str, kind: str, value: Any, folder: str) -> Any:
    def wrong(what: str) -> SelectError:
        return SelectError(f"{name}: {key} must be {what}, not {value!r}")

    if kind in ("strings", "paths"):
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise wrong("a string or a list of strings")
        if kind == "paths":
            return tuple(os.path.join(folder, v) for v in values)
        return tuple(values)
    if kind == "date":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise wrong("a date (2023-03-11)")
    if kind == "integer":
        if type(value) is not int or value < 1:
            raise wrong("a whole number of at least 1")
        return value
    if not isinstance(value, str):
        raise wrong("a string")
    if kind == "path":
        return value if value == "-" else os.path.join(folder, value)
    return value
