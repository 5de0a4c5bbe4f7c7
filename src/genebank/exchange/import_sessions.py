"""The import flows around import_mcpd: the web upload session with its column map, and imports queued as jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from genebank.core.jobs import enqueue_job, job_progress
from genebank.core.models import Job
from genebank.exchange import safe_files
from genebank.exchange.mcpd import (
    Problem,
)
from genebank.exchange.mcpd_checking import BATCH
from genebank.exchange.mcpd_import import ErrorsCsv, ImportResult, import_mcpd
from genebank.exchange.readers import Mapping, Table, is_workbook, read_table

logger = logging.getLogger(__name__)

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
        progress = _progress_reporter(report, record.original_name)
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
        progress = _progress_reporter(report, name)

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


def _progress_reporter(report: Callable[..., None], name: str) -> Callable[[str, int], None]:
    """import_mcpd's on_progress for a job: the rows checked or written, said on the job."""

    def progress(stage: str, rows: int) -> None:
        text = (
            _("%(file)s: %(rows)s rows written")
            if stage == "written"
            else _("%(file)s: %(rows)s rows checked")
        )
        report(rows, stage=stage, message=text % {"file": name, "rows": rows})

    return progress
