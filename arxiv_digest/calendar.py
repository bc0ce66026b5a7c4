"""``arxiv-digest calendar``: an archive's Markdown calendar, as its own calendar script writes it.

Both scripts in use build the calendar from the folder tree alone: the title
``# Calendar of arXiv papers for <category>``; the year folders newest first, each
``### <year>``; in a year, its month folders newest first, each ``##### <Month>`` with a
table whose rows are the weeks of Python's ``calendar.monthcalendar`` (Monday first, under a
header that starts with Sun: the scripts' columns are shifted, and the files hold that); a
day with a digest is a link ``[D](<prefix>/YYYY/MM/YYYYMMDD.md)``. They differ in where the
calendar goes and how its links start:

* CVPapers: ``calendar.md`` beside the category folder, links ``./cs.CV/...``;
* DailyPapers: ``calendar/calendar_CL.md`` for ``cs.CL`` (the part after the dot), links
  relative to it, ``../cs.CL/...``.

An archive's variant is the one whose file it has (see :func:`calendar_path`). The title is
the category folder's name: for cs.CV that is byte for byte what CVPapers' script writes (it
hard-codes cs.CV); for another category in the ``calendar.md`` layout it is the category, so
that the links lead to its files.
"""

from __future__ import annotations

import datetime as dt
import os
import re

import attrs

__all__ = ["CalendarUpdate", "calendar_path", "render_calendar", "update_calendar"]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_YEAR = re.compile(r"[0-9]{4}")
_MONTH = re.compile(r"0[1-9]|1[0-2]")
_TITLE = "# Calendar of arXiv papers for "


def _folders(path: str, name: re.Pattern[str]) -> list[str]:
    """The subfolders of ``path`` whose names match, newest (largest) first."""
    try:
        with os.scandir(path) as listing:
            found = [e.name for e in listing if name.fullmatch(e.name) and e.is_dir()]
    except OSError:
        return []
    return sorted(found, reverse=True)


def _weeks(year: int, month: int) -> list[list[int]]:
    """``calendar.monthcalendar(year, month)``: Monday-first weeks, 0 outside the month."""
    first = dt.date(year, month, 1)
    # December by its length: the month after 9999-12 is no date.
    days = 31 if month == 12 else (dt.date(year, month + 1, 1) - first).days
    cells = [0] * first.weekday() + list(range(1, days + 1))
    cells += [0] * (-len(cells) % 7)
    return [cells[start : start + 7] for start in range(0, len(cells), 7)]


def render_calendar(category_folder: str | os.PathLike[str], prefix: str, title: str = "") -> str:
    """The calendar of a category folder, its links starting with ``prefix``.

    ``title`` is the category named in the first line (default: the folder's name).

    >>> text = render_calendar("tests/corpus/cs.CV", "./cs.CV")
    >>> print(text[:36])
    # Calendar of arXiv papers for cs.CV
    >>> "| 10 | [11](./cs.CV/2023/03/20230311.md) | 12 |" in text
    True
    """
    folder = os.fspath(category_folder)
    parts = [f"{_TITLE}{title or os.path.basename(os.path.normpath(folder))}\n\n"]
    for year in _folders(folder, _YEAR):
        parts.append(f"### {year}\n\n")
        for month in _folders(os.path.join(folder, year), _MONTH):
            try:
                names = set(os.listdir(os.path.join(folder, year, month)))
            except OSError:
                names = set()
            parts.append(f"##### {_MONTHS[int(month) - 1]}\n\n")
            parts.append("| Sun | Mon | Tue | Wed | Thu | Fri | Sat |\n")
            parts.append("|-----|-----|-----|-----|-----|-----|-----|\n")
            for week in _weeks(int(year), int(month)):
                row = ["| "]
                for day in week:
                    name = f"{year}{month}{day:02d}.md"
                    if day == 0:
                        row.append("  | ")
                    elif name in names:
                        row.append(f"[{day}]({prefix}/{year}/{month}/{name}) | ")
                    else:
                        row.append(f"{day} | ")
                parts.append("".join(row) + "\n")
            parts.append("\n")
    return "".join(parts)


def _categories(archive: str) -> list[str]:
    """The folders of ``archive`` that hold year folders: its category folders."""
    try:
        with os.scandir(archive) as listing:
            folders = [e.path for e in listing if e.is_dir() and not e.name.startswith(".")]
    except OSError:
        return []
    return [folder for folder in folders if _folders(folder, _YEAR)]


