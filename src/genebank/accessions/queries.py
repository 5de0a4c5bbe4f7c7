"""Read-side queries: which accessions a user may see, with what they need prefetched."""

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.db.models.expressions import RawSQL

from genebank.accessions.models import (
    Accession,
    AccessionName,
    CollectingEvent,
    CollectingMission,
)
from genebank.core.models import Institute
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


def in_added_order(many_to_many) -> RawSQL:
    """Order the institutes of a many-to-many field (BREDCODE, COLLCODE) as they were added.

    That is the order of the MCPD file they came from, which the export keeps and the importer
    compares against; the institutes' own ordering (by code) would make the page disagree.
    """
    table = connection.ops.quote_name(many_to_many.through._meta.db_table)
    return RawSQL(f"{table}.id", ())


def institute_codes(manager) -> str:
    """BREDCODE or COLLCODE: the codes joined with ';', prefetched or not, in the order added."""
    cache = getattr(manager.instance, "_prefetched_objects_cache", {})
    if manager.prefetch_cache_name in cache:
        institutes = manager.all()
    else:
        institutes = manager.order_by(in_added_order(manager))
    return ";".join(institute.code for institute in institutes)


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
            Prefetch(
                "breeding_institutes",
                queryset=Institute.objects.order_by(in_added_order(Accession.breeding_institutes)),
            ),
            "collecting_event__collectors",
            Prefetch(
                "collecting_event__collecting_institutes",
                queryset=Institute.objects.order_by(
                    in_added_order(CollectingEvent.collecting_institutes)
                ),
            ),
        )
    )
