"""Benchmark: pages of the seed lot work list against the bare SQL of a page (count + 50 rows).

    python bench/worklist_paging.py [LOTS]      (default 200,000)

Fills a fresh SQLite database with LOTS lots (bulk inserts, not timed; the list only reads),
then times the lot list and the alerts page as a curator opens them: middle and last page,
sorted by quantity, filtered by collection, against the first page as the baseline (bar: each at
most 2x it: a page costs the same wherever it is in the list). Also prints the two SQL statements
a page needs at least (count, 50 rows), run directly, to show what the rest is (rendering).
Best of three runs each.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
REPEAT = 3


def best(run) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def fill(count: int):
    from django.contrib.auth import get_user_model

    from genebank.accessions.models import Accession
    from genebank.core.models import Country, Crop, Institute, Taxon
    from genebank.inventory.models import SeedLot

    institute = Institute.objects.create(code="JOR015", name="Bench genebank", is_holding=True)
    crop = Crop.objects.create(name="Wheat")
    taxon = Taxon.objects.create(genus="Triticum", species="durum", crop=crop)
    jordan = Country.objects.get(iso3="JOR")
    batch = 5000
    for start in range(0, count, batch):
        numbers = range(start + 1, min(start + batch, count) + 1)
        accessions = Accession.objects.bulk_create(
            Accession(
                institute=institute,
                sequence=n,
                number=f"ACC{n:07d}",
                taxon=taxon,
                origin_country=jordan,
                sample_status=300,
                acquisition_date="19950600",
            )  # fmt: skip
            for n in numbers
        )
        SeedLot.objects.bulk_create(
            SeedLot(
                institute=institute,
                accession=a,
                sequence=n,
                number=f"JOR015-L{n:07d}",
                collection="base" if n % 2 else "active",
                unit="seeds",
                quantity=Decimal(n % 4000),
                status="available",
            )  # fmt: skip
            for n, a in zip(numbers, accessions, strict=True)
        )
    return get_user_model().objects.create_superuser("bench", "bench@example.org", "x")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    os.environ["GENEBANK_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-worklist-")
    os.environ.pop("GENEBANK_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "genebank.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's response.context, and ALLOWED_HOSTS testserver
    call_command("migrate", verbosity=0)
    user = fill(count)
    client = Client()
    client.force_login(user)
    last = (count + 49) // 50

    def page(url, **params):
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code

    def bare_sql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM inventory_seedlot")
            cursor.execute(
                "SELECT * FROM inventory_seedlot ORDER BY institute_id, sequence "
                "LIMIT 50 OFFSET %s",
                [(last // 2) * 50],
            )
            cursor.fetchall()

    limit = best(bare_sql)
    print(f"{count:,} lots; bare SQL of a middle page (count + 50 rows): {limit:.1f} ms")
    baseline = best(lambda: page("/inventory/"))
    print(f"{'lot list, first page (baseline)':34} {baseline:8.1f} ms")
    cases = [
        ("lot list, middle page", "/inventory/", {"page": last // 2}),
        ("lot list, last page", "/inventory/", {"page": last}),
        ("lot list, sorted by quantity", "/inventory/", {"sort": "-quantity", "page": 2}),
        ("lot list, active only", "/inventory/", {"collection": "active", "page": 3}),
        ("alerts, lots below reserve", "/inventory/alerts/", {"page": 2}),
    ]
    for name, url, params in cases:
        took = best(lambda url=url, params=params: page(url, **params))
        print(f"{name:34} {took:8.1f} ms  ({took / baseline:.2f}x the first page)")


if __name__ == "__main__":
    main()
