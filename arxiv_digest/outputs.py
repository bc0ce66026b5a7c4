"""The outputs of ``arxiv-digest select``: digests, JSON Lines, an Atom feed, a reading list.

Every file is written atomically (a temporary file renamed into place). The feed and the
reading list put the newest papers first; JSON Lines keeps the order of the archive.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

import attrs

from ._report import plural
from .model import Paper, utc_date

if TYPE_CHECKING:
    from .seen import SeenState
    from .select import Selected

__all__ = [
    "FORMATS",
    "DayWritten",
    "atom_feed",
    "day_path",
    "newest_first",
    "reading_list",
    "write_digests",
    "write_jsonl",
    "write_selection",
]

#: What ``select --format`` can write.
FORMATS = ("digest", "jsonl", "atom", "md")

_UTC = dt.timezone.utc


def newest_first(selected: Sequence[Selected]) -> list[Selected]:
    """The papers newest first: by published time, then digest day, latest first.

    >>> newest_first([])
    []
    """
    return sorted(selected, key=lambda s: (s.paper.published, s.head.date), reverse=True)


# --------------------------------------------------------------------------- JSON Lines


def write_jsonl(selected: Sequence[Selected], file: IO[bytes]) -> None:
    """``to-json --flat``'s row of each paper, one a line, in the order given.

    >>> import io
    >>> from arxiv_digest.select import Query, select_archive
    >>> work = [("tests/corpus/cs.CV/2023/03/20230311.md", "cs.CV/2023/03/20230311.md")]
    >>> out = io.BytesIO()
    >>> write_jsonl(select_archive(work, Query(match=("ReBound",))).selected, out)
    >>> out.getvalue()[:52]
    b'{"path":"cs.CV/2023/03/20230311.md","category":"cs.C'
    """
    from .files import signals_held
    from .jsondata import flat_head, paper_to_dict

    with signals_held():  # orjson's extension crashes if interrupted while it loads
        import orjson

    for item in selected:
        row = {**flat_head(item.head, item.relative), **paper_to_dict(item.paper)}
        file.write(orjson.dumps(row) + b"\n")


# --------------------------------------------------------------------------- Atom

_ATOM = "http://www.w3.org/2005/Atom"
_ARXIV = "http://arxiv.org/schemas/atom"
# Characters XML 1.0 cannot carry: a control character in a summary would break the feed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _stamp(when: dt.datetime) -> str:
    if utc_date(when) is None:  # no UTC time in years 1-9999: RFC 3339 with its own offset
        return when.isoformat(timespec="seconds")
    return when.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(
    selected: Sequence[Selected],
    *,
    title: str,
    feed_id: str | None = None,
    self_url: str | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """One Atom 1.0 feed of the papers, newest first, as UTF-8 bytes.

    Each entry: ``id`` the abstract's URL with its version, the title, each author, the
    summary, links to the abstract (``alternate``) and the PDF (``related``,
    ``application/pdf``), a ``category`` per term, ``published`` and ``updated``; and, as
    the arXiv API writes them, ``arxiv:primary_category``, ``arxiv:comment``,
    ``arxiv:journal_ref`` and ``arxiv:doi``. The feed's ``updated`` is the newest entry's
    (``now``, default the current time, for an empty feed), so the same papers give the same
    bytes. ``feed_id`` defaults to ``self_url``, else to a UUID made from the title: it
    stays the same from one run to the next, as feed readers need.

    >>> from arxiv_digest.select import Query, select_archive
    >>> work = [("tests/corpus/cs.CV/2023/03/20230311.md", "20230311.md")]
    >>> found = select_archive(work, Query(match=("ReBound",))).selected
    >>> feed = atom_feed(found, title="3D")
    >>> b"<id>http://arxiv.org/abs/2303.06250v1</id>" in feed
    True
    """
    from xml.etree import ElementTree as ET

    ET.register_namespace("", _ATOM)
    ET.register_namespace("arxiv", _ARXIV)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> None:
        element = ET.SubElement(parent, tag, attributes)
        if text is not None:
            element.text = _xml_text(text)

    a = f"{{{_ATOM}}}"
    x = f"{{{_ARXIV}}}"
    ordered = newest_first(selected)
    feed = ET.Element(f"{a}feed")
    sub(feed, f"{a}title", title)
    if feed_id is None:
        import uuid

        feed_id = self_url or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'arxiv-digest ' + title)}"
    sub(feed, f"{a}id", feed_id)
    if self_url is not None:
        sub(feed, f"{a}link", rel="self", type="application/atom+xml", href=self_url)
    newest = max((s.paper.updated for s in ordered), default=now or dt.datetime.now(_UTC))
    sub(feed, f"{a}updated", _stamp(newest))
    sub(feed, f"{a}generator", "arxiv-digest select")
    for item in ordered:
        paper = item.paper
        entry = ET.SubElement(feed, f"{a}entry")
        sub(entry, f"{a}id", paper.entry_id)
        sub(entry, f"{a}title", paper.title)
        for name in paper.authors:
            author = ET.SubElement(entry, f"{a}author")
            sub(author, f"{a}name", name)
        sub(entry, f"{a}summary", paper.summary, type="text")
        sub(entry, f"{a}link", rel="alternate", type="text/html", href=paper.entry_id)
        if paper.pdf_url is not None:
            sub(entry, f"{a}link", rel="related", type="application/pdf", title="pdf",
                href=paper.pdf_url)  # fmt: skip
        for term in dict.fromkeys(paper.categories):  # once each, in order
            sub(entry, f"{a}category", term=term, scheme=_ARXIV)
        sub(entry, f"{a}published", _stamp(paper.published))
        sub(entry, f"{a}updated", _stamp(paper.updated))
        if paper.primary_category is not None:
            sub(entry, f"{x}primary_category", term=paper.primary_category, scheme=_ARXIV)
        for tag, value in (
            ("comment", paper.comment),
            ("journal_ref", paper.journal_ref),
            ("doi", paper.doi),
        ):
            if value is not None:
                sub(entry, f"{x}{tag}", value)
    ET.indent(feed)
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


# --------------------------------------------------------------------------- reading list

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|!])")


def _escaped(text: str) -> str:
    """Text that Markdown shows as written: its special characters escaped."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def reading_list(selected: Sequence[Selected], *, title: str) -> str:
    """One Markdown page of the papers, newest first, a section per day.

    Each paper: its linked title, its authors, its categories (the primary in bold), the PDF
    link and the comment.

    >>> from arxiv_digest.select import Query, select_archive
    >>> work = [("tests/corpus/cs.CV/2023/03/20230311.md", "20230311.md")]
    >>> print(reading_list(select_archive(work, Query(match=("ReBound",))).selected,
    ...                    title="3D").splitlines()[6])
    - [ReBound: An Open-Source 3D Bounding Box Annotation Tool for Active Learning](http://arxiv.org/abs/2303.06250v1)
    """
    lines = [f"# {_escaped(title)}", ""]
    count = len(selected)
    lines += [f"{plural(count, 'paper')}.", ""]
    day = None
    for item in newest_first(selected):
        paper = item.paper
        # The digest's day; a time with none in UTC (year 0 or 10000) under its own date.
        published = utc_date(paper.published) or paper.published.date()
        if published != day:
            day = published
            lines += [f"## {day.isoformat()}", ""]
        lines.append(f"- [{_escaped(paper.title)}]({paper.entry_id})")
        if paper.authors:
            lines.append(f"  {_escaped(', '.join(paper.authors))}")
        terms = ", ".join(
            f"**{term}**" if term == paper.primary_category else term
            for term in dict.fromkeys(paper.categories)
        )
        links = f" · [PDF]({paper.pdf_url})" if paper.pdf_url else ""
        lines.append(f"  {terms}{links}".rstrip())
        if paper.comment is not None:
            lines.append(f"  {_escaped(paper.comment)}")
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- digests


