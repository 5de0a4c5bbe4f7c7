"""Benchmark: export MCPD from the normalized tables against a plain SELECT written by csv.writer.

    python bench/export_mcpd.py [ROWS]      (default 200,000)

Generates and imports ROWS accessions into a fresh SQLite database (not timed), then times
`export mcpd` to CSV and, as the limit, SELECT * from one flat 41-column table written by
csv.writer (best of three runs each). Prints both rates and their ratio (bar: at most 2x) and the export's peak memory.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_mcpd import baseline as load_flat_table  # noqa: E402
from import_mcpd import generate  # noqa: E402

# Each side runs this many times and keeps its best time: the machine may be busy with other work.
REPEAT = 3


def limit(database: Path, output: Path) -> float:
    start = time.perf_counter()
    connection = sqlite3.connect(database)
    cursor = connection.execute("SELECT * FROM mcpd")
    with open(output, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([d[0] for d in cursor.description])
        writer.writerows(cursor)
    connection.close()
    return time.perf_counter() - start


def child(source: str, data_dir: str, output: str) -> None:
    os.environ["GENEBANK_DATA_DIR"] = data_dir
    os.environ.pop("GENEBANK_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "genebank.settings"
    import django

    django.setup()
    from genebank.cli import ensure_database

    ensure_database()
    from genebank.exchange.mcpd_export import export_mcpd
    from genebank.exchange.mcpd_import import import_mcpd

    imported = import_mcpd(source)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds = float("inf")
    for _run in range(REPEAT):
        start = time.perf_counter()
        result = export_mcpd(output)
        seconds = min(seconds, time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # A large CSV export writes its second half in a forked process (the import's checking
    # process counts here too: the largest of them is reported).
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": result.rows,
                "imported": imported.created,
                "peak_mb": peak_mb,
                "peak_before_mb": before,
                "children_mb": children_mb,
            }
        )
    )


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return 0
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory(prefix="genebank-bench-") as tmp:
        tmp_path = Path(tmp)
        source = tmp_path / "mcpd.csv"
        generate(source, rows)
        flat = tmp_path / "flat.sqlite3"
        load_flat_table(source, flat)
        baseline = min(limit(flat, tmp_path / "flat.csv") for _run in range(REPEAT))
        output = tmp_path / "export.csv"
        process = subprocess.run(
            [sys.executable, __file__, "--child", str(source), str(tmp_path / "data"), str(output)],
            capture_output=True,
            text=True,
        )
        if process.returncode:
            print(process.stderr, file=sys.stderr)
            return 1
        figures = json.loads(process.stdout.strip().splitlines()[-1])
        # The generated rows are canonical, so the export gives back exactly what went in.
        with (
            open(output, encoding="utf-8", newline="") as a,
            open(source, encoding="utf-8", newline="") as b,
        ):
            identical = list(csv.reader(a)) == list(csv.reader(b))
    ours = figures["seconds"]
    print(f"MCPD export benchmark: {rows:,} accessions")
    print(
        f"  limit (SELECT * flat table -> csv.writer):   {baseline:8.2f} s  {rows / baseline:10,.0f} rows/s"
    )
    print(
        f"  genebank export mcpd (normalized tables):    {ours:8.2f} s  {rows / ours:10,.0f} rows/s"
    )
    print(f"  ratio: {ours / baseline:.1f}x (bar: 2x)")
    print(
        f"  peak memory of the process: {figures['peak_mb']:.0f} MB "
        f"({figures['peak_before_mb']:.0f} MB before the export), of the largest process "
        f"beside it: {figures['children_mb']:.0f} MB; together at most "
        f"{figures['peak_mb'] + figures['children_mb']:.0f} MB (bar: 600 MB)"
    )
    print(f"  exported {figures['rows']:,} rows; same rows as the generated file: {identical}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
