"""Admin pages for viability: the species constants are a shared list, edited by data stewards."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from genebank.core import permissions
from genebank.viability.models import SpeciesConstants


@admin.register(SpeciesConstants)
class SpeciesConstantsAdmin(SimpleHistoryAdmin):
    list_display = ["species", "ke", "cw", "ch", "cq", "preferred", "source"]
    list_filter = ["preferred"]
    search_fields = ["species", "source"]

    def has_add_permission(self, request):
        return permissions.can(request.user, permissions.MANAGE_SHARED_LISTS)

    def has_change_permission(self, request, obj=None):
        return permissions.can(request.user, permissions.MANAGE_SHARED_LISTS)

    def has_delete_permission(self, request, obj=None):
        return False
