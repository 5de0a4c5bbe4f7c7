"""`genebank pdci`: compute and store the Passport Data Completeness Index of the accessions."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from genebank.accessions.models import Accession
from genebank.core.models import Institute
from genebank.exchange.pdci_store import refresh_pdci


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs text, not a lazy translation
        return _(
            "Recompute the stored PDCI of every accession (after an upgrade, or when seed lots "
            "changed the STORAGE that passport data derive from them)."
        )

    def add_arguments(self, parser):
        parser.add_argument("--institute", help=_("only this holding institute (WIEWS code)"))

    def handle(self, *args, **options):
        queryset = Accession.objects.all()
        code = options["institute"]
        if code:
            if not Institute.objects.filter(code=code.upper()).exists():
                raise CommandError(_("Unknown institute %(code)s.") % {"code": code})
            queryset = queryset.filter(institute__code=code.upper())
        with transaction.atomic():
            count = refresh_pdci(queryset)
        self.stdout.write(_("PDCI computed for %(count)s accessions.") % {"count": count})
