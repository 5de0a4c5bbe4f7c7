"""The exchange app's long work, run as queued jobs: checking and importing passport files."""

from __future__ import annotations

from genebank.core.jobs import job_kind
from genebank.exchange import import_sessions


@job_kind("import")
def import_session(job, **params) -> None:
    """Check or import the file of a web import session."""
    import_sessions.run_queued_session_task(job, **params)


@job_kind("import-file")
def import_file(job, **params) -> None:
    """Import a file queued from the command line (`genebank import mcpd FILE --background`)."""
    import_sessions.run_queued_file_import(job, **params)