def day_path(folder: str, category: str, date: dt.date) -> str:
    """Where a day of ``category`` goes: ``FOLDER/CATEGORY/YYYY/MM/YYYYMMDD.md``.

    A label that is no plain folder name (``..``, a slash) raises :class:`ValueError`: a
    digest's header must not put a file outside the output folder.

    >>> day_path("out", "cs.CV", dt.date(2023, 3, 11))
    'out/cs.CV/2023/03/20230311.md'
    >>> day_path("out", "../x", dt.date(2023, 3, 11))
    Traceback (most recent call last):
    ...
    ValueError: the header label '../x' cannot be a folder name
    """
    separators = {os.sep, os.altsep or os.sep, "\0"}
    if category in ("", ".", "..") or any(s in category for s in separators):
        raise ValueError(f"the header label {category!r} cannot be a folder name")
    return os.path.join(
        folder, category, f"{date.year:04d}", f"{date.month:02d}", f"{date:%Y%m%d}.md"
    )


@attrs.frozen
class DayWritten:
    """One day file of the digest output: its path, papers added, and an error if any.

    ``given`` are the papers this run had for the day: when the file could not be written,
    none of them was emitted.

    >>> DayWritten("out/cs.CV/2023/03/20230311.md", 2).error is None
    True
    """

    path: str
    added: int
    error: str | None = None
    given: tuple[Paper, ...] = ()


