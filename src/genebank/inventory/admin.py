"""Admin pages for the inventory: read-only views of what only services may change.

Reserve levels are plain settings and editable here; storage locations, lots and the ledger are
changed through genebank.inventory.services (which keep paths, quantities and the ledger true),
so the admin shows them without add, change or delete.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from genebank.inventory.models import (
    EnvironmentReading,
    LotTransaction,
    ProcessingStep,
    ReserveLevel,
    SeedLot,
    Stocktake,
    StorageLocation,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StorageLocation)
class StorageLocationAdmin(ReadOnlyAdmin):
    list_display = ["path", "code", "kind", "storage_kind", "capacity", "institute"]
    list_filter = ["institute", "kind", "storage_kind"]
    search_fields = ["path", "code"]


@admin.register(SeedLot)
class SeedLotAdmin(ReadOnlyAdmin):
    list_display = ["number", "accession", "collection", "status", "quantity", "unit", "location"]
    list_filter = ["institute", "collection", "status", "unit"]
    search_fields = ["number", "accession__number"]
    list_select_related = ["accession__institute", "location"]
    raw_id_fields = ["accession", "parent", "location"]


class ReadOnlyModelAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LotTransaction)
class LotTransactionAdmin(ReadOnlyModelAdmin):
    list_display = ["created_at", "lot", "kind", "reason", "quantity", "balance_after", "user"]
    list_filter = ["kind", "reason"]
    search_fields = ["lot__number", "note", "reason_text"]
    list_select_related = ["lot", "user"]
    date_hierarchy = "created_at"


@admin.register(ProcessingStep)
class ProcessingStepAdmin(ReadOnlyModelAdmin):
    list_display = ["lot", "step", "date", "within_standard", "user"]
    list_filter = ["step", "within_standard"]
    search_fields = ["lot__number"]
    list_select_related = ["lot", "user"]


@admin.register(Stocktake)
class StocktakeAdmin(ReadOnlyAdmin):
    list_display = ["location", "status", "started_at", "started_by", "reconciled_at"]
    list_filter = ["status"]
    list_select_related = ["location", "started_by"]


@admin.register(EnvironmentReading)
class EnvironmentReadingAdmin(ReadOnlyModelAdmin):
    list_display = ["location", "taken_at", "temperature", "humidity", "source"]
    list_filter = ["location"]
    date_hierarchy = "taken_at"
    list_select_related = ["location"]


@admin.register(ReserveLevel)
class ReserveLevelAdmin(SimpleHistoryAdmin):
    list_display = ["crop", "mating_system", "distribution_reserve", "regeneration_threshold"]
