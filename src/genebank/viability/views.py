"""Viability pages: the work list of germination tests due."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from genebank.core import permissions, worklists
from genebank.inventory.models import SeedLot
from genebank.viability import schedule
from genebank.viability.filters import DueFilter
from genebank.viability.permissions import RECORD_GERMINATION_TESTS
from genebank.viability.tables import DueTable


class DueList(worklists.WorkList):
    """The lots due for a germination test (viability.schedule), overdue first, at the
    institutes where the user records tests (technicians, curators). The rows are computed,
    so the filter is a form and the table sorts a list; a request costs the same few queries
    for any number of lots."""

    title = gettext_lazy("Viability tests due")
    table_class = DueTable
    template_name = "viability/due.html"
    csv_name = "viability-tests-due"
    action_names = ()
    http_method_names = ["get", "head", "options"]

    def due_rows(self, request: HttpRequest, filterset: DueFilter) -> list[dict] | None:
        institutes = permissions.institutes_where(request.user, RECORD_GERMINATION_TESTS)
        lots = SeedLot.objects.exclude(status__in=SeedLot.GONE).filter(institute__in=institutes)
        today = timezone.localdate()
        due = schedule.due_tests(
            today=today, within=filterset.within(), institute=filterset.institute(), lots=lots
        )
        rows = [
            {
                "lot_id": d.lot_id,
                "lot": d.lot,
                "institute": d.institute,
                "accession": d.accession,
                "due": d.due,
                "overdue_days": d.overdue_days(today),
                "reason": d.reason,
                "reason_label": d.reason_label,
                "last_test": d.last_test,
                "interval_days": d.interval_days,
            }
            for d in due
        ]
        return filterset.apply(rows)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not permissions.can(request.user, RECORD_GERMINATION_TESTS):
            raise PermissionDenied(_("Your role does not allow this action."))
        filterset = DueFilter(request.GET)
        rows = self.due_rows(request, filterset)
        return self.respond(request, self.table_class(rows or []), filterset, [])
