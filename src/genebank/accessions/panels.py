"""What the accessions app shows on the home page, registered as panels in AccessionsConfig.ready().

Each function is a panel's context (core.registry.Panel): the values its template adds to the page.
"""

from __future__ import annotations

from django.db.models import Count, Q

from genebank.accessions.queries import visible_accessions


def collection_counts(request, obj) -> dict:
    """Active, deaccessioned, in quarantine and all accessions this user sees: one query."""
    totals = visible_accessions(request.user).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status="active")),
        deaccessioned=Count("pk", filter=Q(status="deaccessioned")),
        quarantine=Count("pk", filter=Q(acquisition__quarantine_status="pending")),
    )
    return {"totals": totals}


def collection_by_crop(request, obj) -> dict:
    """The active accessions by crop (the twelve largest) and the last registered."""
    accessions = visible_accessions(request.user)
    by_crop = (
        accessions.filter(status="active")
        .values("taxon__crop__name", "taxon__crop__name_fr", "taxon__crop__name_ar")
        .annotate(n=Count("pk"))
        .order_by("-n")[:12]
    )
    lang = (request.LANGUAGE_CODE or "en")[:2]
    rows = [
        {"crop": row.get(f"taxon__crop__name_{lang}") or row["taxon__crop__name"], "n": row["n"]}
        for row in by_crop
    ]
    recent = accessions.select_related("institute", "taxon").order_by("-created_at")[:8]
    return {"by_crop": rows, "recent": recent}
