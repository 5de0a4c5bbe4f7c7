"""Inventory services: the only code that changes storage locations, seed lots and the ledger.

Each service runs in one database transaction. Services that change a lot's quantity lock the lot
row first (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the settings open every transaction with
BEGIN IMMEDIATE, so writers take turns), write one LotTransaction per lot and update the lot's
cached quantity in the same transaction. A refusal raises a translated ValidationError before
anything is written.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from genebank.accessions.models import Accession, Acquisition
from genebank.core.models import Institute
from genebank.core.permissions import MANAGE_SHARED_LISTS, require
from genebank.core.services import audited_save, bulk_audited_create, mark_change
from genebank.inventory.environment import Problem, Reading, iter_readings
from genebank.inventory.models import (
    ACCEPTED_STORAGE,
    PATH_SEPARATOR,
    CollectionKind,
    EnvironmentReading,
    LotTransaction,
    ProcessingStep,
    ReserveLevel,
    SeedLot,
    Stocktake,
    StocktakeCount,
    StorageLocation,
)
from genebank.inventory.permissions import (
    MANAGE_LOTS,
    MANAGE_STORAGE,
    RECORD_READINGS,
    WITHDRAW_SEED,
)
from genebank.inventory.signals import lots_changed
from genebank.inventory.standards import DAYS_TO_DRYING, DAYS_TO_STORAGE, drying_within_standard
from genebank.inventory.units import Unit, convert, parse_quantity, refuse_beyond_max

Kind = LotTransaction.Kind
QUANTITY_PLACES = Decimal("0.001")
Status = SeedLot.Status

# Places that hold lots; sites and buildings only hold other places.
LOT_HOLDING_KINDS = {
    StorageLocation.Kind.ROOM,
    StorageLocation.Kind.FREEZER,
    StorageLocation.Kind.SHELF,
    StorageLocation.Kind.BOX,
    StorageLocation.Kind.POSITION,
}

# What may stand inside what (None: at the top of the tree). Keeps the tree the shape of a
# genebank: site > building > cold room or freezer > shelf or rack > box > position.
_L = StorageLocation.Kind
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    _L.SITE: {None},
    _L.BUILDING: {None, _L.SITE},
    _L.ROOM: {_L.SITE, _L.BUILDING},
    _L.FREEZER: {_L.SITE, _L.BUILDING, _L.ROOM},
    _L.SHELF: {_L.ROOM, _L.FREEZER},
    _L.BOX: {_L.ROOM, _L.FREEZER, _L.SHELF},
    _L.POSITION: {_L.FREEZER, _L.SHELF, _L.BOX},
}

LOT_DETAIL_FIELDS = {
    "container",
    "harvest_year",
    "thousand_seed_weight",
    "moisture_content",
    "moisture_date",
    "moisture_method",
    "notes",
}


# --- storage locations -------------------------------------------------------------------------


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("A storage location needs a name."), code="name")
    if PATH_SEPARATOR in name:
        raise ValidationError(
            _("A storage location name cannot contain %(sep)s.") % {"sep": PATH_SEPARATOR},
            code="name",
        )
    return name


def _check_nesting(kind: str, parent: StorageLocation | None) -> None:
    if kind not in ALLOWED_PARENTS:
        raise ValidationError(
            _("Unknown kind of storage location %(kind)s.") % {"kind": kind}, code="kind"
        )
    if (parent.kind if parent is not None else None) not in ALLOWED_PARENTS[kind]:
        where = parent.get_kind_display().lower() if parent is not None else _("the top level")
        raise ValidationError(
            _("A %(kind)s cannot stand in %(where)s.")
            % {"kind": StorageLocation.Kind(kind).label.lower(), "where": where},
            code="nesting",
        )


def _check_path_free(path: str, exclude_pk: int | None = None) -> None:
    taken = StorageLocation.objects.filter(path=path)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            _("There is already a storage location at %(path)s.") % {"path": path}, code="path"
        )


@transaction.atomic
def create_location(
    *,
    institute: Institute,
    name: str,
    code: str,
    kind: str,
    user,
    parent: StorageLocation | None = None,
    storage_kind: str = "",
    temperature_min=None,
    temperature_max=None,
    humidity_min=None,
    humidity_max=None,
    capacity: int | None = None,
    notes: str = "",
) -> StorageLocation:
    """Add a place to the storage tree."""
    require(user, MANAGE_STORAGE, institute)
    name = _check_name(name)
    _check_nesting(kind, parent)
    if parent is not None and parent.institute_id != institute.pk:
        raise ValidationError(
            _("%(parent)s belongs to another institute.") % {"parent": parent}, code="institute"
        )
    if StorageLocation.objects.filter(code=code).exists():
        raise ValidationError(
            _("The storage location code %(code)s is already in use.") % {"code": code},
            code="code",
        )
    location = StorageLocation(
        institute=institute,
        parent=parent,
        name=name,
        code=code,
        kind=kind,
        storage_kind=storage_kind,
        temperature_min=temperature_min,
        temperature_max=temperature_max,
        humidity_min=humidity_min,
        humidity_max=humidity_max,
        capacity=capacity,
        notes=notes,
    )
    location.path = location.computed_path()
    _check_path_free(location.path)
    location.full_clean(exclude=["path"])
    mark_change(location, user, _("Created"))
    location.save()
    return location


@transaction.atomic
def move_location(
    location: StorageLocation, new_parent: StorageLocation | None, user, reason: str
) -> StorageLocation:
    """Put a place (and everything inside it) under another parent; paths below follow."""
    location = StorageLocation.objects.select_for_update().get(pk=location.pk)
    require(user, MANAGE_STORAGE, location.institute)
    if not (reason or "").strip():
        raise ValidationError(_("Say why the storage location moves."), code="reason")
    if new_parent is not None:
        new_parent = StorageLocation.objects.select_for_update().get(pk=new_parent.pk)
        if new_parent.pk == location.pk or new_parent.path.startswith(
            location.path + PATH_SEPARATOR
        ):
            raise ValidationError(
                _("%(location)s cannot move inside itself.") % {"location": location.path},
                code="cycle",
            )
        if new_parent.institute_id != location.institute_id:
            raise ValidationError(
                _("%(parent)s belongs to another institute.") % {"parent": new_parent.path},
                code="institute",
            )
    _check_nesting(location.kind, new_parent)
    old_path = location.path
    location.parent = new_parent
    new_path = location.computed_path()
    if new_path == old_path:
        return location
    _check_path_free(new_path, exclude_pk=location.pk)
    # Descendants are saved one by one (deepest last) so that each keeps its own history entry.
    descendants = list(
        StorageLocation.objects.select_for_update()
        .filter(path__startswith=old_path + PATH_SEPARATOR)
        .order_by("path")
    )
    location.path = new_path
    mark_change(location, user, reason)
    location.save()
    for child in descendants:
        child.path = new_path + child.path[len(old_path) :]
        mark_change(child, user, reason)
        child.save(update_fields=["path"])
    return location


def _check_location_accepts(location: StorageLocation, lot: SeedLot) -> StorageLocation:
    """Lock the place and refuse it when it cannot take this lot. Returns the locked place."""
    location = StorageLocation.objects.select_for_update().get(pk=location.pk)
    if location.institute_id != lot.institute_id:
        raise ValidationError(
            _("%(location)s belongs to another institute.") % {"location": location.path},
            code="institute",
        )
    if location.kind not in LOT_HOLDING_KINDS:
        raise ValidationError(
            _("%(location)s is a %(kind)s: put lots in a room, freezer, shelf, box or position.")
            % {"location": location.path, "kind": location.get_kind_display()},
            code="wrong_kind",
        )
    accepted = ACCEPTED_STORAGE[CollectionKind(lot.collection)]
    storage_kind = location.effective_storage_kind
    if lot.collection != CollectionKind.OTHER and storage_kind not in accepted:
        raise ValidationError(
            _("%(location)s is not a storage unit for the %(collection)s.")
            % {"location": location.path, "collection": lot.get_collection_display().lower()},
            code="wrong_kind",
        )
    if location.capacity is not None:
        held = location.lots.exclude(status__in=SeedLot.GONE).exclude(pk=lot.pk).count()
        if held >= location.capacity:
            raise ValidationError(
                _("%(location)s is full (%(capacity)s lots).")
                % {"location": location.path, "capacity": location.capacity},
                code="full",
            )
    return location


# --- the ledger --------------------------------------------------------------------------------


def _lock(lot: SeedLot) -> SeedLot:
    return SeedLot.objects.select_for_update().get(pk=lot.pk)


def _lock_many(lots) -> dict[int, SeedLot]:
    """Lock several lots in id order, so two services never wait on each other in a circle."""
    pks = sorted({lot.pk for lot in lots})
    return {
        lot.pk: lot for lot in SeedLot.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    }


def _in_lot_unit(lot: SeedLot, quantity, unit: str) -> tuple[Decimal, Decimal]:
    """(what was entered, the same in the lot's unit), or a ValidationError."""
    entered = parse_quantity(quantity, unit)
    return entered, convert(entered, unit, lot.unit, lot.thousand_seed_weight)


def _refuse_outgoing(lot: SeedLot) -> None:
    if lot.status == Status.DEPLETED:
        raise ValidationError(
            _("Lot %(lot)s is depleted: there is no seed to take.") % {"lot": lot.number},
            code="depleted",
        )
    if lot.status == Status.QUARANTINE:
        raise ValidationError(
            _("Lot %(lot)s is in quarantine: no seed may leave it until it is released.")
            % {"lot": lot.number},
            code="quarantine",
        )
    if lot.status == Status.WITHDRAWN:
        raise ValidationError(
            _("Lot %(lot)s has been withdrawn from the collection.") % {"lot": lot.number},
            code="withdrawn",
        )


def _refuse_incoming(lot: SeedLot) -> None:
    if lot.status in (Status.QUARANTINE, Status.WITHDRAWN):
        raise ValidationError(
            _("Lot %(lot)s is %(status)s: it cannot take seed from another lot.")
            % {"lot": lot.number, "status": lot.get_status_display().lower()},
            code=lot.status,
        )


def _refuse_overdraw(lot: SeedLot, amount: Decimal) -> None:
    if amount > lot.quantity:
        raise ValidationError(
            _(
                "Lot %(lot)s holds %(available)s %(unit)s: "
                "%(requested)s %(unit)s is more than there is."
            )
            % {
                "lot": lot.number,
                "available": _display(lot.quantity),
                "requested": _display(amount),
                "unit": lot.unit,
            },
            code="insufficient",
        )


def _display(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _post(
    lot: SeedLot,
    kind: str,
    change: Decimal,
    entered: Decimal,
    entered_unit: str,
    user,
    *,
    reason: str = "",
    reason_text: str = "",
    related_lot: SeedLot | None = None,
    note: str = "",
) -> LotTransaction:
    """Append one transaction to a locked lot and update its cached quantity and status.

    Every ledger write goes through here, so the bounds are checked here: the change and the
    resulting balance stay within MAX_QUANTITY, and the balance at or above zero.
    """
    balance = lot.quantity + change
    if balance < 0:  # callers check first; this is the last line before the database constraint
        _refuse_overdraw(lot, -change)
    refuse_beyond_max(change, lot.unit)
    refuse_beyond_max(balance, lot.unit, lot=lot.number)
    entry = LotTransaction(
        lot=lot,
        kind=kind,
        reason=reason,
        reason_text=reason_text,
        quantity=change,
        balance_after=balance,
        entered_quantity=entered,
        entered_unit=entered_unit,
        related_lot=related_lot,
        user=user,
        note=note,
    )
    entry.save()
    lot.quantity = balance
    status = lot.status
    if balance == 0 and lot.status != Status.WITHDRAWN:
        status = Status.DEPLETED
    elif balance > 0 and lot.status == Status.DEPLETED:
        status = Status.AVAILABLE
    if status == lot.status:
        # The ledger entry is the audit of a quantity change: no second copy in the lot's history.
        lot.updated_at = entry.created_at
        SeedLot.objects.filter(pk=lot.pk).update(quantity=balance, updated_at=lot.updated_at)
    else:
        lot.status = status
        mark_change(lot, user, reason_text or entry.get_kind_display())
        lot.save(update_fields=["quantity", "status", "updated_at"])
    return entry


def _sync(caller: SeedLot, locked: SeedLot) -> None:
    """Let the caller's object see the new quantity and status."""
    if caller is not locked:
        caller.quantity = locked.quantity
        caller.status = locked.status
        caller.location_id = locked.location_id


def _next_sequence(institute: Institute) -> int:
    Institute.objects.select_for_update().filter(pk=institute.pk).first()
    last = SeedLot.objects.filter(institute=institute).aggregate(m=Max("sequence"))["m"]
    return (last or 0) + 1


def lot_number(institute: Institute, sequence: int) -> str:
    """Lot numbers carry the institute code, so a scanned label is never ambiguous."""
    return f"{institute.code}-L{sequence:06d}"


def _seed_weight(value) -> Decimal | None:
    """A thousand-seed weight in grams, or None; refuses what cannot be one."""
    if value is None or value == "":
        return None
    try:
        weight = Decimal(str(value).strip())
    except InvalidOperation:
        weight = Decimal("NaN")
    if not weight.is_finite() or not (0 < weight < 1_000_000):
        raise ValidationError(
            _("The thousand-seed weight must be a positive number of grams, not %(value)s.")
            % {"value": value},
            code="thousand_seed_weight",
        )
    return weight.quantize(QUANTITY_PLACES)


def _new_lot(accession: Accession, *, user, unit: str, collection: str, **fields) -> SeedLot:
    sequence = _next_sequence(accession.institute)
    lot = SeedLot(
        institute=accession.institute,
        accession=accession,
        sequence=sequence,
        number=lot_number(accession.institute, sequence),
        unit=unit,
        collection=collection,
        **fields,
    )
    mark_change(lot, user, _("Created"))
    lot.save()
    return lot


@transaction.atomic
def receive(
    accession: Accession,
    quantity,
    unit: str,
    collection: str,
    user,
    *,
    location: StorageLocation | None = None,
    container: str = "",
    harvest_year: int | None = None,
    parent: SeedLot | None = None,
    generation: int | None = None,
    thousand_seed_weight=None,
    status: str | None = None,
    note: str = "",
) -> SeedLot:
    """A new lot of seed of this accession, opened with a receipt of its quantity.

    The lot is available unless another status is given (e.g. in processing for a new arrival);
    it is in quarantine whatever was asked while the accession's acquisition is in quarantine.
    """
    accession = Accession.objects.select_related("institute").get(pk=accession.pk)
    require(user, MANAGE_LOTS, accession.institute)
    if not accession.is_active:
        raise ValidationError(
            _("Accession %(accession)s has been deaccessioned.") % {"accession": accession},
            code="deaccessioned",
        )
    entered = parse_quantity(quantity, unit)
    if collection not in CollectionKind.values:
        raise ValidationError(
            _("Unknown collection %(collection)s: use base, active or other.")
            % {"collection": collection},
            code="collection",
        )
    if status is not None and status not in (
        Status.PROCESSING,
        Status.QUARANTINE,
        Status.AVAILABLE,
    ):
        raise ValidationError(
            _("A new lot is in processing, in quarantine or available."), code="status"
        )
    if parent is not None and parent.accession_id != accession.pk:
        raise ValidationError(
            _("The parent lot %(lot)s is of another accession.") % {"lot": parent.number},
            code="parent",
        )
    thousand_seed_weight = _seed_weight(thousand_seed_weight)
    if harvest_year is not None and not (1900 <= harvest_year <= _today().year):
        raise ValidationError(
            _("%(year)s is not a harvest year.") % {"year": harvest_year}, code="harvest_year"
        )
    quarantined = Acquisition.objects.filter(
        accession=accession, quarantine_status=Acquisition.Quarantine.PENDING
    ).exists()
    lot = _new_lot(
        accession,
        user=user,
        unit=unit,
        collection=collection,
        container=container,
        harvest_year=harvest_year,
        parent=parent,
        generation=generation
        if generation is not None
        else (parent.generation + 1 if parent else 0),
        thousand_seed_weight=thousand_seed_weight,
        status=Status.QUARANTINE if quarantined else (status or Status.AVAILABLE),
    )
    if location is not None:
        lot.location = _check_location_accepts(location, lot)
        lot.save(update_fields=["location"])
    _post(lot, Kind.RECEIPT, entered, entered, unit, user, note=note)
    if lot.status == Status.PROCESSING or (quarantined and status == Status.PROCESSING):
        ProcessingStep.objects.create(
            lot=lot, step=ProcessingStep.Step.RECEIVED, date=_today(), user=user
        )
    return lot


@transaction.atomic
def withdraw(
    lot: SeedLot, quantity, unit: str, reason: str, user, note: str = ""
) -> LotTransaction:
    """Take seed out of a lot for a reason (distribution, viability test, regeneration, ...)."""
    locked = _lock(lot)
    require(user, WITHDRAW_SEED, locked.institute_id)
    if reason not in LotTransaction.Reason.values:
        raise ValidationError(
            _("Unknown withdrawal reason %(reason)s: use one of %(reasons)s.")
            % {"reason": reason, "reasons": ", ".join(LotTransaction.Reason.values)},
            code="reason",
        )
    entered, amount = _in_lot_unit(locked, quantity, unit)
    _refuse_outgoing(locked)
    _refuse_overdraw(locked, amount)
    entry = _post(locked, Kind.WITHDRAWAL, -amount, entered, unit, user, reason=reason, note=note)
    _sync(lot, locked)
    return entry


# An adjustment corrects a recount or a weighing error. One that adds more than ten times what the
# lot holds is far more often a slip on the keyboard (470 typed as 4700000) than a finding, so it
# is written only when confirmed. The floor spares small and empty lots: finding 500 seeds in a
# lot the ledger says is empty is an ordinary recount.
IMPLAUSIBLE_FACTOR = 10
IMPLAUSIBLE_FLOOR = Decimal(1000)


def adjustment_is_implausible(held: Decimal, change: Decimal) -> bool:
    """Whether an adjustment of a lot holding `held` by `change` needs an explicit confirmation."""
    return abs(change) > max(IMPLAUSIBLE_FACTOR * held, IMPLAUSIBLE_FLOOR)


@transaction.atomic
def adjust(
    lot: SeedLot,
    quantity,
    unit: str,
    reason_text: str,
    user,
    note: str = "",
    *,
    confirmed: bool = False,
) -> LotTransaction:
    """Correct a lot's quantity by a signed amount (a recount, a weighing error), with a reason.

    An implausible adjustment (adjustment_is_implausible) is refused with code "confirm" unless
    confirmed is given: the caller asks the user and calls again.
    """
    locked = _lock(lot)
    require(user, MANAGE_LOTS, locked.institute_id)
    if not (reason_text or "").strip():
        raise ValidationError(_("Say why the quantity is adjusted."), code="reason")
    if locked.status == Status.WITHDRAWN:
        _refuse_outgoing(locked)
    try:
        signed = quantity if isinstance(quantity, Decimal) else Decimal(str(quantity).strip())
    except InvalidOperation:
        signed = quantity  # parse_quantity says what is wrong with it
    negative = isinstance(signed, Decimal) and signed.is_finite() and signed < 0
    entered, amount = _in_lot_unit(locked, -signed if negative else signed, unit)
    if negative:
        _refuse_overdraw(locked, amount)
    change = -amount if negative else amount
    # What no confirmation makes possible is refused first, rather than offered for confirmation.
    refuse_beyond_max(locked.quantity + change, locked.unit, lot=locked.number)
    if not confirmed and adjustment_is_implausible(locked.quantity, change):
        raise ValidationError(
            _(
                "Lot %(lot)s holds %(held)s %(unit)s: an adjustment of %(change)s %(unit)s is "
                "more than ten times that. Check the amount, and confirm it if it is correct."
            )
            % {
                "lot": locked.number,
                "held": _display(locked.quantity),
                "change": f"{'-' if negative else '+'}{_display(amount)}",
                "unit": locked.unit,
            },
            code="confirm",
        )
    entry = _post(
        locked,
        Kind.ADJUSTMENT,
        change,
        entered,
        unit,
        user,
        reason_text=reason_text.strip(),
        note=note,
    )
    _sync(lot, locked)
    return entry


@transaction.atomic
def transfer(
    source: SeedLot, target: SeedLot, quantity, unit: str, user, note: str = ""
) -> tuple[LotTransaction, LotTransaction]:
    """Move seed from one lot to another lot of the same accession (e.g. base to active)."""
    if source.pk == target.pk:
        raise ValidationError(_("A lot cannot transfer seed to itself."), code="same_lot")
    locked = _lock_many([source, target])
    src, dst = locked[source.pk], locked[target.pk]
    require(user, MANAGE_LOTS, src.institute_id)
    require(user, MANAGE_LOTS, dst.institute_id)
    if src.accession_id != dst.accession_id:
        raise ValidationError(
            _("Lots %(source)s and %(target)s hold different accessions.")
            % {"source": src.number, "target": dst.number},
            code="accession",
        )
    entered, out_amount = _in_lot_unit(src, quantity, unit)
    in_amount = convert(entered, unit, dst.unit, dst.thousand_seed_weight)
    _refuse_outgoing(src)
    _refuse_incoming(dst)
    _refuse_overdraw(src, out_amount)
    out = _post(
        src, Kind.TRANSFER_OUT, -out_amount, entered, unit, user, related_lot=dst, note=note
    )
    into = _post(dst, Kind.TRANSFER_IN, in_amount, entered, unit, user, related_lot=src, note=note)
    _sync(source, src)
    _sync(target, dst)
    return out, into


@transaction.atomic
def split_lot(
    lot: SeedLot,
    quantity,
    unit: str,
    user,
    *,
    collection: str | None = None,
    location: StorageLocation | None = None,
    container: str | None = None,
    note: str = "",
) -> SeedLot:
    """Take part of a lot into a new lot (same accession, same generation, this lot its parent)."""
    locked = _lock(lot)
    require(user, MANAGE_LOTS, locked.institute_id)
    entered, amount = _in_lot_unit(locked, quantity, unit)
    _refuse_outgoing(locked)
    _refuse_overdraw(locked, amount)
    collection = collection or locked.collection
    if collection not in CollectionKind.values:
        raise ValidationError(
            _("Unknown collection %(collection)s: use base, active or other.")
            % {"collection": collection},
            code="collection",
        )
    new = _new_lot(
        locked.accession,
        user=user,
        unit=locked.unit,
        collection=collection,
        container=locked.container if container is None else container,
        harvest_year=locked.harvest_year,
        parent=locked,
        generation=locked.generation,
        thousand_seed_weight=locked.thousand_seed_weight,
        moisture_content=locked.moisture_content,
        moisture_date=locked.moisture_date,
        moisture_method=locked.moisture_method,
        status=locked.status,
    )
    if location is not None:
        new.location = _check_location_accepts(location, new)
        new.save(update_fields=["location"])
    _post(locked, Kind.SPLIT, -amount, entered, unit, user, related_lot=new, note=note)
    _post(new, Kind.SPLIT, amount, entered, unit, user, related_lot=locked, note=note)
    _sync(lot, locked)
    return new


@transaction.atomic
def merge_lots(sources, into: SeedLot, user, note: str = "") -> SeedLot:
    """Pour whole lots of the same accession into another; the emptied lots become depleted."""
    sources = list(sources)
    if not sources:
        raise ValidationError(_("Choose the lots to merge."), code="empty")
    if any(s.pk == into.pk for s in sources):
        raise ValidationError(_("A lot cannot be merged into itself."), code="same_lot")
    locked = _lock_many([*sources, into])
    target = locked[into.pk]
    require(user, MANAGE_LOTS, target.institute_id)
    _refuse_incoming(target)
    moves = []
    for source in sources:
        src = locked[source.pk]
        require(user, MANAGE_LOTS, src.institute_id)
        if src.accession_id != target.accession_id:
            raise ValidationError(
                _("Lots %(source)s and %(target)s hold different accessions.")
                % {"source": src.number, "target": target.number},
                code="accession",
            )
        _refuse_outgoing(src)
        moves.append(
            (src, convert(src.quantity, src.unit, target.unit, target.thousand_seed_weight))
        )
    for src, amount in moves:
        taken = src.quantity
        _post(src, Kind.MERGE, -taken, taken, src.unit, user, related_lot=target, note=note)
        _post(target, Kind.MERGE, amount, taken, src.unit, user, related_lot=src, note=note)
    for source in sources:
        _sync(source, locked[source.pk])
    _sync(into, target)
    return target


@transaction.atomic
def move_lot(lot: SeedLot, location: StorageLocation | None, user, reason: str = "") -> SeedLot:
    """Put a lot in another storage place (None: out of storage, e.g. back to processing)."""
    locked = _lock(lot)
    require(user, MANAGE_LOTS, locked.institute_id)
    if locked.status in SeedLot.GONE:
        raise ValidationError(
            _("Lot %(lot)s is %(status)s: it has no place in storage.")
            % {"lot": locked.number, "status": locked.get_status_display().lower()},
            code=locked.status,
        )
    if location is not None:
        if location.pk == locked.location_id:
            return locked
        location = _check_location_accepts(location, locked)
    locked.location = location
    mark_change(locked, user, reason or _("Moved"))
    locked.save(update_fields=["location", "updated_at"])
    _sync(lot, locked)
    return locked


@transaction.atomic
def set_lot_status(lot: SeedLot, status: str, user, reason: str) -> SeedLot:
    """Release from quarantine, finish processing, or withdraw a lot from the collection.

    Depleted is not set by hand: a lot becomes depleted when its quantity reaches zero.
    """
    locked = _lock(lot)
    require(user, MANAGE_LOTS, locked.institute_id)
    if not (reason or "").strip():
        raise ValidationError(_("Say why the lot's status changes."), code="reason")
    allowed = {Status.PROCESSING, Status.QUARANTINE, Status.AVAILABLE, Status.WITHDRAWN}
    if status not in allowed:
        raise ValidationError(
            _("A lot becomes depleted by itself when its last seed is taken."), code="status"
        )
    if locked.status == Status.WITHDRAWN:
        raise ValidationError(
            _("Lot %(lot)s has been withdrawn from the collection.") % {"lot": locked.number},
            code="withdrawn",
        )
    if locked.status == Status.DEPLETED and status != Status.WITHDRAWN:
        raise ValidationError(
            _("Lot %(lot)s is depleted: there is no seed to take.") % {"lot": locked.number},
            code="depleted",
        )
    if status == Status.WITHDRAWN and locked.quantity > 0:
        raise ValidationError(
            _("Lot %(lot)s still holds seed: withdraw or transfer it first.")
            % {"lot": locked.number},
            code="not_empty",
        )
    locked.status = status
    mark_change(locked, user, reason)
    locked.save(update_fields=["status", "updated_at"])
    _sync(lot, locked)
    return locked


@transaction.atomic
def update_lot_details(lot: SeedLot, user, reason: str, **fields) -> SeedLot:
    """Record a lot's container, harvest year, thousand-seed weight or moisture content."""
    unknown = set(fields) - LOT_DETAIL_FIELDS
    if unknown:
        raise ValidationError(
            _("These lot fields are not changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="fields",
        )
    locked = _lock(lot)
    require(user, MANAGE_LOTS, locked.institute_id)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean(
        exclude=["institute", "accession", "number", "sequence", "parent", "location"]
    )
    mark_change(locked, user, reason or _("Details recorded"))
    locked.save(update_fields=[*fields, "updated_at"])
    for name in fields:
        setattr(lot, name, getattr(locked, name))
    return locked


# --- seed processing ---------------------------------------------------------------------------

STEP_ORDER = list(ProcessingStep.Step.values)


def _today():
    return timezone.localdate()


@transaction.atomic
def record_processing_step(
    lot: SeedLot,
    step: str,
    user,
    *,
    date=None,
    drying_start=None,
    drying_end=None,
    temperature=None,
    humidity=None,
    moisture_content=None,
    moisture_method: str = "",
    container: str = "",
    location: StorageLocation | None = None,
    notes: str = "",
) -> ProcessingStep:
    """Record the next step of a new lot: received, cleaned, dried, moisture tested, packed, stored.

    Steps go forward (a step may be skipped, never recorded twice or out of order). Drying records
    its dates and conditions, checked against FAO standard 4.2.1; the moisture test sets the lot's
    moisture content; packing its container; storing puts it in its place and makes it available
    (a lot in quarantine stays in quarantine).
    """
    locked = _lock(lot)
    require(user, MANAGE_LOTS, locked.institute_id)
    if locked.status not in (Status.PROCESSING, Status.QUARANTINE):
        raise ValidationError(
            _("Lot %(lot)s is not in processing.") % {"lot": locked.number}, code="not_processing"
        )
    if step not in STEP_ORDER:
        raise ValidationError(_("Unknown processing step %(step)s.") % {"step": step}, code="step")
    date = date or _today()
    if date > _today():
        raise ValidationError(_("A processing step cannot be dated in the future."), code="date")
    previous = locked.processing_steps.order_by("-pk").first()
    if previous is not None:
        if STEP_ORDER.index(step) <= STEP_ORDER.index(previous.step):
            raise ValidationError(
                _("Lot %(lot)s is already %(previous)s: %(step)s cannot come now.")
                % {
                    "lot": locked.number,
                    "previous": previous.get_step_display().lower(),
                    "step": ProcessingStep.Step(step).label.lower(),
                },
                code="order",
            )
        if date < previous.date:
            raise ValidationError(
                _("This step cannot be dated before the previous one (%(date)s).")
                % {"date": previous.date},
                code="date",
            )
    record = ProcessingStep(
        lot=locked, step=step, date=date, user=user, notes=notes, temperature=temperature,
        humidity=humidity,
    )  # fmt: skip
    changed: list[str] = []
    Step = ProcessingStep.Step
    if step == Step.DRIED:
        if drying_start is None or drying_end is None:
            raise ValidationError(_("Give the dates drying started and ended."), code="drying")
        if drying_end < drying_start or drying_end > date:
            raise ValidationError(
                _("Drying must end after it starts, and by the date of this step."), code="drying"
            )
        record.drying_start, record.drying_end = drying_start, drying_end
        record.within_standard = drying_within_standard(temperature, humidity)
    elif step == Step.MOISTURE_TESTED:
        if moisture_content is None:
            raise ValidationError(_("Give the moisture content measured."), code="moisture")
        locked.moisture_content = moisture_content
        locked.moisture_date = date
        locked.moisture_method = moisture_method
        changed += ["moisture_content", "moisture_date", "moisture_method"]
    elif step == Step.PACKED:
        if not container:
            raise ValidationError(
                _("Say which container the seed was packed in."), code="container"
            )
        locked.container = container
        changed.append("container")
    elif step == Step.STORED:
        if location is None:
            raise ValidationError(_("Say where the lot is stored."), code="location")
        locked.location = _check_location_accepts(location, locked)
        changed.append("location")
        if locked.status == Status.PROCESSING:
            locked.status = Status.AVAILABLE
            changed.append("status")
    record.full_clean(exclude=["lot", "user"])
    if changed:
        locked.full_clean(exclude=["institute", "accession", "number", "sequence", "parent"])
        mark_change(locked, user, record.get_step_display())
        locked.save(update_fields=[*changed, "updated_at"])
    record.save()
    _sync(lot, locked)
    return record


def processing_overdue(today=None) -> list[tuple[SeedLot, str]]:
    """Lots in processing past the standard: not drying DAYS_TO_DRYING days after receipt, or not
    stored DAYS_TO_STORAGE days after it. Each with a sentence saying why."""
    today = today or _today()
    overdue = []
    lots = SeedLot.objects.filter(
        status__in=[Status.PROCESSING, Status.QUARANTINE]
    ).prefetch_related("processing_steps")
    for lot in lots:
        steps = {s.step: s for s in lot.processing_steps.all()}
        received = steps.get(ProcessingStep.Step.RECEIVED)
        if received is None or ProcessingStep.Step.STORED in steps:
            continue
        waited = (today - received.date).days
        dried = steps.get(ProcessingStep.Step.DRIED)
        if dried is None and waited > DAYS_TO_DRYING:
            overdue.append(
                (lot, _("not in the drying room %(days)s days after receipt") % {"days": waited})
            )
        elif waited > DAYS_TO_STORAGE:
            overdue.append((lot, _("not stored %(days)s days after receipt") % {"days": waited}))
    return overdue


# --- stocktake -----------------------------------------------------------------------------------


def lots_in(location: StorageLocation):
    """Lots that should be found in this place or any place inside it."""
    return SeedLot.objects.filter(
        Q(location=location) | Q(location__path__startswith=location.path + PATH_SEPARATOR)
    ).exclude(status__in=SeedLot.GONE)


@transaction.atomic
def start_stocktake(location: StorageLocation, user) -> Stocktake:
    """Open a count of a storage location and everything inside it."""
    location = StorageLocation.objects.select_for_update().get(pk=location.pk)
    require(user, MANAGE_LOTS, location.institute_id)
    if Stocktake.objects.filter(location=location, status=Stocktake.Status.OPEN).exists():
        raise ValidationError(
            _("A count of %(location)s is already open.") % {"location": location.path},
            code="open",
        )
    stocktake = Stocktake(location=location, started_by=user)
    mark_change(stocktake, user, None)
    stocktake.save()
    return stocktake


@transaction.atomic
def record_count(
    stocktake: Stocktake,
    lot: SeedLot,
    quantity,
    unit: str,
    user,
    found_at: StorageLocation | None = None,
) -> StocktakeCount:
    """What was found of a lot (scanned, then counted or weighed). A recount replaces the count.

    The ledger's quantity at this moment is kept beside the count, so withdrawals made between the
    count and the reconciliation are not mistaken for a difference.
    """
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    if stocktake.status != Stocktake.Status.OPEN:
        raise ValidationError(_("This stocktake has been reconciled."), code="closed")
    locked = _lock(lot)
    require(user, MANAGE_LOTS, locked.institute_id)
    if locked.institute_id != stocktake.location.institute_id:
        raise ValidationError(
            _("Lot %(lot)s belongs to another institute.") % {"lot": locked.number},
            code="institute",
        )
    try:
        nothing = Decimal(str(quantity).strip()) == 0
    except InvalidOperation:
        nothing = False  # parse_quantity below says what is wrong
    if nothing:  # an empty container is a count too
        parse_quantity(1, unit)  # still refuses an unknown unit
        counted = Decimal(0)
    else:
        _entered, counted = _in_lot_unit(locked, quantity, unit)
    count, _created = StocktakeCount.objects.update_or_create(
        stocktake=stocktake,
        lot=locked,
        defaults={
            "counted": counted,
            "expected": locked.quantity,
            "found_at": found_at or stocktake.location,
            "counted_by": user,
            "counted_at": timezone.now(),
        },
    )
    return count


class Reconciliation(TypedDict):
    """What reconcile_stocktake did."""

    adjusted: list[tuple[SeedLot, Decimal]]  # (lot, quantity added or taken away)
    missing: list[SeedLot]
    misplaced: list[tuple[SeedLot, StorageLocation | None]]  # (lot, where it was found)
    unchanged: int


@transaction.atomic
def reconcile_stocktake(
    stocktake: Stocktake, user, reason: str, missing_as_zero: bool = False
) -> Reconciliation:
    """Turn the differences of a count into adjustment transactions, and close it.

    Every counted lot gets its "last counted" date. Lots expected here but not counted are listed
    as missing, and adjusted to zero only when missing_as_zero is given. Lots found somewhere other
    than their recorded place are listed as misplaced (move them with move_lot).
    Returns {"adjusted": [...], "missing": [...], "misplaced": [...], "unchanged": n}.
    """
    stocktake = (
        Stocktake.objects.select_for_update().select_related("location").get(pk=stocktake.pk)
    )
    require(user, MANAGE_LOTS, stocktake.location.institute_id)
    if stocktake.status != Stocktake.Status.OPEN:
        raise ValidationError(_("This stocktake has been reconciled."), code="closed")
    counts = list(stocktake.counts.select_related("found_at"))
    differences = [c for c in counts if c.counted != c.expected]
    missing = list(lots_in(stocktake.location).exclude(pk__in=[c.lot_id for c in counts]))
    if (differences or (missing and missing_as_zero)) and not (reason or "").strip():
        raise ValidationError(_("Say why the counted quantities differ."), code="reason")
    text = _("Stocktake of %(location)s: %(reason)s") % {
        "location": stocktake.location.path,
        "reason": (reason or "").strip(),
    }
    result: Reconciliation = {"adjusted": [], "missing": [], "misplaced": [], "unchanged": 0}
    locked = _lock_many([c.lot for c in counts] + (missing if missing_as_zero else []))
    for count in counts:
        lot = locked[count.lot_id]
        change = count.counted - count.expected
        if change:
            if lot.quantity + change < 0:
                raise ValidationError(
                    _("Lot %(lot)s: seed taken since it was counted leaves too little for the "
                      "count. Count it again.") % {"lot": lot.number},
                    code="recount",
                )  # fmt: skip
            count.adjustment = _post(
                lot, Kind.ADJUSTMENT, change, abs(change), lot.unit, user, reason_text=text
            )
            count.save(update_fields=["adjustment"])
            result["adjusted"].append((lot, change))
        else:
            result["unchanged"] += 1
        if count.found_at_id and lot.location_id != count.found_at_id:
            result["misplaced"].append((lot, count.found_at))
        SeedLot.objects.filter(pk=lot.pk).update(last_counted_at=count.counted_at)
    for lot in missing:
        if missing_as_zero and locked[lot.pk].quantity > 0:
            held = locked[lot.pk]
            _post(held, Kind.ADJUSTMENT, -held.quantity, held.quantity, held.unit, user,
                  reason_text=text)  # fmt: skip
        result["missing"].append(lot)
    stocktake.status = Stocktake.Status.RECONCILED
    stocktake.reconciled_by = user
    stocktake.reconciled_at = timezone.now()
    stocktake.reason = (reason or "").strip()
    mark_change(stocktake, user, None)
    stocktake.save()
    return result


# --- data-logger readings -------------------------------------------------------------------------

# Readings written per INSERT, and times looked up per query: every statement stays far under
# SQLite's limit of bound variables (32,766; 999 before SQLite 3.32), whatever the file's length.
READINGS_BATCH = 500
# Problems reported of one file; a file in the wrong format would otherwise list every row.
MAX_PROBLEMS = 100


@transaction.atomic
def import_readings(location: StorageLocation, data, user, source: str = "") -> dict:
    """Add a data-logger CSV file's readings to a storage unit: all rows or none.

    data is the file: an open binary file (an upload, a file on disk; read row by row, UTF-8 or
    else Latin-1), bytes, or text. Times already recorded for the place are skipped, so importing
    a file twice adds nothing. Raises ValidationError listing the problems (row, field, value,
    message), at most MAX_PROBLEMS of them, when any row is bad. Returns {"added", "skipped"}.
    """
    require(user, RECORD_READINGS, location.institute_id)
    # One import of a place at a time: the search for times repeated in the file relies on it.
    location = StorageLocation.objects.select_for_update().get(pk=location.pk)
    if isinstance(data, str):
        data = data.encode("utf-8")
    binary = io.BytesIO(data) if isinstance(data, bytes) else data
    if isinstance(binary, File):
        binary = binary.file
        assert binary is not None  # File.file is None only for a closed file
    for encoding in ("utf-8-sig", "latin-1"):  # Latin-1 decodes any byte: the last try
        binary.seek(0)
        text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        try:
            with transaction.atomic():  # a decoding error halfway leaves nothing behind
                return _import_readings(location, text, source[:200])
        except UnicodeDecodeError:
            continue
        finally:
            text.detach()  # the caller's file stays open
    raise AssertionError("unreachable: Latin-1 decodes any byte")


def _import_readings(location: StorageLocation, text, source: str) -> dict:
    # Readings of this place with a higher id than this were added by this file (ids only grow,
    # and the place is locked): a time found among them is a time the file repeats.
    before = location.readings.aggregate(m=Max("pk"))["m"] or 0
    problems: list[Problem] = []
    counts = {"added": 0, "skipped": 0}
    batch: list[Reading] = []

    def write_batch():
        known = dict(
            EnvironmentReading.objects.filter(
                location=location, taken_at__in=[r.taken_at for r in batch]
            ).values_list("taken_at", "pk")
        )
        new, seen = [], set()
        for reading in batch:
            pk = known.get(reading.taken_at)
            if pk is not None and pk <= before:
                counts["skipped"] += 1
            elif pk is not None or reading.taken_at in seen:
                problems.append(
                    Problem(reading.row, "time", reading.time_text, _("the same time twice"))
                )
            else:
                seen.add(reading.taken_at)
                new.append(
                    EnvironmentReading(
                        location=location,
                        taken_at=reading.taken_at,
                        temperature=reading.temperature,
                        humidity=reading.humidity,
                        source=source,
                    )
                )
        # Written even when the file has problems (they are rolled back): later rows are then
        # checked against these for repeated times.
        EnvironmentReading.objects.bulk_create(new, batch_size=READINGS_BATCH)
        counts["added"] += len(new)
        batch.clear()

    stopped_at = None
    for item in iter_readings(text):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            batch.append(item)
            if len(batch) >= READINGS_BATCH:
                write_batch()
        if len(problems) > MAX_PROBLEMS:
            stopped_at = item.row
            break
    if batch:
        write_batch()
    if problems:
        problems.sort(key=lambda p: p.row)
        messages = [str(p) for p in problems[:MAX_PROBLEMS]]
        if stopped_at is not None:
            messages.append(
                _("Reading stopped at row %(row)s after %(count)s problems.")
                % {"row": stopped_at, "count": MAX_PROBLEMS}
            )
        raise ValidationError(messages, code="readings")
    return counts


# --- lots entered after the fact, in bulk -----------------------------------------------------


@dataclass
class PastMovement:
    """A withdrawal or an adjustment already made, as a paper ledger or another system shows it.

    quantity: what was taken (withdrawal) or the signed correction (adjustment), in `unit`."""

    when: datetime.datetime
    kind: str
    quantity: Decimal
    unit: str
    user: Any
    reason: str = ""
    reason_text: str = ""
    note: str = ""
    entry: LotTransaction | None = None  # the ledger entry written (set by enter_lots)


@dataclass
class LotRecord:
    """A lot received before it is entered here, with the movements of its ledger since."""

    accession: Accession
    quantity: Decimal
    unit: str
    collection: str
    received_at: datetime.datetime
    location: StorageLocation | None = None
    container: str = ""
    harvest_year: int | None = None
    parent: LotRecord | None = None
    generation: int | None = None
    thousand_seed_weight: Decimal | None = None
    status: str | None = None
    moisture_content: Decimal | None = None
    moisture_date: datetime.date | None = None
    moisture_method: str = ""
    note: str = ""
    movements: list[PastMovement] = field(default_factory=list)
    lot: SeedLot | None = None  # the lot written (set by enter_lots)


def _bulk_location_checks(records: list[LotRecord]) -> None:
    """_check_location_accepts for a batch: each place locked once, its capacity counted with the
    batch's lots."""
    pks = {r.location.pk for r in records if r.location is not None}
    places = StorageLocation.objects.select_for_update().in_bulk(pks)
    held = dict(
        SeedLot.objects.filter(location__in=pks)
        .exclude(status__in=SeedLot.GONE)
        .values_list("location")
        .annotate(n=Count("pk"))
        .values_list("location", "n")
    )
    for record in records:
        if record.location is None:
            continue
        lot = record.lot
        assert lot is not None
        location = places[record.location.pk]
        if location.institute_id != lot.institute_id:
            raise ValidationError(
                _("%(location)s belongs to another institute.") % {"location": location.path},
                code="institute",
            )
        if location.kind not in LOT_HOLDING_KINDS:
            raise ValidationError(
                _(
                    "%(location)s is a %(kind)s: put lots in a room, freezer, shelf, box or "
                    "position."
                )
                % {"location": location.path, "kind": location.get_kind_display()},
                code="wrong_kind",
            )
        accepted = ACCEPTED_STORAGE[CollectionKind(lot.collection)]
        if lot.collection != CollectionKind.OTHER and location.effective_storage_kind not in (
            accepted
        ):
            raise ValidationError(
                _("%(location)s is not a storage unit for the %(collection)s.")
                % {"location": location.path, "collection": lot.get_collection_display().lower()},
                code="wrong_kind",
            )
        if location.capacity is not None and held.get(location.pk, 0) >= location.capacity:
            raise ValidationError(
                _("%(location)s is full (%(capacity)s lots).")
                % {"location": location.path, "capacity": location.capacity},
                code="full",
            )
        held[location.pk] = held.get(location.pk, 0) + 1
        lot.location = location


def _walk_movements(lot: SeedLot, record: LotRecord, allowed) -> list[LotTransaction]:
    """The lot's ledger, receipt first, each movement checked as withdraw() and adjust() check
    it against the balance of its day; the lot ends with the last balance and its status."""
    entered = parse_quantity(record.quantity, record.unit)
    entries = []
    lot.quantity = Decimal(0)
    last = record.received_at

    def post(kind, change, entered, unit, user, when, **extra) -> LotTransaction:
        # As _post: bounds, the balance and the status it leaves, without a write per entry.
        balance = lot.quantity + change
        if balance < 0:
            _refuse_overdraw(lot, -change)
        refuse_beyond_max(change, lot.unit)
        refuse_beyond_max(balance, lot.unit, lot=lot.number)
        entry = LotTransaction(
            lot=lot, kind=kind, quantity=change, balance_after=balance, entered_quantity=entered,
            entered_unit=unit, user=user, created_at=when, **extra,
        )  # fmt: skip
        lot.quantity = balance
        if balance == 0 and lot.status != Status.WITHDRAWN:
            lot.status = Status.DEPLETED
        elif balance > 0 and lot.status == Status.DEPLETED:
            lot.status = Status.AVAILABLE
        entries.append(entry)
        return entry

    post(Kind.RECEIPT, entered, entered, record.unit, allowed.user, record.received_at,
         note=record.note)  # fmt: skip
    for movement in record.movements:
        if movement.when < last or movement.when > timezone.now():
            raise ValidationError(
                _("Lot %(lot)s: its movements must follow its receipt in time, up to now.")
                % {"lot": lot.number},
                code="date",
            )
        last = movement.when
        if movement.kind == Kind.WITHDRAWAL:
            allowed(movement.user, WITHDRAW_SEED, lot.institute_id)
            if movement.reason not in LotTransaction.Reason.values:
                raise ValidationError(
                    _("Unknown withdrawal reason %(reason)s: use one of %(reasons)s.")
                    % {"reason": movement.reason,
                       "reasons": ", ".join(LotTransaction.Reason.values)},
                    code="reason",
                )  # fmt: skip
            taken, amount = _in_lot_unit(lot, movement.quantity, movement.unit)
            _refuse_outgoing(lot)
            _refuse_overdraw(lot, amount)
            movement.entry = post(
                Kind.WITHDRAWAL, -amount, taken, movement.unit, movement.user, movement.when,
                reason=movement.reason, note=movement.note,
            )  # fmt: skip
        elif movement.kind == Kind.ADJUSTMENT:
            allowed(movement.user, MANAGE_LOTS, lot.institute_id)
            if not (movement.reason_text or "").strip():
                raise ValidationError(_("Say why the quantity is adjusted."), code="reason")
            if lot.status == Status.WITHDRAWN:
                _refuse_outgoing(lot)
            signed = Decimal(movement.quantity)
            given, amount = _in_lot_unit(lot, abs(signed), movement.unit)
            if signed < 0:
                _refuse_overdraw(lot, amount)
            movement.entry = post(
                Kind.ADJUSTMENT, -amount if signed < 0 else amount, given, movement.unit,
                movement.user, movement.when, reason_text=movement.reason_text.strip(),
                note=movement.note,
            )  # fmt: skip
        else:
            raise ValidationError(
                _("A past movement is a withdrawal or an adjustment."), code="kind"
            )
    return entries


class _Allowed:
    """require(), asked once per user, capability and institute."""

    def __init__(self, user):
        self.user = user
        self.granted: set[tuple] = set()

    def __call__(self, user, capability: str, institute_id: int) -> None:
        key = (getattr(user, "pk", None), capability, institute_id)
        if key not in self.granted:
            require(user, capability, institute_id)
            self.granted.add(key)


@transaction.atomic
def enter_lots(records, *, user, reason: str) -> list[SeedLot]:
    """Enter lots received before this system kept them, each with its past ledger, in bulk.

    The bulk path of receive(), withdraw() and adjust() for a genebank's existing stock (and the
    demo): each lot is checked as receive() checks it, each movement as withdraw() or adjust()
    checks it at its place in the lot's ledger, and every refusal raises before anything is
    written. Lots are numbered in the order given; each gets one creation history row (user,
    reason) dated when it was received; its quantity is the sum of its ledger. A lot received in
    processing gets its received step, as from receive(). records: LotRecord each (a parent
    before the lots harvested from it); their `lot` and movements' `entry` are set.
    """
    records = list(records)
    allowed = _Allowed(user)
    accessions = Accession.objects.select_related("institute").in_bulk(
        {r.accession.pk for r in records}
    )
    pending = set(
        Acquisition.objects.filter(
            accession__in=accessions, quarantine_status=Acquisition.Quarantine.PENDING
        ).values_list("accession_id", flat=True)
    )
    sequences: dict[int, int] = {}
    now = timezone.now()
    for record in records:
        accession = accessions[record.accession.pk]
        allowed(user, MANAGE_LOTS, accession.institute_id)
        if not accession.is_active:
            raise ValidationError(
                _("Accession %(accession)s has been deaccessioned.") % {"accession": accession},
                code="deaccessioned",
            )
        if record.collection not in CollectionKind.values:
            raise ValidationError(
                _("Unknown collection %(collection)s: use base, active or other.")
                % {"collection": record.collection},
                code="collection",
            )
        if record.status not in (None, Status.PROCESSING, Status.QUARANTINE, Status.AVAILABLE):
            raise ValidationError(
                _("A new lot is in processing, in quarantine or available."), code="status"
            )
        parent = record.parent
        if parent is not None and parent.accession.pk != accession.pk:
            raise ValidationError(
                _("The parent lot %(lot)s is of another accession.")
                % {"lot": parent.lot.number if parent.lot else ""},
                code="parent",
            )
        if parent is not None and parent.lot is None:
            raise ValidationError(_("A parent lot comes before its lots."), code="parent")
        if record.harvest_year is not None and not (1900 <= record.harvest_year <= _today().year):
            raise ValidationError(
                _("%(year)s is not a harvest year.") % {"year": record.harvest_year},
                code="harvest_year",
            )
        if record.received_at > now:
            raise ValidationError(_("A lot cannot be received in the future."), code="date")
        institute = accession.institute
        if institute.pk not in sequences:
            sequences[institute.pk] = _next_sequence(institute)
        sequence = sequences[institute.pk]
        sequences[institute.pk] += 1
        lot = SeedLot(
            institute=institute,
            accession=accession,
            sequence=sequence,
            number=lot_number(institute, sequence),
            unit=record.unit,
            collection=record.collection,
            container=record.container,
            harvest_year=record.harvest_year,
            parent=parent.lot if parent else None,
            generation=record.generation
            if record.generation is not None
            else (parent.lot.generation + 1 if parent and parent.lot else 0),
            thousand_seed_weight=_seed_weight(record.thousand_seed_weight),
            moisture_content=record.moisture_content,
            moisture_date=record.moisture_date,
            moisture_method=record.moisture_method,
            status=Status.QUARANTINE
            if accession.pk in pending
            else (record.status or Status.AVAILABLE),
        )
        record.lot = lot
    _bulk_location_checks(records)
    ledgers = []
    for record in records:
        lot = record.lot
        assert lot is not None
        ledgers.append(_walk_movements(lot, record, allowed))
        lot.full_clean(
            exclude=["institute", "accession", "parent", "location"],
            validate_unique=False,
            validate_constraints=False,
        )
    # Parents first: a lot's parent must have its id before the lot is inserted.
    written: set[int] = set()
    while len(written) < len(records):
        ready = [
            r for r in records
            if id(r) not in written and (r.parent is None or id(r.parent) in written)
        ]  # fmt: skip
        for r in ready:
            assert r.lot is not None
            if r.parent is not None:
                r.lot.parent = r.parent.lot
        bulk_audited_create(
            SeedLot,
            [r.lot for r in ready],
            user,
            reason,
            history_dates=[r.received_at for r in ready],
        )
        written.update(id(r) for r in ready)
    entries = sorted((entry for ledger in ledgers for entry in ledger), key=lambda e: e.created_at)
    for entry in entries:
        entry.lot_id = entry.lot.pk
    LotTransaction.objects.bulk_create(entries, batch_size=1000)
    ProcessingStep.objects.bulk_create(
        [
            ProcessingStep(
                lot=r.lot, step=ProcessingStep.Step.RECEIVED, date=r.received_at.date(),
                user=user, recorded_at=r.received_at,
            )
            for r in records
            if r.lot is not None and r.lot.status == Status.PROCESSING
        ]
    )  # fmt: skip
    lots = [r.lot for r in records if r.lot is not None]
    # Written in bulk, without post_save: what is derived from lots (STORAGE in the PDCI) is
    # told at once.
    lots_changed.send(
        SeedLot, accessions=Accession.objects.filter(pk__in={lot.accession_id for lot in lots})
    )
    return lots


def save_reserve_level(level: ReserveLevel, *, user, reason: str = "") -> ReserveLevel:
    """Create or change the reserve levels of a crop (a shared list: data stewards keep it)."""
    require(user, MANAGE_SHARED_LISTS)
    audited_save(level, user, reason or (_("Edited") if level.pk else _("Created")))
    return level


def ledger_sum(lot: SeedLot) -> Decimal:
    """The sum of a lot's transactions; always equal to its cached quantity."""
    total = lot.transactions.aggregate(s=Sum("quantity"))["s"] or Decimal(0)
    # SQLite keeps decimals as binary floats and SUM() adds them as such (0.1 + 0.2 ...); every
    # amount is whole milligrams or seeds, so rounding to the field's places gives the exact sum.
    return Decimal(total).quantize(QUANTITY_PLACES)


__all__ = [
    "Unit",
    "adjust",
    "create_location",
    "enter_lots",
    "import_readings",
    "ledger_sum",
    "merge_lots",
    "move_location",
    "move_lot",
    "receive",
    "save_reserve_level",
    "set_lot_status",
    "split_lot",
    "transfer",
    "update_lot_details",
    "withdraw",
]
