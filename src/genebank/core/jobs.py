"""The job queue: long work runs as a task in a worker process; its state lives in a Job row."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from genebank.core.models import Job

logger = logging.getLogger(__name__)

# Cut so that a worker id fits the task queue's 64 characters.
HOST = socket.gethostname()[:40]
# How often a worker writes its running job's heartbeat and progress, and looks for jobs whose
# worker died.
HEARTBEAT_EVERY = 2.0
REQUEUE_EVERY = 10.0
# A worker of another host that has not written a heartbeat for this long is taken for dead. A
# worker of this host is asked directly (its process), since on SQLite a long import holds the
# write lock and its heartbeat cannot be written until the import commits.
STALE_AFTER = dt.timedelta(minutes=2)
# A job whose worker died this many times is not run again: the job may be what kills it (memory).
MAX_ATTEMPTS = 3
# A worker deletes finished jobs older than settings.JOB_RETENTION_DAYS when it starts and then
# this often (seconds).
PRUNE_EVERY = 24 * 3600.0

# Job kind -> the function that does the work: function(job, **job.params); and what the job
# pages call it.
_KINDS: dict[str, Callable[..., None]] = {}
_TITLES: dict[str, object] = {}
# In a worker process: the jobs it runs, and their progress not yet written (the heartbeat
# thread writes it through its own connection, outside the job's transactions).
_beating: dict[int, dict] = {}
_beating_lock = threading.Lock()
_heartbeat: _Heartbeat | None = None


def job_kind(kind: str, title=None) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register the function that does the work of one kind of job (each app's tasks.py), and
    the words the job pages name it with (a lazy translation; by default the kind itself)."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        _KINDS[kind] = function
        if title is not None:
            _TITLES[kind] = title
        return function

    return register


def job_title(job: Job) -> str:
    return str(_TITLES.get(job.kind, job.kind))


# --- result files -------------------------------------------------------------------------------


def results_dir() -> Path:
    """Where jobs keep the files they make: in the data dir, readable by the genebank only."""
    return Path(settings.DATA_DIR) / "jobs"


def result_file(job: Job, name: str) -> Path:
    """A path for the file this job makes, in a folder of its own (emptied first: a job run
    again after its worker died starts afresh). The job then calls keep_result(job, path, name)."""
    folder = results_dir() / str(job.pk)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o700, parents=True)
    os.chmod(folder.parent, 0o700)
    return folder / Path(name).name


def keep_result(job: Job, path: Path, name: str) -> None:
    """Record the file a job made, to be offered for download (by its name) once it is done.

    Written with the job's end (status done), never before: a failed job offers no file."""
    job.result_path = str(Path(path).relative_to(results_dir()))
    job.result_name = name


