"""The exchange app's long work, run as queued jobs: checking and importing passport files."""

from __future__ import annotations

from genebank.core.jobs import job_kind
from genebank.exchange import services


@job_kind("import")
def import_session(job, **params) -> None:
    """Check or import the file of a web import session."""
    services.run_queued_session_task(job, **params)


@job_kind("import-file")
def import_file(job, **params) -> None:
    """Import a file queued from the command line (`genebank import mcpd FILE --background`)."""
    services.run_queued_file_import(job, **params)
