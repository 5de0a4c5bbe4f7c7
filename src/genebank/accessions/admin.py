"""Django admin for accessions: read-only (changes go through the pages and their services)."""

from django.contrib import admin

from genebank.accessions.models import Accession, CollectingMission
from genebank.core.admin import ReadOnlyHistoryAdmin


@admin.register(Accession)
class AccessionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("number", "institute", "taxon", "origin_country", "sample_status", "status")
    list_filter = ("status", "institute")
    search_fields = ("number",)
    list_select_related = ("institute", "taxon", "origin_country")
    raw_id_fields = ("taxon",)


@admin.register(CollectingMission)
class CollectingMissionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("code", "name", "institute", "country", "start_date", "end_date")
    search_fields = ("code", "name")
