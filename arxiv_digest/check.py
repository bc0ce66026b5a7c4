"""The ``arxiv-digest check`` command: files found, their rules run, the archive's, one report.

:mod:`arxiv_digest.checks` holds the rules of one file; this module walks the paths given,
runs them on every digest with a pool of processes, adds the archive's rules for the folders
given (:class:`arxiv_digest.archive.ArchiveRules`), keeps what ``--select`` and ``--ignore``
let through, and gives a :class:`CheckReport` that prints itself as text, JSON or GitHub
annotations.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence

from ._process import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from ._report import (
    Printed,
    batch_note,
    error_line,
    failure,
    finding_dict,
    finding_line,
    json_document,
    plural,
)
from .checks import RULES, Finding, check_files
from .files import DIGEST_NAME, find_digests

__all__ = ["CheckReport", "rule_codes", "selected"]


def rule_codes(values: Iterable[str]) -> tuple[str, ...]:
    """The codes of ``--select`` or ``--ignore`` values (comma-separated, any case).

    Raises :class:`ValueError` for a code that no rule's code starts with.

    >>> rule_codes(["ad1, AD20", "AD3"])
    ('AD1', 'AD20', 'AD3')
    >>> rule_codes(["AD9"])
    Traceback (most recent call last):
    ...
    ValueError: no rule code starts with 'AD9'
    """
    codes = tuple(c.strip().upper() for v in values for c in v.split(",") if c.strip())
    for code in codes:
        if not any(rule.startswith(code) for rule in RULES):
            raise ValueError(f"no rule code starts with {code!r}")
    return codes


def selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """Whether ``--select`` and ``--ignore`` (code prefixes) let a finding's ``code`` through.

    >>> selected("AD104", ("AD1",), ()), selected("AD104", (), ("AD10",))
    (True, False)
    """
    return (not select or code.startswith(tuple(select))) and not code.startswith(tuple(ignore))


def _temporary_line(paths: Sequence[str]) -> str:
    """The one line that names the temporary files a killed run left.

    >>> print(_temporary_line(["a/.20230311.md.arxiv-digest-7-x.tmp"]))
    arxiv-digest: warning: 1 temporary file left by an interrupted run (the next fix, from-json or collect there removes it when no process holds it): a/.20230311.md.arxiv-digest-7-x.tmp
    """  # noqa: E501
    names = ", ".join(paths[:5]) + (f", and {len(paths) - 5} more" if paths[5:] else "")
    it = "it" if len(paths) == 1 else "them"
    return (
        f"arxiv-digest: warning: {plural(len(paths), 'temporary file')} left by an interrupted"
        f" run (the next fix, from-json or collect there removes {it} when no process holds"
        f" {it}): {names}"
    )


class CheckReport:
    """What ``check`` found under ``paths``, filled in as :meth:`run` goes.

    Directories are walked for ``YYYYMMDD.md`` files; the archive rules apply to the folders
    given (not to files named alone). A finding counts when ``select``/``ignore`` (code
    prefixes) let it through; the others are counted in ``ignored``. The lines it gives are
    ``output_format``'s: ``text``, ``github`` (annotations), or ``json`` (one document at
    the end). Each is ``(text ending with its newline, whether it goes to stderr)``.

    >>> report = CheckReport(["tests/corpus/cs.CV/2023/07"])
    >>> [line for lines in report.run() for line in lines] + report.finish()
    []
    >>> report.ending()
    [('Checked 2 files: no problems found.\\n', False)]
    >>> report.exit_status()
    0
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        output_format: str = "text",
    ) -> None:
        self.found = find_digests(paths)
        self.select, self.ignore = tuple(select), tuple(ignore)
        self.output_format = output_format
        self.errors = list(self.found.errors)
        # Kept only for the JSON document: the other formats print each file's as it comes,
        # so memory does not grow with what a whole archive's run finds.
        self.findings: list[Finding] = []
        self.problems = 0
        self.checked = self.ignored = 0
        self.failing: set[str] = set()  # the digests with a finding
        folders = [os.fspath(path) for path in paths if os.path.isdir(path)]
        self._archive = None
        if folders:  # imported only then: a check of named files starts as fast as before
            from .archive import ArchiveRules

            self._archive = ArchiveRules(folders)

    @property
    def files(self) -> int:
        """The digest files to check.

        >>> CheckReport(["tests/corpus/cs.CV/2023/07"]).files
        2
        """
        return len(self.found.files)

    def _keep(self, findings: Iterable[Finding]) -> list[Finding]:
        kept = []
        for finding in findings:
            if selected(finding.code, self.select, self.ignore):
                kept.append(finding)
            else:
                self.ignored += 1
        self.problems += len(kept)
        if self.output_format == "json":
            self.findings += kept
        return kept

    def _lines(self, findings: Iterable[Finding]) -> list[Printed]:
        if self.output_format == "json":
            return []
        return [(finding_line(finding, self.output_format) + "\n", False) for finding in findings]

    def opening(self) -> list[Printed]:
        """The lines before the first file's: none (the errors of the run come at the end).

        >>> CheckReport(["nope.md"]).opening()
        []
        """
        return []

    def run(self, jobs: int = 1) -> Iterator[list[Printed]]:
        """Check the files with ``jobs`` processes; yield each one's lines, in path order.

        >>> report = CheckReport(["tests/corpus_fixable/cs.CV/2026/02/20260202.md"])
        >>> next(report.run())[0][0]  # doctest: +ELLIPSIS
        'tests/corpus_fixable/cs.CV/2026/02/20260202.md:...: AD103 ...'
        """
        paths = [path for path, _root in self.found.files]
        for result in check_files(paths, jobs):
            if result.error is not None:
                self.errors.append(failure(result.path, result.error))
                yield []
                continue
            self.checked += 1
            kept = self._keep(result.findings)
            if self._archive is not None:  # its record is complete once its findings are read
                kept += self._keep(self._archive.add(result))
            if kept:
                self.failing.add(result.path)
            yield self._lines(kept)

    def finish(self) -> list[Printed]:
        """The lines of the archive as a whole (AD301, AD302, AD305), once :meth:`run` is done.

        >>> CheckReport(["tests/corpus/cs.CV/2023/07"]).finish()  # nothing run: nothing found
        []
        """
        kept = self._keep(self._archive.finish() if self._archive is not None else ())
        # A thin day is about a digest file; a gap is about a folder, a calendar no digest.
        self.failing.update(f.path for f in kept if DIGEST_NAME.fullmatch(os.path.basename(f.path)))
        return self._lines(kept)

    def ending(self) -> list[Printed]:
        """The last lines: the JSON document, or the errors of the run and the summary.

        >>> CheckReport(["nope.md"]).ending()[0]
        ('arxiv-digest: error: nope.md: no such file or directory\\n', True)
        """
        if self.output_format == "json":
            return [(self.json() + "\n", False)]
        notes = [error_line(problem) for problem in self.errors]
        if self.found.temporary:
            notes.append(_temporary_line(self.found.temporary))
        return [(note + "\n", True) for note in notes] + [(self.summary() + "\n", False)]

    def json(self) -> str:
        """The whole report as one JSON document (``--format json``).

        >>> print(CheckReport([]).json())  # doctest: +ELLIPSIS
        {
          "checked": 0,
          ...
          "findings": []
        }
        """
        return json_document(
            {
                "checked": self.checked,
                "skipped": len(self.found.skipped),
                "temporary": list(self.found.temporary),
                "errors": self.errors,
                "ignored": self.ignored,
                "findings": [finding_dict(f) for f in self.findings],
            }
        )

    def summary(self) -> str:
        """The last line: never "no problems found" when something went wrong.

        >>> CheckReport(["nope.md"]).summary()
        'Checked 0 files; 1 error (see above): not everything was checked.'
        """
        found, checked = self.problems, plural(self.checked, "file")
        if found:
            summary = (
                f"Found {plural(found, 'problem')} in {len(self.failing)} of {checked} checked"
            )
        else:
            summary = f"Checked {checked}"
        skipped = len(self.found.skipped)
        summary += batch_note() + (f" ({skipped} skipped)" if skipped else "")
        if self.errors:
            errors_note = f"{plural(len(self.errors), 'error')} (see above)"
            return f"{summary}; {errors_note}: not everything was checked."
        # --select or --ignore left findings out: said, so that "no problems" is not taken as all.
        ignored = self.ignored
        note = f" ({plural(ignored, 'finding')} ignored by --select/--ignore)" if ignored else ""
        return f"{summary}{note}." if found else f"{summary}: no problems found{note}."

    def interruption(self) -> str:
        """What ``interrupted`` adds on Ctrl-C: how far the run came.

        >>> CheckReport([]).interruption()
        ' after checking 0 of 0 files (the findings so far are above)'
        """
        return (
            f" after checking {self.checked} of {plural(self.files, 'file')}"
            " (the findings so far are above)"
        )

    def exit_status(self) -> int:
        """2 if a path gave no file or a file could not be read, 1 if something was found.

        >>> CheckReport(["nope.md"]).exit_status()
        2
        """
        return EXIT_ERROR if self.errors else EXIT_FINDINGS if self.problems else EXIT_CLEAN
