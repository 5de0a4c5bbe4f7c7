"""Serve genebank with waitress, a production WSGI server that needs nothing but Python."""

import ipaddress

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from genebank.core.security import exposure_checks


def is_loopback(host: str) -> bool:
    """Is this address reachable from this machine only (127.0.0.0/8, ::1, localhost)?"""
    host = host.strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


class Command(BaseCommand):
    # A plain string: argparse cannot format a lazy translation (genebank help serve).
    help = (
        "Serve the web application (waitress; static files by WhiteNoise). On an address other "
        "machines reach, it refuses while a demo account keeps the published demo password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        if not is_loopback(host):
            # Registered by the apps that know the danger (the top app: demo passwords).
            for check in exposure_checks:
                refusal = check(host)
                if refusal:
                    raise CommandError(refusal)

        from waitress import serve

        from genebank.core.jobs import start_worker_beside_server
        from genebank.wsgi import application

        self.stdout.write(
            _("genebank is serving on %(url)s  (Ctrl+C to stop)")
            % {"url": f"http://{host}:{port}/"}
        )
        # Long work (imports, exports) runs in a worker process beside the server, not in it.
        worker = start_worker_beside_server()
        try:
            serve(application, host=host, port=port, threads=threads, ident="genebank")
        finally:
            worker.stop()