def result_path(job: Job) -> Path | None:
    """The file a finished job made, or None (none, not done, or gone)."""
    if job.status != Job.Status.DONE or not job.result_path:
        return None
    root = results_dir().resolve()
    path = (root / job.result_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def may_see_job(user, job: Job) -> bool:
    """A job is its starter's (and a superuser's): its page, its progress and its file."""
    return bool(user.is_authenticated and (user.is_superuser or job.user_id == user.pk))


def jobs_of(user):
    """The jobs a user sees: their own, or every job for a superuser."""
    jobs = Job.objects.select_related("user")
    return jobs if user.is_superuser else jobs.filter(user=user)


def retention_days() -> int:
    return int(getattr(settings, "JOB_RETENTION_DAYS", 30))


def prune_jobs(older_than: float | None = None) -> list[int]:
    """Delete finished jobs (done or failed) that ended more than older_than days ago (by
    default settings.JOB_RETENTION_DAYS), with their result files and task results. Queued and
    running jobs are never deleted, however old. Returns the ids deleted.

    Folders of result files whose job is gone (deleted some other way) go too.
    """
    days = retention_days() if older_than is None else older_than
    cutoff = timezone.now() - dt.timedelta(days=days)
    finished = Job.objects.filter(status__in=(Job.Status.DONE, Job.Status.FAILED)).filter(
        models.Q(finished_at__lt=cutoff) | models.Q(finished_at__isnull=True, created_at__lt=cutoff)
    )
    old = list(finished.values_list("pk", flat=True))
    ids: list[int] = []
    for start in range(0, len(old), 500):
        with transaction.atomic():
            # Finished still, under a lock: a job queued again meanwhile is not deleted.
            part = dict(
                finished.filter(pk__in=old[start : start + 500])
                .select_for_update()
                .values_list("pk", "task_id")
            )
            Job.objects.filter(pk__in=list(part)).delete()
            _delete_task_results([task for task in part.values() if task])
        ids += part
    folder = results_dir()
    if folder.is_dir():
        names = [p.name for p in folder.iterdir() if p.is_dir() and p.name.isdigit()]
        known = set(Job.objects.filter(pk__in=[int(n) for n in names]).values_list("pk", flat=True))
        for name in names:
            if int(name) not in known:
                shutil.rmtree(folder / name, ignore_errors=True)
    if ids:
        logger.info("pruned %s finished jobs older than %s days", len(ids), days)
    return ids


def _delete_task_results(task_ids: list[str]) -> None:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if task_ids and isinstance(run_job.get_backend(), DatabaseBackend):
        DBTaskResult.objects.filter(id__in=task_ids).exclude(
            status__in=("READY", "RUNNING")
        ).delete()


def _process_start(pid: int) -> tuple[str, str] | None:
    """(state, start time) of a process from /proc, or None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except FileNotFoundError:
        return ("X", "")  # no such process
    except OSError:
        return None
    return fields[0], fields[19]


def worker_id() -> str:
    """This process as a worker: host, process id and start time (a reused pid is another)."""
    pid = os.getpid()
    started = _process_start(pid)
    return f"{HOST}:{pid}:{started[1] if started else ''}"


def worker_alive(worker: str, heartbeat: dt.datetime | None) -> bool:
    """Whether the worker process that claimed a job still lives."""
    host, _sep, rest = worker.partition(":")
    pid_text, _sep, started = rest.partition(":")
    if host == HOST and pid_text.isdigit() and os.name == "posix":
        pid = int(pid_text)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # alive, another user's
        state = _process_start(pid)
        if state is None:
            return True
        # A zombie (killed, not yet reaped) is dead; another start time is another process.
        return state[0] not in ("Z", "X") and (not started or state[1] == started)
    return heartbeat is not None and timezone.now() - heartbeat < STALE_AFTER


# --- queueing and running -----------------------------------------------------------------------


def enqueue_job(kind: str, *, user=None, total: int = 0, message: str = "", **params) -> Job:
    """Record a job and queue its task, together: a job is never recorded without its task."""
    if kind not in _KINDS:
        raise ValueError(kind)
    with transaction.atomic():
        job = Job.objects.create(kind=kind, params=params, user=user, total=total, message=message)
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


@task()
def run_job(job_id: int) -> None:
    """The one task of the queue: claim the job, run its kind's function, record how it ended."""
    now = timezone.now()
    me = worker_id()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        worker=me,
        heartbeat=now,
        started_at=now,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return  # done, failed, or run by another worker since
    job = Job.objects.get(pk=job_id)
    if _heartbeat is not None:
        with _beating_lock:
            _beating[job.pk] = {}
    try:
        _KINDS[job.kind](job, **job.params)
    except Exception as exc:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.Status.FAILED, message=str(exc) or type(exc).__name__)
        raise
    else:
        _finish(job, Job.Status.DONE)
    finally:
        with _beating_lock:
            _beating.pop(job.pk, None)


def _finish(job: Job, status: str, message: str | None = None) -> None:
    fields = {"status": status, "finished_at": timezone.now()}
    if status == Job.Status.DONE:
        fields.update(result_path=job.result_path, result_name=job.result_name)
    else:
        fields.update(result_path="", result_name="")
        shutil.rmtree(results_dir() / str(job.pk), ignore_errors=True)
    with _beating_lock:
        fields.update(_beating.get(job.pk, {}))
        _beating[job.pk] = {}
    if message is not None:
        fields["message"] = message
    # Only while it is still this worker's: a job queued again meanwhile is another run's.
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, worker=job.worker).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


