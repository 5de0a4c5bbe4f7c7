"""Benchmark: concurrent withdrawals from the same 20 seed lots on PostgreSQL, 8 clients vs 1.

    python bench/withdrawals.py [SECONDS]      (default 6 seconds per timed run)

Runs on a database of its own, dropped and created fresh: the database named in
GENEBANK_DATABASE_URL with "_bench" appended (unless the name already ends in "bench"), default
postgres://postgres@127.0.0.1:5432/genebank_bench. Each client is a process with its own
connection. Prints withdrawals per second for one client (the baseline) and for 8 concurrent
clients, and their ratio; then 8 clients race to empty 20 small lots. Checks that no lot went below zero and every lot's quantity equals the sum of its ledger;
exits 1 if not. Finishes in well under two minutes.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/genebank_bench"
CLIENTS = 8
LOTS = 20
RACE_LOT_SEEDS = 250
RACE_TAKE = 7  # 250 = 35 x 7 + 5: every race lot must end at exactly 5 seeds


def bench_url() -> str:
    url = os.environ.get("GENEBANK_DATABASE_URL") or DEFAULT_URL
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit(
            "bench/withdrawals.py runs on PostgreSQL: set GENEBANK_DATABASE_URL=postgres://..."
        )
    name = parts.path.lstrip("/") or "genebank"
    if not name.endswith("bench"):
        name += "_bench"  # never drop the database the application uses
    return urlunsplit(parts._replace(path="/" + name))


def fresh_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["GENEBANK_DATABASE_URL"] = url
    os.environ.setdefault("GENEBANK_DATA_DIR", tempfile.mkdtemp(prefix="genebank-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "genebank.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def make_lots(count: int, seeds: int, user, accession) -> list[int]:
    from genebank.inventory import services

    return [services.receive(accession, seeds, "seeds", "active", user).pk for _ in range(count)]


def _client(n, lot_ids, user_pk, take, seconds, start, results) -> None:
    """One client: its own process and database connection, withdrawing from random lots."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.db import connections

    from genebank.inventory import services
    from genebank.inventory.models import SeedLot

    done = refused = 0
    error = ""
    try:
        user = get_user_model().objects.get(pk=user_pk)
        rng = random.Random(n)
        open_lots = list(lot_ids)
        start.wait()
        deadline = time.perf_counter() + (seconds or 0)
        while open_lots and (seconds is None or time.perf_counter() < deadline):
            pk = rng.choice(open_lots)
            try:
                services.withdraw(SeedLot(pk=pk), take, "seeds", "research", user)
                done += 1
            except ValidationError:
                refused += 1
                open_lots.remove(pk)  # this client gives up on a lot that cannot pay
    except Exception as exc:  # noqa: BLE001 - reported by the parent
        error = repr(exc)
    finally:
        connections.close_all()
        results.put((done, refused, error))


def run_clients(clients: int, lot_ids: list[int], user, take: int, seconds: float | None):
    """`clients` processes withdraw `take` seeds from random lots, for `seconds` or until every lot
    refuses. Returns (withdrawals done, refusals, errors, elapsed seconds)."""
    from django.db import connections

    # Processes, not threads: each client is a separate program with its own connection, as
    # web workers are, and Python's interpreter lock does not serialise them.
    context = multiprocessing.get_context("fork")
    connections.close_all()  # children must not share the parent's socket
    start = context.Barrier(clients + 1)
    results = context.Queue()
    workers = [
        context.Process(target=_client, args=(n, lot_ids, user.pk, take, seconds, start, results))
        for n in range(clients)
    ]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    outcomes = [results.get(timeout=120) for _ in workers]
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join()
    errors = [error for _, _, error in outcomes if error]
    return sum(o[0] for o in outcomes), sum(o[1] for o in outcomes), errors, elapsed


def check_ledger(lot_ids: list[int]) -> list[str]:
    from django.db.models import Min, Sum

    from genebank.inventory.models import LotTransaction, SeedLot

    problems = []
    sums = dict(
        LotTransaction.objects.filter(lot_id__in=lot_ids)
        .values("lot_id")
        .annotate(s=Sum("quantity"))
        .values_list("lot_id", "s")
    )
    lowest = dict(
        LotTransaction.objects.filter(lot_id__in=lot_ids)
        .values("lot_id")
        .annotate(m=Min("balance_after"))
        .values_list("lot_id", "m")
    )
    sums = {pk: Decimal(total).quantize(Decimal("0.001")) for pk, total in sums.items()}
    for lot in SeedLot.objects.filter(pk__in=lot_ids):
        if lot.quantity < 0 or lowest[lot.pk] < 0:
            problems.append(f"{lot.number} went below zero")
        if lot.quantity != sums[lot.pk]:
            problems.append(f"{lot.number}: quantity {lot.quantity} != ledger sum {sums[lot.pk]}")
    return problems


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 6.0
    url = bench_url()
    began = time.perf_counter()
    fresh_database(url)
    setup_django(url)

    from django.contrib.auth import get_user_model

    from genebank.accessions.models import Accession
    from genebank.core.models import Institute, Taxon

    institute = Institute.objects.create(code="JOR015", name="Bench genebank", is_holding=True)
    taxon = Taxon.objects.create(genus="Triticum", species="durum")
    accession = Accession.objects.create(institute=institute, number="JO-000001", taxon=taxon)
    user = get_user_model().objects.create_superuser("bench", password=None)

    # Enough seed that the timed runs never run a lot dry: they measure throughput only.
    lots = make_lots(LOTS, 10_000_000, user, accession)
    print(f"withdrawals on PostgreSQL: {LOTS} lots, {seconds:g} s per timed run")
    one, _, errors1, t1 = run_clients(1, lots, user, 1, seconds)
    many, _, errors8, t8 = run_clients(CLIENTS, lots, user, 1, seconds)
    rate1, rate8 = one / t1, many / t8
    print(f"  1 client  : {rate1:8.0f} withdrawals/s  ({one} in {t1:.1f} s)")
    print(f"  {CLIENTS} clients : {rate8:8.0f} withdrawals/s  ({many} in {t8:.1f} s)")
    print(f"  ratio     : {rate8 / rate1:8.2f}x the single client")

    # The race: 8 clients empty 20 small lots as fast as they can; the ledger must hold.
    race_lots = make_lots(LOTS, RACE_LOT_SEEDS, user, accession)
    taken, refused, errors_race, t_race = run_clients(CLIENTS, race_lots, user, RACE_TAKE, None)
    expected = LOTS * (RACE_LOT_SEEDS // RACE_TAKE)
    print(
        f"  race to empty: {taken} withdrawals, {refused} refused in {t_race:.1f} s "
        f"(expected {expected} withdrawals)"
    )

    from genebank.inventory.models import SeedLot

    problems = [*errors1, *errors8, *errors_race, *check_ledger(lots + race_lots)]
    if taken != expected:
        problems.append(f"race took {taken} withdrawals, expected {expected}")
    leftovers = set(SeedLot.objects.filter(pk__in=race_lots).values_list("quantity", flat=True))
    if leftovers != {RACE_LOT_SEEDS % RACE_TAKE}:
        problems.append(
            f"race lots ended at {sorted(leftovers)} seeds, expected {RACE_LOT_SEEDS % RACE_TAKE}"
        )
    if problems:
        print("FAILED:")
        for problem in problems[:20]:
            print(f"  {problem}")
        return 1
    print("  checks    : no lot below zero; every quantity equals its ledger sum: OK")
    print(f"  total time: {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
