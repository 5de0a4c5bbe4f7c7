"""Admin pages for the inventory: read-only views of what only services may change.

Reserve levels are plain settings and editable here; storage locations, lots and the ledger are
changed through genebank.inventory.services (which keep paths, quantities and the ledger true),
so the admin shows them without add, change or delete.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from genebank.inventory.models import LotTransaction, ReserveLevel, SeedLot, StorageLocation


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


@admin.register(LotTransaction)
class LotTransactionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "lot", "kind", "reason", "quantity", "balance_after", "user"]
    list_filter = ["kind", "reason"]
    search_fields = ["lot__number", "note", "reason_text"]
    list_select_related = ["lot", "user"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReserveLevel)
class ReserveLevelAdmin(SimpleHistoryAdmin):
    list_display = ["crop", "mating_system", "distribution_reserve", "regeneration_threshold"]
