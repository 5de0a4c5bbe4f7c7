"""The demo genebank's cold rooms: storage tree, seed lots and their ledgers, seed processing, a
stocktake and data-logger readings, generated for `genebank demo` after the accessions.

Planned here from a fixed seed, written through inventory.services as a genebank would enter its
stock: the tree with create_location, lots and their past ledgers with enter_lots (the bulk path of
receive, withdraw and adjust: every balance checked at its date), processing with
record_processing_step, a stocktake of one rack with start_stocktake, record_count and
reconcile_stocktake, the loggers' files with import_readings. Dates of recent activity (processing,
readings, withdrawals) follow the day the demo is loaded; the stocktake is made on that day.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from genebank.accessions.demo import DEFAULT_SEED, DEMO_REASON
from genebank.accessions.models import Accession, Acquisition
from genebank.core.models import Crop, Institute
from genebank.inventory import services
from genebank.inventory.models import (
    CollectionKind,
    LotTransaction,
    ProcessingStep,
    ReserveLevel,
    SeedLot,
    StorageKind,
    StorageLocation,
    default_reserve_levels,
)
from genebank.inventory.standards import drying_within_standard
from genebank.inventory.units import Unit, convert

# Thousand-seed weight (g) of each seed crop of the demo collection; each lot varies around it.
# Date palm and olive are kept as trees in the field genebank: they have no seed lots.
SEED_WEIGHTS = {
    "Wheat": 40,
    "Barley": 45,
    "Lentil": 50,
    "Chickpea": 250,
    "Faba bean": 600,
    "Sorghum": 25,
    "Pearl millet": 8,
    "Rice": 25,
}
CROSS_POLLINATED = {"Pearl millet", "Faba bean"}
SHARE_WITH_LOTS = 0.9
BOX_CAPACITY = {"base": 50, "active": 40, "safety": 30, "working": 20}
BOXES_PER_SHELF = 6
READING_DAYS = 60
LOGGER = "Demo data logger"

Kind = LotTransaction.Kind
Reason = LotTransaction.Reason
Step = ProcessingStep.Step
Status = SeedLot.Status
GRAMS = Decimal("0.001")


@dataclass
class InventorySummary:
    locations: int = 0
    lots: int = 0
    transactions: int = 0
    readings: int = 0


@dataclass
class _Place:
    name: str
    code: str
    kind: str
    parent: _Place | None = None
    storage_kind: str = ""
    temperature: tuple | None = None
    humidity: tuple | None = None
    capacity: int | None = None
    notes: str = ""
    obj: StorageLocation | None = None

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1


@dataclass
class _Event:
    when: datetime.datetime
    kind: str
    change: Decimal = Decimal(0)
    reason: str = ""
    entered: Decimal = Decimal(0)
    entered_unit: str = ""
    user: str = "technician"
    note: str = ""
    reason_text: str = ""
    balance: Decimal = Decimal(0)
    final: bool = False  # the withdrawal that leaves a low lot under its reserve, or empty


@dataclass
class _Lot:
    accession: Accession
    crop: str
    collection: str
    unit: str
    weight: Decimal  # thousand-seed weight
    received: datetime.datetime
    seeds: int  # received, in seeds
    place: str  # base, active, safety, working, quarantine, or "" (not stored yet)
    status: str = Status.AVAILABLE
    harvest_year: int | None = None
    generation: int = 1
    container: str = SeedLot.Container.FOIL_BAG
    moisture: Decimal | None = None
    moisture_date: datetime.date | None = None
    moisture_method: str = ""
    parent: _Lot | None = None
    box: _Place | None = None
    low: bool = False  # plan it to end under its reserve
    deplete: bool = False
    events: list[_Event] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)
    obj: SeedLot | None = None

    def amount(self, seeds: int) -> Decimal:
        """That many seeds in the lot's unit."""
        if self.unit == Unit.SEEDS:
            return Decimal(seeds)
        return convert(Decimal(seeds), Unit.SEEDS, Unit.GRAMS, self.weight)


