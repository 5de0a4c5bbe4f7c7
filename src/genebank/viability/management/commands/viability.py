"""`genebank viability predict | fit | due`: the viability equation, a lot's fitted decline, and
the germination tests due (viability.schedule).

Exit status: 0 done, 1 tests that cannot be fitted (too few, none, no decline), 2 a wrong call (a
viability outside 0-100 %, a negative period, an unknown species, a bad CSV file).
Values outside the range the constants were fitted on are warnings: on stderr, and under
"warnings" in the JSON output. An infinite value (the time to a target from 100 %) is printed
as JSON's Infinity.
"""

from __future__ import annotations

import json
import math

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from genebank.inventory.command_line import WRONG_CALL, lot_named
from genebank.viability import equation, schedule
from genebank.viability.fit import METHODS, DataError, FitError, fit_decline, read_csv
from genebank.viability.models import SpeciesConstants
from genebank.viability.services import lot_observations

REFUSED = 1


def _finite_or_none(value: float | None) -> float | None:
    """A standard error that could not be computed is null in JSON, not NaN."""
    return None if value is None or math.isnan(value) else value


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # argparse needs a real string, translated when the command runs (not a lazy proxy).
        return _("The viability equation: predict a lot's viability, fit a lot's decline.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        p = sub.add_parser("predict", help=_("sigma, viability after a period, time to a target"))
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument("--species", help=_("species whose preferred constants to use"))
        which.add_argument("--ke", type=float, help=_("KE (with --cw, --ch, --cq)"))
        p.add_argument("--cw", type=float)
        p.add_argument("--ch", type=float)
        p.add_argument("--cq", type=float)
        p.add_argument(
            "--moisture", type=float, required=True, help=_("moisture content, %% fresh weight")
        )
        p.add_argument(
            "--temperature", type=float, required=True, help=_("storage temperature, °C")
        )
        p.add_argument("--initial", type=float, help=_("initial viability, %%"))
        p.add_argument("--days", type=float, help=_("storage period in days"))
        p.add_argument("--target", type=float, help=_("target viability, %%"))
        p.add_argument("--json", action="store_true", help=_("print the result as JSON"))

        p = sub.add_parser("fit", help=_("Ki and sigma of a lot from its germination tests"))
        p.add_argument("lot", nargs="?", help=_("lot number: fit its germination tests"))
        p.add_argument("--institute", help=_("WIEWS code, when the lot number is ambiguous"))
        p.add_argument("--data", help=_("CSV file with the columns period_days,tested,germinated"))
        p.add_argument("--control-viability", type=float, help=_("control viability, %%"))
        p.add_argument("--method", choices=METHODS, default="glm")
        p.add_argument("--json", action="store_true", help=_("print the result as JSON"))

        p = sub.add_parser("due", help=_("germination tests due, overdue first"))
        p.add_argument("--institute", help=_("WIEWS code: only this institute's lots"))
        p.add_argument(
            "--within", type=int, default=0, help=_("also the tests due in the next DAYS days")
        )
        p.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    def handle(self, *args, action, **options):
        try:
            return getattr(self, f"do_{action}")(**options)
        except (equation.EquationError, DataError) as exc:
            raise CommandError(str(exc), returncode=WRONG_CALL) from exc
        except FitError as exc:
            raise CommandError(str(exc), returncode=REFUSED) from exc

    # --- predict ------------------------------------------------------------------------------

    def _constants(self, o) -> tuple[equation.Constants, dict]:
        if o["species"] is not None:
            given = [f"--{name}" for name in ("cw", "ch", "cq") if o[name] is not None]
            if given:
                raise CommandError(
                    _("%(given)s go with --ke, not with --species.") % {"given": ", ".join(given)},
                    returncode=WRONG_CALL,
                )
            record = self._species(o["species"])
            described = {
                "species": record.species,
                "ke": record.ke,
                "cw": record.cw,
                "ch": record.ch,
                "cq": record.cq,
                "source": record.source,
            }
            return record.constants, described
        missing = [f"--{name}" for name in ("cw", "ch", "cq") if o[name] is None]
        if missing:
            raise CommandError(
                _("--ke needs %(missing)s too.") % {"missing": ", ".join(missing)},
                returncode=WRONG_CALL,
            )
        values = {name: o[name] for name in ("ke", "cw", "ch", "cq")}
        if not all(math.isfinite(v) for v in values.values()):
            raise CommandError(_("The constants must be finite numbers."), returncode=WRONG_CALL)
        return equation.Constants(**values), {"species": None, **values, "source": None}

    def _species(self, name: str) -> SpeciesConstants:
        sets = list(SpeciesConstants.objects.named(name).order_by("-preferred", "pk"))
        if not sets:
            raise CommandError(
                _("No viability constants for the species %(name)s.") % {"name": name},
                returncode=WRONG_CALL,
            )
        names = sorted({s.species for s in sets})
        if len(names) > 1:
            raise CommandError(
                _("%(name)s is ambiguous: say which of %(names)s.")
                % {"name": name, "names": "; ".join(names)},
                returncode=WRONG_CALL,
            )
        return sets[0]

    def do_predict(self, **o):
        constants, described = self._constants(o)
        if o["initial"] is None and (o["days"] is not None or o["target"] is not None):
            raise CommandError(
                _("--days and --target need the initial viability (--initial)."),
                returncode=WRONG_CALL,
            )
        result = equation.predict(
            constants,
            o["moisture"],
            o["temperature"],
            initial_pct=o["initial"],
            days=o["days"],
            target_pct=o["target"],
        )
        warnings = equation.warnings_for(constants, o["moisture"], o["temperature"])
        if described["source"] and "SUSPECT" in described["source"]:
            warnings.append(
                _("The reference marks these constants as suspect: %(source)s")
                % {"source": described["source"]}
            )
        data: dict = {
            "constants": described,
            "moisture_pct": o["moisture"],
            "temperature_c": o["temperature"],
            "sigma_days": result.sigma_days,
            "sigma_years": result.sigma_days / equation.DAYS_PER_YEAR,
        }
        lines = [_("sigma: %(days).6g days (%(years).4g years)")
                 % {"days": result.sigma_days, "years": data["sigma_years"]}]  # fmt: skip
        if result.ki is not None:
            data["initial_pct"] = o["initial"]
            data["ki"] = result.ki
            data["p50_days"] = float(equation.p50_days(result.ki, result.sigma_days))
        if result.viability_pct is not None:
            data["days"] = o["days"]
            data["viability_pct"] = result.viability_pct
            lines.append(
                _("viability after %(days)g days: %(pct).4g %%")
                % {"days": o["days"], "pct": result.viability_pct}
            )
        if result.days_to_target is not None:
            data["target_pct"] = o["target"]
            data["days_to_target"] = result.days_to_target
            lines.append(
                _("days to %(target)g %%: %(days).6g")
                % {"target": o["target"], "days": result.days_to_target}
            )
        data["warnings"] = warnings
        self._print(o, data, "\n".join(lines), warnings)

    # --- fit ----------------------------------------------------------------------------------

    def do_fit(self, **o):
        if (o["lot"] is None) == (o["data"] is None):
            raise CommandError(
                _("Give a lot number or --data FILE.csv (one of them)."), returncode=WRONG_CALL
            )
        if o["lot"] is not None:
            lot = lot_named(o["lot"], o["institute"])
            observations = lot_observations(lot)
            if not observations:
                raise CommandError(
                    _("Lot %(lot)s has no germination tests to fit.") % {"lot": lot.number},
                    returncode=REFUSED,
                )
        else:
            observations = read_csv(o["data"])
        result = fit_decline(observations, o["method"], o["control_viability"])
        data = result.as_dict()
        if o["lot"] is not None:
            data["lot"] = o["lot"]
        for key in ("ki_se", "sigma_se", "p50_se"):
            data[key] = _finite_or_none(data[key])
        text = _(
            "Ki %(ki).4g (SE %(ki_se).3g) NED; sigma %(sigma).5g days (SE %(sigma_se).3g); "
            "p50 %(p50).5g days (SE %(p50_se).3g); %(tests)d tests, %(method)s"
        ) % {
            "ki": result.ki,
            "ki_se": result.ki_se,
            "sigma": result.sigma_days,
            "sigma_se": result.sigma_se,
            "p50": result.p50_days,
            "p50_se": result.p50_se,
            "tests": result.tests,
            "method": result.method,
        }
        self._print(o, data, text, result.warnings)

    # --- due ----------------------------------------------------------------------------------

    def do_due(self, **o):
        if o["within"] < 0:
            raise CommandError(
                _("--within takes a number of days, 0 or more."), returncode=WRONG_CALL
            )
        today = timezone.localdate()
        items = schedule.due_tests(today=today, within=o["within"], institute=o["institute"])
        if o["json"]:
            self.stdout.write(json.dumps(schedule.as_json(items, today), ensure_ascii=False))
            return
        for d in items:
            self.stdout.write(
                _("%(due)s  %(overdue)5d  %(institute)s %(lot)s  %(accession)s  %(reason)s")
                % {
                    "due": d.due.isoformat(),
                    "overdue": d.overdue_days(today),
                    "institute": d.institute,
                    "lot": d.lot,
                    "accession": d.accession,
                    "reason": d.reason_label,
                }
            )
        self.stderr.write(_("%(count)d tests due.") % {"count": len(items)})

    # --- output -------------------------------------------------------------------------------

    def _print(self, options, data: dict, text: str, warnings: list[str]) -> None:
        for warning in warnings:
            self.stderr.write(_("Warning: %(warning)s") % {"warning": warning})
        if options["json"]:
            # allow_nan: an infinite time is JSON's Infinity, as the contract says.
            self.stdout.write(json.dumps(data, ensure_ascii=False, allow_nan=True))
        else:
            self.stdout.write(text)
