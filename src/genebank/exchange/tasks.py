"""The exchange app's long work, run as queued jobs: checking and importing passport files,
large MCPD exports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from genebank.core.jobs import job_kind
from genebank.exchange import export_jobs, import_sessions


@job_kind("import", title=_("MCPD import"))
def import_session(job, **params) -> None:
    """Check or import the file of a web import session."""
    import_sessions.run_queued_session_task(job, **params)


@job_kind("import-file", title=_("MCPD import of a file"))
def import_file(job, **params) -> None:
    """Import a file queued from the command line (`genebank import mcpd FILE --background`)."""
    import_sessions.run_queued_file_import(job, **params)


@job_kind(export_jobs.LIST_EXPORT, title=_("MCPD export"))
def export_list(job, **params) -> None:
    """The accession list's MCPD export, too large to make while the page waits."""
    export_jobs.run_list_export(job, **params)


@job_kind(export_jobs.FILE_EXPORT, title=_("MCPD export to a file"))
def export_file(job, **params) -> None:
    """`genebank export mcpd -o FILE --background`."""
    export_jobs.run_file_export(job, **params)
