"""MCPD import: read, check, plan and write a file in one transaction; the only code that imports accessions."""

from __future__ import annotations

import contextlib
import csv
import gc
import logging
from collections import Counter
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from genebank.accessions.models import (
    Accession,
)
from genebank.core.models import Country, Institute, Taxon
from genebank.exchange import safe_files
from genebank.exchange.mcpd import (
    ERROR,
    FIELDS,
    SHOWN_VALUE_LENGTH,
    WARNING,
    Problem,
    RowReader,
    short_value,
)
from genebank.exchange.mcpd_checking import (
    _checked_batches,
    _from_child,
    _may_fork,
    _read_and_check,
)
from genebank.exchange.mcpd_export import iter_mcpd_rows
from genebank.exchange.mcpd_row import (
    _ACCENUMB,
    _BREDCODE,
    _COLLCODE,
    _DONORCODE,
    _INSTCODE,
    _TAXON,
    INDEX,
)
from genebank.exchange.mcpd_writer import CREATE, UNCHANGED, UPDATE, _Writer
from genebank.exchange.mcpd_writer_pg import PgWriter
from genebank.exchange.readers import Mapping, is_workbook, read_table

logger = logging.getLogger(__name__)

KEPT_PROBLEMS = 100_000
ERRORS_CSV_COLUMNS = ["row", "ACCENUMB", "field", "value", "severity", "message"]


class ImportInterrupted(Exception):
    """Raised by tests (and a progress callback) to stop an import half-way."""


@dataclass
class ImportResult:
    """What an import found and did; the command prints it, the web page shows it."""

    file_name: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    left_out: int = 0
    written: bool = False
    errors: int = 0
    warnings: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_counts: Counter = field(default_factory=Counter)
    new_institutes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> int:
        return self.rows - self.rejected

    @property
    def exit_status(self) -> int:
        """0: every row imported (or would be); 1: any row rejected or nothing written."""
        return 1 if self.rejected else 0

    def add(self, problem: Problem, sink: Callable[[Problem], None] | None) -> None:
        if len(problem.value) > SHOWN_VALUE_LENGTH:
            # Every report of it (the page, the problems CSV, the stored session) shows the
            # start: a 50 MB value would otherwise be copied into each of them.
            problem = Problem(
                problem.field,
                short_value(problem.value),
                problem.message,
                problem.severity,
                problem.row,
                problem.accenumb,
            )
        if problem.severity == ERROR:
            self.errors += 1
        else:
            self.warnings += 1
        self.problem_counts[(problem.severity, problem.field)] += 1
        if len(self.problems) < KEPT_PROBLEMS:
            self.problems.append(problem)
        if sink is not None:
            sink(problem)


def errors_csv_row(problem) -> list:
    """A problem (found now, or stored with an import session) as a line of ERRORS_CSV_COLUMNS."""
    return [
        problem.row or "",
        problem.accenumb,
        problem.field,
        problem.value,
        problem.severity,
        problem.message,
    ]


class ErrorsCsv:
    """The --errors report: one line per problem, row numbers as a spreadsheet shows them."""

    def __init__(self, path: str | Path):
        self.file = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.writer = csv.writer(self.file)
        self.writer.writerow(ERRORS_CSV_COLUMNS)

    def __call__(self, problem: Problem) -> None:
        self.writer.writerow(errors_csv_row(problem))

    def close(self) -> None:
        self.file.close()


# --- import ------------------------------------------------------------------------------------


