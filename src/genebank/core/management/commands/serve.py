"""Serve genebank with waitress, a production WSGI server that needs nothing but Python."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    # A plain string: argparse cannot format a lazy translation (genebank help serve).
    help = "Serve the web application (waitress; static files by WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        from waitress import serve

        from genebank.wsgi import application

        self.stdout.write(
            _("genebank is serving on %(url)s  (Ctrl+C to stop)")
            % {"url": f"http://{host}:{port}/"}
        )
        serve(application, host=host, port=port, threads=threads, ident="genebank")
