"""The job queue: jobs run by workers, their progress in the database, and a dead worker's job
run again by another (SIGKILL in the middle of an import: the whole file or nothing, then all)."""

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from genebank.core import jobs
from genebank.core.models import Job
from tests.exchange.conftest import mcpd_row, write_csv
from tests.test_settings import subprocess_env

GENEBANK = Path(sys.executable).with_name("genebank")

runs: list[int] = []


@jobs.job_kind("test-count")
def count(job, *, upto: int) -> None:
    with jobs.job_progress(job) as report:
        for done in range(1, upto + 1):
            report(done, upto, f"{done} of {upto}", stage="counting")
    runs.append(job.pk)


@jobs.job_kind("test-broken")
def broken(job) -> None:
    raise RuntimeError("disk full")


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_worker_is_alive_while_its_process_is():
    assert jobs.worker_alive(jobs.worker_id(), None)
    host, pid, started = jobs.worker_id().split(":")
    assert not jobs.worker_alive(f"{host}:{dead_pid()}:{started}", None)
    # The same pid, started at another time, is another process (a pid reused after a restart).
    assert not jobs.worker_alive(f"{host}:{pid}:1", None)
    # Of another host, only the heartbeat tells.
    now = timezone.now()
    assert jobs.worker_alive("elsewhere:1:1", now)
    assert not jobs.worker_alive("elsewhere:1:1", now - jobs.STALE_AFTER - dt.timedelta(seconds=1))
    assert not jobs.worker_alive("elsewhere:1:1", None)


@pytest.mark.django_db
def test_a_job_records_its_progress_and_how_it_ended(curator):
    job = jobs.enqueue_job("test-count", user=curator, upto=3)
    assert (job.status, job.progress, job.total, job.stage) == ("done", 3, 3, "counting")
    assert (job.message, job.attempts, job.user) == ("3 of 3", 1, curator)
    assert job.task_id and job.started_at and job.finished_at
    failed = jobs.enqueue_job("test-broken")
    assert (failed.status, failed.message) == ("failed", "disk full")
    with pytest.raises(ValueError):
        jobs.enqueue_job("no-such-kind")


@pytest.mark.django_db
def test_a_job_whose_worker_died_runs_again_and_one_that_died_too_often_fails():
    host, _pid, started = jobs.worker_id().split(":")
    dead = f"{host}:{dead_pid()}:{started}"
    orphan = Job.objects.create(
        kind="test-count", params={"upto": 2}, status="running", worker=dead, attempts=1
    )
    hopeless = Job.objects.create(
        kind="test-count",
        params={"upto": 2},
        status="running",
        worker=dead,
        attempts=jobs.MAX_ATTEMPTS,
    )
    alive = Job.objects.create(
        kind="test-count", params={"upto": 2}, status="running", worker=jobs.worker_id()
    )
    elsewhere = Job.objects.create(
        kind="test-count",
        params={"upto": 2},
        status="running",
        worker="elsewhere:1:1",
        heartbeat=timezone.now(),
    )
    runs.clear()
    assert sorted(jobs.requeue_abandoned_jobs()) == sorted([orphan.pk, hopeless.pk])
    # Queued again (and, in tests, run at once): it finished on its second attempt.
    orphan.refresh_from_db()
    assert (orphan.status, orphan.attempts, orphan.progress) == ("done", 2, 2)
    assert runs == [orphan.pk]
    hopeless.refresh_from_db()
    assert hopeless.status == "failed" and "3 times" in hopeless.message
    for job in (alive, elsewhere):
        job.refresh_from_db()
        assert job.status == "running"


@pytest.mark.django_db
def test_a_task_taken_by_a_worker_that_died_before_its_job_started_is_queued_again(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = jobs.enqueue_job("test-count", upto=1)
    host, _pid, started = jobs.worker_id().split(":")
    DBTaskResult.objects.filter(id=job.task_id).update(
        status="RUNNING", worker_ids=[f"{host}:{dead_pid()}:{started}"]
    )
    other = jobs.enqueue_job("test-count", upto=1)
    DBTaskResult.objects.filter(id=other.task_id).update(
        status="RUNNING", worker_ids=["elsewhere:1:1"]
    )
    assert jobs.requeue_claimed_tasks() == [job.pk]
    old = job.task_id
    job.refresh_from_db()
    assert job.status == "queued" and job.task_id != old
    assert DBTaskResult.objects.get(id=old).status == "FAILED"
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    assert DBTaskResult.objects.get(id=other.task_id).status == "RUNNING"


# --- real workers, in their own processes, on the database queue --------------------------------


def genebank(*args, data_dir: Path, **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(GENEBANK), *map(str, args)],
        env=subprocess_env(data_dir, **variables),
        capture_output=True,
        text=True,
        timeout=300,
    )


def listed(data_dir: Path, **variables: str) -> dict[int, dict]:
    done = genebank("jobs", "--json", data_dir=data_dir, **variables)
    assert done.returncode == 0, done.stderr
    return {job["id"]: job for job in json.loads(done.stdout)}


