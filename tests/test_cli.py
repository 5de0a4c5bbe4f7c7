"""The `genebank` command works on an empty data dir: it creates and migrates the database."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_settings import run_python, subprocess_env

GENEBANK = Path(sys.executable).with_name("genebank")


def genebank(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(GENEBANK), *args], env=env, capture_output=True, text=True, timeout=300
    )


def tables(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def test_help_prints_usage(tmp_path):
    result = genebank("--help", env=subprocess_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: genebank COMMAND")
    for command in ("serve", "demo", "help"):
        assert command in result.stdout
    # Printing the usage touches no database.
    assert not (tmp_path / "genebank.sqlite3").exists()


def test_check_on_an_empty_data_dir_creates_and_migrates_the_database(tmp_path):
    data_dir = tmp_path / "fresh"  # does not exist yet either
    result = genebank("check", env=subprocess_env(data_dir))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout

    database = data_dir / "genebank.sqlite3"
    assert database.exists()
    assert {"accessions_accession", "core_institute", "django_migrations"} <= tables(database)
    assert (data_dir / "secret_key").exists()

    # A second run finds the database current and leaves it be.
    again = genebank("check", env=subprocess_env(data_dir))
    assert again.returncode == 0, again.stderr
    assert "Preparing the database" not in again.stderr


def test_an_unknown_command_fails(tmp_path):
    result = genebank("no-such-command", env=subprocess_env(tmp_path))
    assert result.returncode != 0
    assert "no-such-command" in result.stderr


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    env = subprocess_env(tmp_path)
    assert genebank("check", env=env).returncode == 0

    # WAL is recorded in the database file itself.
    with sqlite3.connect(tmp_path / "genebank.sqlite3") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    # The busy timeout belongs to each connection: ask one that Django opened.
    result = run_python(
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'genebank.settings';"
        "django.setup(); from django.db import connection;"
        "cursor = connection.cursor();"
        "print(cursor.execute('PRAGMA journal_mode').fetchone()[0]);"
        "print(cursor.execute('PRAGMA busy_timeout').fetchone()[0]);"
        "print(cursor.execute('PRAGMA foreign_keys').fetchone()[0])",
        env,
    )
    assert result.returncode == 0, result.stderr
    journal_mode, busy_timeout_ms, foreign_keys = result.stdout.split()
    assert journal_mode == "wal"
    assert int(busy_timeout_ms) >= 5000
    assert foreign_keys == "1"


def genebank_commands() -> list[str]:
    from django.core.management import get_commands

    return sorted(name for name, app in get_commands().items() if app.startswith("genebank."))


def test_genebank_has_its_own_commands():
    assert {"serve", "demo"} <= set(genebank_commands())


@pytest.mark.parametrize("command", genebank_commands())
def test_every_genebank_command_explains_itself(tmp_path, command):
    result = genebank("help", command, env=subprocess_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: genebank {command}")
