"""Home page and the error pages."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.translation import gettext as _

from genebank.accessions.queries import visible_accessions


def home(request):
    accessions = visible_accessions(request.user)
    totals = accessions.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status="active")),
        deaccessioned=Count("pk", filter=Q(status="deaccessioned")),
        quarantine=Count("pk", filter=Q(acquisition__quarantine_status="pending")),
    )
    by_crop = (
        accessions.filter(status="active")
        .values("taxon__crop__name")
        .annotate(n=Count("pk"))
        .order_by("-n")[:12]
    )
    recent = accessions.select_related("institute", "taxon").order_by("-created_at")[:8]
    return render(
        request,
        "core/home.html",
        {"totals": totals, "by_crop": list(by_crop), "recent": recent},
    )


def permission_denied(request, exception=None):
    message = (
        str(exception)
        if exception and str(exception)
        else _("You do not have permission to do this.")
    )
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", {"path": request.path}, status=404)
