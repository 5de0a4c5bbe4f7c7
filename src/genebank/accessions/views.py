"""Accession and collecting-mission pages: thin views over the queries and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from genebank.accessions import services
from genebank.accessions.filters import AccessionFilter
from genebank.accessions.forms import (
    AccessionForm,
    CollectingMissionForm,
    DeaccessionForm,
    ReinstateForm,
)
from genebank.accessions.history import accession_history
from genebank.accessions.models import (
    Accession,
    AccessionName,
    CollectingEvent,
    CollectingMission,
)
from genebank.accessions.passport import mcpd_row
from genebank.accessions.queries import (
    detail_queryset,
    list_queryset,
    visible_accessions,
    visible_missions,
)
from genebank.accessions.registries import list_exports
from genebank.accessions.sensitive import (
    WITHHELD_EVENT_FIELDS,
    collecting_site,
    shows_exact_site,
    withheld_note,
)
from genebank.core import permissions
from genebank.core.forms import attach_errors
from genebank.core.geo import country_outline
from genebank.core.history import record_history
from genebank.core.models import Institute

PAGE_SIZE = 50


def accession_list(request):
    filterset = AccessionFilter(request.GET, queryset=list_queryset(request.user))
    qs = filterset.qs
    if not request.GET.get("sort"):
        qs = qs.order_by("institute__code", "sequence", "number")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "accessions/list.html",
        {"filter": filterset, "page": page, "query_string": params.urlencode()},
    )


def accession_export(request):
    """The filtered list as a file, made by the export the list's menu chose (`export`, by
    default the first registered: the exchange's MCPD; accessions.registries.list_exports)."""
    wanted = request.GET.get("export")
    export = next((e for e in list_exports if wanted in (None, e.name)), None)
    if export is None:
        raise Http404(wanted)
    filterset = AccessionFilter(request.GET, queryset=visible_accessions(request.user))
    return export.respond(request, Accession.objects.filter(pk__in=filterset.qs.values("pk")))


def accession_detail(request, pk):
    accession = get_object_or_404(detail_queryset(request.user), pk=pk)
    user = request.user
    event = getattr(accession, "collecting_event", None)
    site = collecting_site(accession, user)
    point = site.map_point(site.text) if site is not None else None
    outline = country_outline(accession.origin_country_id) if accession.origin_country_id else None
    return render(
        request,
        "accessions/detail.html",
        {
            "accession": accession,
            "event": event,
            "site": site,
            "acquisition": getattr(accession, "acquisition", None),
            "mcpd": list(mcpd_row(accession, user=user).items()),
            "map_data": {"site": point, "outline": outline},
            "has_map": bool(point or outline),
            "can_edit": _may_edit(user, accession),
            "can_deaccession": permissions.can(user, permissions.DEACCESSION, accession.institute),
            "tab": "passport",
        },
    )


def accession_history_view(request, pk):
    accession = get_object_or_404(
        visible_accessions(request.user).select_related("institute", "taxon"), pk=pk
    )
    entries = accession_history(accession)
    if not shows_exact_site(request.user, accession.institute_id, accession.sensitive_location):
        _withhold_site_changes(entries)
    return render(
        request,
        "accessions/history.html",
        {"accession": accession, "entries": entries, "tab": "history"},
    )


def _withhold_site_changes(entries) -> None:
    """Blank what the collecting event's history says of a sensitive site: its old and new
    values would give away what the page withholds."""
    labels = {
        str(CollectingEvent._meta.get_field(name).verbose_name) for name in WITHHELD_EVENT_FIELDS
    }
    note = withheld_note()
    for entry in entries:
        for change in entry.changes:
            if change.field in labels:
                change.old = change.new = note


def _form_page(request, form, accession=None):
    return render(request, "accessions/form.html", {"form": form, "accession": accession})


def accession_create(request):
    institutes = permissions.institutes_where(request.user, permissions.REGISTER)
    if not institutes.exists():
        permissions.require(request.user, permissions.REGISTER, -1)
    if request.method == "POST":
        form = AccessionForm(request.POST, institutes=institutes)
        if form.is_valid() and not form.needs_confirmation:
            try:
                outcome = services.register_accession(
                    form.passport_data(),
                    user=request.user,
                    reason=form.cleaned_data.get("reason") or "",
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Accession %(number)s registered.") % {"number": outcome.accession.number},
                )
                return redirect("accessions:detail", outcome.accession.pk)
    else:
        first = institutes.first()
        initial = {"institute": first, "is_public": True, "datum": "WGS84"}
        if first is not None:
            initial["number"] = services.next_accession_number(first)
        form = AccessionForm(initial=initial, institutes=institutes)
    return _form_page(request, form)


def _may_edit(user, accession) -> bool:
    """Editing shows the passport as stored, so a sensitive site's exact values too: only
    those who may see them may edit such an accession (a technician asks a curator)."""
    return permissions.can(user, permissions.EDIT, accession.institute) and shows_exact_site(
        user, accession.institute_id, accession.sensitive_location
    )


