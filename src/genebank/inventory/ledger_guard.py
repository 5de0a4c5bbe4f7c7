"""A database trigger that refuses any UPDATE of a lot transaction, whatever code runs the SQL.

Installed after every migrate (post_migrate), so it survives SQLite's table rebuilds when a later
migration alters the table. Deletes are refused by the model and its queryset, and lots protect
their transactions (on_delete=PROTECT); a DELETE trigger is not used because test databases are
emptied with DELETE on SQLite.
"""

from __future__ import annotations

TABLE = "inventory_lottransaction"
TRIGGER = "inventory_lottransaction_append_only"
MESSAGE = "lot transactions are append-only: add a correction instead"

SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS {TRIGGER} BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}",
    f"""CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()""",
]


def install(using: str = "default", **kwargs) -> None:
    from django.db import connections

    connection = connections[using]
    if TABLE not in connection.introspection.table_names():
        return
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