def calendar_path(category_folder: str | os.PathLike[str]) -> tuple[str, bool]:
    """Where the archive's calendar script writes a category's calendar, and if it is there.

    ``ARCHIVE/calendar/calendar_XX.md`` (DailyPapers) when that file exists;
    ``ARCHIVE/calendar.md`` (CVPapers) when it exists and is this category's (its title names
    the category, or names another and the category is the archive's only one, as the
    unmodified script writes in a cs.CL archive). With neither: the per-category file when
    the archive already has a ``calendar/`` folder or a ``calendar.md`` that is not this
    category's, else ``calendar.md``, the first script's.

    >>> calendar_path("tests/corpus/cs.CV")
    ('tests/corpus/calendar.md', False)
    """
    folder = os.path.normpath(os.fspath(category_folder))
    archive, name = os.path.split(folder)
    per_category = os.path.join(archive, "calendar", f"calendar_{name.split('.')[-1]}.md")
    single = os.path.join(archive, "calendar.md")
    if os.path.isfile(per_category):
        return per_category, True
    if os.path.isfile(single):
        title = _title(single)  # None: a calendar.md that is no calendar, never overwritten
        if title == name or (title is not None and len(_categories(archive or os.curdir)) <= 1):
            return single, True
        return per_category, False
    if os.path.isdir(os.path.join(archive, "calendar")):
        return per_category, False
    return single, False


def _title(path: str) -> str | None:
    """The category named in a calendar's first line, if it is a calendar's title."""
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            first = file.readline().rstrip("\n")
    except OSError:
        return None
    return first[len(_TITLE) :] if first.startswith(_TITLE) else None


def _prefix(category_folder: str, output: str) -> str:
    """The category folder relative to the output's folder: ``./cs.CV`` or ``../cs.CL``."""
    relative = os.path.relpath(category_folder, os.path.dirname(os.path.abspath(output)))
    relative = relative.replace(os.sep, "/")
    return relative if relative.startswith("../") or relative == ".." else f"./{relative}"


@attrs.frozen
class CalendarUpdate:
    """A category's calendar: where it goes, what is there now, and what it should be.

    ``old`` is the file's text (``None`` when there is none), ``new`` what
    :func:`render_calendar` gives.

    >>> update = update_calendar("tests/corpus/cs.CV", write=False)
    >>> update.path, update.old is None, update.changed
    ('tests/corpus/calendar.md', True, True)
    """

    path: str
    old: str | None = attrs.field(repr=False)
    new: str = attrs.field(repr=False)

    @property
    def changed(self) -> bool:
        """Whether the file is not (yet) what it should be.

        >>> CalendarUpdate("c.md", "a\\n", "a\\n").changed
        False
        """
        return self.old != self.new

    def summary(self, days: int) -> str:
        """What ``arxiv-digest calendar`` says: written, or already up to date, and its days.

        >>> CalendarUpdate("c.md", "a\\n", "a\\n").summary(1)
        'c.md is up to date (1 day).'
        """
        from ._report import plural

        if self.changed:
            return f"Wrote {self.path} ({plural(days, 'day')})."
        return f"{self.path} is up to date ({plural(days, 'day')})."

    def first_difference(self) -> int:
        """The 1-based line where the file first differs from what it should be.

        >>> CalendarUpdate("c.md", "a\\nb\\n", "a\\nc\\n").first_difference()
        2
        """
        old = (self.old or "").splitlines(keepends=True)
        new = self.new.splitlines(keepends=True)
        for line, (was, should) in enumerate(zip(old, new), start=1):
            if was != should:
                return line
        return min(len(old), len(new)) + 1


def update_calendar(
    category_folder: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    write: bool = True,
) -> CalendarUpdate:
    """Write a category's calendar to ``output`` (default: :func:`calendar_path`), if it changed.

    The file is written atomically, and left alone (not even touched) when it already holds
    what it should.

    >>> import shutil, tempfile, pathlib
    >>> archive = pathlib.Path(tempfile.mkdtemp())
    >>> _ = shutil.copytree("tests/corpus/cs.CV/2023", archive / "cs.CV" / "2023")
    >>> update_calendar(archive / "cs.CV").changed, update_calendar(archive / "cs.CV").changed
    (True, False)
    >>> (archive / "calendar.md").read_text().count("](./cs.CV/2023/")
    5
    """
    from .files import file_state, write_atomic

    folder = os.fspath(category_folder)
    path = calendar_path(folder)[0] if output is None else os.fspath(output)
    new = render_calendar(folder, _prefix(folder, path))
    try:
        # A calendar that is not UTF-8 is stale all the same: decoded leniently, then replaced.
        with open(path, encoding="utf-8", errors="replace", newline="") as file:
            state = file_state(file)  # replaced only if still the file read (issue 22)
            old: str | None = file.read()
    except FileNotFoundError:
        old = state = None
    update = CalendarUpdate(path, old, new)
    if write and update.changed:
        if output is None:  # the script's own place: its folder is part of the layout
            os.makedirs(os.path.dirname(path) or os.curdir, exist_ok=True)
        write_atomic(path, new.encode("utf-8"), expect=state)
    return update
