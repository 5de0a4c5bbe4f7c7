"""REST API for accessions: the same filters as the list page, each accession as MCPD plus links."""

from rest_framework import serializers, viewsets

from genebank.accessions.filters import AccessionFilter
from genebank.accessions.models import Accession
from genebank.accessions.passport import mcpd_row
from genebank.accessions.queries import detail_queryset


class AccessionSerializer(serializers.ModelSerializer):
    institute = serializers.CharField(source="institute.code")
    taxon = serializers.CharField(source="taxon.name")
    names = serializers.ListField(child=serializers.CharField())
    mcpd = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="api:accession-detail")

    class Meta:
        model = Accession
        fields = [
            "id",
            "url",
            "institute",
            "number",
            "puid",
            "taxon",
            "names",
            "status",
            "deaccession_date",
            "deaccession_reason",
            "is_public",
            "created_at",
            "updated_at",
            "mcpd",
        ]

    def get_mcpd(self, accession) -> dict[str, str]:
        # Sensitive sites as the user who asks may see them (accessions.sensitive).
        request = self.context.get("request")
        return mcpd_row(accession, user=getattr(request, "user", None))


class AccessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Accessions the user may see, filtered like the list page (q, crop, origin_country, ...)."""

    serializer_class = AccessionSerializer
    filterset_class = AccessionFilter

    def get_queryset(self):
        return detail_queryset(self.request.user).order_by("institute__code", "sequence", "number")
