"""CSV for spreadsheet programs: every cell kept as text, never run as a formula there."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

# What a spreadsheet program reads as the start of a formula (OWASP, CSV injection); a tab or a
# carriage return first hides one from the eye.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def spreadsheet_text(value: str) -> str:
    """The value as a spreadsheet program shows it as text: a leading quote before anything it
    would evaluate. Plain numbers (DECLATITUDE -12.5, ELEVATION -30) are numbers there, not
    formulas, and stay as they are."""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class _Echo:
    """A file that hands back what is written to it, so csv.writer yields lines to stream."""

    def write(self, text: str) -> str:
        return text


def spreadsheet_csv(header: list, rows: Iterable[Iterable], bom: bool = True) -> Iterator[str]:
    """A header and rows as CSV lines for a download, each cell through spreadsheet_text.

    The byte order mark makes spreadsheet programs read the file as UTF-8.
    """
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield ("\ufeff" if bom else "") + writer.writerow([spreadsheet_text(str(h)) for h in header])
    for values in rows:
        yield writer.writerow(
            [spreadsheet_text("" if value is None else str(value)) for value in values]
        )
