"""`genebank jobs`: the queued, running and finished jobs, newest first."""

import json

from django.core.management.base import BaseCommand

from genebank.core.jobs import requeue_abandoned_jobs, requeue_claimed_tasks
from genebank.core.models import Job


class Command(BaseCommand):
    help = "List jobs (newest first): id, kind, status, progress, message."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON list, for scripts")
        parser.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")

    def handle(self, *args, json: bool, limit: int, **options):
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
