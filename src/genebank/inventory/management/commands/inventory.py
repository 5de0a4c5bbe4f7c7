"""`genebank inventory ...`: receive, withdraw, adjust, move and show seed lots from the shell.

Exit status: 0 done, 1 refused by the rules (too little seed, quarantine, ...; nothing written),
2 a wrong call (unknown lot, accession or location, bad arguments).
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from genebank.accessions.models import Accession
from genebank.core.models import Institute
from genebank.inventory import services
from genebank.inventory.command_line import WRONG_CALL, lot_named
from genebank.inventory.models import (
    CollectionKind,
    LotTransaction,
    SeedLot,
    StorageKind,
    StorageLocation,
)
from genebank.inventory.units import Unit, as_json_number

SYSTEM_USERNAME = "genebank-cli"
REFUSED = 1
BAD_INPUT_CODES = {
    "not_a_number",
    "not_positive",
    "too_large",
    "fractional_seeds",
    "precision",
    "unit",
}


def system_user():
    """The user the shell acts as by default: whoever runs the command already owns the database.

    It has no usable password, so it can never sign in to the web application.
    """
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_superuser": True, "is_staff": False, "first_name": "genebank command line"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # argparse needs a real string, translated when the command runs (not a lazy proxy).
        return _("Seed lots: receive, withdraw, adjust, move and show (with their ledger).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        def common(p):
            p.add_argument("--user", help=_("act as this user (default: %s)") % SYSTEM_USERNAME)
            p.add_argument("--json", action="store_true", help=_("print the result as JSON"))

        p = sub.add_parser("receive", help=_("create a lot with a receipt"))
        p.add_argument("--institute", required=True, help=_("WIEWS code of the holding institute"))
        p.add_argument("--accession", required=True, help=_("accession number"))
        p.add_argument("--quantity", required=True)
        p.add_argument("--unit", required=True, choices=Unit.values)
        p.add_argument("--collection", required=True, choices=CollectionKind.values)
        p.add_argument("--location", help=_("storage location path or code"))
        p.add_argument("--container", default="", choices=["", *SeedLot.Container.values])
        p.add_argument("--harvest-year", type=int)
        p.add_argument("--thousand-seed-weight", help=_("grams"))
        p.add_argument(
            "--status",
            choices=[
                SeedLot.Status.PROCESSING,
                SeedLot.Status.QUARANTINE,
                SeedLot.Status.AVAILABLE,
            ],
        )
        p.add_argument("--note", default="")
        common(p)

        p = sub.add_parser("withdraw", help=_("take seed out of a lot"))
        p.add_argument("lot")
        p.add_argument("quantity")
        p.add_argument("--unit", required=True, choices=Unit.values)
        p.add_argument("--reason", required=True, choices=LotTransaction.Reason.values)
        p.add_argument("--institute", help=_("WIEWS code, when the lot number is ambiguous"))
        p.add_argument("--note", default="")
        common(p)

        p = sub.add_parser("adjust", help=_("correct a lot's quantity by a signed amount"))
        p.add_argument("lot")
        p.add_argument("quantity", help=_("e.g. -25 or +10"))
        p.add_argument("--unit", required=True, choices=Unit.values)
        p.add_argument("--reason", required=True, help=_("why the quantity is adjusted"))
        p.add_argument("--institute")
        p.add_argument("--note", default="")
        p.add_argument(
            "--yes",
            "--confirm",
            dest="confirm",
            action="store_true",
            help=_("confirm an adjustment of more than ten times the lot's quantity"),
        )
        common(p)

        p = sub.add_parser("move", help=_("put a lot in another storage location"))
        p.add_argument("lot")
        p.add_argument("--location", required=True, help=_("storage location path or code"))
        p.add_argument("--reason", default="")
        p.add_argument("--institute")
        common(p)

        p = sub.add_parser("location", help=_("add a storage location, or move one"))
        p.add_argument("operation", choices=["add", "move"])
        p.add_argument("--institute", required=True, help=_("WIEWS code of the institute"))
        p.add_argument("--code", required=True, help=_("the location's code"))
        p.add_argument("--name", help=_("its name (add)"))
        p.add_argument("--kind", choices=StorageLocation.Kind.values, help=_("its kind (add)"))
        p.add_argument("--parent", help=_("path or code of the place it is in (none: top level)"))
        p.add_argument("--storage-kind", default="", choices=["", *StorageKind.values])
        p.add_argument("--temperature", help=_("set points in °C, MIN:MAX (e.g. -21:-15)"))
        p.add_argument("--humidity", help=_("set points in %% RH, MIN:MAX (e.g. 12:18)"))
        p.add_argument("--capacity", type=int, help=_("how many lots it holds"))
        p.add_argument("--reason", default="", help=_("why it moves (move)"))
        common(p)

        p = sub.add_parser("readings", help=_("import a data-logger CSV file for a storage unit"))
        p.add_argument("location", help=_("storage location path or code"))
        p.add_argument("file")
        p.add_argument("--institute", required=True, help=_("WIEWS code of the institute"))
        common(p)

        p = sub.add_parser("alerts", help=_("lots and storage units needing attention"))
        p.add_argument("--institute", help=_("WIEWS code (default: every institute)"))
        common(p)

        p = sub.add_parser("show", help=_("a lot and its ledger"))
        p.add_argument("lot")
        p.add_argument("--institute")
        common(p)

    def handle(self, *args, action, **options):
        try:
            return getattr(self, f"do_{action}")(**options)
        except ValidationError as exc:
            # A quantity that is no quantity at all is a wrong call; the rest are refusals.
            wrong = getattr(exc, "code", None) in BAD_INPUT_CODES
            raise CommandError(_message(exc), returncode=WRONG_CALL if wrong else REFUSED) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=REFUSED) from exc

    # --- lookups ------------------------------------------------------------------------------

    def _user(self, username):
        if not username:
            return system_user()
        User = get_user_model()
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(
                _("No active user %(user)s.") % {"user": username}, returncode=WRONG_CALL
            ) from None

    def _location(self, text: str, institute: Institute) -> StorageLocation:
        places = StorageLocation.objects.filter(institute=institute)
        place = places.filter(path=text).first() or places.filter(code=text).first()
        if place is None:
            raise CommandError(
                _("No storage location %(location)s at %(institute)s.")
                % {"location": text, "institute": institute.code},
                returncode=WRONG_CALL,
            )
        return place

    # --- output -------------------------------------------------------------------------------

    def _lot_data(self, lot: SeedLot, transactions: bool = False) -> dict:
        data = {
            "lot": lot.number,
            "institute": lot.institute.code,
            "accession": lot.accession.number,
            "collection": lot.collection,
            "status": lot.status,
            "quantity": as_json_number(lot.quantity),
            "unit": lot.unit,
            "location": lot.location.path if lot.location_id else None,
        }
        if transactions:
            data["transactions"] = [
                {
                    "kind": t.kind,
                    "reason": t.reason or t.reason_text,
                    "quantity": as_json_number(t.quantity),
                    "balance_after": as_json_number(t.balance_after),
                    "entered": f"{as_json_number(t.entered_quantity)} {t.entered_unit}",
                    "related_lot": t.related_lot.number if t.related_lot_id else None,
                    "user": t.user.username,
                    "at": t.created_at.isoformat(),
                    "note": t.note,
                }
                for t in lot.transactions.select_related("user", "related_lot").order_by(
                    "created_at", "pk"
                )
            ]
        return data

    def _print(self, options, data: dict, text: str) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            self.stdout.write(text)

    # --- actions ------------------------------------------------------------------------------

    def do_receive(self, **o):
        user = self._user(o["user"])
        institute = Institute.objects.filter(code=o["institute"]).first()
        if institute is None:
            raise CommandError(
                _("No institute %(code)s.") % {"code": o["institute"]}, returncode=WRONG_CALL
            )
        accession = Accession.objects.filter(institute=institute, number=o["accession"]).first()
        if accession is None:
            raise CommandError(
                _("No accession %(number)s at %(institute)s.")
                % {"number": o["accession"], "institute": institute.code},
                returncode=WRONG_CALL,
            )
        location = self._location(o["location"], institute) if o["location"] else None
        lot = services.receive(
            accession,
            o["quantity"],
            o["unit"],
            o["collection"],
            user,
            location=location,
            container=o["container"],
            harvest_year=o["harvest_year"],
            thousand_seed_weight=o["thousand_seed_weight"],
            status=o["status"],
            note=o["note"],
        )
        lot.refresh_from_db()
        self._print(
            o,
            self._lot_data(lot),
            _("Received lot %(lot)s: %(quantity)s %(unit)s.")
            % {"lot": lot.number, "quantity": as_json_number(lot.quantity), "unit": lot.unit},
        )

    def do_withdraw(self, **o):
        user = self._user(o["user"])
        lot = lot_named(o["lot"], o["institute"])
        entry = services.withdraw(lot, o["quantity"], o["unit"], o["reason"], user, note=o["note"])
        lot.refresh_from_db()
        data = self._lot_data(lot)
        data["withdrawn"] = as_json_number(-entry.quantity)
        self._print(
            o,
            data,
            _("Withdrew %(taken)s %(unit)s from lot %(lot)s; %(left)s %(unit)s left.")
            % {
                "taken": as_json_number(-entry.quantity),
                "unit": lot.unit,
                "lot": lot.number,
                "left": as_json_number(lot.quantity),
            },
        )

    def do_adjust(self, **o):
        user = self._user(o["user"])
        lot = lot_named(o["lot"], o["institute"])
        try:
            services.adjust(
                lot, o["quantity"], o["unit"], o["reason"], user, note=o["note"],
                confirmed=o["confirm"],
            )  # fmt: skip
        except ValidationError as exc:
            if getattr(exc, "code", None) != "confirm":
                raise
            raise CommandError(
                _message(exc) + " " + _("Run the command again with --yes if it is."),
                returncode=REFUSED,
            ) from exc
        lot.refresh_from_db()
        self._print(
            o,
            self._lot_data(lot),
            _("Lot %(lot)s now holds %(quantity)s %(unit)s.")
            % {"lot": lot.number, "quantity": as_json_number(lot.quantity), "unit": lot.unit},
        )

    def do_move(self, **o):
        user = self._user(o["user"])
        lot = lot_named(o["lot"], o["institute"])
        location = self._location(o["location"], lot.institute)
        services.move_lot(lot, location, user, o["reason"])
        lot.refresh_from_db()
        self._print(
            o,
            self._lot_data(lot),
            _("Lot %(lot)s is now at %(location)s.") % {"lot": lot.number, "location": location},
        )

    def _institute(self, code: str) -> Institute:
        institute = Institute.objects.filter(code=code).first()
        if institute is None:
            raise CommandError(_("No institute %(code)s.") % {"code": code}, returncode=WRONG_CALL)
        return institute

    def _range(self, text: str | None, what: str):
        if not text:
            return None, None
        low, sep, high = text.partition(":")
        try:
            return (Decimal(low) if low else None), (Decimal(high) if high else None)
        except InvalidOperation:
            raise CommandError(
                _("%(what)s: give MIN:MAX, not %(text)s.") % {"what": what, "text": text},
                returncode=WRONG_CALL,
            ) from None

    def do_location(self, **o):
        user = self._user(o["user"])
        institute = self._institute(o["institute"])
        parent = self._location(o["parent"], institute) if o["parent"] else None
        if o["operation"] == "move":
            place = self._location(o["code"], institute)
            services.move_location(place, parent, user, o["reason"])
        else:
            if not o["name"] or not o["kind"]:
                raise CommandError(_("add needs --name and --kind."), returncode=WRONG_CALL)
            t_min, t_max = self._range(o["temperature"], "--temperature")
            h_min, h_max = self._range(o["humidity"], "--humidity")
            place = services.create_location(
                institute=institute,
                name=o["name"],
                code=o["code"],
                kind=o["kind"],
                user=user,
                parent=parent,
                storage_kind=o["storage_kind"],
                temperature_min=t_min,
                temperature_max=t_max,
                humidity_min=h_min,
                humidity_max=h_max,
                capacity=o["capacity"],
            )
        place.refresh_from_db()
        self._print(
            o,
            {"code": place.code, "path": place.path, "kind": place.kind},
            f"{place.code}  {place.path}",
        )

    def do_readings(self, **o):
        user = self._user(o["user"])
        location = self._location(o["location"], self._institute(o["institute"]))
        try:
            fh = open(o["file"], "rb")  # read row by row by the service, however long
        except OSError as exc:
            raise CommandError(str(exc), returncode=WRONG_CALL) from exc
        try:
            with fh:
                result = services.import_readings(location, fh, user, source=o["file"])
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages), returncode=REFUSED) from exc
        self._print(
            o,
            {"location": location.path, **result},
            _("%(added)s readings added to %(location)s (%(skipped)s already known).")
            % {**result, "location": location.path},
        )

    def do_alerts(self, **o):
        from genebank.inventory import alerts
        from genebank.inventory.services import processing_overdue

        institute = self._institute(o["institute"]) if o["institute"] else None
        below = alerts.lots_below_reserve(institute)
        stale = list(alerts.lots_with_stale_moisture(institute))
        overdue = [
            (lot, why)
            for lot, why in processing_overdue()
            if institute is None or lot.institute_id == institute.pk
        ]
        out_of_range = alerts.storage_out_of_range(institute)
        data = {
            "below_reserve": [
                {"lot": lot.number, "seeds": seeds, "level": level} for lot, seeds, level in below
            ],
            "stale_moisture": [lot.number for lot in stale],
            "processing_overdue": [{"lot": lot.number, "why": why} for lot, why in overdue],
            "storage_out_of_range": [
                {
                    "location": e.location.path,
                    "start": e.start.isoformat(),
                    "minutes": int(e.duration.total_seconds() // 60),
                    "ongoing": e.ongoing,
                }
                for e in out_of_range
            ],
        }
        lines = [
            *(
                _("%(lot)s: %(seeds)s seeds, under %(level)s") % row
                for row in data["below_reserve"]
            ),
            *(
                _("%(lot)s: moisture content not measured recently") % {"lot": n}
                for n in data["stale_moisture"]
            ),  # fmt: skip
            *(f"{row['lot']}: {row['why']}" for row in data["processing_overdue"]),
            *(
                _("%(location)s: out of range for %(minutes)s minutes from %(start)s") % row
                for row in data["storage_out_of_range"]
            ),  # fmt: skip
        ]
        self._print(o, data, "\n".join(lines) or _("Nothing needs attention."))

    def do_show(self, **o):
        lot = lot_named(o["lot"], o["institute"])
        data = self._lot_data(lot, transactions=True)
        if o["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(
            f"{data['lot']}  {data['accession']}  {data['collection']}  {data['status']}  "
            f"{data['quantity']} {data['unit']}  {data['location'] or ''}"
        )
        for t in data["transactions"]:
            self.stdout.write(
                f"  {t['at']}  {t['kind']:<12} {t['quantity']:>12}  = {t['balance_after']:<10} "
                f"{t['user']}  {t['reason']}"
            )
