"""`genebank import mcpd FILE`: validate a passport file, report every problem, import atomically."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from genebank.core.models import WIEWS_CODE_VALIDATOR
from genebank.exchange.import_sessions import queue_file_import
from genebank.exchange.mcpd import ERROR
from genebank.exchange.mcpd_import import ErrorsCsv, import_mcpd
from genebank.exchange.readers import ReadError, load_mapping

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs text, not a lazy translation
        return _(
            "Import passport data from an MCPD file (CSV, TSV, XLSX, XLS). Exit status: 0 every row "
            "imported, 1 a row rejected, 2 the file cannot be read or the call is wrong."
        )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["mcpd"], help=_("what to import: mcpd"))
        parser.add_argument("file", help=_("CSV, TSV, XLSX or XLS file"))
        parser.add_argument("--sheet", help=_("workbook sheet (default: the first)"))
        parser.add_argument(
            "--institute",
            help=_("WIEWS code: INSTCODE for rows without one; other rows are rejected"),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("only validate"))
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help=_("import the valid rows, reject the others"),
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help=_("apply changes to existing accessions"),
        )
        parser.add_argument(
            "--errors", metavar="REPORT.csv", help=_("write every problem to a CSV file")
        )
        parser.add_argument(
            "--mapping",
            metavar="MAP.yaml",
            help=_("columns and values of a non-MCPD file"),
        )
        parser.add_argument("--user", help=_("user name recorded in the history (default: none)"))
        parser.add_argument(
            "--background",
            action="store_true",
            help=_("queue the import as a job and return at once (see `genebank jobs`)"),
        )
        parser.add_argument(
            "--json", action="store_true", help=_('with --background: print {"job": ID}')
        )

    bars: dict | None = None

    def progress(self, stage: str, rows: int) -> None:
        """Progress bars on a terminal: rows checked and rows written (writing follows checking)."""
        from tqdm import tqdm

        if self.bars is None:
            self.bars = {}
        bar = self.bars.get(stage)
        if bar is None:
            label = _("checked") if stage == "checked" else _("written")
            bar = tqdm(
                desc=label,
                unit=_(" rows"),
                file=sys.stderr,
                leave=False,
                position=len(self.bars),
            )
            self.bars[stage] = bar
        bar.update(rows - bar.n)

    def close_progress(self) -> None:
        for bar in (self.bars or {}).values():
            bar.close()
        self.bars = None

    def fail(self, message: str) -> None:
        raise CommandError(message, returncode=2)

    def handle(self, *args, **options):
        institute = options["institute"]
        if institute:
            institute = institute.strip().upper()
            try:
                WIEWS_CODE_VALIDATOR(institute)
            except Exception:
                self.fail(
                    _("--institute %(code)s is not a WIEWS code.") % {"code": options["institute"]}
                )
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                self.fail(_("No user %(name)s.") % {"name": options["user"]})
        if options["background"]:
            self.queue(options, institute, user)
            return
        errors_csv = None
        try:
            mapping = load_mapping(options["mapping"]) if options["mapping"] else None
            if options["errors"]:
                try:
                    errors_csv = ErrorsCsv(options["errors"])
                except OSError as exc:
                    self.fail(
                        _("Cannot write %(path)s: %(error)s")
                        % {"path": options["errors"], "error": exc}
                    )
            result = import_mcpd(
                options["file"],
                user=user,
                sheet=options["sheet"],
                institute=institute,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                update=options["update"],
                mapping=mapping,
                on_problem=errors_csv,
                on_progress=self.progress if sys.stderr.isatty() else None,
            )
        except ReadError as exc:
            self.fail(str(exc))
        finally:
            if errors_csv is not None:
                errors_csv.close()
            self.close_progress()
        self.report(result, options)
        if result.exit_status:
            sys.exit(result.exit_status)

    def queue(self, options, institute, user) -> None:
        """Queue the import for a worker; the file is copied first, so it may change meanwhile."""
        path = Path(options["file"])
        try:
            if options["mapping"]:
                load_mapping(options["mapping"])  # a wrong mapping is told now, not in the job
            if not path.is_file():
                raise ReadError(_("%(path)s is not a file.") % {"path": path})
            job = queue_file_import(
                path,
                user=user,
                mapping_path=options["mapping"],
                sheet=options["sheet"],
                institute=institute,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                update=options["update"],
                errors=str(Path(options["errors"]).resolve()) if options["errors"] else None,
            )
        except (ReadError, OSError) as exc:
            self.fail(str(exc))
        if options["json"]:
            self.stdout.write(json.dumps({"job": job.pk}))
        else:
            self.stdout.write(
                _("Queued as job %(id)s; `genebank jobs` shows how it goes.") % {"id": job.pk}
            )

    def report(self, result, options) -> None:
        out = self.stdout
        out.write(
            _(
                "%(file)s: %(rows)s rows read; %(created)s new, %(updated)s updated, %(unchanged)s "
                "unchanged, %(rejected)s rejected, %(left_out)s left out (not accessions)."
            )
            % {
                "file": result.file_name,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": result.rejected,
                "left_out": result.left_out,
            }
        )
        out.write(
            _("%(errors)s errors, %(warnings)s warnings.")
            % {"errors": result.errors, "warnings": result.warnings}
        )
        for problem in result.problems[:SHOWN_PROBLEMS]:
            out.write(
                _("  row %(row)s %(accenumb)s %(field)s %(value)r: %(severity)s: %(message)s")
                % {
                    "row": problem.row,
                    "accenumb": problem.accenumb,
                    "field": problem.field,
                    "value": problem.value,
                    "severity": _("error") if problem.severity == ERROR else _("warning"),
                    "message": problem.message,
                }
            )
        if result.errors + result.warnings > SHOWN_PROBLEMS:
            out.write(
                _("  … and %(n)s more.") % {"n": result.errors + result.warnings - SHOWN_PROBLEMS}
            )
            for (severity, field), count in result.problem_counts.most_common():
                out.write(f"  {count:>9}  {severity:<7}  {field}")
        if options["errors"]:
            out.write(_("Every problem is listed in %(path)s.") % {"path": options["errors"]})
        if result.new_institutes:
            verb = _("would be created") if not result.written else _("created")
            out.write(
                _("Institutes %(verb)s: %(codes)s")
                % {"verb": verb, "codes": ", ".join(result.new_institutes[:20])}
            )
        if result.dry_run:
            out.write(_("Dry run: nothing was written."))
        elif result.written:
            if result.created or result.updated:
                out.write(_("Imported."))
            else:
                out.write(_("Nothing to change: the database already holds this file."))
        else:
            if result.rejected:
                out.write(
                    _(
                        "Nothing was written: fix the errors, or use --skip-invalid to import the valid rows."
                    )
                )
            else:
                out.write(_("Nothing to change: the database already holds this file."))
