"""`genebank worker`: run queued jobs (imports, exports, label batches) until stopped."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from genebank.core.jobs import run_worker


class Command(BaseCommand):
    # A plain string: argparse cannot format a lazy translation (genebank help worker).
    help = (
        "Run queued jobs until stopped (Ctrl+C or SIGTERM let the job at hand finish). `genebank "
        "serve` runs one beside the server; run this where the server runs without one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between looks at an empty queue"
        )
        parser.add_argument("--batch", action="store_true", help="stop when the queue is empty")
        # Given by `genebank serve`: the worker stops when that process is gone.
        parser.add_argument("--beside", type=int, default=None, help="(used by genebank serve)")

    def handle(self, *args, interval, batch, beside, **options):
        if options["verbosity"] and not beside:
            self.stdout.write(_("genebank worker: running queued jobs (Ctrl+C to stop)"))
        run_worker(beside=beside, interval=interval, batch=batch)
