"""`genebank jobs`: the queued, running and finished jobs, newest first; `--prune` deletes the
finished ones older than the retention period, with their result files."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from genebank.core.jobs import (
    prune_jobs,
    requeue_abandoned_jobs,
    requeue_claimed_tasks,
    retention_days,
)
from genebank.core.models import Job


class Command(BaseCommand):
    help = (
        "List jobs (newest first): id, kind, status, progress, message. --prune deletes finished "
        "jobs (done or failed) older than GENEBANK_JOB_RETENTION_DAYS, with their result files; "
        "queued and running jobs are never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON list, for scripts")
        parser.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="delete finished jobs older than the retention period, with their files",
        )
        parser.add_argument(
            "--older-than",
            type=float,
            metavar="DAYS",
            help="with --prune: finished more than DAYS days ago (default "
            "GENEBANK_JOB_RETENTION_DAYS)",
        )

    def handle(self, *args, json: bool, limit: int, prune: bool, older_than, **options):
        if older_than is not None and not prune:
            raise CommandError(_("--older-than goes with --prune."), returncode=2)
        if prune:
            if older_than is not None and older_than < 0:
                raise CommandError(_("--older-than: a number of days, 0 or more."), returncode=2)
            days = retention_days() if older_than is None else older_than
            deleted = prune_jobs(days)
            if json:
                self.stdout.write(_dumps({"deleted": deleted, "older_than_days": days}))
            else:
                self.stdout.write(
                    _("%(count)s finished jobs older than %(days)s days deleted.")
                    % {"count": len(deleted), "days": f"{days:g}"}
                )
            return
        # A job whose worker died is shown queued (as it is, for the next worker), never running.
        requeue_abandoned_jobs()
        requeue_claimed_tasks()
        jobs = [
            {
                "id": job.pk,
                "kind": job.kind,
                "status": job.status,
                "stage": job.stage,
                "progress": job.progress,
                "total": job.total,
                "message": job.message,
                "user": job.user.get_username() if job.user else None,
                "created": job.created_at.isoformat(),
                "started": job.started_at.isoformat() if job.started_at else None,
                "finished": job.finished_at.isoformat() if job.finished_at else None,
                "attempts": job.attempts,
                "worker": job.worker,
                "result": job.result_name if job.status == Job.Status.DONE else None,
            }
            for job in Job.objects.select_related("user")[:limit]
        ]
        if json:
            self.stdout.write(_dumps(jobs))
            return
        for job in jobs:
            progress = f"{job['progress']}/{job['total']}" if job["total"] else str(job["progress"])
            self.stdout.write(
                f"{job['id']:>6}  {job['kind']:<12}  {job['status']:<8}  {progress:>15}  "
                f"{job['message']}"
            )


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
