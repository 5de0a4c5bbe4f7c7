"""Data-logger files of any length: read row by row in bounded memory, written in bounded batches
(no statement with more bound variables than a batch), all or nothing; limits on size and rows.

The review's cases: a 156 MB file took 490 s and 6.5 GB (read whole, then parsed whole), and a file
of over 250,000 rows failed on SQLite with "too many SQL variables".
"""

import io
import os
import subprocess
import sys
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from genebank.inventory import environment, services
from genebank.inventory.models import EnvironmentReading
from genebank.inventory.services import import_readings

START = datetime(2025, 1, 1, tzinfo=UTC)


def logger_lines(count, first=0, header="Time,Celsius(°C),Humidity(%rh)"):
    yield header + "\n"
    for i in range(first, first + count):
        moment = START + timedelta(minutes=i)
        yield f"{moment:%Y-%m-%d %H:%M:%S},{-18 - i % 7 / 10:.1f},{14 + i % 5}.5\n"


def csv_bytes(count, first=0, extra=()):
    return ("".join(logger_lines(count, first)) + "".join(extra)).encode("utf-8")


class Statements:
    """The largest number of bound variables of any statement run while it is installed."""

    def __init__(self):
        self.most_params = 0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        self.most_params = max(self.most_params, len(params or ()))
        return execute(sql, params, many, context)


