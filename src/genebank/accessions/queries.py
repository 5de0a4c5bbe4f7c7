"""Read-side queries: which accessions a user may see, with what they need prefetched."""

from django.db.models import Prefetch, QuerySet

from genebank.accessions.models import Accession, AccessionName, CollectingMission
from genebank.core.permissions import roles_of


def visible_accessions(user) -> QuerySet[Accession]:
    qs = Accession.objects.all()
    if getattr(user, "is_superuser", False):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(institute_id__in=list(roles_of(user)))


def visible_missions(user) -> QuerySet[CollectingMission]:
    """Collecting missions (their permits and PIC references) for the staff of the organising
    institute only."""
    qs = CollectingMission.objects.all()
    if getattr(user, "is_superuser", False):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(institute_id__in=list(roles_of(user)))


def list_queryset(user) -> QuerySet[Accession]:
    """The accession list: one query for the rows and one for their names, whatever the count."""
    return (
        visible_accessions(user)
        .select_related("institute", "taxon", "taxon__crop", "origin_country", "collecting_event")
        .prefetch_related(
            Prefetch("accession_names", queryset=AccessionName.objects.order_by("position"))
        )
    )


def detail_queryset(user) -> QuerySet[Accession]:
    """An accession with everything its page and its MCPD row show, in a fixed number of queries."""
    return (
        list_queryset(user)
        .select_related(
            "acquisition",
            "acquisition__donor_institute",
            "acquisition__donor_person",
            "collecting_event__mission",
        )
        .prefetch_related(
            "other_numbers",
            "breeding_institutes",
            "collecting_event__collectors",
            "collecting_event__collecting_institutes",
        )
    )
