"""The table of the "viability tests due" work list: rows are dicts made by views.DueList."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from genebank.core.worklists import WorkListTable

RIGHT = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


def _overdue_row(record, table) -> str:
    return "table-warning" if record["overdue_days"] > 0 else ""


class DueTable(WorkListTable):
    lot = tables.Column(
        verbose_name=_("Lot"), linkify=("inventory:lot_detail", {"pk": tables.A("lot_id")})
    )
    institute = tables.Column(verbose_name=_("Institute"))
    accession = tables.Column(verbose_name=_("Accession"))
    due = tables.DateColumn(verbose_name=_("Due"), format="Y-m-d")
    overdue_days = tables.Column(verbose_name=_("Days overdue"), attrs=RIGHT)
    reason = tables.Column(verbose_name=_("Why"), accessor="reason_label")
    last_test = tables.DateColumn(
        verbose_name=_("Last test"), format="Y-m-d", default="", orderable=False
    )
    interval_days = tables.Column(
        verbose_name=_("Interval (days)"), default="", orderable=False, attrs=RIGHT
    )

    class Meta(WorkListTable.Meta):
        exclude = ("selected",)
        row_attrs = {"class": _overdue_row}

    def value_due(self, value):
        return value.isoformat()

    def value_last_test(self, value):
        return value.isoformat() if value else ""
