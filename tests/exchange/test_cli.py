"""`genebank import mcpd` and `genebank export mcpd` as a user runs them: output and exit status."""

import subprocess
import sys
from pathlib import Path

from tests.exchange.conftest import mcpd_row, write_csv
from tests.test_settings import subprocess_env

GENEBANK = Path(sys.executable).with_name("genebank")


def genebank(*args, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(GENEBANK), *map(str, args)],
        env=subprocess_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_exit_statuses_and_round_trip(tmp_path):
    data = tmp_path / "data"
    good = write_csv(tmp_path / "good.csv", [mcpd_row(ACCENUMB=f"JO-{i:06d}") for i in range(1, 4)])
    bad = write_csv(
        tmp_path / "bad.csv",
        [mcpd_row(ACCENUMB="JO-000009"), mcpd_row(ACCENUMB="JO-000010", SAMPSTAT="7")],
    )

    # The call is wrong, or the file cannot be read: 2.
    assert genebank("import", "mcpd", data_dir=data).returncode == 2
    assert genebank("import", "mcpd", good, "--no-such-option", data_dir=data).returncode == 2
    missing = genebank("import", "mcpd", tmp_path / "missing.csv", data_dir=data)
    assert missing.returncode == 2 and "missing.csv" in missing.stderr
    not_mcpd = tmp_path / "other.csv"
    not_mcpd.write_text("name,colour\nx,red\n", encoding="utf-8")
    assert genebank("import", "mcpd", not_mcpd, data_dir=data).returncode == 2
    assert genebank("import", "mcpd", good, "--institute", "JORDAN", data_dir=data).returncode == 2

    # A row rejected: 1, nothing written, every problem in the report.
    report = tmp_path / "errors.csv"
    rejected = genebank("import", "mcpd", bad, "--errors", report, data_dir=data)
    assert rejected.returncode == 1, rejected.stdout + rejected.stderr
    assert "Nothing was written" in rejected.stdout
    assert "3,JO-000010,SAMPSTAT,7,error," in report.read_text(encoding="utf-8")

    dry = genebank("import", "mcpd", good, "--dry-run", data_dir=data)
    assert dry.returncode == 0 and "Dry run" in dry.stdout

    imported = genebank("import", "mcpd", good, data_dir=data)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "3 new" in imported.stdout
    again = genebank("import", "mcpd", good, data_dir=data)
    assert again.returncode == 0 and "3 unchanged" in again.stdout
    assert "already holds this file" in again.stdout

    skipped = genebank("import", "mcpd", bad, "--skip-invalid", data_dir=data)
    assert skipped.returncode == 1 and "1 new" in skipped.stdout

    first = tmp_path / "first.csv"
    assert genebank("export", "mcpd", "-o", first, data_dir=data).returncode == 0
    assert genebank("export", "mcpd", data_dir=data).returncode == 2
    assert (
        genebank("export", "mcpd", "-o", first, "--institute", "XXX999", data_dir=data).returncode
        == 2
    )

    # Export -> import into an empty database -> export gives the same file.
    fresh = tmp_path / "fresh"
    assert genebank("import", "mcpd", first, data_dir=fresh).returncode == 0
    second = tmp_path / "second.csv"
    assert genebank("export", "mcpd", "-o", second, data_dir=fresh).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    assert len(first.read_text(encoding="utf-8").splitlines()) == 5


def test_a_killed_import_leaves_the_database_as_it_was(tmp_path):
    """SIGKILL in the middle of writing (both processes of a large import): nothing is kept."""
    import os
    import signal
    import sqlite3
    import time

    data = tmp_path / "data"
    rows = 40_000
    path = write_csv(tmp_path / "big.csv", [mcpd_row(ACCENUMB=f"JO-{i:06d}") for i in range(rows)])
    assert genebank("check", data_dir=data).returncode == 0  # migrated before the clock starts
    wal = data / "genebank.sqlite3-wal"
    started = wal.stat().st_size if wal.exists() else 0
    process = subprocess.Popen(
        [str(GENEBANK), "import", "mcpd", str(path)],
        env=subprocess_env(data),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the checking process goes too
    )
    deadline = time.monotonic() + 120
    # Pages spill into the write-ahead log while the import's transaction is still open.
    while (wal.stat().st_size if wal.exists() else 0) < started + 1_000_000:
        assert process.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    connection = sqlite3.connect(data / "genebank.sqlite3")
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for table in ("accessions_accession", "accessions_historicalaccession"):
            assert connection.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
    finally:
        connection.close()
    again = genebank("import", "mcpd", path, data_dir=data)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{rows:,} new" in again.stdout or f"{rows} new" in again.stdout
