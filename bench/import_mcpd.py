"""Benchmark: import generated MCPD files against the cheapest way to store the same rows flat.

    python bench/import_mcpd.py [ROWS] [--file standard|full|both] [--database sqlite|postgres]

ROWS defaults to 200,000. Two files: "standard" (half the rows collected, some names and donors)
and "full" (a full passport on every row: collecting site, decimal coordinates with a sixth of them
outside the country's outline, collecting number, a local name repeated every 5,000 rows, DUPLSITE
and STORAGE). For each it prints the import's time against a limit measured in the same run:
on SQLite, csv -> sqlite3 executemany into one flat table; on PostgreSQL (127.0.0.1:5432, user
postgres, or GENEBANK_BENCH_POSTGRES), COPY into one flat table with the same unique key. Bars:
at most 10x the limit on both files, at most 1.5x the cost of writing the import's own rows
(SQLite: the same rows written again by executemany into the same empty schema), and peak memory
under 600 MB. The import runs in a child process on a fresh database so its memory is its own.
It also prints the processor time of the import's two processes and of writing its own rows:
on a machine busy with other work, wall-clock ratios grow with the load, these do not.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FIELDS = (
    "PUID INSTCODE ACCENUMB COLLNUMB COLLCODE COLLNAME COLLINSTADDRESS COLLMISSID GENUS SPECIES "
    "SPAUTHOR SUBTAXA SUBTAUTHOR CROPNAME ACCENAME ACQDATE ORIGCTY COLLSITE DECLATITUDE LATITUDE "
    "DECLONGITUDE LONGITUDE COORDUNCERT COORDDATUM GEOREFMETH ELEVATION COLLDATE BREDCODE BREDNAME "
    "SAMPSTAT ANCEST COLLSRC DONORCODE DONORNAME DONORNUMB OTHERNUMB DUPLSITE DUPLINSTNAME STORAGE "
    "MLSSTAT REMARKS"
).split()

TAXA = [
    ("Triticum", "durum", "Desf.", ""),
    ("Triticum", "aestivum", "L.", ""),
    ("Hordeum", "vulgare", "L.", "subsp. spontaneum"),
    ("Lens", "culinaris", "Medik.", ""),
    ("Cicer", "arietinum", "L.", ""),
    ("Vicia", "faba", "L.", ""),
    ("Aegilops", "tauschii", "Coss.", ""),
]
# Collecting sites well inside each country, so the point-in-country check passes.
SITES = [("JOR", 31.9, 35.9), ("SYR", 35.0, 38.5), ("LBN", 33.9, 35.8), ("TUR", 39.0, 35.0)]


def dms(value: float, width: int, positive: str, negative: str) -> str:
    hemisphere = positive if value >= 0 else negative
    value = abs(value)
    degrees = int(value)
    minutes_float = (value - degrees) * 60
    minutes = int(minutes_float)
    seconds = int(round((minutes_float - minutes) * 60))
    if seconds == 60:
        minutes, seconds = minutes + 1, 0
    if minutes == 60:
        degrees, minutes = degrees + 1, 0
    return f"{degrees:0{width}d}{minutes:02d}{seconds:02d}{hemisphere}"


def decimal_text(value: float) -> str:
    """As an MCPD export writes it: no trailing zeros."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


# In the Mediterranean, outside every country of SITES: the outline check warns.
AT_SEA = (34.0, 31.0)


