"""Inventory pages: thin views over queries and the inventory services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from genebank.accessions.queries import visible_accessions
from genebank.core import permissions, worklists
from genebank.core.permissions import VIEW
from genebank.core.uploads import refused_upload
from genebank.inventory import alerts, labels, services
from genebank.inventory.charts import readings_charts
from genebank.inventory.filters import AlertFilter, LotFilter, ProcessingFilter
from genebank.inventory.forms import (
    AdjustForm,
    CountForm,
    LabelForm,
    LocationForm,
    MoveLocationForm,
    MoveLotForm,
    ProcessingStepForm,
    ReadingsUploadForm,
    ReceiveForm,
    ReconcileForm,
    WithdrawForm,
)
from genebank.inventory.models import (
    ProcessingStep,
    SeedLot,
    Stocktake,
    StorageLocation,
)
from genebank.inventory.permissions import (
    MANAGE_LOTS,
    MANAGE_STORAGE,
    RECORD_READINGS,
    WITHDRAW_SEED,
)
from genebank.inventory.tables import (
    BelowReserveTable,
    LotTable,
    ProcessingOverdueTable,
    ProcessingTable,
    StaleMoistureTable,
)


def _institutes(user):
    return permissions.institutes_where(user, permissions.VIEW)


def visible_lots(user):
    return SeedLot.objects.filter(institute__in=_institutes(user))


def _filtered_lots(request):
    """The visible lots the lot list's filters select: the list and its labels share it."""
    _filterset, lots = LotList().filtered(request)
    return lots


# What the lot tables show of each lot's relations, joined in the page's one query.
LOT_COLUMNS = ("institute", "accession", "accession__taxon__crop", "location")


class LotList(worklists.WorkList):
    """Every seed lot the user may see."""

    title = gettext_lazy("Seed lots")
    table_class = LotTable
    filterset_class = LotFilter
    template_name = "inventory/lot_list.html"
    csv_name = "seed-lots"

    def rows(self, request, institutes):
        return SeedLot.objects.filter(institute__in=institutes).select_related(*LOT_COLUMNS)

    def extra_context(self, request):
        params = [(k, v) for k, v in request.GET.items() if k in LotFilter.base_filters]
        return {
            "label_params": params,
            "label_form": LabelForm(initial={"language": translation.get_language()}),
        }


