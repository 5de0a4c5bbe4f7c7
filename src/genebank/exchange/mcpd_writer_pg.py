"""The MCPD import's write path on PostgreSQL: COPY into staging tables, then set-based INSERTs.

The generic writer (mcpd_writer._Writer) sends one INSERT per row: psycopg runs executemany as
one statement per row, each parsed and planned by the server, and that is most of an import on
PostgreSQL. Here each batch of new accessions is copied (COPY FROM STDIN) into temporary
staging tables shaped like the real ones, and each table and its history table are then filled
by one INSERT ... SELECT from its staging table, inside the import's one transaction. The rows,
their ids, their history rows (same user, reason, time and type) and the many-to-many snapshots
are the same as the generic writer's; updates of existing accessions take the generic path.
"""

from __future__ import annotations

from django.db import connection

from genebank.accessions.models import (
    Accession,
    AccessionIdentifier,
    AccessionName,
    Acquisition,
    CollectingEvent,
)
from genebank.exchange.mcpd_row import (
    _ACCENAME,
    _ACCENUMB,
    _BREDCODE,
    _COLLCODE,
    _INSTCODE,
    _OTHERNUMB,
)
from genebank.exchange.mcpd_writer import (
    ACCESSION_COLUMNS,
    ACQUISITION_COLUMNS,
    EVENT_COLUMNS,
    IDENTIFIER_COLUMNS,
    NAME_COLUMNS,
    _BulkTable,
    _identifier_rows,
    _name_rows,
    _Writer,
)

BREEDING = Accession._meta.get_field("breeding_institutes")
COLLECTING = CollectingEvent._meta.get_field("collecting_institutes")
BRED_BY = Accession.breeding_institutes.through
COLLECTED_BY = CollectingEvent.collecting_institutes.through


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


class _Staged:
    """One table, its temporary staging table (dropped at commit) and the SQL between them.

    The staging table has the real table's columns and types (LIKE), and the real table's id
    sequence as its id default, so rows copied without an id get theirs in the order copied,
    as the generic writer's INSERTs would. Every column is copied: `names` from the rows, the
    others the defaults the generic writer gives them (the same created/updated time).
    """

    def __init__(self, bulk: _BulkTable, names: tuple[str, ...]):
        meta = bulk.model._meta
        self.table = _quote(meta.db_table)
        self.stage = _quote(f"genebank_stage_{meta.db_table}")
        by_name = {f.attname: (f, d) for f, d in zip(bulk.fields, bulk.defaults, strict=True)}
        rest = [name for name in by_name if name not in names]
        self.names = names
        self.tail = tuple(by_name[name][1] for name in rest)
        self.pk = meta.pk.column
        self.sequence_of = (meta.db_table, self.pk)
        self.given_id = "id" in names
        copied = [
            _quote(self.pk if name == "id" else by_name[name][0].column) for name in (*names, *rest)
        ]
        self.copy_sql = f"COPY {self.stage} ({', '.join(copied)}) FROM STDIN"
        every = ", ".join(copied if self.given_id else [_quote(self.pk), *copied])
        self.create_sql = (
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.stage} (LIKE {self.table}) ON COMMIT DROP"
        )
        self.insert_sql = (
            f"INSERT INTO {self.table} ({every}) SELECT {every} FROM {self.stage} "
            f"ORDER BY {_quote(self.pk)}"
        )
        self.history_sql = None
        self.history_params: list = []
        history = getattr(bulk.model, "history", None)
        if history is not None:
            history_meta = history.model._meta
            tracked = [
                f for f in history_meta.concrete_fields if not f.attname.startswith("history_")
            ]
            target = [_quote(f.column) for f in tracked] + [
                _quote(history_meta.get_field(name).column)
                for name in (
                    "history_date",
                    "history_change_reason",
                    "history_type",
                    "history_user",
                )
            ]
            source = [_quote(meta.get_field(f.name).column) for f in tracked]
            self.history_sql = (
                f"INSERT INTO {_quote(history_meta.db_table)} ({', '.join(target)}) "
                f"SELECT {', '.join(source)}, %s, %s, %s, %s FROM {self.stage} "
                f"ORDER BY {_quote(self.pk)}"
            )
            self.history_params = bulk.history_params

    def create(self, cursor) -> None:
        """The staging table, its id default the next value of the table's own sequence."""
        cursor.execute(self.create_sql)
        if self.given_id:
            return
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", list(self.sequence_of))
        (sequence,) = cursor.fetchone()
        literal = "'" + sequence.replace("'", "''") + "'"
        cursor.execute(
            f"ALTER TABLE {self.stage} ALTER COLUMN {_quote(self.pk)} "
            f"SET DEFAULT nextval({literal}::regclass)"
        )

    def write(self, cursor, rows: list[tuple], history: bool = True) -> None:
        """Copy rows (the values of `names`) into the (emptied) staging table, then into the
        table and, unless history is False, its history table."""
        tail = self.tail
        with cursor.copy(self.copy_sql) as copy:
            for row in rows:
                copy.write_row(row + tail)
        cursor.execute(self.insert_sql)
        if history and self.history_sql is not None:
            cursor.execute(self.history_sql, self.history_params)


