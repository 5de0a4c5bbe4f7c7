"""Serve genebank with waitress, a production WSGI server that needs nothing but Python."""

import ipaddress

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


def is_loopback(host: str) -> bool:
    """Is this address reachable from this machine only (127.0.0.0/8, ::1, localhost)?"""
    host = host.strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def accounts_with_the_demo_password() -> list[str]:
    """The active demo accounts whose password is still the published one.

    Only the demo usernames are checked: checking a password costs a deliberately slow hash,
    and only `genebank demo` sets this one.
    """
    # The demo users are defined with the demo collection (as for the demo command beside this).
    from genebank.accessions.demo import DEMO_PASSWORD, DEMO_USERS

    names = [username for username, _role in DEMO_USERS]
    accounts = get_user_model().objects.filter(username__in=names, is_active=True)
    return sorted(a.username for a in accounts if a.check_password(DEMO_PASSWORD))


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
            exposed = accounts_with_the_demo_password()
            if exposed:
                raise CommandError(
                    _(
                        "Refusing to serve on %(host)s: the demo accounts %(accounts)s still have "
                        "the published password 'genebank-demo', which anyone could use. Change "
                        "their passwords (genebank changepassword USERNAME) or switch them off, "
                        "or serve only on 127.0.0.1. For a real genebank, start from an empty "
                        "GENEBANK_DATA_DIR and create the first administrator with "
                        "`genebank createsuperuser`."
                    )
                    % {"host": host, "accounts": ", ".join(exposed)}
                )

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