def _lot_page(
    request,
    lot,
    withdraw_form=None,
    adjust_form=None,
    status=200,
    move_form=None,
    step_form=None,
):
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
        context["move_form"] = move_form or MoveLotForm(lot=lot)
        if lot.status in (SeedLot.Status.PROCESSING, SeedLot.Status.QUARANTINE):
            context["step_form"] = step_form or ProcessingStepForm(
                lot=lot, initial={"date": timezone.localdate()}
            )
    context["label_form"] = LabelForm(initial={"language": translation.get_language()})
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
    form = AdjustForm(request.POST, lot=lot, confirming="confirm" in request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.adjust(
                lot,
                data["quantity"],
                data["unit"],
                data["reason_text"],
                request.user,
                data["note"],
                confirmed=data.get("confirm", False),
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "confirm":
                # The second step: the same values, and a box to tick if they are right.
                form = AdjustForm(request.POST, lot=lot, confirming=True)
                form.is_valid()
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
    rows = [(place, place.path.count("/")) for place in locations]
    can_manage = permissions.can(request.user, MANAGE_STORAGE)
    return render(
        request,
        "inventory/location_list.html",
        {"rows": rows, "add_form": LocationForm() if can_manage else None},
    )


def _get_location(request, pk):
    return get_object_or_404(
        StorageLocation.objects.filter(institute__in=_institutes(request.user)).select_related(
            "institute", "parent"
        ),
        pk=pk,
    )


def _location_page(request, location, status=200, **forms):
    user = request.user
    lots = services.lots_in(location).select_related("accession", "location").order_by("sequence")
    context = {
        "location": location,
        "lots": lots,
        "ancestors": location.ancestors(),
        "children": location.children.order_by("name"),
        "charts": readings_charts(location),
        "stocktakes": location.stocktakes.select_related("started_by")[:10],
        "label_form": LabelForm(initial={"language": translation.get_language()}),
    }
    if permissions.can(user, MANAGE_STORAGE, location.institute_id):
        context["move_form"] = forms.get("move_form") or MoveLocationForm(location=location)
        context["add_form"] = forms.get("add_form") or LocationForm()
    if permissions.can(user, RECORD_READINGS, location.institute_id):
        context["upload_form"] = forms.get("upload_form") or ReadingsUploadForm()
    context["can_count"] = permissions.can(user, MANAGE_LOTS, location.institute_id)
    return render(request, "inventory/location_detail.html", context, status=status)


def location_detail(request, pk):
    return _location_page(request, _get_location(request, pk))


@require_POST
def location_move(request, pk):
    location = _get_location(request, pk)
    permissions.require(request.user, MANAGE_STORAGE, location.institute_id)
    form = MoveLocationForm(request.POST, location=location)
    if form.is_valid():
        try:
            services.move_location(
                location, form.cleaned_data["parent"], request.user, form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Moved, with everything inside it."))
            return redirect("inventory:location_detail", location.pk)
    return _location_page(request, location, status=400, move_form=form)


def _create_location(request, parent):
    institute = parent.institute if parent is not None else None
    form = LocationForm(request.POST)
    if institute is None:
        institutes = list(permissions.institutes_where(request.user, MANAGE_STORAGE))
        institute = institutes[0] if len(institutes) == 1 else None
        if institute is None:
            form.add_error(None, _("Add a place inside an existing one of your genebank."))
            return form, None
    permissions.require(request.user, MANAGE_STORAGE, institute)
    if form.is_valid():
        try:
            place = services.create_location(
                institute=institute, parent=parent, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            return form, place
    return form, None


@require_POST
def location_add(request, pk=None):
    parent = _get_location(request, pk) if pk else None
    form, place = _create_location(request, parent)
    if place is not None:
        messages.success(request, _("Storage location %(path)s added.") % {"path": place.path})
        return redirect("inventory:location_detail", place.pk)
    if parent is not None:
        return _location_page(request, parent, status=400, add_form=form)
    messages.error(request, " ".join(str(e) for e in form.errors.values()))
    return redirect("inventory:location_list")


@require_POST
def location_readings(request, pk):
    location = _get_location(request, pk)
    permissions.require(request.user, RECORD_READINGS, location.institute_id)
    form = ReadingsUploadForm(request.POST, request.FILES, refused=refused_upload(request))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_readings(location, upload, request.user, upload.name)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(
                request,
                _("%(added)s readings added, %(skipped)s already known.") % result,
            )
            return redirect("inventory:location_detail", location.pk)
    return _location_page(request, location, status=400, upload_form=form)


class AlertList(worklists.WorkList):
    """One group of inventory alerts, each a tab of the alerts page with the storage excursions
    above it."""

    filterset_class = AlertFilter
    template_name = "inventory/alerts.html"
    tab = ""

    def extra_context(self, request):
        institutes = permissions.institutes_where(request.user, VIEW)
        return {"tab": self.tab, "out_of_range": alerts.storage_out_of_range(institutes)}


class BelowReserveList(AlertList):
    title = gettext_lazy("Lots below reserve")
    table_class = BelowReserveTable
    csv_name = "lots-below-reserve"
    tab = "below_reserve"

    def rows(self, request, institutes):
        return alerts.below_reserve(institutes).select_related(*LOT_COLUMNS)


class StaleMoistureList(AlertList):
    title = gettext_lazy("Moisture content not measured recently")
    table_class = StaleMoistureTable
    csv_name = "lots-moisture-not-measured"
    tab = "stale_moisture"

    def rows(self, request, institutes):
        return alerts.lots_with_stale_moisture(institutes).select_related(*LOT_COLUMNS)


class ProcessingOverdueList(AlertList):
    title = gettext_lazy("Processing overdue")
    table_class = ProcessingOverdueTable
    csv_name = "lots-processing-overdue"
    tab = "processing_overdue"

    @cached_property
    def overdue(self) -> dict[int, str]:
        """Why each late lot is late; a view instance serves one request, so once a request."""
        return {lot.pk: why for lot, why in services.processing_overdue()}

    def rows(self, request, institutes):
        return SeedLot.objects.filter(institute__in=institutes, pk__in=self.overdue).select_related(
            *LOT_COLUMNS
        )

    def table_kwargs(self, request):
        return {"reasons": self.overdue}


# --- lots: receipt, moves, processing ----------------------------------------------------------


def receive(request, accession_pk):
    accession = get_object_or_404(
        visible_accessions(request.user).select_related("institute", "taxon"), pk=accession_pk
    )
    permissions.require(request.user, MANAGE_LOTS, accession.institute_id)
    form = ReceiveForm(
        request.POST or None,
        institute_id=accession.institute_id,
        initial={"status": SeedLot.Status.PROCESSING},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lot = services.receive(
                accession,
                data["quantity"],
                data["unit"],
                data["collection"],
                request.user,
                location=data["location"],
                container=data["container"],
                harvest_year=data["harvest_year"],
                thousand_seed_weight=data["thousand_seed_weight"] or None,
                status=data["status"],
                note=data["note"],
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Lot %(lot)s received.") % {"lot": lot.number})
            return redirect("inventory:lot_detail", lot.pk)
    return render(
        request,
        "inventory/receive.html",
        {"accession": accession, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def lot_move(request, pk):
    lot = _get_lot(request, pk)
    permissions.require(request.user, MANAGE_LOTS, lot.institute_id)
    form = MoveLotForm(request.POST, lot=lot)
    if form.is_valid():
        try:
            services.move_lot(
                lot, form.cleaned_data["location"], request.user, form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Lot moved."))
            return redirect("inventory:lot_detail", lot.pk)
    return _lot_page(request, lot, move_form=form, status=400)


@require_POST
def lot_process(request, pk):
    lot = _get_lot(request, pk)
    permissions.require(request.user, MANAGE_LOTS, lot.institute_id)
    form = ProcessingStepForm(request.POST, lot=lot)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_processing_step(
                lot,
                data["step"],
                request.user,
                date=data["date"],
                drying_start=data["drying_start"],
                drying_end=data["drying_end"],
                temperature=data["temperature"],
                humidity=data["humidity"],
                moisture_content=data["moisture_content"],
                moisture_method=data["moisture_method"],
                container=data["container"],
                location=data["location"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Processing step recorded."))
            return redirect("inventory:lot_detail", lot.pk)
    return _lot_page(request, lot, step_form=form, status=400)


class ProcessingList(worklists.WorkList):
    """Lots on their way from receipt to the cold room: last step, days waited, overdue flag."""

    title = gettext_lazy("Seed processing")
    table_class = ProcessingTable
    filterset_class = ProcessingFilter
    template_name = "inventory/processing.html"
    csv_name = "lots-in-processing"

    @cached_property
    def overdue(self) -> dict[int, str]:
        """Why each late lot is late; a view instance serves one request, so once a request."""
        return {lot.pk: why for lot, why in services.processing_overdue()}

    def rows(self, request, institutes):
        steps = ProcessingStep.objects.filter(lot=OuterRef("pk"))
        last = steps.order_by("-date", "-pk")
        received = steps.filter(step=ProcessingStep.Step.RECEIVED).order_by("pk")
        return (
            SeedLot.objects.filter(
                institute__in=institutes,
                status__in=[SeedLot.Status.PROCESSING, SeedLot.Status.QUARANTINE],
            )
            .select_related(*LOT_COLUMNS)
            .annotate(
                last_step=Subquery(last.values("step")[:1]),
                last_step_date=Subquery(last.values("date")[:1]),
                last_step_by=Subquery(last.values("user__username")[:1]),
                received_on=Subquery(received.values("date")[:1]),
            )
        )

    def table_kwargs(self, request):
        return {
            "reasons": self.overdue,
            "today": timezone.localdate(),
            "step_names": dict(ProcessingStep.Step.choices),
        }


# --- stocktake ---------------------------------------------------------------------------------


@require_POST
def stocktake_start(request, pk):
    location = _get_location(request, pk)
    try:
        stocktake = services.start_stocktake(location, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        open_count = location.stocktakes.filter(status=Stocktake.Status.OPEN).first()
        if open_count is not None:
            return redirect("inventory:stocktake_detail", open_count.pk)
        return redirect("inventory:location_detail", location.pk)
    return redirect("inventory:stocktake_detail", stocktake.pk)


def _get_stocktake(request, pk):
    return get_object_or_404(
        Stocktake.objects.filter(location__institute__in=_institutes(request.user)).select_related(
            "location", "started_by", "reconciled_by"
        ),
        pk=pk,
    )


def _stocktake_page(request, stocktake, count_form=None, reconcile_form=None, status=200):
    counts = list(
        stocktake.counts.select_related("lot", "found_at", "counted_by", "adjustment").order_by(
            "-counted_at", "-pk"
        )
    )
    counted_ids = {c.lot_id for c in counts}
    expected = services.lots_in(stocktake.location).select_related("location").order_by("sequence")
    context = {
        "stocktake": stocktake,
        "counts": counts,
        "not_counted": [lot for lot in expected if lot.pk not in counted_ids],
        "differences": sum(1 for c in counts if c.difference),
    }
    is_open = stocktake.status == Stocktake.Status.OPEN
    if is_open and permissions.can(request.user, MANAGE_LOTS, stocktake.location.institute_id):
        context["count_form"] = count_form or CountForm()
        context["reconcile_form"] = reconcile_form or ReconcileForm()
    return render(request, "inventory/stocktake.html", context, status=status)


def stocktake_detail(request, pk):
    stocktake = _get_stocktake(request, pk)
    if request.method != "POST":
        return _stocktake_page(request, stocktake)
    permissions.require(request.user, MANAGE_LOTS, stocktake.location.institute_id)
    form = CountForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        institute_id = stocktake.location.institute_id
        lot = SeedLot.objects.filter(
            institute_id=institute_id, number__iexact=data["code"].strip()
        ).first()
        found_at = None
        if data["found_at"]:
            found_at = StorageLocation.objects.filter(
                institute_id=institute_id, code__iexact=data["found_at"].strip()
            ).first()
            if found_at is None:
                form.add_error(
                    "found_at", _("No storage location has the code %(code)s.")
                    % {"code": data["found_at"]},
                )  # fmt: skip
        if lot is None:
            form.add_error("code", _("No lot has the code %(code)s.") % {"code": data["code"]})
        elif found_at is None and services.lots_in(stocktake.location).filter(pk=lot.pk).exists():
            found_at = lot.location  # found where the ledger has it, somewhere in this place
        if form.is_valid():
            try:
                services.record_count(
                    stocktake, lot, data["quantity"], data["unit"], request.user, found_at
                )
            except ValidationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("%(lot)s counted.") % {"lot": lot.number})
                return redirect("inventory:stocktake_detail", stocktake.pk)
    return _stocktake_page(request, stocktake, count_form=form, status=400)


@require_POST
def stocktake_reconcile(request, pk):
    stocktake = _get_stocktake(request, pk)
    permissions.require(request.user, MANAGE_LOTS, stocktake.location.institute_id)
    form = ReconcileForm(request.POST)
    if form.is_valid():
        try:
            result = services.reconcile_stocktake(
                stocktake,
                request.user,
                form.cleaned_data["reason"],
                missing_as_zero=form.cleaned_data["missing_as_zero"],
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Reconciled: %(adjusted)s adjusted, %(missing)s missing, %(misplaced)s misplaced."
                )
                % {
                    "adjusted": len(result["adjusted"]),
                    "missing": len(result["missing"]),
                    "misplaced": len(result["misplaced"]),
                },
            )
            return redirect("inventory:stocktake_detail", stocktake.pk)
    return _stocktake_page(request, stocktake, reconcile_form=form, status=400)


# --- labels and scanning -----------------------------------------------------------------------


def _pk_param(request) -> int:
    try:
        return int(request.GET.get("pk", ""))
    except ValueError:
        raise Http404 from None


def _label_selection(request, source: str):
    """What a request asks labels of: (lots in print order, copies of each, None) or (None, 1,
    storage places), or None when the source is unknown. Only what the user may see."""
    if source == "lots":
        lots = _filtered_lots(request)
        lots = lots.select_related("accession__taxon__crop").order_by("institute__code", "sequence")
        return lots, 1, None
    if source == "lot":
        lot = _get_lot(request, _pk_param(request))
        try:
            copies = max(1, min(int(request.GET.get("copies") or 1), labels.MAX_COPIES))
        except ValueError:
            copies = 1
        lots = visible_lots(request.user).filter(pk=lot.pk)
        return lots.select_related("accession", "accession__taxon__crop"), copies, None
    if source == "accession":
        lots = (
            visible_lots(request.user)
            .filter(accession_id=_pk_param(request))
            .exclude(status__in=SeedLot.GONE)
            .select_related("accession", "accession__taxon__crop")
            .order_by("sequence")
        )
        return lots, 1, None
    if source in ("location", "location-lots"):
        location = _get_location(request, _pk_param(request))
        if source == "location-lots":
            lots = services.lots_in(location).select_related("accession", "accession__taxon__crop")
            return lots.order_by("sequence"), 1, None
        places = [location, *location.descendants().order_by("path")[: labels.MAX_LABELS]]
        return None, 1, places
    return None


def label_pdf(request):
    """Labels of a lot, an accession's lots, a filtered lot list, or a storage subtree, as PDF.

    More labels than settings.LABEL_JOB_LABELS are drawn by a worker: the page asks to confirm
    (a POST, which queues the job) and then shows the job, whose result is the PDF."""
    form = LabelForm(request.GET)
    if not form.is_valid():
        return HttpResponse(_("Choose a label size."), status=400, content_type="text/plain")
    language = form.cleaned_data["language"] or translation.get_language()
    selection = _label_selection(request, request.GET.get("source", ""))
    if selection is None:
        return HttpResponse(_("Unknown list of labels."), status=400, content_type="text/plain")
    lots, copies, places = selection
    count = lots.count() * copies if lots is not None else len(places)
    if count > labels.MAX_LABELS:
        return HttpResponse(
            _("That is too many labels at once: print at most %(max)s.")
            % {"max": labels.MAX_LABELS},
            status=400,
            content_type="text/plain",
        )
    if count > settings.LABEL_JOB_LABELS:
        if request.method != "POST":
            return render(
                request,
                "inventory/labels_job.html",
                {"count": count, "query": request.GET.urlencode()},
            )
        job = labels.queue_label_job(
            request.user,
            size=form.cleaned_data["size"],
            language=language,
            count=count,
            lots=lots.values_list("pk", flat=True) if lots is not None else (),
            copies=copies,
            locations=[place.pk for place in places] if places is not None else (),
        )
        return redirect("job_detail", job.pk)
    with translation.override(language):
        if lots is not None:
            found = labels.labels_for_lots(lots, copies)
        else:
            found = [labels.location_label(place) for place in places]
        pdf = labels.render_labels(found, form.cleaned_data["size"], language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="labels.pdf"'
    return response


def scan(request):
    """Open what a scanned code names: a lot, a storage location, or an accession."""
    code = request.GET.get("code", "").strip()
    if code:
        lot = visible_lots(request.user).filter(number__iexact=code).first()
        if lot is not None:
            return redirect("inventory:lot_detail", lot.pk)
        place = (
            StorageLocation.objects.filter(institute__in=_institutes(request.user))
            .filter(code__iexact=code)
            .first()
        )
        if place is not None:
            return redirect("inventory:location_detail", place.pk)
        accessions = visible_accessions(request.user)
        found = list(accessions.filter(number__iexact=code)[:2])
        if not found and " " in code:
            # "INSTCODE NUMBER", as an accession prints itself.
            institute, number = code.split(" ", 1)
            found = list(
                accessions.filter(institute__code__iexact=institute, number__iexact=number)[:2]
            )
        if len(found) == 1:
            return redirect("accessions:detail", found[0].pk)
        if found:
            return redirect(reverse("accessions:list") + "?" + urlencode({"q": code}))
    return render(request, "inventory/scan.html", {"code": code}, status=404 if code else 200)