def import_mcpd(
    path: str | Path,
    *,
    user=None,
    sheet: str | None = None,
    institute: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    update: bool = False,
    mapping: Mapping | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
    on_progress: Callable[[str, int], None] | None = None,
) -> ImportResult:
    """Read and validate every row, writing valid rows in one transaction; or write nothing.

    Rows are checked in batches and each batch is written as soon as it is checked, inside the
    import's transaction; when a row is rejected (and skip_invalid is not given), writing stops,
    checking goes on to report every problem, and the transaction is rolled back, so the
    database sees all the rows or none. Large files are checked in a second process (see
    _checked_batches) while this one writes. Nothing is kept in memory beyond a batch, so the
    size of the file does not matter. ReadError means the file could not be read at all.
    on_progress is told ("checked", rows) and ("written", rows) once per batch.
    """
    path = Path(path)
    sheet = sheet or (mapping.sheet if mapping else None)
    header_row = mapping.header_row if mapping else 1
    result = ImportResult(file_name=path.name, dry_run=dry_run)
    countries = list(Country.objects.values_list("iso3", flat=True))
    reader = RowReader(countries, institute=institute.upper() if institute else None)
    planner = _Planner(result, update, on_problem)
    if is_workbook(path) and _may_fork():
        # A workbook's parsers (calamine is native code) run in the child, under a memory limit:
        # a file that makes them fail costs that process, not this one.
        checked: _from_child | Generator[list[tuple], None, None] = _from_child(
            _read_and_check, path, sheet, header_row, mapping, reader
        )
    else:
        if is_workbook(path) and safe_files.can_limit_memory():
            # No fork here (a threaded server): the whole reading is tried in a fresh process
            # first, so that reading it here afterwards is known to fit.
            safe_files.probe_workbook(path, sheet, header_row)
        table = read_table(path, sheet=sheet, header_row=header_row)
        checked = _checked_batches(table, mapping, reader)
    # Checking only reads: the write transaction (on SQLite BEGIN IMMEDIATE, which locks out
    # every other writer) is held only while rows are written. A dry run never opens one, and
    # once a rejected row means nothing will be written, the transaction is rolled back at once
    # and the rest of the file is checked outside it.
    writing = not dry_run
    try:
        with _collector_spared(), contextlib.ExitStack() as write_transaction:
            if writing:
                # Entered first, left last: the larger cache lasts until after the commit.
                write_transaction.enter_context(_write_cache())
                write_transaction.enter_context(transaction.atomic())
            writer = None
            done = 0
            for items in checked:
                batch: list[_Checked] = []
                for number, values, problems, given, pdci in items:
                    if values is None:
                        for problem in problems:
                            result.add(problem, on_problem)
                        if number != header_row:
                            result.left_out += 1
                        continue
                    batch.append(planner.read(_Checked(number, values, problems, given, pdci)))
                records = planner.flush(batch)
                if writing and result.rejected and not skip_invalid:
                    transaction.set_rollback(True)
                    write_transaction.close()
                    writing = False
                if on_progress is not None:
                    on_progress("checked", result.rows)
                if not writing or not records:
                    continue
                if writer is None:
                    reason = _("MCPD import %(file)s") % {"file": path.name}
                    # PostgreSQL has a write path of its own: COPY into staging tables.
                    use_copy = connection.vendor == "postgresql"
                    writer = (PgWriter if use_copy else _Writer)(user, reason, planner)
                writer.prepare()
                writer.write(records)
                done += len(records)
                if on_batch is not None:
                    on_batch(done)
                if on_progress is not None:
                    on_progress("written", done)
            if not writing:
                return result
    finally:
        checked.close()
    result.written = True
    return result


@contextlib.contextmanager
def _collector_spared() -> Generator[None, None, None]:
    """What the process held before the import, out of the garbage collector's sight meanwhile.

    An import makes millions of short-lived objects, so the collector runs hundreds of times,
    and each full collection scanned everything Django and the process had loaded: a sixth of
    the importing process's time. Frozen objects are not scanned; unfreeze() hands them back
    afterwards, so nothing is kept longer than it would have been.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# The page cache of an SQLite connection while an import writes, in KiB (SQLite's default is 2 MB).
# The import adds rows to a dozen indexes in key order that is not the table's (names, numbers,
# collector numbers): with the default cache the same index pages are written out to the WAL and
# read back many times within the one transaction. A cache this size holds them; it is memory
# used only while writing and given back when the import ends. Durability is unchanged
# (journal_mode and synchronous are those of settings.py).
@contextlib.contextmanager
def _write_cache() -> Generator[None, None, None]:
    """On SQLite, a larger page cache for this connection while the import writes."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(settings.IMPORT_CACHE_MB) * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


class _Checked:
    """A checked row in the planner: its 41 values in MCPD order and its problems so far."""

    __slots__ = ("number", "values", "problems", "given", "pdci", "key")

    def __init__(self, number: int, values: tuple, problems: list, given, pdci: int | None):
        self.number = number
        self.values = values
        self.problems = problems
        self.given = given
        self.pdci = pdci
        self.key = (values[_INSTCODE], values[_ACCENUMB])

    @property
    def has_error(self) -> bool:
        # Asked several times of every row, and most rows have no problem at all.
        return bool(self.problems) and any(p.severity == ERROR for p in self.problems)


