"""The seed lot work lists' tables: the lot list and the alerts, one column set to start from."""

from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html
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


def _overdue_row(record, table) -> str:
    return "table-warning" if record.pk in table.reasons else ""


class ProcessingTable(LotTable):
    """Lots on their way from receipt to the cold room: the last step, the days since receipt,
    and why a lot is late. Steps and dates come annotated on the rows (views.ProcessingList)."""

    last_step = tables.Column(verbose_name=_("Last step"), default="", orderable=False)
    last_step_date = tables.Column(verbose_name=_("On"), default="")
    last_step_by = tables.Column(verbose_name=_("By"), default="", orderable=False)
    days = tables.Column(
        verbose_name=_("Days since receipt"),
        accessor="received_on",
        order_by=("-received_on",),
        default="",
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    why = tables.Column(verbose_name=_("Overdue"), empty_values=(), orderable=False)

    class Meta(LotTable.Meta):
        exclude = ("quantity", "unit", "location", "collection")
        row_attrs = {"class": _overdue_row}

    def __init__(self, *args, reasons=None, today=None, step_names=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reasons = reasons or {}
        self.today = today
        self.step_names = step_names or {}

    def render_last_step(self, value):
        return self.step_names.get(value, value)

    value_last_step = render_last_step

    def render_days(self, value):
        return (self.today - value).days

    value_days = render_days

    def render_why(self, record):
        why = self.reasons.get(record.pk)
        if not why:
            return ""
        return format_html(
            '<span class="badge text-bg-warning">{}</span> <span class="small">{}</span>',
            _("overdue"),
            why,
        )

    def value_why(self, record):
        return self.reasons.get(record.pk, "")