def worker(data_dir: Path, **variables: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(GENEBANK), "worker"],
        env=subprocess_env(data_dir, **variables),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: its checking child goes with it
    )


def wait_for(condition, seconds: float = 240):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def accessions(data_dir: Path) -> int:
    connection = sqlite3.connect(data_dir / "genebank.sqlite3")
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return connection.execute("SELECT count(*) FROM accessions_accession").fetchone()[0]
    finally:
        connection.close()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


def test_a_background_import_is_run_by_a_worker(tmp_path):
    data = tmp_path / "data"
    path = write_csv(tmp_path / "p.csv", [mcpd_row(ACCENUMB=f"JO-{i:04d}") for i in range(50)])
    queued = genebank("import", "mcpd", path, "--background", "--json", data_dir=data)
    assert queued.returncode == 0, queued.stderr
    job = json.loads(queued.stdout)["job"]
    assert listed(data)[job]["status"] == "queued"
    # The copy the job imports is the genebank's own: the user's file may go meanwhile.
    path.unlink()
    copies = list((data / "uploads" / "imports" / "queued").rglob("p*.csv"))
    assert len(copies) == 1 and copies[0].stat().st_mode & 0o077 == 0
    process = worker(data)
    try:
        finished = wait_for(
            lambda: listed(data)[job]["status"] in ("done", "failed") and listed(data)
        )
    finally:
        stop(process)
    assert finished[job]["status"] == "done", finished[job]
    assert finished[job]["kind"] == "import-file" and finished[job]["progress"] == 50
    assert "50 new" in finished[job]["message"]
    assert accessions(data) == 50
    assert not list((data / "uploads" / "imports" / "queued").rglob("p*.csv"))


def test_an_import_survives_its_worker_killed_mid_write(tmp_path):
    """SIGKILL while the worker writes: nothing is kept; the next worker imports the whole file."""
    data = tmp_path / "data"
    rows = 40_000
    path = write_csv(tmp_path / "big.csv", [mcpd_row(ACCENUMB=f"JO-{i:06d}") for i in range(rows)])
    queued = genebank("import", "mcpd", path, "--background", "--json", data_dir=data)
    assert queued.returncode == 0, queued.stderr
    job = json.loads(queued.stdout)["job"]
    wal = data / "genebank.sqlite3-wal"
    # With SQLite's default page cache, pages spill into the write-ahead log while the import's
    # transaction is still open: the sign that the worker is writing (the import's own larger
    # cache would keep them until the commit).
    first = worker(data, GENEBANK_IMPORT_CACHE_MB="2")
    try:
        wait_for(lambda: listed(data)[job]["status"] == "running")
        started = wal.stat().st_size if wal.exists() else 0
        # Pages spill into the write-ahead log while the import's transaction is still open.
        wait_for(lambda: (wal.stat().st_size if wal.exists() else 0) > started + 1_000_000)
        assert first.poll() is None
        os.killpg(first.pid, signal.SIGKILL)
    finally:
        first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    assert accessions(data) == 0
    # Left running by the dead worker, it is shown (and kept) queued for the next one.
    assert listed(data)[job]["status"] == "queued"
    assert "queued to run again" in listed(data)[job]["message"]
    second = worker(data)
    try:
        finished = wait_for(
            lambda: listed(data)[job]["status"] in ("done", "failed") and listed(data)
        )
    finally:
        stop(second)
    assert finished[job]["status"] == "done", finished[job]
    assert finished[job]["attempts"] == 2
    assert accessions(data) == rows
    connection = sqlite3.connect(data / "genebank.sqlite3")
    try:
        # The dead worker's task is not left "running" in the queue either.
        statuses = connection.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at"
        ).fetchall()
    finally:
        connection.close()
    assert statuses == [("FAILED",), ("SUCCESSFUL",)]