def generate(path: Path, rows: int, seed: int = 1, full: bool = False) -> None:
    """full: every row a whole passport (see the module's docstring); else the standard file."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FIELDS)
        for i in range(1, rows + 1):
            genus, species, author, subtaxa = TAXA[i % len(TAXA)]
            country, lat0, lon0 = SITES[i % len(SITES)]
            # The standard file: half the collection has a collecting event with coordinates.
            collected = full or i % 2 == 0
            lat = round(lat0 + rng.uniform(-0.3, 0.3), 4)
            lon = round(lon0 + rng.uniform(-0.3, 0.3), 4)
            if full and i % 6 == 0:
                lat, lon = round(AT_SEA[0] + rng.uniform(-0.3, 0.3), 4), AT_SEA[1]
            year = rng.randint(1960, 2015)
            row = {
                "PUID": f"10.18730/{i:08X}",
                "INSTCODE": "JOR015",
                "ACCENUMB": f"JO-{i:06d}",
                "GENUS": genus,
                "SPECIES": species,
                "SPAUTHOR": author,
                "SUBTAXA": subtaxa,
                "CROPNAME": genus.lower(),
                "ACCENAME": f"Local {i};Baladi {i % 977}" if i % 3 else "",
                "ACQDATE": f"{year + 1}{rng.randint(1, 12):02d}--",
                "ORIGCTY": country,
                "SAMPSTAT": rng.choice(["100", "300", "300", "410", "500"]),
                "STORAGE": "13",
                "MLSSTAT": "1",
                "DUPLSITE": "NOR051",
                "DUPLINSTNAME": "Svalbard Global Seed Vault",
                "DONORCODE": "SYR002" if i % 4 == 1 else "",
                "DONORNUMB": f"IG {i}" if i % 4 == 1 else "",
                "OTHERNUMB": f"SYR002:IG {i}" if i % 5 == 0 else "",
            }
            if full:
                row.update(
                    {
                        "ACCENAME": f"Baladi {i // 5000}",  # the same local name for 5,000 rows
                        "STORAGE": "13;20" if i % 3 else "13",
                        "DUPLSITE": "NOR051;SYR002" if i % 2 else "NOR051",
                    }
                )
            if collected:
                row.update(
                    {
                        "COLLNUMB": f"AB{i:06d}",
                        "COLLCODE": "JOR015",
                        "COLLMISSID": f"JOR-M{i % 50:03d}",
                        "COLLSITE": f"{i % 40} km north of the village",
                        "DECLATITUDE": decimal_text(lat),
                        "LATITUDE": "" if full else dms(lat, 2, "N", "S"),
                        "DECLONGITUDE": decimal_text(lon),
                        "LONGITUDE": "" if full else dms(lon, 3, "E", "W"),
                        "COORDUNCERT": "100",
                        "COORDDATUM": "WGS84",
                        "GEOREFMETH": "GPS",
                        "ELEVATION": str(rng.randint(-300, 2500)),
                        "COLLDATE": f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
                        "COLLSRC": rng.choice(["10", "20", "26", "30"]),
                    }
                )
            writer.writerow([row.get(name, "") for name in FIELDS])


def baseline(path: Path, database: Path) -> float:
    """The limit: Python's csv module feeding sqlite3 executemany into one flat table."""
    start = time.perf_counter()
    connection = sqlite3.connect(database)
    columns = ", ".join(f'"{name}" TEXT' for name in FIELDS)
    connection.execute(f"CREATE TABLE mcpd ({columns})")
    placeholders = ", ".join("?" for _ in FIELDS)
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        connection.executemany(f"INSERT INTO mcpd VALUES ({placeholders})", reader)
    connection.commit()
    connection.close()
    return time.perf_counter() - start


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def schema_floor(database: str, copy: Path) -> tuple[float, float, int]:
    """The rows the import wrote, written again by executemany into the same empty schema.

    No reading, checking or Python per value: only SQLite storing the accessions, their names,
    numbers, events and acquisitions with their indexes, and a history row for each. What the
    import costs beyond the limit in this part comes from the schema, not from the code.
    """
    source = sqlite3.connect(database)
    tables = [
        name
        for (name,) in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'accessions_%'"
        )
        if source.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone()
    ]
    marks = ", ".join("?" for _ in tables)
    schema = [
        sql
        for (sql,) in source.execute(
            f"SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN ({marks})",
            tables,
        )
    ]
    data = {name: source.execute(f'SELECT * FROM "{name}"').fetchall() for name in tables}
    source.close()
    target = sqlite3.connect(copy, isolation_level=None)
    target.execute("PRAGMA journal_mode=WAL")
    for sql in schema:
        target.execute(sql)
    start, cpu = time.perf_counter(), time.process_time()
    target.execute("BEGIN IMMEDIATE")
    for name, rows in data.items():
        placeholders = ", ".join("?" for _ in rows[0])
        target.executemany(f'INSERT INTO "{name}" VALUES ({placeholders})', rows)
    target.execute("COMMIT")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    target.close()
    return seconds, cpu, sum(len(rows) for rows in data.values())


def postgres_url(database: str) -> str:
    server = os.environ.get("GENEBANK_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    return f"{server.rstrip('/')}/{database}"


def postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url("postgres"), autocommit=True) as connection:
        connection.execute(sql)


