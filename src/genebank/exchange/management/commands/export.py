"""`genebank export mcpd -o FILE`: MCPD v2.1 passport data of the accessions."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from genebank.core.models import Institute
from genebank.exchange.export_jobs import queue_file_export
from genebank.exchange.mcpd_export import EXPORT_FORMATS, export_mcpd


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs text, not a lazy translation
        return _(
            "Export passport data as MCPD v2.1 (41 columns, UTF-8). An administrator's tool: "
            "the file keeps the exact collecting sites of sensitive accessions, as the database "
            "on this machine does. Use --public for a file to publish or to give away: it "
            "withholds them."
        )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["mcpd"], help=_("what to export: mcpd"))
        parser.add_argument(
            "-o", "--output", required=True, metavar="FILE", help=_("file to write")
        )
        parser.add_argument(
            "--format",
            choices=EXPORT_FORMATS,
            help=_("csv, tsv or xlsx (default: from the file name)"),
        )
        parser.add_argument("--institute", help=_("only this holding institute (WIEWS code)"))
        parser.add_argument(
            "--public",
            "--public-only",
            dest="public_only",
            action="store_true",
            help=_(
                "for publication: leave out non-public accessions, and withhold the site, "
                "coordinates and elevation of sensitive ones"
            ),
        )

        parser.add_argument(
            "--background",
            action="store_true",
            help=_("queue the export as a job and return at once (see `genebank jobs`)"),
        )
        parser.add_argument(
            "--json", action="store_true", help=_('with --background: print {"job": ID}')
        )

    def handle(self, *args, **options):
        fmt = options["format"]
        if fmt is None:
            suffix = (
                options["output"].rsplit(".", 1)[-1].lower() if "." in options["output"] else ""
            )
            fmt = suffix if suffix in EXPORT_FORMATS else "csv"
        institute = options["institute"]
        if institute and not Institute.objects.filter(code=institute.upper()).exists():
            raise CommandError(_("No institute %(code)s.") % {"code": institute}, returncode=2)
        if options["background"]:
            folder = Path(options["output"]).resolve().parent
            if not folder.is_dir():
                raise CommandError(
                    _("Cannot write %(path)s: no folder %(folder)s")
                    % {"path": options["output"], "folder": folder},
                    returncode=2,
                )
            job = queue_file_export(
                options["output"],
                format=fmt,
                institute=institute,
                public_only=options["public_only"],
            )
            if options["json"]:
                self.stdout.write(json.dumps({"job": job.pk}))
            else:
                self.stdout.write(
                    _("Queued as job %(id)s; `genebank jobs` shows how it goes.") % {"id": job.pk}
                )
            return
        try:
            result = export_mcpd(
                options["output"],
                format=fmt,
                institute=institute,
                public_only=options["public_only"],
            )
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": options["output"], "error": exc},
                returncode=2,
            ) from exc
        self.stdout.write(
            _("%(rows)s accessions written to %(path)s (%(format)s).")
            % {"rows": result.rows, "path": result.path, "format": result.format}
        )