def _moment(rng: random.Random, day: datetime.date, hours=(8, 16)) -> datetime.datetime:
    naive = datetime.datetime.combine(
        day, datetime.time(rng.randint(*hours), rng.randint(0, 59), rng.randint(0, 59))
    )
    return timezone.make_aware(naive, datetime.UTC)


def _day_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _acquisition_year(accession: Accession) -> int:
    text = accession.acquisition_date or ""
    return int(text[:4]) if text[:4].isdigit() else 1990


def _acquisition_day(accession: Accession) -> datetime.date | None:
    text = accession.acquisition_date or ""
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


# --- the storage tree ------------------------------------------------------------------------


def _storage_tree(lots: list[_Lot]) -> tuple[list[_Place], dict[str, _Place]]:
    """The places, parents first, and the unit (room or freezer) of each placement kind."""
    L = StorageLocation.Kind
    site = _Place("NARC Baq'a", "BQA", L.SITE, notes="National Agricultural Research Center")
    building = _Place("Genebank", "BQA-GB", L.BUILDING, site)
    units = {
        "base": _Place(
            "Base cold room", "BQA-GB-CR1", L.ROOM, building, StorageKind.BASE,
            (Decimal(-21), Decimal(-15)), (Decimal(10), Decimal(25)),
            notes="Long-term storage, set point -18 °C",
        ),
        "active": _Place(
            "Active cold room", "BQA-GB-CR2", L.ROOM, building, StorageKind.ACTIVE,
            (Decimal(2), Decimal(8)), (Decimal(10), Decimal(25)),
            notes="Medium-term storage, set point +5 °C",
        ),
        "working": _Place(
            "Drying room and processing area", "BQA-GB-PRC", L.ROOM, building,
            StorageKind.WORKING, (Decimal(5), Decimal(20)), (Decimal(10), Decimal(25)),
            notes="Seed drying (15 °C, 15 % RH), cleaning and packing",
        ),
        "safety": _Place(
            "Safety-duplicate freezer", "BQA-GB-FZ1", L.FREEZER, building, StorageKind.SAFETY,
            (Decimal(-23), Decimal(-17)), None,
            notes="Black-box duplicates of the base collection",
        ),
    }  # fmt: skip
    places = [site, building, *units.values()]
    needed = {kind: 0 for kind in BOX_CAPACITY}
    for lot in lots:
        if lot.place:
            needed["working" if lot.place == "quarantine" else lot.place] += 1
    for kind, unit in units.items():
        capacity = BOX_CAPACITY[kind]
        fill = max(1, int(capacity * 0.9))  # leave room in each box for new lots
        boxes = math.ceil(needed[kind] / fill) + 1 + needed[kind] // (fill * 10)
        if kind == "working":  # one shelf for quarantined arrivals, one for working samples
            shelves = [
                _Place("Quarantine shelf", f"{unit.code}-Q", L.SHELF, unit),
                _Place("Working samples", f"{unit.code}-W", L.SHELF, unit),
            ]
            places += shelves
            for shelf in shelves:
                for n in range(1, max(2, boxes) + 1):
                    places.append(
                        _Place(f"Box {shelf.code[-1]}-{n:02d}", f"{shelf.code}-{n:02d}", L.BOX,
                               shelf, capacity=capacity)
                    )  # fmt: skip
            continue
        for s in range(math.ceil(boxes / BOXES_PER_SHELF)):
            letter = chr(ord("A") + s % 26) + ("" if s < 26 else str(s // 26))
            label = "Shelf" if kind == "safety" else "Rack"
            shelf = _Place(f"{label} {letter}", f"{unit.code}-{letter}", L.SHELF, unit)
            places.append(shelf)
            for n in range(1, min(BOXES_PER_SHELF, boxes - s * BOXES_PER_SHELF) + 1):
                places.append(
                    _Place(f"Box {letter}-{n:02d}", f"{shelf.code}-{n:02d}", L.BOX, shelf,
                           capacity=capacity)
                )  # fmt: skip
    return places, units


def _place_lots(lots: list[_Lot], places: list[_Place], units: dict[str, _Place]) -> None:
    """Fill each unit's boxes in accession order, up to 90 % of their capacity."""
    boxes: dict[str, list[_Place]] = {}
    for place in places:
        if place.kind == StorageLocation.Kind.BOX:
            shelf = place.parent
            key = next(k for k, unit in units.items() if shelf.parent is unit)
            if key == "working":
                key = "quarantine" if shelf.code.endswith("-Q") else "working"
            boxes.setdefault(key, []).append(place)
    held: dict[str, int] = {}
    for key in ("base", "active", "safety", "working", "quarantine"):
        queue = boxes.get(key, [])
        index = 0
        for lot in (lot for lot in lots if lot.place == key):
            box = queue[index]
            fill = max(1, int(box.capacity * 0.9))
            if held.get(box.code, 0) >= fill:
                index += 1
                box = queue[index]
            lot.box = box
            held[box.code] = held.get(box.code, 0) + 1


def _write_tree(places: list[_Place], institute: Institute, curator) -> None:
    for p in places:  # parents first
        p.obj = services.create_location(
            institute=institute,
            parent=p.parent.obj if p.parent else None,
            name=p.name,
            code=p.code,
            kind=p.kind,
            user=curator,
            storage_kind=p.storage_kind,
            temperature_min=p.temperature[0] if p.temperature else None,
            temperature_max=p.temperature[1] if p.temperature else None,
            humidity_min=p.humidity[0] if p.humidity else None,
            humidity_max=p.humidity[1] if p.humidity else None,
            capacity=p.capacity,
            notes=p.notes,
        )


# --- lots and their ledgers ------------------------------------------------------------------


def _weight(rng: random.Random, crop: str) -> Decimal:
    return (Decimal(SEED_WEIGHTS[crop]) * Decimal(rng.uniform(0.85, 1.15))).quantize(Decimal("0.1"))


def _reserve(crop: str) -> int:
    mating = "cross" if crop in CROSS_POLLINATED else "self"
    return default_reserve_levels(mating)["distribution_reserve"]


def _plan_stored(rng, accession, crop, today) -> list[_Lot]:
    """Base, active and sometimes a safety-duplicate lot of one regeneration harvest."""
    year = _acquisition_year(accession)
    harvest = year + rng.choice((1, 1, 1, 2, 2, 3))
    received_day = _day_between(rng, datetime.date(harvest, 7, 15), datetime.date(harvest, 12, 15))
    if received_day > today - datetime.timedelta(days=120):
        return []  # still growing in the regeneration plot
    received = _moment(rng, received_day)
    weight = _weight(rng, crop)
    reserve = _reserve(crop)
    gen = 1 if harvest - year < 3 or rng.random() < 0.7 else 2
    lots = []
    kinds = []
    has_base = rng.random() < 0.92
    if has_base:
        kinds.append("base")
    if not has_base or rng.random() < 0.88:
        kinds.append("active")
    if has_base and rng.random() < 0.12:
        kinds.append("safety")
    for kind in kinds:
        if kind == "base":
            seeds = rng.randint(reserve * 2, reserve * 7)
            if rng.random() < 0.03:  # a poor harvest: under the regeneration threshold already
                seeds = rng.randint(reserve // 3, reserve - 100)
        elif kind == "active":
            seeds = rng.randint(int(reserve * 1.6), reserve * 5)
        else:  # a safety duplicate is a full sample too, kept at base conditions
            seeds = rng.randint(reserve + 500, reserve * 3)
        unit = Unit.GRAMS if rng.random() < 0.45 else Unit.SEEDS
        moisture_day = received_day + datetime.timedelta(days=rng.randint(15, 45))
        lot = _Lot(
            accession=accession,
            crop=crop,
            collection=CollectionKind.ACTIVE if kind == "active" else CollectionKind.BASE,
            unit=unit,
            weight=weight,
            received=received + datetime.timedelta(minutes=len(lots) * 7),
            seeds=seeds,
            place=kind,
            harvest_year=harvest,
            generation=gen,
            container=SeedLot.Container.GLASS_JAR
            if kind == "active" and rng.random() < 0.4
            else SeedLot.Container.FOIL_BAG,
            moisture=Decimal(rng.uniform(3.5, 6.5) if kind != "active" else rng.uniform(5, 8))
            .quantize(Decimal("0.1")),
            moisture_date=moisture_day,
            moisture_method=SeedLot.MoistureMethod.OVEN,
        )  # fmt: skip
        # Moisture measured again at a viability check, except for a few lots nobody revisited.
        if (today - moisture_day).days > 4 * 365 and rng.random() < 0.97:
            lot.moisture_date = _day_between(
                rng, today - datetime.timedelta(days=4 * 365), today - datetime.timedelta(days=60)
            )
            lot.moisture_method = SeedLot.MoistureMethod.HYGROMETER
        if kind == "active":
            lot.low = rng.random() < 0.07
            lot.deplete = not lot.low and rng.random() < 0.015
        lots.append(lot)
    return lots


def _plan_events(rng: random.Random, lot: _Lot, today: datetime.date) -> list[_Event]:
    """Withdrawals over the years the lot has been held (balances are set by _walk)."""
    start = lot.received.date() + datetime.timedelta(days=60)
    end = today - datetime.timedelta(days=1)
    if start >= end:
        return []
    years = (end - start).days / 365
    events = []

    def take(reason: str, low: int, high: int, day=None, note: str = "") -> None:
        day = day or _day_between(rng, start, end)
        events.append(
            _Event(_moment(rng, day), Kind.WITHDRAWAL, reason=reason, entered=Decimal(
                rng.randint(low, high)), note=note)
        )  # fmt: skip

    interval = rng.randint(8, 12) if lot.collection == CollectionKind.BASE else rng.randint(5, 8)
    for n in range(1, int(years // interval) + 1):
        day = start + datetime.timedelta(days=int(n * interval * 365) + rng.randint(-60, 60))
        if start <= day <= end:
            take(Reason.VIABILITY_TEST, 100, 200, day, "Germination test, 2 x 50 or 4 x 50 seeds")
    if lot.collection == CollectionKind.ACTIVE:
        for _ in range(min(25, int(years * rng.uniform(0.2, 1.2)))):
            take(Reason.DISTRIBUTION, 30, 150, note=f"SMTA request {rng.randint(1000, 9999)}")
        if rng.random() < 0.25:
            take(Reason.REGENERATION, 100, 300, note="Sown for regeneration")
        if rng.random() < 0.05:
            take(Reason.RESEARCH, 50, 100, note="Characterization trial")
    events.sort(key=lambda e: e.when)
    if lot.low or lot.deplete:
        last = events[-1].when.date() if events else start
        events.append(
            _Event(_moment(rng, _day_between(rng, last, end)), Kind.WITHDRAWAL,
                   reason=Reason.DISTRIBUTION, note="Large request for a multi-site trial",
                   final=True)
        )  # fmt: skip
    return events


def _walk(rng: random.Random, lot: _Lot) -> None:
    """Give each planned event its amount in the lot's unit and its balance; drop those that
    would take the lot under its floor (enter_lots checks them again as it writes them)."""
    reserve = _reserve(lot.crop)
    receipt = lot.amount(lot.seeds)
    if lot.unit == Unit.GRAMS:
        receipt = receipt.quantize(Decimal("0.1"))
    ledger = [
        _Event(lot.received, Kind.RECEIPT, receipt, entered=receipt, entered_unit=lot.unit,
               balance=receipt, note="Regeneration harvest" if lot.harvest_year else "")
    ]  # fmt: skip
    balance = receipt
    if lot.collection == CollectionKind.BASE:
        floor = lot.amount(min(reserve, lot.seeds // 2))
    else:
        floor = lot.amount(int(reserve * 1.05))
    planned = list(lot.events)
    last_when = lot.received
    for event in planned:
        if event.when <= last_when:
            event.when = last_when + datetime.timedelta(minutes=5)
        if event.final and lot.deplete:
            amount = balance
        elif event.final:
            target = lot.amount(int(reserve * rng.uniform(0.3, 0.8)))
            amount = balance - target
        else:
            seeds = int(event.entered)
            if event.reason == Reason.VIABILITY_TEST and lot.unit == Unit.GRAMS:
                # Seeds are counted out for a germination test, whatever the lot's unit.
                amount = lot.amount(seeds)
                event.entered_unit = Unit.SEEDS
            else:
                amount = lot.amount(seeds)
            if balance - amount < floor:
                continue
        if amount <= 0:
            continue
        balance -= amount
        event.change = -amount
        event.balance = balance
        if not event.entered_unit:
            event.entered, event.entered_unit = amount, lot.unit
        ledger.append(event)
        last_when = event.when
    lot.events = ledger
    if balance == 0:
        lot.status = Status.DEPLETED


def _plan_processing(rng, lot: _Lot, today: datetime.date, stage: int) -> None:
    """Steps of a lot still in processing: 0 just received, 1 waiting to dry (overdue),
    2 cleaned and drying, 3 dried but not stored after two months (overdue), 4 dried lately."""
    waited = (rng.randint(1, 4), rng.randint(8, 30), rng.randint(2, 5), rng.randint(65, 110),
              rng.randint(35, 55))[stage]  # fmt: skip
    received = today - datetime.timedelta(days=waited)
    lot.received = _moment(rng, received)
    lot.harvest_year = received.year if received.month >= 6 else received.year - 1
    steps = [{"step": Step.RECEIVED, "date": received}]
    if stage >= 2:
        cleaned = received + datetime.timedelta(days=rng.randint(1, 2))
        steps.append({"step": Step.CLEANED, "date": cleaned})
    if stage >= 3:
        start = steps[-1]["date"] + datetime.timedelta(days=1)
        end = start + datetime.timedelta(days=rng.randint(14, 28))
        temperature = Decimal(rng.choice((15, 15, 16, 18, 22)))
        humidity = Decimal(rng.choice((15, 15, 18, 20)))
        steps.append(
            {"step": Step.DRIED, "date": end, "drying_start": start, "drying_end": end,
             "temperature": temperature, "humidity": humidity,
             "within_standard": drying_within_standard(temperature, humidity)}
        )  # fmt: skip
    lot.steps = steps


def _plan_lots(rng: random.Random, accessions: list[Accession], today: datetime.date):
    lots: list[_Lot] = []
    by_accession: dict[int, list[_Lot]] = {}
    quarantined = []
    for accession in accessions:
        crop = accession.taxon.crop.name if accession.taxon.crop_id else ""
        if crop not in SEED_WEIGHTS or not accession.is_active:
            continue
        acquisition = getattr(accession, "acquisition", None)
        if acquisition and acquisition.quarantine_status == Acquisition.Quarantine.PENDING:
            day = _acquisition_day(accession)
            if day is not None and day <= today:
                quarantined.append((accession, crop, day))
            continue
        if rng.random() >= SHARE_WITH_LOTS:
            continue
        planned = _plan_stored(rng, accession, crop, today)
        by_accession[accession.pk] = planned
        lots += planned
    for accession, crop, day in quarantined:
        lots.append(
            _Lot(accession, crop, CollectionKind.OTHER, Unit.SEEDS, _weight(rng, crop),
                 _moment(rng, day), rng.randint(200, 800), "quarantine",
                 status=Status.QUARANTINE, harvest_year=None, generation=0,
                 container=SeedLot.Container.PAPER_BAG)
        )  # fmt: skip
    # Active seed set aside in the processing area for a distribution being prepared.
    actives = [lot for lot in lots if lot.place == "active" and not (lot.low or lot.deplete)]
    for lot in rng.sample(actives, max(1, len(actives) // 50)):
        lot.place = "working"
    # New regeneration harvests still on their way to the cold room.
    candidates = [
        planned
        for planned in by_accession.values()
        if planned and _acquisition_year(planned[0].accession) < today.year - 1
    ]
    processing = []
    chosen = rng.sample(candidates, min(len(candidates), max(4, len(accessions) // 80)))
    for stage, planned in enumerate(chosen):
        parent = next((lot for lot in planned if lot.place in ("active", "working")), planned[0])
        lot = _Lot(
            accession=parent.accession,
            crop=parent.crop,
            collection=rng.choice((CollectionKind.BASE, CollectionKind.ACTIVE)),
            unit=rng.choice(Unit.values),
            weight=parent.weight,
            received=parent.received,  # set by _plan_processing
            seeds=rng.randint(3000, 9000),
            place="",
            status=Status.PROCESSING,
            generation=parent.generation + 1,
            container="",
            parent=parent,
        )
        _plan_processing(rng, lot, today, stage % 5)
        processing.append(lot)
    return lots, processing


def _readings(
    rng: random.Random, units: dict[str, _Place], now: datetime.datetime
) -> dict[str, list[tuple]]:
    """Hourly readings of the two cold rooms; the active room warmed for four hours three days
    ago (a door left open), long enough to raise an alert."""
    end = now.replace(minute=0, second=0, microsecond=0)
    start = end - datetime.timedelta(days=READING_DAYS)
    excursion = end - datetime.timedelta(days=3, hours=end.hour - 10)
    rows: dict[str, list[tuple]] = {}
    hours = READING_DAYS * 24
    for key, centre, spread in (("base", -18.0, 0.6), ("active", 5.0, 0.5)):
        rows[key] = []
        for h in range(hours + 1):
            moment = start + datetime.timedelta(hours=h)
            temperature = centre + rng.gauss(0, spread / 2)
            temperature = max(centre - 2.5, min(centre + 2.5, temperature))
            humidity = max(11.0, min(24.0, 17 + rng.gauss(0, 1.5)))
            if key == "active" and excursion <= moment < excursion + datetime.timedelta(hours=4):
                temperature = (9.4, 11.8, 12.6, 10.3)[int((moment - excursion).seconds // 3600)]
                humidity = 29 + rng.gauss(0, 1)
            rows[key].append(
                (
                    moment,
                    Decimal(temperature).quantize(Decimal("0.1")),
                    Decimal(max(1, min(99, humidity))).quantize(Decimal("0.1")),
                )
            )
    return rows


def _reserve_levels(admin) -> int:
    crops = Crop.objects.filter(name__in=SEED_WEIGHTS, reserve_level__isnull=True)
    n = 0
    for crop in crops:
        mating = "cross" if crop.name in CROSS_POLLINATED else "self"
        services.save_reserve_level(
            ReserveLevel(crop=crop, mating_system=mating, **default_reserve_levels(mating)),
            user=admin,
            reason=DEMO_REASON,
        )
        n += 1
    return n


def _readings_csv(rows: list[tuple]) -> str:
    """Readings as a data logger writes them, for services.import_readings."""
    lines = ["time,temperature,humidity"]
    lines += [f"{timezone.localtime(m):%Y-%m-%d %H:%M:%S},{t},{h}" for m, t, h in rows]
    return "\n".join(lines) + "\n"


def _stocktake(rng: random.Random, rack: _Place, lots: list[_Lot], technician, curator) -> None:
    """A count of the active room's first rack, through the services: most lots as the ledger
    says, a few with a few seeds more or less, reconciled by the curator."""
    on_rack = [lot for lot in lots if lot.box is not None and lot.box.parent is rack]
    if not on_rack:
        return
    stocktake = services.start_stocktake(rack.obj, technician)
    for lot in on_rack:
        held = lot.obj.quantity
        if held == 0:
            continue
        difference = Decimal(0)
        if rng.random() < 0.15:
            seeds = max(3, int(lot.seeds * rng.uniform(0.002, 0.01)))
            difference = min(lot.amount(seeds).quantize(GRAMS), held)
            if rng.random() < 0.7:
                difference = -difference
        services.record_count(
            stocktake, lot.obj, held + difference, lot.unit, technician, found_at=lot.box.obj
        )
    services.reconcile_stocktake(stocktake, curator, "Recount after the rack was reorganized")


def load_demo_inventory(
    institute: Institute,
    *,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> InventorySummary:
    """Storage, lots, ledgers, processing, a stocktake and readings for the demo accessions.

    Call it inside the transaction that loads the accessions. Does nothing when the demo storage
    tree is already there.
    """
    now = now or timezone.now()
    today = today or timezone.localdate()
    if StorageLocation.objects.filter(code="BQA").exists():
        return InventorySummary()
    rng = random.Random(f"inventory:{seed}")
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["admin", "curator", "technician"])}  # fmt: skip
    technician, curator = users["technician"], users["curator"]
    _reserve_levels(users["admin"])

    accessions = list(
        Accession.objects.filter(institute=institute)
        .select_related("taxon__crop", "acquisition")
        .order_by("sequence", "pk")
    )
    lots, processing = _plan_lots(rng, accessions, today)
    places, units = _storage_tree(lots)
    _place_lots(lots, places, units)
    _write_tree(places, institute, curator)

    for lot in lots:
        if lot.status == Status.QUARANTINE:
            lot.events = [
                _Event(lot.received, Kind.RECEIPT, Decimal(lot.seeds), entered=Decimal(
                    lot.seeds), entered_unit=Unit.SEEDS, balance=Decimal(lot.seeds),
                    note="Original sample from the donor")
            ]  # fmt: skip
            continue
        lot.events = _plan_events(rng, lot, today)
        _walk(rng, lot)
    for lot in processing:
        lot.events = []
        _walk(rng, lot)

    # Lot numbers follow the order seed arrived in; parents come before the lots harvested
    # from them (they arrived years before).
    everything = sorted(lots + processing, key=lambda lot: (lot.received, lot.accession.pk))
    people = {"technician": technician, "curator": curator}
    records: dict[int, services.LotRecord] = {}
    for lot in everything:
        receipt, *movements = lot.events
        records[id(lot)] = services.LotRecord(
            accession=lot.accession,
            quantity=receipt.entered,
            unit=receipt.entered_unit,
            collection=lot.collection,
            received_at=lot.received,
            location=lot.box.obj if lot.box else None,
            container=lot.container,
            harvest_year=lot.harvest_year,
            parent=records[id(lot.parent)] if lot.parent is not None else None,
            generation=lot.generation,
            thousand_seed_weight=lot.weight,
            status=lot.status if lot.status != Status.DEPLETED else None,
            moisture_content=lot.moisture,
            moisture_date=lot.moisture_date,
            moisture_method=lot.moisture_method,
            note=receipt.note,
            movements=[
                services.PastMovement(
                    when=event.when, kind=event.kind, quantity=event.entered,
                    unit=event.entered_unit, user=people[event.user], reason=event.reason,
                    reason_text=event.reason_text, note=event.note,
                )
                for event in movements
            ],
        )  # fmt: skip
    written = services.enter_lots(records.values(), user=technician, reason=DEMO_REASON)
    for lot, obj in zip(everything, written, strict=True):
        lot.obj = obj

    # Seed processing of the new harvests, step by step (the received step comes with the lot).
    for lot in processing:
        for step in lot.steps[1:]:
            services.record_processing_step(
                lot.obj,
                step["step"],
                technician,
                date=step["date"],
                drying_start=step.get("drying_start"),
                drying_end=step.get("drying_end"),
                temperature=step.get("temperature"),
                humidity=step.get("humidity"),
            )

    rack = next(p for p in places if p.parent is units["active"])
    _stocktake(rng, rack, lots, technician, curator)

    readings = _readings(rng, units, now)
    for key in ("base", "active"):
        services.import_readings(
            units[key].obj,
            _readings_csv(readings[key]),
            technician,
            source=f"{LOGGER} {units[key].code}",
        )
    return InventorySummary(
        locations=len(places),
        lots=len(everything),
        transactions=LotTransaction.objects.filter(lot__institute=institute).count(),
        readings=sum(len(rows) for rows in readings.values()),
    )
