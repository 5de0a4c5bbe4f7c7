"""The accession list's search, filters and sorting; one filterset for the web list and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from genebank.accessions.models import Accession, SampleStatus
from genebank.core.forms import style_fields
from genebank.core.models import Country, Crop, Institute


class AccessionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    institute = django_filters.ModelChoiceFilter(
        queryset=Institute.objects.filter(is_holding=True), label=_("Institute")
    )
    crop = django_filters.ModelChoiceFilter(
        field_name="taxon__crop", queryset=Crop.objects.all(), label=_("Crop")
    )
    genus = django_filters.CharFilter(
        field_name="taxon__genus", lookup_expr="iexact", label=_("Genus")
    )
    species = django_filters.CharFilter(
        field_name="taxon__species", lookup_expr="iexact", label=_("Species")
    )
    origin_country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.all(), label=_("Country of origin")
    )
    sample_status = django_filters.TypedChoiceFilter(
        choices=[("", "---------"), *SampleStatus.choices],
        coerce=int,
        empty_value=None,
        label=_("Biological status"),
    )
    status = django_filters.ChoiceFilter(choices=Accession.Status.choices, label=_("Status"))
    sort = django_filters.OrderingFilter(
        fields=(
            ("sequence", "number"),
            ("taxon__genus", "taxon"),
            ("origin_country__name", "country"),
            ("acquisition_date", "acquired"),
            ("sample_status", "sampstat"),
            ("created_at", "created"),
            ("pdci", "pdci"),
        ),
        field_labels={
            "number": _("Accession number"),
            "taxon": _("Taxon"),
            "country": _("Country of origin"),
            "acquired": _("Acquisition date"),
            "sampstat": _("Biological status"),
            "created": _("Registered"),
            "pdci": _("Passport data completeness (PDCI)"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Accession
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.form.fields, size="sm")
        self.form.fields["origin_country"].label_from_instance = lambda c: (
            f"{c.display_name} ({c.iso3})"
        )

    def search(self, queryset, name, value):
        """Number, name, taxon or collector number; several words must all match."""
        for word in value.split():
            queryset = queryset.filter(
                Q(number__icontains=word)
                | Q(accession_names__name__icontains=word)
                | Q(taxon__genus__icontains=word)
                | Q(taxon__species__icontains=word)
                | Q(collecting_event__collector_number__iexact=word)
                | Q(other_numbers__identifier__iexact=word)
                | Q(puid__iexact=word)
            )
        return queryset.distinct()