class _Planner:
    """Finds duplicates, new institutes and existing accessions; says what to write."""

    def __init__(self, result: ImportResult, update: bool, on_problem):
        self.result = result
        self.update = update
        self.on_problem = on_problem
        self.seen: dict[tuple[str, str], int] = {}
        self.institutes: dict[str, int] = dict(Institute.objects.values_list("code", "id"))
        # Code -> whether it holds accessions in this system (it is the INSTCODE of a row).
        self.new_institutes: dict[str, bool] = {}
        self.taxa = {
            key[:5]: key[5]
            for key in Taxon.objects.values_list(
                "genus", "species", "subtaxa", "species_author", "subtaxa_author", "id"
            )
        }
        self.new_taxa: dict[tuple, None] = {}
        self.institutes_with_accessions = set(
            Accession.objects.values_list("institute__code", flat=True).distinct()
        )

    def read(self, row: _Checked) -> _Checked:
        """Problems of a checked row that need the whole file: duplicates, new institutes."""
        number = row.number
        self.result.rows += 1
        values = row.values
        if values[_INSTCODE] and values[_ACCENUMB]:
            first = self.seen.get(row.key)
            if first is not None:
                row.problems.append(
                    Problem(
                        "ACCENUMB",
                        values[_ACCENUMB],
                        _("The same accession is already in row %(row)s of this file.")
                        % {"row": first},
                        ERROR,
                        number,
                        values[_ACCENUMB],
                    )
                )
            else:
                self.seen[row.key] = number
        if not row.has_error:
            institutes = self.institutes
            # Nearly every code is a known institute: those need no call.
            if values[_INSTCODE] not in institutes:
                self._check_institute(row, "INSTCODE", values[_INSTCODE])
            if values[_DONORCODE] not in institutes:
                self._check_institute(row, "DONORCODE", values[_DONORCODE])
            for name, index in (("COLLCODE", _COLLCODE), ("BREDCODE", _BREDCODE)):
                text = values[index]
                if text and text not in institutes:
                    for code in filter(None, text.split(";")):
                        self._check_institute(row, name, code)
        return row

    def _check_institute(self, row: _Checked, name: str, code: str) -> None:
        if not code or code in self.institutes:
            return
        if code in self.new_institutes:
            self.new_institutes[code] |= name == "INSTCODE"
            return
        self.new_institutes[code] = name == "INSTCODE"
        self.result.new_institutes.append(code)
        row.problems.append(
            Problem(
                name,
                code,
                _("Institute %(code)s is not in the database: it is created by this import.")
                % {"code": code},
                WARNING,
                row.number,
                row.values[_ACCENUMB],
            )
        )

    def flush(self, batch: list[_Checked]) -> list[tuple]:
        """The batch's records to write: (status, pk, values, fields given for an update)."""
        existing = self._existing(batch)
        records = []
        for row in batch:
            status, pk = CREATE, None
            if not row.has_error and row.key in existing:
                pk, stored = existing[row.key]
                changed = [
                    name
                    for name in sorted(row.given, key=FIELDS.index)
                    if name in INDEX and stored[name] != row.values[INDEX[name]]
                ]
                if not changed:
                    status = UNCHANGED
                elif self.update:
                    status = UPDATE
                else:
                    for name in changed:
                        row.problems.append(
                            Problem(
                                name,
                                row.values[INDEX[name]],
                                _(
                                    "The accession exists with %(field)s %(old)s; use --update to "
                                    "change it."
                                )
                                % {"field": name, "old": repr(stored[name])},
                                ERROR,
                                row.number,
                                row.values[_ACCENUMB],
                            )
                        )
            for problem in row.problems:
                self.result.add(problem, self.on_problem)
            if row.has_error:
                self.result.rejected += 1
                continue
            if status == UNCHANGED:
                self.result.unchanged += 1
                continue
            if status == UPDATE:
                self.result.updated += 1
            else:
                self.result.created += 1
            values = row.values
            taxon = _TAXON(values)
            # An update's taxon is known only after merging with the stored record: made then.
            if status == CREATE and taxon not in self.taxa:
                self.new_taxa[taxon] = None
            given = tuple(sorted(row.given)) if status == UPDATE else ()
            records.append((status, pk, values, given, row.pdci))
        return records

    def _existing(self, batch: list[_Checked]) -> dict[tuple[str, str], tuple[int, dict[str, str]]]:
        by_institute: dict[str, list[str]] = {}
        for row in batch:
            code, number = row.key
            if code in self.institutes_with_accessions and not row.has_error:
                by_institute.setdefault(code, []).append(number)
        found: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
        for code, numbers in by_institute.items():
            queryset = Accession.objects.filter(institute__code=code, number__in=numbers)
            for pk, values in iter_mcpd_rows(queryset, with_pk=True, derived=False):
                found[(code, values[INDEX["ACCENUMB"]])] = (
                    pk,
                    dict(zip(FIELDS, values, strict=True)),
                )
        return found
