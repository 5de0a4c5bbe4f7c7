"""Django admin for accessions (read-mostly: changes go through the pages and their services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from genebank.accessions.models import Accession, CollectingMission


@admin.register(Accession)
class AccessionAdmin(SimpleHistoryAdmin):
    list_display = ("number", "institute", "taxon", "origin_country", "sample_status", "status")
    list_filter = ("status", "institute")
    search_fields = ("number",)
    list_select_related = ("institute", "taxon", "origin_country")
    raw_id_fields = ("taxon",)

    def has_delete_permission(self, request, obj=None):
        return False  # deaccession, never delete

    def has_change_permission(self, request, obj=None):
        return False  # passport changes go through the services (checks, audit reason)


@admin.register(CollectingMission)
class CollectingMissionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "institute", "country", "start_date", "end_date")
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):
        return False