# Run in a fresh interpreter, so the figure is the growth of its peak resident memory (what the
# review measured) while reading the file, with no test machinery around it.
PARSE_A_FILE = """
import io, sys
import django
django.setup()
from genebank.inventory.environment import Reading, iter_readings

def status(key):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) * 1024 for line in fh if line.startswith(key))

with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")  # the peak starts again from here
before = status("VmRSS:")
with open(sys.argv[1], "rb") as fh:
    items = iter_readings(io.TextIOWrapper(fh, encoding="utf-8", newline=""))
    count = sum(isinstance(item, Reading) for item in items)
print(count, status("VmHWM:") - before)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="Linux measures")
def test_a_large_file_is_read_row_by_row(tmp_path):
    rows = 300_000  # over the 250,000 that failed on SQLite
    path = tmp_path / "year.csv"
    with path.open("w", encoding="utf-8") as out:
        out.writelines(logger_lines(rows))
    size = path.stat().st_size
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "genebank.settings"}
    done = subprocess.run(
        [sys.executable, "-c", PARSE_A_FILE, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    count, grown = map(int, done.stdout.split())
    assert count == rows
    # Reading the whole file, then its rows, then the readings, took many times its size: now
    # the reader holds a row and its buffers, whatever the length of the file.
    assert size > 9_000_000
    assert grown < size / 2, f"grew {grown / 1e6:.1f} MB reading a {size / 1e6:.1f} MB file"


def test_importing_takes_the_same_memory_whatever_the_length(storage, curator):
    def peak(data):
        tracemalloc.start()
        try:
            import_readings(storage["base_room"], io.BytesIO(data), curator)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small_file, large_file = csv_bytes(1_000), csv_bytes(12_000, first=10_000)
    small, large = peak(small_file), peak(large_file)
    # Twelve times the rows; a batch of rows and a statement's worth of memory either way.
    assert large < 1.5 * small, (small, large)


def test_statements_name_one_batch_of_rows_at_most(storage, curator):
    # More rows than a batch's worth of variables: one statement naming every row would show.
    data = csv_bytes(5 * services.READINGS_BATCH + 10)
    statements = Statements()
    with connection.execute_wrapper(statements):
        import_readings(storage["base_room"], data, curator)
    # Each INSERT names a batch of rows (five columns each); each lookup a batch of times.
    assert 0 < statements.most_params <= 5 * services.READINGS_BATCH


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(services, "READINGS_BATCH", 7)


def test_times_repeated_across_batches_are_found(small_batches, storage, curator):
    room = storage["base_room"]
    repeated = f"{START + timedelta(minutes=2):%Y-%m-%d %H:%M:%S},-18.0,15.0\n"
    data = csv_bytes(30, extra=[repeated])  # row 32 repeats row 4, four batches later
    with pytest.raises(ValidationError) as refused:
        import_readings(room, data, curator)
    assert refused.value.messages == [
        f"row 32, time '{START + timedelta(minutes=2):%Y-%m-%d %H:%M:%S}': the same time twice"
    ]
    assert not EnvironmentReading.objects.exists()


def test_times_already_recorded_are_skipped_across_batches(small_batches, storage, curator):
    room = storage["base_room"]
    assert import_readings(room, csv_bytes(20, first=10), curator) == {"added": 20, "skipped": 0}
    # Rows 0-39: 10-29 are known, spread over several batches.
    assert import_readings(room, csv_bytes(40), curator) == {"added": 20, "skipped": 20}
    assert EnvironmentReading.objects.filter(location=room).count() == 40
    assert import_readings(room, csv_bytes(40), curator) == {"added": 0, "skipped": 40}


def test_a_latin1_file_is_read_even_when_the_first_bad_byte_comes_late(
    small_batches, storage, curator
):
    lines = list(logger_lines(30, header="Time,Temp,RH,Note"))
    lines[25] = lines[25].rstrip("\n") + ",Tür offen\n"  # written by a German logger's software
    data = "".join(lines).encode("latin-1")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert import_readings(storage["base_room"], data, curator) == {"added": 30, "skipped": 0}
    assert EnvironmentReading.objects.count() == 30  # the rows written before the byte, once


def test_rows_beyond_the_limit_are_refused(monkeypatch, storage, curator):
    monkeypatch.setattr(environment, "MAX_ROWS", 10)
    assert import_readings(storage["base_room"], csv_bytes(10), curator)["added"] == 10
    with pytest.raises(ValidationError) as refused:
        import_readings(storage["base_room"], csv_bytes(11, first=100), curator)
    assert refused.value.messages == [
        "row 12, file '': more than 10 readings in one file: split it into smaller files"
    ]
    assert EnvironmentReading.objects.count() == 10


def test_the_default_row_limit():
    assert environment.MAX_ROWS == 1_000_000


def test_a_file_of_problems_is_reported_in_part(storage, curator):
    data = csv_bytes(0, extra=[f"{i},soon,cold,15\n" for i in range(500)])
    with pytest.raises(ValidationError) as refused:
        import_readings(storage["base_room"], data, curator)
    messages = refused.value.messages
    assert len(messages) == services.MAX_PROBLEMS + 1
    assert messages[-1] == f"Reading stopped at row 102 after {services.MAX_PROBLEMS} problems."
    assert not EnvironmentReading.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(client_for, technician, storage, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # kept on disk, as large uploads are
    room = storage["base_room"]
    client = client_for(technician)
    page = client.get(f"/inventory/locations/{room.pk}/").content.decode()
    assert "At most 1000\xa0bytes." in page
    data = csv_bytes(40)
    assert len(data) > 1000
    response = client.post(
        f"/inventory/locations/{room.pk}/readings/",
        {"file": SimpleUploadedFile("logger.csv", data, content_type="text/csv")},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "logger.csv is larger than 1000\xa0bytes" in page
    assert not EnvironmentReading.objects.exists()
    response = client.post(
        f"/inventory/locations/{room.pk}/readings/",
        {"file": SimpleUploadedFile("logger.csv", csv_bytes(10), content_type="text/csv")},
    )
    assert response.status_code == 302
    assert EnvironmentReading.objects.count() == 10


def test_a_file_without_line_breaks_is_not_read_whole(storage, curator):
    data = b"Time,Celsius\n" + b"2025-01-01 00:00" * 500_000  # 8 MB on one line
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError):
            import_readings(storage["base_room"], data, curator)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_500_000, peak  # what any import takes, not the line's length
    assert not EnvironmentReading.objects.exists()


def test_logger_error_codes_are_problems_not_a_failed_insert(storage, curator):
    # -999.9 and 9999 are what loggers write for a missing sensor; PostgreSQL refused the insert
    # (the column holds 5 digits), and the upload answered 500.
    data = csv_bytes(3, extra=["2025-02-01 00:00:00,9999,15\n", "2025-02-01 00:01:00,-999.9,15\n"])
    with pytest.raises(ValidationError) as refused:
        import_readings(storage["base_room"], data, curator)
    assert refused.value.messages == [
        "row 5, temperature '9999': not between -200 and 200 °C",
        "row 6, temperature '-999.9': not between -200 and 200 °C",
    ]
    assert not EnvironmentReading.objects.exists()
    data = csv_bytes(1, extra=["2025-02-01 00:00:00,-196.0,\n"])  # liquid nitrogen
    assert import_readings(storage["base_room"], data, curator)["added"] == 2
