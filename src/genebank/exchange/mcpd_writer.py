"""Checked MCPD rows written as accessions in bulk, with their names, events, acquisitions and history."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from genebank.accessions.models import (
    Accession,
    AccessionIdentifier,
    AccessionName,
    Acquisition,
    CollectingEvent,
)
from genebank.core.models import Country, Institute, Taxon
from genebank.core.services import mark_change
from genebank.exchange.mcpd import (
    FIELDS,
)
from genebank.exchange.mcpd_export import iter_mcpd_rows
from genebank.exchange.mcpd_row import (
    _ACCENAME,
    _ACCENUMB,
    _ACQDATE,
    _ANCEST,
    _BREDCODE,
    _BREDNAME,
    _COLLCODE,
    _COLLDATE,
    _COLLECTING,
    _COLLINSTADDRESS,
    _COLLMISSID,
    _COLLNAME,
    _COLLNUMB,
    _COLLSITE,
    _COLLSRC,
    _COORDDATUM,
    _COORDUNCERT,
    _CROPNAME,
    _DECLATITUDE,
    _DECLONGITUDE,
    _DONOR,
    _DONORCODE,
    _DONORNAME,
    _DONORNUMB,
    _DUPLINSTNAME,
    _DUPLSITE,
    _ELEVATION,
    _GEOREFMETH,
    _INSTCODE,
    _LATITUDE,
    _LONGITUDE,
    _MLSSTAT,
    _ORIGCTY,
    _OTHERNUMB,
    _PUID,
    _REMARKS,
    _SAMPSTAT,
    _STORAGE,
    _TAXON,
    INDEX,
)
from genebank.exchange.pdci import pdci_points, score_of
from genebank.exchange.pdci_store import refresh_pdci

if TYPE_CHECKING:
    from genebank.exchange.mcpd_import import _Planner


logger = logging.getLogger(__name__)

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


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
        self.scores: dict[int, Decimal] = {}
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
        taxon_id = self.taxa.get(taxon)
        if pdci is None:
            pdci = pdci_points(v)
        # Points are a few dozen distinct whole numbers: one Decimal each.
        score = self.scores.get(pdci)
        if score is None:
            score = self.scores[pdci] = score_of(pdci)
        return (
            institute_id,
            v[_ACCENUMB],
            self.sequence(institute_id, v[_ACCENUMB]),
            v[_PUID],
            taxon_id if taxon_id is not None else self.new_taxon(taxon),
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
            score,
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
        accession_values = self.accession_values
        for v, pdci in records:
            values = accession_values(v, pdci)
            found = by_institute.get(values[0])
            if found is None:
                by_institute[values[0]] = [values]
            else:
                found.append(values)
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
        event_values, acquisition_values = self.event_values, self.acquisition_values
        for v, _pdci in records:
            pk = ids[(institutes[v[_INSTCODE]], v[_ACCENUMB])]
            accession_ids.append(pk)
            if v[_ACCENAME]:
                names.extend(_name_rows(pk, v))
            if v[_OTHERNUMB]:
                identifiers.extend(_identifier_rows(pk, v))
            event = event_values(v)
            if event is not None:
                events.append((pk, *event))
                if v[_COLLCODE]:
                    codes = list(filter(None, v[_COLLCODE].split(";")))
                    if codes:
                        event_codes[pk] = codes
            acquisition = acquisition_values(v)
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