def accession_edit(request, pk):
    accession = get_object_or_404(detail_queryset(request.user), pk=pk)
    permissions.require(request.user, permissions.EDIT, accession.institute)
    if not _may_edit(request.user, accession):
        raise PermissionDenied(
            _("Only curators and administrators may edit an accession with a sensitive site.")
        )
    if request.method == "POST":
        form = AccessionForm(
            request.POST,
            accession=accession,
            initial=AccessionForm.initial_from(services.PassportData.from_accession(accession)),
        )
        if form.is_valid() and not form.needs_confirmation:
            try:
                services.update_accession(
                    accession,
                    form.passport_data(),
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("accessions:detail", accession.pk)
    else:
        form = AccessionForm(
            initial=AccessionForm.initial_from(services.PassportData.from_accession(accession)),
            accession=accession,
        )
    return _form_page(request, form, accession)


def accession_deaccession(request, pk):
    accession = get_object_or_404(
        visible_accessions(request.user).select_related("institute", "taxon"), pk=pk
    )
    permissions.require(request.user, permissions.DEACCESSION, accession.institute)
    deaccessioned = accession.status == Accession.Status.DEACCESSIONED
    form_class = ReinstateForm if deaccessioned else DeaccessionForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if deaccessioned:
                services.reinstate(accession, reason=form.cleaned_data["reason"], user=request.user)
                messages.success(request, _("Accession reinstated."))
            else:
                services.deaccession(
                    accession,
                    date=form.cleaned_data["date"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
                messages.success(
                    request, _("Accession deaccessioned. Its record and number are kept.")
                )
            return redirect("accessions:detail", accession.pk)
        except ValidationError as exc:
            attach_errors(form, exc)
    return render(
        request,
        "accessions/deaccession.html",
        {"accession": accession, "form": form, "reinstate": deaccessioned},
    )


def next_number(request):
    """The next accession number for an institute (the form proposes it).

    400 when the institute is not a number or not known, 403 when the user may not register
    accessions there; each with a message, as the form's script reads JSON.
    """
    try:
        institute = Institute.objects.get(pk=int(request.GET.get("institute", "")))
    except (ValueError, Institute.DoesNotExist):
        return JsonResponse({"error": _("No such institute.")}, status=400)
    if not permissions.can(request.user, permissions.REGISTER, institute):
        return JsonResponse({"error": _("Your role does not allow this action.")}, status=403)
    return JsonResponse({"number": services.next_accession_number(institute)})


# Collecting missions


def mission_list(request):
    missions = (
        visible_missions(request.user)
        .select_related("institute", "country")
        .annotate(n_accessions=Count("events"))
        .order_by("-start_date", "code")
    )
    page = Paginator(missions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accessions/mission_list.html", {"page": page})


def mission_detail(request, pk):
    mission = get_object_or_404(
        visible_missions(request.user)
        .select_related("institute", "country")
        .prefetch_related("team", "target_crops"),
        pk=pk,
    )
    accessions = list(
        visible_accessions(request.user)
        .filter(collecting_event__mission=mission)
        .select_related("institute", "taxon", "collecting_event", "origin_country")
        .prefetch_related(
            Prefetch("accession_names", queryset=AccessionName.objects.order_by("position"))
        )
        .order_by("sequence", "number")
    )
    # Each accession's site as this user may see it: sensitive ones are neither placed on the
    # map nor named in the table for those who may not see them.
    for accession in accessions:
        accession.shown_site = collecting_site(accession, request.user)
    points = (a.shown_site.map_point(f"{a.number} {a.shown_site.text}") for a in accessions)
    sites = [point for point in points if point is not None]
    outline = country_outline(mission.country_id) if mission.country_id else None
    return render(
        request,
        "accessions/mission_detail.html",
        {
            "mission": mission,
            "accessions": accessions,
            "map_data": {"sites": sites, "outline": outline},
            "can_edit": permissions.can(
                request.user, permissions.MANAGE_MISSIONS, mission.institute
            ),
            "history": record_history(mission),
        },
    )


def mission_edit(request, pk=None):
    mission = (
        get_object_or_404(visible_missions(request.user), pk=pk) if pk else CollectingMission()
    )
    if pk:
        permissions.require(request.user, permissions.MANAGE_MISSIONS, mission.institute)
    institutes = permissions.institutes_where(request.user, permissions.MANAGE_MISSIONS)
    if not institutes.exists():
        permissions.require(request.user, permissions.MANAGE_MISSIONS, -1)
    form = CollectingMissionForm(request.POST or None, instance=mission, institutes=institutes)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            services.save_mission(
                mission, data=data, user=request.user, reason=form.cleaned_data.get("reason", "")
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Collecting mission saved."))
            return redirect("accessions:mission_detail", mission.pk)
    return render(
        request, "accessions/mission_form.html", {"form": form, "mission": mission if pk else None}
    )


mission_create = mission_edit