@contextlib.contextmanager
def job_progress(job: Job) -> Iterator[Callable[..., None]]:
    """`with job_progress(job) as report: report(done, total, message, stage=...)`.

    In a worker, a report is kept in memory and written by the heartbeat thread within seconds,
    through its own connection: the job's work may hold a transaction that must not carry it.
    Elsewhere (tasks run at once, as in tests) it is written at once.
    """

    def report(
        done: int, total: int | None = None, message: str | None = None, stage: str | None = None
    ) -> None:
        fields: dict = {"progress": done}
        if total is not None:
            fields["total"] = total
        if message is not None:
            fields["message"] = message
        if stage is not None:
            fields["stage"] = stage
        for name, value in fields.items():
            setattr(job, name, value)
        with _beating_lock:
            if job.pk in _beating:
                _beating[job.pk].update(fields)
                return
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(**fields)

    yield report


def worker_forks_safely() -> bool:
    """Whether a worker may fork a child that computes: its only other thread is the heartbeat,
    whose lock and connection such a child never uses."""
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    return (
        _heartbeat is not None
        and threading.current_thread() is threading.main_thread()
        and all(t is _heartbeat for t in others)
    )


# --- workers ------------------------------------------------------------------------------------


def requeue_abandoned_jobs() -> list[int]:
    """Queue again every running job whose worker died; fail those that died too often.

    Safe because every job is atomic and may be run twice (an import of the same file twice
    changes nothing). The job's old task result, left "running" by the dead worker, is failed.
    """
    done: list[int] = []
    me = worker_id()
    for job in Job.objects.filter(status=Job.Status.RUNNING).exclude(worker=me):
        if worker_alive(job.worker, job.heartbeat):
            continue
        still = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, worker=job.worker)
        with transaction.atomic():
            if job.attempts >= MAX_ATTEMPTS:
                changed = still.update(
                    status=Job.Status.FAILED,
                    finished_at=timezone.now(),
                    message=_(
                        "Its worker stopped %(count)s times while running it; it is not run again."
                    )
                    % {"count": job.attempts},
                )
            else:
                changed = still.update(
                    status=Job.Status.QUEUED,
                    worker="",
                    heartbeat=None,
                    message=_("Its worker stopped; it is queued to run again."),
                )
                if changed:
                    result = run_job.enqueue(job.pk)
                    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
            if changed:
                _fail_task_result(job.task_id)
        if changed:
            logger.warning("job %s: worker %s died; %s", job.pk, job.worker, job.kind)
            done.append(job.pk)
    return done