def write_digests(selected: Sequence[Selected], folder: str) -> list[DayWritten]:
    """Write the papers as digests, one file per header label and day, under ``folder``.

    Each block is the source file's text, byte for byte; the header is the source's label
    and day. A day file that is already there keeps its papers: the new ones are added in
    published order (a paper it lists in the same or a newer version is not added again, an
    older version is replaced), so a daily ``--seen`` run grows the days it touches. A day
    file that is there but broken is reported and left as it is.

    >>> import tempfile
    >>> from arxiv_digest.select import Query, select_archive
    >>> work = [("tests/corpus/cs.CV/2023/03/20230311.md", "20230311.md")]
    >>> found = select_archive(work, Query(match=("ReBound",)), blocks=True).selected
    >>> out = tempfile.mkdtemp()
    >>> [(os.path.relpath(d.path, out), d.added) for d in write_digests(found, out)]
    [('cs.CV/2023/03/20230311.md', 1)]
    """
    days: dict[tuple[str, dt.date], list[Selected]] = {}
    for item in selected:
        days.setdefault((item.head.category, item.head.date), []).append(item)
    return [_write_day(folder, category, date, items) for (category, date), items in days.items()]


def _write_day(folder: str, category: str, date: dt.date, items: list[Selected]) -> DayWritten:
    from .convert import failure
    from .errors import DigestSyntaxError
    from .files import file_state, write_atomic
    from .lines import header_line
    from .parser import paper_blocks, parse_digest, read_text

    given = tuple(item.paper for item in items)
    try:
        path = day_path(folder, category, date)
    except ValueError as error:
        return DayWritten(os.path.join(folder, category), 0, str(error), given)
    newline = items[0].head.newline
    header = header_line(category, date).replace("\n", newline)
    papers: list[tuple[Paper, str]] = []
    state = file_state(path)  # before it is read: replaced only if still that file (issue 22)
    if os.path.exists(path):
        try:
            text = read_text(path)
            existing = parse_digest(text, path=path)
        except (DigestSyntaxError, OSError) as error:
            return DayWritten(path, 0, f"{failure(path, error)} (not changed)", given)
        newline = existing.newline
        header = text[: text.find("\n") + 1]
        papers = list(zip(existing.papers, paper_blocks(text)))
    versions = {paper.arxiv_id: paper.version for paper, _ in papers}
    added = 0
    for item in items:
        paper, block = item.paper, item.block
        assert block is not None, "select the papers with blocks=True for digest output"
        if versions.get(paper.arxiv_id, 0) >= paper.version:
            continue
        if paper.arxiv_id in versions:  # an older version of it: the new one replaces it
            papers = [(p, b) for p, b in papers if p.arxiv_id != paper.arxiv_id]
        if item.head.newline != newline:  # one file, one line ending
            block = block.replace(item.head.newline, newline)
        papers.append((paper, block))
        versions[paper.arxiv_id] = paper.version
        added += 1
    if added:
        papers.sort(key=lambda pair: pair[0].published)  # stable: a day's order is kept
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = (header + "".join(block for _, block in papers)).encode("utf-8")
        write_atomic(path, data, expect=state)
    return DayWritten(path, added, None, given)


def write_selection(
    selected: Sequence[Selected],
    output_format: str,
    output: str,
    *,
    title: str,
    feed_url: str | None = None,
    seen: SeenState | None = None,
) -> tuple[list[Selected], list[str]]:
    """Write ``selected`` as ``select --format`` does; return the papers written and the errors.

    ``digest`` writes into the folder ``output`` (:func:`write_digests`: the papers of a day
    that could not be written are left out of what is returned); ``jsonl``, ``atom`` and
    ``md`` (``title`` is the feed's or the list's) write the file ``output`` atomically, or
    stdout for ``-``. The folders of ``output`` and of ``seen``'s file are made if needed (the
    first run of a scheduled job just works); ``seen`` then records the papers written and is
    saved, only once the output is in place.

    >>> import tempfile, os
    >>> from arxiv_digest.select import Query, select_archive
    >>> work = [("tests/corpus/cs.CV/2023/03/20230311.md", "20230311.md")]
    >>> found = select_archive(work, Query(match=("ReBound",))).selected
    >>> target = os.path.join(tempfile.mkdtemp(), "list.md")
    >>> [len(part) for part in write_selection(found, "md", target, title="ReBound")]
    [1, 0]
    """
    from .files import write_output

    folders = [output if output_format == "digest" else os.path.dirname(output)]
    if seen is not None and seen.path:
        folders.append(os.path.dirname(seen.path))
    for folder in filter(None, folders):  # "" is the current folder
        os.makedirs(folder, exist_ok=True)
    emitted = list(selected)
    errors = []
    if output_format == "digest":
        for day in write_digests(emitted, output):
            if day.error is not None:
                errors.append(day.error)
                emitted = [s for s in emitted if s.paper not in day.given]
    elif output_format == "jsonl":
        write_output(output, lambda file: write_jsonl(emitted, file))
    else:
        data = (
            atom_feed(emitted, title=title, self_url=feed_url)
            if output_format == "atom"
            else reading_list(emitted, title=title).encode("utf-8")
        )

        def write(file: IO[bytes]) -> None:
            file.write(data)

        write_output(output, write)
    if seen is not None:
        for item in emitted:
            seen.add(item.paper)
        seen.save()
    return emitted, errors
