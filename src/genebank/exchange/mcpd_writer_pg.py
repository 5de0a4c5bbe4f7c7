"""The MCPD import's write path on PostgreSQL: COPY into staging tables, then set-based INSERTs.

The generic writer (mcpd_writer._Writer) sends one INSERT per row (psycopg runs executemany as
one statement per row, each parsed and planned by the server), and that was most of an import
on PostgreSQL. Here each batch of new accessions is copied (COPY FROM STDIN) into temporary
staging tables shaped like the real ones (dropped at commit), and each table and its history
table are then filled by INSERT ... SELECT from its staging table, all sent in one round trip,
inside the import's one transaction. Accessions and events take their ids from their tables'
sequences first (one query a batch), so their names, numbers and links are copied with them;
the many-to-many snapshots beside the history rows take the history ids from the INSERT's
RETURNING. The rows, history rows (same user, reason, time and type) and snapshots are the
generic writer's; updates of existing accessions, and a database user who may not create
temporary tables, take the generic path.
"""

from __future__ import annotations

from django.db import connection
from psycopg import ClientCursor

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
        self.stage = _quote(f"gb_stage_{meta.db_table}")
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

    def copy(self, cursor, rows: list[tuple]) -> None:
        """Copy rows (the values of `names`) into the (empty) staging table."""
        tail = self.tail
        with cursor.copy(self.copy_sql) as copy:
            for row in rows:
                copy.write_row(row + tail)

    def statements(self, history: bool = True) -> list[tuple[str, list]]:
        """The staged rows into the table and, unless history is False, its history table."""
        found: list[tuple[str, list]] = [(self.insert_sql, [])]
        if history and self.history_sql is not None:
            found.append((self.history_sql, self.history_params))
        return found


def _run(cursor, statements: list[tuple[str, list]]) -> None:
    """Execute the statements in one round trip when the cursor binds parameters itself (psycopg's
    ClientCursor, Django's default: the simple query protocol takes several statements)."""
    if isinstance(cursor.cursor, ClientCursor):
        cursor.execute(
            ";\n".join(cursor.cursor.mogrify(sql, params or None) for sql, params in statements)
        )
        return
    for sql, params in statements:
        cursor.execute(sql, params)


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
        self.sequences: list[str] = []

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

    def _ids(self, cursor, accessions: int, events: int) -> tuple[list[int], list[int]]:
        """New ids for the accessions and the events from their tables' sequences, in order."""
        if not self.sequences:
            for model in (Accession, CollectingEvent):
                meta = model._meta
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column]
                )
                self.sequences.append(cursor.fetchone()[0])
        cursor.execute(
            "SELECT ARRAY(SELECT nextval(%s::regclass) FROM generate_series(1, %s)), "
            "ARRAY(SELECT nextval(%s::regclass) FROM generate_series(1, %s))",
            [self.sequences[0], accessions, self.sequences[1], events],
        )
        accession_ids, event_ids = cursor.fetchone()
        return accession_ids, event_ids

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
        links: list[tuple[int, int]] = []
        with connection.cursor() as cursor:
            if not self._stage_tables(cursor):
                super().create(records)
                return
            # The generic writer inserts the accessions institute by institute: ids in that order;
            # then the events in the order of the file's rows.
            by_institute: dict[int, list[tuple]] = {}
            rows = []
            for v, pdci in records:
                values = self.accession_values(v, pdci)
                by_institute.setdefault(values[0], []).append(values)
                rows.append((v, self.event_values(v)))
            ordered = [values for items in by_institute.values() for values in items]
            accession_ids, event_ids = self._ids(
                cursor, len(ordered), sum(event is not None for _v, event in rows)
            )
            accessions = [(pk, *values) for pk, values in zip(accession_ids, ordered, strict=True)]
            ids = {(values[0], values[1]): pk for pk, *values in accessions}
            next_event = iter(event_ids)
            for v, event in rows:
                pk = ids[(institutes[v[_INSTCODE]], v[_ACCENUMB])]
                if v[_ACCENAME]:
                    names.extend(_name_rows(pk, v))
                if v[_OTHERNUMB]:
                    identifiers.extend(_identifier_rows(pk, v))
                if event is not None:
                    event_id = next(next_event)
                    events.append((event_id, pk, *event))
                    links.extend(
                        (event_id, institutes[code])
                        for code in filter(None, v[_COLLCODE].split(";"))
                    )
                acquisition = self.acquisition_values(v)
                if acquisition is not None:
                    acquisitions.append((pk, *acquisition))
                if v[_BREDCODE]:
                    bred.extend(
                        (pk, institutes[code]) for code in filter(None, v[_BREDCODE].split(";"))
                    )
            staged = self.staged
            statements: list[tuple[str, list]] = []
            for model, copied in (
                (Accession, accessions),
                (BRED_BY, bred),
                (AccessionName, names),
                (AccessionIdentifier, identifiers),
                (CollectingEvent, events),
                (COLLECTED_BY, links),
                (Acquisition, acquisitions),
            ):
                if copied:
                    staged[model].copy(cursor, copied)
                    statements += staged[model].statements(history=model not in self.m2m_history)
                # Accessions' and events' history rows, with the snapshots of their links.
                if model is BRED_BY:
                    statements.append(
                        (self.m2m_history[Accession], staged[Accession].history_params)
                    )
                elif model is COLLECTED_BY and events:
                    statements.append(
                        (self.m2m_history[CollectingEvent], staged[CollectingEvent].history_params)
                    )
            # Emptied for the next batch (and dropped at commit).
            statements.append((self.truncate_sql, []))
            _run(cursor, statements)