def requeue_claimed_tasks() -> list[int]:
    """Fail the queue's tasks left running by a dead worker of this host, and queue again the
    jobs it claimed but had not started (it died between taking the task and the job)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(run_job.get_backend(), DatabaseBackend):
        return []
    requeued: list[int] = []
    for result in DBTaskResult.objects.filter(status="RUNNING"):
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if worker.partition(":")[0] != HOST or worker_alive(worker, None):
            continue  # another host's workers are judged by their jobs' heartbeats
        with transaction.atomic():
            _fail_task_result(str(result.id))
            args = result.args_kwargs.get("args") or [None]
            if (
                result.task_path.endswith(".run_job")
                and Job.objects.filter(
                    pk=args[0], status=Job.Status.QUEUED, task_id=str(result.id)
                ).exists()
            ):
                again = run_job.enqueue(args[0])
                Job.objects.filter(pk=args[0]).update(task_id=str(again.id))
                requeued.append(args[0])
    return requeued


def _fail_task_result(task_id: str) -> None:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if task_id and isinstance(run_job.get_backend(), DatabaseBackend):
        DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
            status="FAILED",
            finished_at=timezone.now(),
            exception_class_path="genebank.core.jobs.WorkerDied",
            traceback="The worker running this task died; its job was queued again.",
        )


class _Heartbeat(threading.Thread):
    """Writes the heartbeat and progress of this worker's job; queues abandoned jobs again."""

    def __init__(self, beside: int | None):
        super().__init__(name="genebank-worker-heartbeat", daemon=True)
        self.beside = beside
        self.stopping = threading.Event()

    def run(self) -> None:
        requeued_at = 0.0
        pruned_at = time.monotonic()  # run_worker pruned as it started
        while not self.stopping.wait(HEARTBEAT_EVERY):
            try:
                self.beat()
                if time.monotonic() - requeued_at > REQUEUE_EVERY:
                    requeue_abandoned_jobs()
                    requeue_claimed_tasks()
                    requeued_at = time.monotonic()
                if time.monotonic() - pruned_at > PRUNE_EVERY:
                    pruned_at = time.monotonic()
                    prune_jobs()
            except DatabaseError as exc:  # SQLite locked by a long import: next time
                logger.info("heartbeat: %s", exc)
                connection.close()  # a fresh one next time, whatever state this was left in
            if self.beside and os.getppid() != self.beside:
                # The server it was started beside is gone: finish the job at hand, then stop.
                os.kill(os.getpid(), signal.SIGTERM)
                self.beside = None
        connection.close()

    def beat(self) -> None:
        with _beating_lock:
            pending = {pk: fields for pk, fields in _beating.items()}
            for pk in _beating:
                _beating[pk] = {}
        me = worker_id()
        for pk, fields in pending.items():
            try:
                Job.objects.filter(pk=pk, status=Job.Status.RUNNING, worker=me).update(
                    heartbeat=timezone.now(), **fields
                )
            except DatabaseError:
                with _beating_lock:
                    if pk in _beating:
                        _beating[pk] = {**fields, **_beating[pk]}
                raise


def run_worker(*, beside: int | None = None, interval: float = 1.0, batch: bool = False) -> None:
    """Run queued jobs until stopped (SIGINT or SIGTERM let the job at hand finish first)."""
    from django.core.management import call_command

    global _heartbeat
    requeue_abandoned_jobs()
    requeue_claimed_tasks()
    try:
        prune_jobs()
    except DatabaseError as exc:  # SQLite busy with another process's import: the next day
        logger.info("pruning jobs: %s", exc)
    _heartbeat = _Heartbeat(beside)
    _heartbeat.start()
    try:
        call_command(
            "db_worker",
            worker_id=worker_id(),
            interval=interval,
            batch=batch,
            reload=False,
            startup_delay=False,
            verbosity=0,
        )
    finally:
        _heartbeat.stopping.set()
        _heartbeat.join(timeout=10)
        _heartbeat = None


class WorkerBesideServer:
    """A `genebank worker` process kept running beside the server, started again if it dies."""

    def __init__(self):
        self.stopping = threading.Event()
        self.process: subprocess.Popen | None = None
        self.keeper = threading.Thread(
            target=self._keep, name="genebank-worker-keeper", daemon=True
        )
        self.keeper.start()

    def _start(self) -> subprocess.Popen:
        command = [sys.executable, "-m", "genebank.cli", "worker", "--beside", str(os.getpid())]
        # Its own session: Ctrl+C on the server's terminal reaches the server only, which then
        # asks the worker once to stop (a second signal would end the job at hand at once).
        return subprocess.Popen(command, start_new_session=True)

    def _keep(self) -> None:
        while not self.stopping.is_set():
            self.process = self._start()
            code = self.process.wait()
            if not self.stopping.is_set():
                logger.warning("the worker stopped (%s); starting another", code)
                self.stopping.wait(1.0)

    def stop(self) -> None:
        self.stopping.set()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # it finishes the job at hand
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass  # it is still finishing its job; it stops on its own when done


def start_worker_beside_server() -> WorkerBesideServer:
    """Start a worker process beside `genebank serve`, so one command runs everything."""
    return WorkerBesideServer()