def test_serve_runs_a_worker_beside_it_which_stops_with_it(tmp_path):
    import socket

    data = tmp_path / "data"
    path = write_csv(tmp_path / "p.csv", [mcpd_row(ACCENUMB=f"JO-{i:04d}") for i in range(5)])
    assert genebank("check", data_dir=data).returncode == 0
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    server = subprocess.Popen(
        [str(GENEBANK), "serve", "--port", str(port)],
        env=subprocess_env(data),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        queued = genebank("import", "mcpd", path, "--background", "--json", data_dir=data)
        job = json.loads(queued.stdout)["job"]
        finished = wait_for(
            lambda: listed(data)[job]["status"] in ("done", "failed") and listed(data)
        )
        assert finished[job]["status"] == "done", finished[job]
        assert jobs.worker_alive(finished[job]["worker"], None)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    assert accessions(data) == 5
    # Its server gone, the worker stops by itself.
    wait_for(lambda: not jobs.worker_alive(finished[job]["worker"], None), seconds=30)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_web_import_is_queued_and_run_by_a_worker_on_the_database_queue(
    client_for, curator, genebank, tmp_path, settings, monkeypatch
):
    """The queue as served (the database backend), on SQLite and PostgreSQL: the page shows the
    job queued, a worker (here in this process, until the queue is empty) runs it."""
    from django.urls import reverse

    from genebank.accessions.models import Accession
    from genebank.exchange import import_sessions as services
    from genebank.exchange.models import ImportSession
    from tests.exchange.test_views import prepared_session

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 1)
    client = client_for(curator)
    session, mapping = prepared_session(
        client, genebank, tmp_path, [mcpd_row(ACCENUMB=f"A{i}") for i in range(3)]
    )
    client.post(reverse("exchange:import_columns", args=[session.pk]), mapping)
    session.refresh_from_db()
    assert (session.status, session.job.status) == ("running", "queued")
    page = client.get(reverse("exchange:import_preview", args=[session.pk])).content.decode()
    assert "Queued: a worker starts on it" in page
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        jobs.run_worker(batch=True, interval=0)
        session.refresh_from_db()
        assert (session.status, session.rows, session.job.status) == ("validated", 3, "done")
        client.post(reverse("exchange:import_commit", args=[session.pk]), {"rows": "all"})
        session.refresh_from_db()
        assert session.status == "running" and Accession.objects.count() == 0
        jobs.run_worker(batch=True, interval=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    session = ImportSession.objects.get(pk=session.pk)
    assert (session.status, session.created, session.job.status) == ("imported", 3, "done")
    assert (session.job.stage, session.job.progress, session.job.worker) == (
        "written",
        3,
        jobs.worker_id(),
    )
    assert Accession.objects.count() == 3


@pytest.fixture
def postgresql_of_its_own():
    """A fresh PostgreSQL database for worker processes, beside the suite's when it runs on
    PostgreSQL (the processes cannot see the test's transactions); its URL, dropped after."""
    url = os.environ.get("GENEBANK_DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the suite runs on SQLite")
    import psycopg

    base, _slash, name = url.partition("?")[0].rpartition("/")
    own = f"{name}_workers_{os.getpid()}"
    with psycopg.connect(url.partition("?")[0], autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{own}"')
        admin.execute(f'CREATE DATABASE "{own}"')
    try:
        yield f"{base}/{own}"
    finally:
        with psycopg.connect(url.partition("?")[0], autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')


def running_or_finished(job: dict) -> dict | None:
    return job if job["status"] in ("running", "done", "failed") else None


def test_an_import_survives_its_worker_killed_mid_write_on_postgresql(
    tmp_path, postgresql_of_its_own
):
    """As on SQLite: a worker killed with SIGKILL while it imports leaves nothing written, and
    the next worker imports the whole file."""
    import psycopg

    url = postgresql_of_its_own
    data = tmp_path / "data"
    rows = 40_000
    path = write_csv(tmp_path / "big.csv", [mcpd_row(ACCENUMB=f"JO-{i:06d}") for i in range(rows)])
    queued = genebank(
        "import", "mcpd", path, "--background", "--json", data_dir=data, GENEBANK_DATABASE_URL=url
    )
    assert queued.returncode == 0, queued.stderr
    job = json.loads(queued.stdout)["job"]

    def accessions_there() -> int:
        with psycopg.connect(url) as connection:
            return connection.execute("SELECT count(*) FROM accessions_accession").fetchone()[0]

    first = worker(data, GENEBANK_DATABASE_URL=url)
    try:
        # Killed while it runs, checking or writing: which of the two depends on the machine's
        # speed, and neither may leave a row behind.
        seen = wait_for(lambda: running_or_finished(listed(data, GENEBANK_DATABASE_URL=url)[job]))
        assert seen["status"] == "running", f"finished before it could be killed: {seen}"
        os.killpg(first.pid, signal.SIGKILL)
    finally:
        first.wait(timeout=30)
    assert accessions_there() == 0
    second = worker(data, GENEBANK_DATABASE_URL=url)
    try:
        finished = wait_for(
            lambda: (
                listed(data, GENEBANK_DATABASE_URL=url)[job]["status"] in ("done", "failed")
                and listed(data, GENEBANK_DATABASE_URL=url)
            )
        )
    finally:
        stop(second)
    assert (finished[job]["status"], finished[job]["attempts"]) == ("done", 2), finished[job]
    assert accessions_there() == rows


@pytest.mark.django_db
def test_import_background_prints_the_job_and_refuses_a_missing_file(tmp_path, settings):
    import io

    from django.core.management import CommandError, call_command

    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path / "p.csv", [mcpd_row()])
    out = io.StringIO()
    call_command("import", "mcpd", str(path), background=True, json=True, stdout=out)
    job = Job.objects.get(pk=json.loads(out.getvalue())["job"])
    assert (job.kind, job.status, job.progress) == ("import-file", "done", 1)  # run at once here
    with pytest.raises(CommandError) as refused:
        call_command("import", "mcpd", str(tmp_path / "nope.csv"), background=True)
    assert refused.value.returncode == 2
    assert Job.objects.count() == 1
