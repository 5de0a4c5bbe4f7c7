"""`genebank demo`: load the demo genebank, its collection and one user per role, on an empty
database: each app's own demo data (accessions.demo, inventory.demo, each writing through its
app's services), composed in one transaction."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from genebank.accessions.demo import (
    DEFAULT_COUNT,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    demo_data_present,
    load_demo_collection,
)
from genebank.core.models import Role
from genebank.inventory.demo import load_demo_inventory


class Command(BaseCommand):
    # A plain string: argparse cannot format a lazy translation (genebank help demo).
    help = (
        "Load a demo genebank (JOR015) with generated accessions and one user per role "
        "(password 'genebank-demo': for demonstration databases only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=gettext_lazy(
                "Do nothing, successfully, when the database already holds accessions."
            ),
        )
        parser.add_argument(
            "--count",
            type=int,
            default=DEFAULT_COUNT,
            help=gettext_lazy("Number of accessions to generate (default %(default)s)."),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=gettext_lazy("Random seed; the same seed gives the same collection."),
        )

    def handle(self, *args, if_empty, count, seed, verbosity, **options):
        if demo_data_present():
            if if_empty:
                if verbosity:
                    self.stdout.write(_("Demo data already present: nothing to do."))
                return
            raise CommandError(
                _(
                    "The database already holds accessions; the demo collection is only loaded "
                    "into an empty database. Use --if-empty to skip quietly."
                ),
                returncode=1,
            )
        if count < 1:
            raise CommandError(_("--count must be at least 1."))

        started = time.monotonic()
        with (
            transaction.atomic(),
            tqdm(
                total=count,
                desc=_("Demo collection"),
                unit=_("accession"),
                file=sys.stderr,
                disable=verbosity == 0,
            ) as bar,
        ):
            summary = load_demo_collection(count=count, seed=seed, progress=bar.update)
            inventory = load_demo_inventory(summary.institute, seed=seed)
        elapsed = time.monotonic() - started

        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Loaded %(accessions)d accessions and %(missions)d collecting missions "
                    "for %(institute)s in %(seconds).1f s."
                )
                % {
                    "accessions": summary.accessions,
                    "missions": summary.missions,
                    "institute": summary.institute,
                    "seconds": elapsed,
                }
            )
        )
        self.stdout.write(
            _("Stored %(lots)d seed lots with %(transactions)d ledger transactions.")
            % {"lots": inventory.lots, "transactions": inventory.transactions}
        )
        self.stdout.write("")
        self.stdout.write(
            _("Demo users (for demonstration only; change or remove them in production):")
        )
        labels = dict(Role.choices)
        for username, role, created in summary.users:
            password = DEMO_PASSWORD if created else _("(existing user, password unchanged)")
            self.stdout.write(f"  {username:<14} {str(labels[role]):<22} {password}")
        self.stdout.write(
            _(
                "`admin` is a system administrator: it also keeps the shared lists of taxa and "
                "crops. `genebank serve` refuses addresses other machines reach while a demo "
                "account keeps the demo password."
            )
        )
