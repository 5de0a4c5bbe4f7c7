"""The seed lot work lists' tables: the lot list and the alerts, one column set to start from."""

from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from genebank.core.worklists import WorkListTable


class LotTable(WorkListTable):
    number = tables.Column(
        verbose_name=_("Lot"),
        linkify=("inventory:lot_detail", {"pk": tables.A("pk")}),
        # The columns of the (institute, sequence) unique index: a page of 200,000 lots in
        # number order is read from the index, not sorted.
        order_by=("institute_id", "sequence"),
    )
    accession = tables.Column(
        verbose_name=_("Accession"),
        accessor="accession__number",
        order_by=("accession__institute__code", "accession__sequence"),
    )
    taxon = tables.Column(
        verbose_name=_("Taxon"),
        accessor="accession__taxon__name",
        order_by=("accession__taxon__genus", "accession__taxon__species"),
        attrs={"td": {"class": "fst-italic"}},
    )
    crop = tables.Column(
        verbose_name=_("Crop"),
        accessor="accession__taxon__crop",
        order_by="accession__taxon__crop__name",
        default="",
    )
    collection = tables.Column(verbose_name=_("Collection"))
    status = tables.Column(verbose_name=_("Status"))
    quantity = tables.Column(
        verbose_name=_("Quantity"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}}
    )
    unit = tables.Column(verbose_name=_("Unit"))
    location = tables.Column(
        verbose_name=_("Location"), accessor="location__path", default="", order_by="location__path"
    )
    institute = tables.Column(verbose_name=_("Institute"), accessor="institute__code")

    class Meta(WorkListTable.Meta):
        # A lot's order is its number's: institute, then sequence (the table's default sort).
        order_by = ("number",)

    def order_location(self, queryset, is_descending):
        # Lots without a place last either way, on SQLite as on PostgreSQL (which differ).
        path = F("location__path")
        path = path.desc(nulls_last=True) if is_descending else path.asc(nulls_last=True)
        return queryset.order_by(path, "institute__code", "sequence"), True

    def render_quantity(self, value):
        return value.normalize()

    def value_quantity(self, value):
        return f"{value.normalize():f}"


def _whole(value) -> int:
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class BelowReserveTable(LotTable):
    seeds_held = tables.Column(
        verbose_name=_("Seeds"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}}
    )
    threshold = tables.Column(
        verbose_name=_("Threshold (seeds)"),
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )

    class Meta(LotTable.Meta):
        exclude = ("status",)
        sequence = ("selected", "number", "accession", "...", "seeds_held", "threshold")

    def render_seeds_held(self, value):
        return _whole(value)

    def value_seeds_held(self, value):
        return _whole(value)


class StaleMoistureTable(LotTable):
    moisture_date = tables.Column(verbose_name=_("Moisture measured on"), default="")
    moisture_content = tables.Column(verbose_name=_("Moisture content (%)"), default="")

    class Meta(LotTable.Meta):
        exclude = ("status",)


class ProcessingOverdueTable(LotTable):
    why = tables.Column(verbose_name=_("Why"), empty_values=(), orderable=False)

    def __init__(self, *args, reasons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reasons = reasons or {}

    def render_why(self, record):
        return self.reasons.get(record.pk, "")

    value_why = render_why
