"""The seed lot work lists' filters: one filterset for the lot list, the alerts and the labels."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from genebank.core import permissions
from genebank.core.models import Crop, Institute
from genebank.inventory.models import CollectionKind, SeedLot, StorageLocation


def _institutes(request):
    if request is None:
        return Institute.objects.none()
    return permissions.institutes_where(request.user, permissions.VIEW).order_by("code")


def _locations(request):
    return StorageLocation.objects.filter(institute__in=_institutes(request)).order_by("path")


class LotFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Lot or accession number"))
    institute = django_filters.ModelChoiceFilter(queryset=_institutes, label=_("Institute"))
    crop = django_filters.ModelChoiceFilter(
        field_name="accession__taxon__crop", queryset=Crop.objects.all(), label=_("Crop")
    )
    collection = django_filters.ChoiceFilter(choices=CollectionKind.choices, label=_("Collection"))
    status = django_filters.ChoiceFilter(choices=SeedLot.Status.choices, label=_("Status"))
    location = django_filters.ModelChoiceFilter(
        queryset=_locations, method="inside", label=_("Location")
    )

    class Meta:
        model = SeedLot
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(accession__number=value))

    def inside(self, queryset, name, place):
        """Lots in the place or anywhere inside it, as a stocktake counts them."""
        return queryset.filter(Q(location=place) | Q(location__in=place.descendants()))


class AlertFilter(LotFilter):
    """The alerts' lots are all in store: no status to choose."""

    status = None


class ProcessingFilter(LotFilter):
    """The lots in processing: in processing or in quarantine, late or not."""

    status = django_filters.ChoiceFilter(
        choices=[
            (SeedLot.Status.PROCESSING.value, SeedLot.Status.PROCESSING.label),
            (SeedLot.Status.QUARANTINE.value, SeedLot.Status.QUARANTINE.label),
        ],
        label=_("Status"),
    )
    overdue = django_filters.BooleanFilter(method="late", label=_("Overdue"))

    def late(self, queryset, name, value):
        from genebank.inventory.services import processing_overdue

        late = [lot.pk for lot, _why in processing_overdue()]
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)
