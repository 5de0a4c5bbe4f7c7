"""Inventory pages: thin views over queries and the inventory services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from genebank.core import permissions
from genebank.inventory import alerts, services
from genebank.inventory.forms import AdjustForm, LotFilterForm, WithdrawForm
from genebank.inventory.models import SeedLot, StorageLocation
from genebank.inventory.permissions import MANAGE_LOTS, WITHDRAW_SEED

PAGE_SIZE = 50


def _institutes(user):
    return permissions.institutes_where(user, permissions.VIEW)


def visible_lots(user):
    return SeedLot.objects.filter(institute__in=_institutes(user))


def lot_list(request):
    form = LotFilterForm(request.GET or None)
    lots = visible_lots(request.user).select_related(
        "institute", "accession", "accession__taxon", "location"
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            lots = lots.filter(Q(number__icontains=data["q"]) | Q(accession__number=data["q"]))
        if data["status"]:
            lots = lots.filter(status=data["status"])
        if data["collection"]:
            lots = lots.filter(collection=data["collection"])
    page = Paginator(lots.order_by("institute__code", "sequence"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "inventory/lot_list.html",
        {"form": form, "page": page, "query_string": params.urlencode()},
    )


def _lot_page(request, lot, withdraw_form=None, adjust_form=None, status=200):
    user = request.user
    context = {
        "lot": lot,
        "transactions": lot.transactions.select_related("user", "related_lot").order_by(
            "-created_at", "-pk"
        ),
        "steps": lot.processing_steps.select_related("user").order_by("pk"),
        "history": lot.history.select_related("history_user")[:20],
    }
    if permissions.can(user, WITHDRAW_SEED, lot.institute_id):
        context["withdraw_form"] = withdraw_form or WithdrawForm(lot=lot)
    if permissions.can(user, MANAGE_LOTS, lot.institute_id):
        context["adjust_form"] = adjust_form or AdjustForm(lot=lot)
    return render(request, "inventory/lot_detail.html", context, status=status)


def _get_lot(request, pk):
    return get_object_or_404(
        visible_lots(request.user).select_related(
            "institute", "accession", "accession__taxon", "location", "parent"
        ),
        pk=pk,
    )


def lot_detail(request, pk):
    return _lot_page(request, _get_lot(request, pk))


def _attach(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@require_POST
def lot_withdraw(request, pk):
    lot = _get_lot(request, pk)
    permissions.require(request.user, WITHDRAW_SEED, lot.institute_id)
    form = WithdrawForm(request.POST, lot=lot)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.withdraw(
                lot, data["quantity"], data["unit"], data["reason"], request.user, data["note"]
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Withdrawal recorded."))
            return redirect("inventory:lot_detail", lot.pk)
    return _lot_page(request, lot, withdraw_form=form, status=400)


@require_POST
def lot_adjust(request, pk):
    lot = _get_lot(request, pk)
    permissions.require(request.user, MANAGE_LOTS, lot.institute_id)
    form = AdjustForm(request.POST, lot=lot)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.adjust(
                lot, data["quantity"], data["unit"], data["reason_text"], request.user, data["note"]
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Adjustment recorded."))
            return redirect("inventory:lot_detail", lot.pk)
    return _lot_page(request, lot, adjust_form=form, status=400)


def location_list(request):
    locations = (
        StorageLocation.objects.filter(institute__in=_institutes(request.user))
        .select_related("institute")
        .annotate(lots_held=Count("lots", filter=~Q(lots__status__in=SeedLot.GONE), distinct=True))
        .order_by("institute__code", "path")
    )
    return render(request, "inventory/location_list.html", {"locations": locations})


def location_detail(request, pk):
    location = get_object_or_404(
        StorageLocation.objects.filter(institute__in=_institutes(request.user)), pk=pk
    )
    lots = services.lots_in(location).select_related("accession", "location").order_by("sequence")
    return render(request, "inventory/location_detail.html", {"location": location, "lots": lots})


def alert_list(request):
    institutes = list(_institutes(request.user))
    ids = {i.pk for i in institutes}

    def mine(lot):
        return lot.institute_id in ids

    return render(
        request,
        "inventory/alerts.html",
        {
            "below_reserve": [row for row in alerts.lots_below_reserve() if mine(row[0])],
            "stale_moisture": [lot for lot in alerts.lots_with_stale_moisture() if mine(lot)],
            "overdue": [row for row in services.processing_overdue() if mine(row[0])],
            "out_of_range": [
                e for e in alerts.storage_out_of_range() if e.location.institute_id in ids
            ],
        },
    )
