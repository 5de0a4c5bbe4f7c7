"""Storage locations, seed lots, reserve levels and the append-only ledger of lot transactions.

State changes go through genebank.inventory.services; these models only hold data and refuse the
edits that would break the ledger (a transaction is never updated or deleted).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from genebank.accessions.models import Accession
from genebank.core.audit import audit_trail
from genebank.core.models import Crop, Institute
from genebank.inventory.units import MAX_QUANTITY, Unit, convert

PATH_SEPARATOR = "/"


class StorageKind(models.TextChoices):
    """What a storage unit is for; lots go only into units fit for their collection."""

    BASE = "base", _("Base collection (long-term)")
    ACTIVE = "active", _("Active collection (medium-term)")
    SAFETY = "safety", _("Safety duplicates")
    WORKING = "working", _("Working collection (short-term)")


class CollectionKind(models.TextChoices):
    BASE = "base", _("Base collection")
    ACTIVE = "active", _("Active collection")
    OTHER = "other", _("Other")


# Which storage units accept a lot of each collection kind. Base seed belongs in base storage (or
# in a safety-duplicate unit kept at base conditions); active seed in active or working storage.
ACCEPTED_STORAGE: dict[str, set[str]] = {
    CollectionKind.BASE: {StorageKind.BASE, StorageKind.SAFETY},
    CollectionKind.ACTIVE: {StorageKind.ACTIVE, StorageKind.WORKING},
    CollectionKind.OTHER: set(StorageKind.values),
}


class StorageLocation(models.Model):
    """A place in the genebank's storage tree: site, building, cold room, shelf, box, position."""

    class Kind(models.TextChoices):
        SITE = "site", _("Site")
        BUILDING = "building", _("Building")
        ROOM = "room", _("Cold room")
        FREEZER = "freezer", _("Freezer")
        SHELF = "shelf", _("Shelf or rack")
        BOX = "box", _("Box")
        POSITION = "position", _("Position")

    institute = models.ForeignKey(
        Institute,
        verbose_name=_("institute"),
        on_delete=models.PROTECT,
        related_name="storage_locations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("inside"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    storage_kind = models.CharField(
        _("storage kind"),
        max_length=20,
        choices=StorageKind.choices,
        blank=True,
        help_text=_("For storage units; places inside inherit it when left empty."),
    )
    temperature_min = models.DecimalField(
        _("minimum temperature (°C)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    temperature_max = models.DecimalField(
        _("maximum temperature (°C)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    humidity_min = models.DecimalField(
        _("minimum relative humidity (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    humidity_max = models.DecimalField(
        _("maximum relative humidity (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    capacity = models.PositiveIntegerField(
        _("capacity (lots)"),
        null=True,
        blank=True,
        help_text=_("How many lots this place holds directly; empty for no limit."),
    )
    alert_after_minutes = models.PositiveIntegerField(
        _("alert after (minutes)"),
        default=60,
        help_text=_("Raise an alert when readings stay outside the set points this long."),
    )
    # Names from the root down, kept by services.create_location and services.move_location.
    path = models.CharField(_("path"), max_length=1000, unique=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    history = audit_trail()

    class Meta:
        ordering = ["path"]
        verbose_name = _("storage location")
        verbose_name_plural = _("storage locations")
        constraints = [
            models.CheckConstraint(
                condition=Q(temperature_min__isnull=True)
                | Q(temperature_max__isnull=True)
                | Q(temperature_max__gte=models.F("temperature_min")),
                name="storage_temperature_range",
            ),
            models.CheckConstraint(
                condition=Q(humidity_min__isnull=True)
                | Q(humidity_max__isnull=True)
                | Q(humidity_max__gte=models.F("humidity_min")),
                name="storage_humidity_range",
            ),
            models.CheckConstraint(condition=~Q(name__contains="/"), name="storage_name_no_slash"),
        ]

    def __str__(self) -> str:
        return self.path

    def computed_path(self) -> str:
        return f"{self.parent.path}{PATH_SEPARATOR}{self.name}" if self.parent_id else self.name

    def ancestors(self) -> list[StorageLocation]:
        """From the root down to the parent of this place."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def descendants(self):
        return StorageLocation.objects.filter(path__startswith=self.path + PATH_SEPARATOR)

    @property
    def effective_storage_kind(self) -> str:
        """Its own storage kind, or that of the nearest place it is inside."""
        node = self
        while node is not None:
            if node.storage_kind:
                return node.storage_kind
            node = node.parent
        return ""

    def lots_held(self) -> int:
        return self.lots.exclude(status__in=SeedLot.GONE).count()

    def is_full(self) -> bool:
        return self.capacity is not None and self.lots_held() >= self.capacity


def default_reserve_levels(mating_system: str) -> dict[str, int]:
    """Reserve levels in seeds when a crop has none of its own.

    FAO Genebank Standards 2014, orthodox seed, "sample size": at least 1,500 viable seeds per
    accession for self-pollinating or uniform material, 3,000 for cross-pollinating or
    heterogeneous material [uncertain in reference/fao_genebank_standards.csv: common practice,
    exact 2014 wording not verified]. We regenerate below that size, and keep the same amount
    back from distribution so that sending seed never pushes an accession under it.
    """
    minimum = 3000 if mating_system == ReserveLevel.MatingSystem.CROSS else 1500
    return {"distribution_reserve": minimum, "regeneration_threshold": minimum}


class ReserveLevel(models.Model):
    """How much seed of a crop to keep back from distribution, and when to regenerate."""

    class MatingSystem(models.TextChoices):
        SELF = "self", _("Self-pollinating or genetically uniform")
        CROSS = "cross", _("Cross-pollinating or heterogeneous")

    crop = models.OneToOneField(
        Crop, verbose_name=_("crop"), on_delete=models.CASCADE, related_name="reserve_level"
    )
    mating_system = models.CharField(
        _("mating system"), max_length=10, choices=MatingSystem.choices, default=MatingSystem.SELF
    )
    distribution_reserve = models.PositiveIntegerField(
        _("distribution reserve (seeds)"),
        help_text=_("Seed kept back: distribution should not take a lot below this."),
    )
    regeneration_threshold = models.PositiveIntegerField(
        _("regeneration threshold (seeds)"),
        help_text=_("Regenerate the accession when its seed falls below this."),
    )
    history = audit_trail()

    class Meta:
        ordering = ["crop__name"]
        verbose_name = _("reserve level")
        verbose_name_plural = _("reserve levels")

    def __str__(self) -> str:
        return str(self.crop)

    def save(self, *args, **kwargs):
        defaults = default_reserve_levels(self.mating_system)
        if self.distribution_reserve is None:
            self.distribution_reserve = defaults["distribution_reserve"]
        if self.regeneration_threshold is None:
            self.regeneration_threshold = defaults["regeneration_threshold"]
        super().save(*args, **kwargs)

    @classmethod
    def for_crop(cls, crop: Crop | None) -> ReserveLevel:
        """The crop's saved levels, or unsaved FAO defaults when it has none."""
        if crop is not None:
            found = cls.objects.filter(crop=crop).first()
            if found is not None:
                return found
        return cls(crop=crop, mating_system=cls.MatingSystem.SELF, **default_reserve_levels("self"))


class SeedLot(models.Model):
    """One container (or set of containers) of seed of one accession, with a known quantity."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("In processing")
        QUARANTINE = "quarantine", _("In quarantine")
        AVAILABLE = "available", _("Available")
        DEPLETED = "depleted", _("Depleted")
        WITHDRAWN = "withdrawn", _("Withdrawn from the collection")

    class Container(models.TextChoices):
        FOIL_BAG = "foil_bag", _("Laminated foil bag")
        GLASS_JAR = "glass_jar", _("Glass jar")
        TUBE = "tube", _("Tube or vial")
        CAN = "can", _("Metal can")
        PAPER_BAG = "paper_bag", _("Paper bag")
        PLASTIC_BOTTLE = "plastic_bottle", _("Plastic bottle")
        OTHER = "other", _("Other")

    class MoistureMethod(models.TextChoices):
        OVEN = "oven", _("Oven drying (ISTA)")
        HYGROMETER = "hygrometer", _("Equilibrium relative humidity (hygrometer)")
        METER = "meter", _("Moisture meter")
        OTHER = "other", _("Other")

    # Lots that hold no seed any more: they take no room and accept no withdrawal.
    GONE = (Status.DEPLETED, Status.WITHDRAWN)

    institute = models.ForeignKey(
        Institute, verbose_name=_("institute"), on_delete=models.PROTECT, related_name="seed_lots"
    )
    accession = models.ForeignKey(
        Accession, verbose_name=_("accession"), on_delete=models.PROTECT, related_name="seed_lots"
    )
    number = models.CharField(_("lot number"), max_length=40)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    collection = models.CharField(
        _("collection"),
        max_length=10,
        choices=CollectionKind.choices,
        default=CollectionKind.ACTIVE,
    )
    container = models.CharField(
        _("container"), max_length=20, choices=Container.choices, blank=True
    )
    location = models.ForeignKey(
        StorageLocation,
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lots",
    )
    harvest_year = models.PositiveSmallIntegerField(
        _("harvest or regeneration year"), null=True, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent lot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    generation = models.PositiveSmallIntegerField(
        _("generation"), default=0, help_text=_("Regeneration cycles since the original sample.")
    )
    thousand_seed_weight = models.DecimalField(
        _("thousand-seed weight (g)"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    moisture_content = models.DecimalField(
        # xgettext:no-python-format
        _("moisture content (% fresh weight)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    moisture_date = models.DateField(_("moisture measured on"), null=True, blank=True)
    moisture_method = models.CharField(
        _("moisture method"), max_length=20, choices=MoistureMethod.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AVAILABLE, db_index=True
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.SEEDS)
    # The sum of the lot's ledger, updated in the same transaction as each LotTransaction.
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, default=Decimal(0), editable=False
    )
    last_counted_at = models.DateTimeField(_("last counted"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = audit_trail()

    class Meta:
        ordering = ["institute__code", "sequence"]
        verbose_name = _("seed lot")
        verbose_name_plural = _("seed lots")
        constraints = [
            models.UniqueConstraint(
                fields=["institute", "number"], name="lot_number_per_institute"
            ),
            models.UniqueConstraint(
                fields=["institute", "sequence"], name="lot_sequence_per_institute"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="lot_quantity_not_negative"),
            # See units.MAX_QUANTITY: the services refuse more, this keeps any other SQL out.
            models.CheckConstraint(
                condition=Q(quantity__lte=MAX_QUANTITY), name="lot_quantity_at_most_max"
            ),
            models.CheckConstraint(
                condition=Q(moisture_content__isnull=True)
                | Q(moisture_content__gte=0, moisture_content__lte=100),
                name="lot_moisture_percent",
            ),
            models.CheckConstraint(
                condition=Q(thousand_seed_weight__isnull=True) | Q(thousand_seed_weight__gt=0),
                name="lot_thousand_seed_weight_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def in_unit(self, unit: str) -> Decimal:
        """The lot's quantity in seeds or grams (ValidationError when not convertible)."""
        if self.quantity == 0:
            return Decimal(0)
        return convert(self.quantity, self.unit, unit, self.thousand_seed_weight)

    def seeds(self) -> Decimal | None:
        """Number of seeds, or None when the lot is weighed and its seed weight unknown."""
        try:
            return self.in_unit(Unit.SEEDS)
        except ValidationError:
            return None


class LotTransactionQuerySet(models.QuerySet):
    """The ledger has no bulk update or delete."""

    def update(self, **kwargs):
        raise ValidationError(gettext("Lot transactions are never changed: add a correction."))

    def delete(self):
        raise ValidationError(gettext("Lot transactions are never deleted: add a correction."))


class LotTransaction(models.Model):
    """One change of a lot's quantity; the ledger is append-only and its sum is the quantity."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        WITHDRAWAL = "withdrawal", _("Withdrawal")
        ADJUSTMENT = "adjustment", _("Adjustment")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        SPLIT = "split", _("Split")
        MERGE = "merge", _("Merge")

    class Reason(models.TextChoices):
        """Why seed left a lot (withdrawals only)."""

        DISTRIBUTION = "distribution", _("Distribution")
        VIABILITY_TEST = "viability_test", _("Viability test")
        REGENERATION = "regeneration", _("Regeneration")
        SAFETY_DUPLICATE = "safety_duplicate", _("Safety duplicate")
        RESEARCH = "research", _("Research")
        LOSS = "loss", _("Loss")

    lot = models.ForeignKey(
        SeedLot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="transactions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    reason_text = models.TextField(_("reason for the adjustment"), blank=True)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=3,
        help_text=_("In the lot's unit: positive adds seed, negative takes it away."),
    )
    balance_after = models.DecimalField(_("balance after"), max_digits=14, decimal_places=3)
    # What the user typed, before conversion into the lot's unit.
    entered_quantity = models.DecimalField(_("entered quantity"), max_digits=14, decimal_places=3)
    entered_unit = models.CharField(_("entered unit"), max_length=10, choices=Unit.choices)
    related_lot = models.ForeignKey(
        SeedLot,
        verbose_name=_("other lot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The other lot of a transfer, split or merge."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="lot_transactions",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)

    objects = LotTransactionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("lot transaction")
        verbose_name_plural = _("lot transactions")
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="transaction_not_zero"),
            models.CheckConstraint(
                condition=Q(quantity__gte=-MAX_QUANTITY, quantity__lte=MAX_QUANTITY)
                & Q(balance_after__lte=MAX_QUANTITY)
                & Q(entered_quantity__lte=MAX_QUANTITY),
                name="transaction_quantities_at_most_max",
            ),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="transaction_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(entered_quantity__gt=0), name="transaction_entered_positive"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["receipt", "transfer_in"]) | Q(quantity__gt=0),
                name="transaction_incoming_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["withdrawal", "transfer_out"]) | Q(quantity__lt=0),
                name="transaction_outgoing_negative",
            ),
            models.CheckConstraint(
                condition=(Q(kind="withdrawal") & ~Q(reason=""))
                | (~Q(kind="withdrawal") & Q(reason="")),
                name="transaction_reason_for_withdrawals",
            ),
            models.CheckConstraint(
                condition=~Q(kind="adjustment") | ~Q(reason_text=""),
                name="transaction_adjustment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot} {self.get_kind_display()} {self.quantity:+}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(gettext("Lot transactions are never changed: add a correction."))
        # An insert, always: a new object carrying an existing id fails instead of overwriting.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(gettext("Lot transactions are never deleted: add a correction."))


class ProcessingStep(models.Model):
    """One dated step of a new lot's way from arrival to the cold room, and who did it."""

    class Step(models.TextChoices):
        RECEIVED = "received", _("Received")
        CLEANED = "cleaned", _("Cleaned")
        DRIED = "dried", _("Dried")
        MOISTURE_TESTED = "moisture_tested", _("Moisture tested")
        PACKED = "packed", _("Packed")
        STORED = "stored", _("Stored")

    lot = models.ForeignKey(
        SeedLot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="processing_steps"
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    date = models.DateField(_("date"))
    # Drying: the room's conditions and how long the seed stayed there.
    drying_start = models.DateField(_("drying started"), null=True, blank=True)
    drying_end = models.DateField(_("drying ended"), null=True, blank=True)
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    humidity = models.DecimalField(
        _("relative humidity (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    within_standard = models.BooleanField(
        _("within the standard"),
        null=True,
        blank=True,
        help_text=_("Drying conditions inside the FAO standard (5-20 °C, 10-25 % RH)."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["lot", "date", "pk"]
        verbose_name = _("processing step")
        verbose_name_plural = _("processing steps")
        constraints = [
            models.UniqueConstraint(fields=["lot", "step"], name="processing_step_once"),
            models.CheckConstraint(
                condition=Q(drying_end__isnull=True)
                | Q(drying_start__isnull=True)
                | Q(drying_end__gte=models.F("drying_start")),
                name="drying_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot} {self.get_step_display()} {self.date}"


class Stocktake(models.Model):
    """A count of the lots in one storage location (and the places inside it)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Counting")
        RECONCILED = "reconciled", _("Reconciled")

    location = models.ForeignKey(
        StorageLocation,
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        related_name="stocktakes",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reconciled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reconciled_at = models.DateTimeField(_("reconciled"), null=True, blank=True)
    reason = models.TextField(_("reason for the adjustments"), blank=True)
    history = audit_trail()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")

    def __str__(self) -> str:
        return f"{self.location} {self.started_at:%Y-%m-%d}"


class StocktakeCount(models.Model):
    """What was found of one lot: the count, and what the ledger said at that moment."""

    stocktake = models.ForeignKey(
        Stocktake, verbose_name=_("stocktake"), on_delete=models.CASCADE, related_name="counts"
    )
    lot = models.ForeignKey(
        SeedLot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="stocktake_counts"
    )
    counted = models.DecimalField(_("counted (lot unit)"), max_digits=14, decimal_places=3)
    expected = models.DecimalField(
        _("expected (ledger at the count)"), max_digits=14, decimal_places=3
    )
    found_at = models.ForeignKey(
        StorageLocation,
        verbose_name=_("found at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    counted_at = models.DateTimeField(_("counted"), default=timezone.now)
    adjustment = models.OneToOneField(
        LotTransaction,
        verbose_name=_("adjustment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stocktake_count",
    )

    class Meta:
        ordering = ["counted_at", "pk"]
        verbose_name = _("stocktake count")
        verbose_name_plural = _("stocktake counts")
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "lot"], name="one_count_per_lot"),
            models.CheckConstraint(condition=Q(counted__gte=0), name="count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.lot}: {self.counted}"

    @property
    def difference(self) -> Decimal:
        return self.counted - self.expected


class EnvironmentReading(models.Model):
    """A data-logger reading of temperature and relative humidity in a storage unit."""

    location = models.ForeignKey(
        StorageLocation,
        verbose_name=_("location"),
        on_delete=models.CASCADE,
        related_name="readings",
    )
    taken_at = models.DateTimeField(_("taken at"), db_index=True)
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    humidity = models.DecimalField(
        _("relative humidity (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("source file"), max_length=200, blank=True)

    class Meta:
        ordering = ["location", "taken_at"]
        verbose_name = _("environment reading")
        verbose_name_plural = _("environment readings")
        constraints = [
            models.UniqueConstraint(fields=["location", "taken_at"], name="one_reading_per_moment")
        ]

    def __str__(self) -> str:
        return f"{self.location} {self.taken_at:%Y-%m-%d %H:%M}"
