"""Configuration from GENEBANK_* variables: safe defaults, loud errors, a kept secret key."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from genebank import settings as genebank_settings


def subprocess_env(data_dir: Path, **variables: str) -> dict[str, str]:
    """Environment of a fresh genebank process: this data dir, no GENEBANK_* from the test run."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GENEBANK_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["GENEBANK_DATA_DIR"] = str(data_dir)
    env.update(variables)
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRINT_SECRET_KEY = (
    "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'genebank.settings'; django.setup();"
    "from django.conf import settings; print(settings.SECRET_KEY)"
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        (" on ", True),
        ("0", False),
        ("false", False),
        ("NO", False),
        ("off", False),
    ],
)
def test_envbool_reads_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("GENEBANK_TEST_FLAG", value)
    assert genebank_settings.envbool("GENEBANK_TEST_FLAG", not expected) is expected


def test_envbool_uses_the_default_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("GENEBANK_TEST_FLAG", raising=False)
    assert genebank_settings.envbool("GENEBANK_TEST_FLAG", True) is True
    monkeypatch.setenv("GENEBANK_TEST_FLAG", "")
    assert genebank_settings.envbool("GENEBANK_TEST_FLAG", False) is False


@pytest.mark.parametrize("value", ["maybe", "2", "tru", "enabled", "-1"])
def test_envbool_refuses_anything_else(monkeypatch, value):
    monkeypatch.setenv("GENEBANK_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="GENEBANK_TEST_FLAG"):
        genebank_settings.envbool("GENEBANK_TEST_FLAG", False)


def test_a_bad_debug_value_stops_the_program(tmp_path):
    result = run_python(PRINT_SECRET_KEY, subprocess_env(tmp_path, GENEBANK_DEBUG="perhaps"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "GENEBANK_DEBUG='perhaps'" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "postgres//postgres@localhost/genebank",
        "postgres://postgres@localhost:port/genebank",
        "mysql://root@localhost/genebank",
        "oracle://scott@localhost/genebank",
    ],
)
def test_a_bad_database_url_is_refused(monkeypatch, url):
    monkeypatch.setenv("GENEBANK_DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="GENEBANK_DATABASE_URL"):
        genebank_settings._database()


def test_a_bad_database_url_stops_the_genebank_command(tmp_path):
    genebank = Path(sys.executable).with_name("genebank")
    result = subprocess.run(
        [str(genebank), "check"],
        env=subprocess_env(tmp_path, GENEBANK_DATABASE_URL="mysql://root@localhost/genebank"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "GENEBANK_DATABASE_URL must be postgres:// or sqlite://" in result.stderr
    assert not (tmp_path / "genebank.sqlite3").exists()


def test_a_postgresql_url_is_used_as_given(monkeypatch):
    monkeypatch.setenv("GENEBANK_DATABASE_URL", "postgres://curator:s3cret@db.example.org:5433/gb")
    config = genebank_settings._database()
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("curator", "s3cret")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example.org", 5433, "gb")


def test_the_default_database_is_sqlite_in_the_data_dir(monkeypatch):
    monkeypatch.delenv("GENEBANK_DATABASE_URL", raising=False)
    config = genebank_settings._database()
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(genebank_settings.DATA_DIR / "genebank.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["timeout"] > 0


def test_the_secret_key_is_generated_once_into_the_data_dir_and_reused(tmp_path):
    env = subprocess_env(tmp_path)
    first = run_python(PRINT_SECRET_KEY, env)
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 50

    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == key
    # Only the owner may read it.
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    second = run_python(PRINT_SECRET_KEY, env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == key

    other = run_python(PRINT_SECRET_KEY, subprocess_env(tmp_path / "elsewhere"))
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip() != key


def test_a_given_secret_key_wins_and_nothing_is_written(tmp_path):
    result = run_python(PRINT_SECRET_KEY, subprocess_env(tmp_path, GENEBANK_SECRET_KEY="k" * 60))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "k" * 60
    assert not (tmp_path / "secret_key").exists()


def test_database_url_without_a_database_name_is_refused(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(
        os.environ, GENEBANK_DATA_DIR=str(tmp_path), GENEBANK_DATABASE_URL="postgres://u@h:5432/"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import genebank.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "names no database" in result.stderr


def test_secret_key_file_is_private(tmp_path):
    import os
    import stat
    import subprocess
    import sys

    env = dict(os.environ, GENEBANK_DATA_DIR=str(tmp_path))
    env.pop("GENEBANK_SECRET_KEY", None)
    subprocess.run([sys.executable, "-c", "import genebank.settings"], env=env, check=True)
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_the_data_dir_and_the_database_are_private(tmp_path):
    data_dir = tmp_path / "fresh"
    genebank = Path(sys.executable).with_name("genebank")
    result = subprocess.run(
        [str(genebank), "check"], env=subprocess_env(data_dir), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    database = data_dir / "genebank.sqlite3"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    for companion in (data_dir / "genebank.sqlite3-wal", data_dir / "genebank.sqlite3-shm"):
        if companion.exists():
            assert stat.S_IMODE(companion.stat().st_mode) == 0o600


def test_uploads_are_private(tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path / "uploads")
    name = storage.save("imports/2026/passport.csv", ContentFile(b"INSTCODE;ACCENUMB\n"))
    assert stat.S_IMODE(os.stat(storage.path(name)).st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "uploads" / "imports").stat().st_mode) == 0o700
