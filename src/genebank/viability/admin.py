"""Admin pages for viability: the species constants are a shared list, edited by data stewards;
germination tests are recorded through genebank.viability.services (which withdraws their
seeds through the ledger), so the admin only shows them."""

from django.contrib import admin

from genebank.core import permissions
from genebank.core.admin import ReadOnlyHistoryAdmin, ServiceHistoryAdmin
from genebank.viability.models import GerminationReplicate, GerminationTest, SpeciesConstants
from genebank.viability.services import save_species_constants


@admin.register(SpeciesConstants)
class SpeciesConstantsAdmin(ServiceHistoryAdmin):
    list_display = ["species", "ke", "cw", "ch", "cq", "preferred", "source"]
    list_filter = ["preferred"]
    search_fields = ["species", "source"]
    service = staticmethod(save_species_constants)

    def has_add_permission(self, request):
        return permissions.can(request.user, permissions.MANAGE_SHARED_LISTS)

    def has_change_permission(self, request, obj=None):
        return permissions.can(request.user, permissions.MANAGE_SHARED_LISTS)


class ReplicateInline(admin.TabularInline):
    model = GerminationReplicate
    extra = 0
    fields = ["number", *GerminationReplicate.COUNTS]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GerminationTest)
class GerminationTestAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "lot",
        "tested_on",
        "tested_by",
        "substrate",
        "replicates",
        "seeds_per_replicate",
    ]
    list_filter = ["substrate", "light"]
    search_fields = ["lot__number"]
    list_select_related = ["lot", "tested_by"]
    raw_id_fields = ["lot", "tested_by"]
    inlines = [ReplicateInline]