def _m2m_history_sql(field, owners: _Staged, links: _Staged) -> str:
    """The owners' history rows and, beside them, the snapshot of their many-to-many links,
    as mcpd_writer._m2m_history writes it: one statement, the history rows' ids taken from the
    INSERT's RETURNING (no look-up in the growing history table)."""
    history = field.model.history.model
    snapshot = getattr(history, field.name).model
    through = field.remote_field.through
    names = [f.name for f in through._meta.concrete_fields]
    target = [_quote(snapshot._meta.get_field(name).column) for name in names]
    target.append(_quote(snapshot._meta.get_field("history").column))
    source = [f"t.{_quote(through._meta.get_field(name).column)}" for name in names]
    owner = _quote(field.m2m_column_name())
    history_id = _quote(history._meta.pk.column)
    key = _quote(history._meta.get_field("id").column)
    return (
        f"WITH h AS ({owners.history_sql} RETURNING {history_id}, {key}) "
        f"INSERT INTO {_quote(snapshot._meta.db_table)} ({', '.join(target)}) "
        f"SELECT {', '.join(source)}, h.{history_id} FROM {links.stage} t "
        f"JOIN h ON h.{key} = t.{owner} ORDER BY t.{_quote(through._meta.pk.column)}"
    )


class PgWriter(_Writer):
    """_Writer whose new accessions go through COPY and staging tables (PostgreSQL only)."""

    def __init__(self, user, reason: str, planner):
        super().__init__(user, reason, planner)
        tables = self.tables
        self.staged = {
            Accession: _Staged(tables[Accession], ("id", *ACCESSION_COLUMNS)),
            AccessionName: _Staged(tables[AccessionName], NAME_COLUMNS),
            AccessionIdentifier: _Staged(tables[AccessionIdentifier], IDENTIFIER_COLUMNS),
            CollectingEvent: _Staged(
                tables[CollectingEvent], ("id", "accession_id", *EVENT_COLUMNS)
            ),
            Acquisition: _Staged(tables[Acquisition], ("accession_id", *ACQUISITION_COLUMNS)),
            BRED_BY: _Staged(tables[BRED_BY], ("accession_id", "institute_id")),
            COLLECTED_BY: _Staged(tables[COLLECTED_BY], ("collectingevent_id", "institute_id")),
        }
        # The history of accessions and events, written after their links' staging tables
        # are filled.
        self.m2m_history = {
            Accession: _m2m_history_sql(BREEDING, self.staged[Accession], self.staged[BRED_BY]),
            CollectingEvent: _m2m_history_sql(
                COLLECTING, self.staged[CollectingEvent], self.staged[COLLECTED_BY]
            ),
        }
        self.truncate_sql = f"TRUNCATE {', '.join(s.stage for s in self.staged.values())}"
        self.ready: bool | None = None
        self.sequences: dict = {}

    def _stage_tables(self, cursor) -> bool:
        """Create the staging tables once per transaction (they are dropped at its commit);
        False when the database user may not create temporary tables (the generic path then)."""
        if self.ready is None:
            cursor.execute("SELECT has_database_privilege(current_database(), 'TEMPORARY')")
            (self.ready,) = cursor.fetchone()
            if self.ready:
                for staged in self.staged.values():
                    staged.create(cursor)
        return self.ready

    def _ids(self, cursor, model, count: int) -> list[int]:
        """count new ids from the table's sequence, in order."""
        if not count:
            return []
        sequence = self.sequences.get(model)
        if sequence is None:
            meta = model._meta
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
            (sequence,) = cursor.fetchone()
            self.sequences[model] = sequence
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
        )
        return [pk for (pk,) in cursor.fetchall()]

    def create(self, records: list[tuple]) -> None:
        """New accessions and their records, as _Writer.create writes them, through COPY.

        records: (41 values, PDCI points or None).
        """
        institutes = self.institutes
        names: list[tuple] = []
        identifiers: list[tuple] = []
        events: list[tuple] = []
        acquisitions: list[tuple] = []
        bred: list[tuple[int, int]] = []
        collecting: list[tuple[int, list[str]]] = []  # (accession id, codes) of each event
        with connection.cursor() as cursor:
            if not self._stage_tables(cursor):
                super().create(records)
                return
            # The generic writer inserts the accessions institute by institute: ids in that order.
            by_institute: dict[int, list[tuple]] = {}
            for v, pdci in records:
                values = self.accession_values(v, pdci)
                by_institute.setdefault(values[0], []).append((v, values))
            ordered = [item for items in by_institute.values() for item in items]
            accession_ids = self._ids(cursor, Accession, len(ordered))
            accessions = [
                (pk, *values) for pk, (_v, values) in zip(accession_ids, ordered, strict=True)
            ]
            ids = {(values[0], values[1]): pk for pk, *values in accessions}
            for v, _pdci in records:
                pk = ids[(institutes[v[_INSTCODE]], v[_ACCENUMB])]
                if v[_ACCENAME]:
                    names.extend(_name_rows(pk, v))
                if v[_OTHERNUMB]:
                    identifiers.extend(_identifier_rows(pk, v))
                event = self.event_values(v)
                if event is not None:
                    events.append((pk, *event))
                    codes = list(filter(None, v[_COLLCODE].split(";")))
                    if codes:
                        collecting.append((pk, codes))
                acquisition = self.acquisition_values(v)
                if acquisition is not None:
                    acquisitions.append((pk, *acquisition))
                if v[_BREDCODE]:
                    bred.extend(
                        (pk, institutes[code]) for code in filter(None, v[_BREDCODE].split(";"))
                    )
            # Events in accession order, as the generic writer's SELECT finds them for the links.
            event_ids = self._ids(cursor, CollectingEvent, len(events))
            event_of = {
                event[0]: event_id for event_id, event in zip(event_ids, events, strict=True)
            }
            links = [(event_of[pk], institutes[code]) for pk, codes in collecting for code in codes]
            staged = self.staged
            cursor.execute(self.truncate_sql)
            for model, rows in (
                (Accession, accessions),
                (BRED_BY, bred),
                (AccessionName, names),
                (AccessionIdentifier, identifiers),
                (
                    CollectingEvent,
                    [(pk, *event) for pk, event in zip(event_ids, events, strict=True)],
                ),
                (COLLECTED_BY, links),
                (Acquisition, acquisitions),
            ):
                if rows:
                    staged[model].write(cursor, rows, history=model not in self.m2m_history)
                if model is BRED_BY:
                    cursor.execute(self.m2m_history[Accession], staged[Accession].history_params)
                elif model is COLLECTED_BY and events:
                    params = staged[CollectingEvent].history_params
                    cursor.execute(self.m2m_history[CollectingEvent], params)
