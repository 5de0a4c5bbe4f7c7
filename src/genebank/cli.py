"""The `genebank` command: serve, demo, and every Django management command.

Every command works on an empty GENEBANK_DATA_DIR: the database is created and migrated first.
"""

from __future__ import annotations

import os
import sys

USAGE = """usage: genebank COMMAND [options]

  serve [--host HOST] [--port PORT]   serve the web application (default 127.0.0.1:8000)
  demo [--if-empty]                   load the demo collection and one user per role
  worker                              run queued jobs until stopped (serve runs one itself)
  jobs [--json]                       the queued, running and finished jobs
  jobs --prune [--older-than DAYS]    delete finished jobs and their files (default: older than
                                      GENEBANK_JOB_RETENTION_DAYS)
  import mcpd FILE ...                import an MCPD passport file (see `genebank import --help`;
                                      --background queues it as a job)
  export mcpd -o FILE ...             export MCPD passport data (--background queues it as a job)
  viability predict|fit ...           the viability equation and a lot's fitted decline (--json)
  help                                every other command (Django management commands)
"""


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "genebank.settings")
    import django

    django.setup()


def ensure_database(verbosity: int = 0) -> None:
    """Create and migrate the database when it is new or behind the code."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        if verbosity:
            print(f"Preparing the database ({len(plan)} migrations)…", file=sys.stderr)
        call_command("migrate", interactive=False, verbosity=0)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(USAGE)
        return 0
    _setup()
    command = argv[1]
    if command not in ("help", "makemigrations", "version", "--version"):
        ensure_database(verbosity=1)
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["genebank", *argv[1:]])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