def postgres_baseline(path: Path, database: str) -> float:
    """The limit on PostgreSQL: COPY of the file into one flat table keyed as accessions are."""
    import psycopg

    columns = ", ".join(f'"{name}" TEXT' for name in FIELDS)
    with psycopg.connect(postgres_url(database)) as connection:
        connection.execute(f'CREATE TABLE mcpd ({columns}, UNIQUE ("INSTCODE", "ACCENUMB"))')
        connection.commit()
        start = time.perf_counter()
        with connection.cursor() as cursor:
            with cursor.copy("COPY mcpd FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                with open(path, "rb") as fh:
                    while chunk := fh.read(1 << 20):
                        copy.write(chunk)
        connection.commit()
        seconds = time.perf_counter() - start
        connection.execute("DROP TABLE mcpd")
        connection.commit()
    return seconds


def child(path: str, data_dir: str, database_url: str) -> None:
    os.environ["GENEBANK_DATA_DIR"] = data_dir
    if database_url:
        os.environ["GENEBANK_DATABASE_URL"] = database_url
    else:
        os.environ.pop("GENEBANK_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "genebank.settings"
    import django

    django.setup()
    from genebank.cli import ensure_database

    ensure_database()
    from genebank.exchange.mcpd_import import import_mcpd

    start = time.perf_counter()
    own, children = cpu_seconds(resource.RUSAGE_SELF), cpu_seconds(resource.RUSAGE_CHILDREN)
    result = import_mcpd(path)
    seconds = time.perf_counter() - start
    own = cpu_seconds(resource.RUSAGE_SELF) - own
    children = cpu_seconds(resource.RUSAGE_CHILDREN) - children
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # A large import checks its rows in a forked process: its peak counts too.
    checker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    from django.conf import settings

    floor, floor_cpu, stored_rows = None, None, None
    if not database_url:
        floor, floor_cpu, stored_rows = schema_floor(
            settings.DATABASES["default"]["NAME"], Path(data_dir) / "floor.sqlite3"
        )
    print(
        json.dumps(
            {
                "seconds": seconds,
                "created": result.created,
                "errors": result.errors,
                "warnings": result.warnings,
                "peak_mb": peak_mb,
                "checker_mb": checker_mb,
                "floor": floor,
                "floor_cpu": floor_cpu,
                "cpu": own,
                "checker_cpu": children,
                "stored_rows": stored_rows,
            }
        )
    )


def measure(kind: str, rows: int, database: str, tmp_path: Path) -> bool:
    """Generate one file, measure the limit and the import, print the figures; False on failure."""
    path = tmp_path / f"mcpd-{kind}.csv"
    generate(path, rows, full=kind == "full")
    size_mb = path.stat().st_size / 1e6
    database_url = ""
    if database == "postgres":
        name = f"genebank_bench_{os.getpid()}_{kind}"
        postgres_admin(f'CREATE DATABASE "{name}"')
        database_url = postgres_url(name)
    try:
        # The limit is cheap: its best of three runs, so a busy machine does not flatter the ratio.
        limit = float("inf")
        for run in range(3):
            if database == "postgres":
                limit = min(limit, postgres_baseline(path, name))
            else:
                flat = tmp_path / f"flat{run}.sqlite3"
                limit = min(limit, baseline(path, flat))
                flat.unlink()
        process = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(path),
                str(tmp_path / f"data-{kind}"),
                database_url,
            ],
            capture_output=True,
            text=True,
        )
    finally:
        if database == "postgres":
            postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if process.returncode:
        print(process.stderr, file=sys.stderr)
        return False
    figures = json.loads(process.stdout.strip().splitlines()[-1])
    ours = figures["seconds"]
    limit_name = (
        "COPY into one flat keyed table"
        if database == "postgres"
        else "csv -> sqlite3 executemany, flat table"
    )
    print(f"MCPD import, {kind} file, {database}: {rows:,} rows, {size_mb:.1f} MB CSV")
    print(f"  limit ({limit_name}): {limit:8.2f} s  {rows / limit:10,.0f} rows/s")
    print(
        f"  genebank import mcpd (validated, normalized): {ours:8.2f} s  {rows / ours:10,.0f} rows/s"
    )
    print(f"  ratio to the limit: {ours / limit:.1f}x (bar: 10x)")
    floor = figures["floor"]
    if floor is not None:
        print(
            f"  the schema alone: the {figures['stored_rows']:,} rows the import stored "
            f"(accessions, names, numbers, events, acquisitions, a history row each), written "
            f"again by executemany into the same empty tables: {floor:.2f} s, "
            f"{floor / limit:.1f}x the limit; the import takes {ours / floor:.2f}x its own rows "
            f"(bar: 1.5x)"
        )
    cpu = figures["cpu"] + figures["checker_cpu"]
    line = (
        f"  processor time (what a busy machine cannot hide): the import {cpu:.2f} s (importing "
        f"process {figures['cpu']:.2f} s, checking process {figures['checker_cpu']:.2f} s)"
    )
    if figures["floor_cpu"] is not None:
        line += (
            f"; its own rows {figures['floor_cpu']:.2f} s; the importing process takes "
            f"{figures['cpu'] / figures['floor_cpu']:.2f}x its own rows"
        )
    print(line)
    print(
        f"  peak memory of the import process: {figures['peak_mb']:.0f} MB, of the process "
        f"checking rows beside it: {figures['checker_mb']:.0f} MB; together at most "
        f"{figures['peak_mb'] + figures['checker_mb']:.0f} MB (bar: 600 MB)"
    )
    print(
        f"  created {figures['created']:,}, errors {figures['errors']}, warnings {figures['warnings']}"
    )
    return True


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=200_000)
    parser.add_argument("--file", choices=["standard", "full", "both"], default="both")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    kinds = ["standard", "full"] if args.file == "both" else [args.file]
    with tempfile.TemporaryDirectory(prefix="genebank-bench-") as tmp:
        for kind in kinds:
            if not measure(kind, args.rows, args.database, Path(tmp)):
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
